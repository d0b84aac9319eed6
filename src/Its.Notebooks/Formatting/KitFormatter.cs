using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Its.Comparison;
using Its.Notebooks.Nbformat;
using Its.Plots;
using Its.Reporting;
using Its.Results;
using Its.Robustness;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Sanming;
using Table = Its.Reporting.Table;

namespace Its.Notebooks.Formatting;

/// <summary>
/// The kit's formatters, in one place: <c>text/plain</c> for every value, and <c>text/html</c> for
/// results (the reports' HTML), tables, the study's fits, data frames (the first rows), charts
/// (Plotly.NET, XPlot.Plotly, <see cref="ItsFigure"/>, <see cref="ChartFigure"/>) and objects without a text of their own (a
/// table of their properties). Every text from data or code is HTML-escaped; output is bounded.
/// </summary>
/// <remarks>
/// <para>Results that a report needs more to render take sensible defaults: a comparison is shown
/// without a permutation test. A <see cref="PlaceboResult"/> does not carry the model it moved, whose
/// scale its report needs, so it is shown as text; render it with <see cref="RobustnessReport"/>.</para>
/// <para>A chart carries its figure as JSON, a div and a script that draw it with plotly.js, and
/// (for the kit's figures) a PNG, so it shows in every front end, each taking the first form it can show. plotly.js
/// is not in a chart's output: a <see cref="Engine.NotebookSession"/> puts it, offline, in front of
/// its first chart, and the kit's HTML report once in each page's head.</para>
/// </remarks>
public sealed class KitFormatter : IMimeFormatter
{
    /// <summary>Items of a sequence, and rows of a data frame, shown at most (as .NET Interactive's <c>ListExpansionLimit</c>).</summary>
    public const int Limit = 20;

    /// <inheritdoc />
    public MimeBundle Format(object? value) => value switch
    {
        null => MimeBundle.Plain("null"),
        string s => MimeBundle.Plain(s),
        ItsResult r => Both(ResultReport.Render(r, ReportFormat.Text), ResultReport.Render(r, ReportFormat.Html)),
        ComparisonResult c => Both(ComparisonReport.Render(c, ReportFormat.Text), ComparisonReport.Render(c, ReportFormat.Html)),
        PowerResult p => Both(PowerReport.Render(p, ReportFormat.Text), PowerReport.Render(p, ReportFormat.Html)),
        BreakSearchResult b => Both(BreakSearchReport.Render(b, ReportFormat.Text), BreakSearchReport.Render(b, ReportFormat.Html)),
        PlaceboResult { Spec: not null } p => Both(RobustnessReport.Render(p, ReportFormat.Text), RobustnessReport.Render(p, ReportFormat.Html)),
        IReadOnlyList<SensitivityRow> rows when rows.Any(r => r.Result is not null) => Both(RobustnessReport.Render(rows, ReportFormat.Text), RobustnessReport.Render(rows, ReportFormat.Html)),
        Table t => Both(t.ToText(), t.ToHtml()),
        IEnumerable<StudyFit> fits => FormatTable(StudyTable(fits.ToArray())),
        IEnumerable<StudyComparison> comparisons => FormatTable(StudyPlan.DifferenceTable(comparisons.ToArray())),
        DataFrame frame => FormatTable(FrameTable(frame)),
        ItsFigure figure => Chart(PlotlyHtml.Figure(PlotlyRenderer.Render(figure)), StaticRenderer.Png(figure, ImageSize, ImageDpi)),
        LineFigure figure => Chart(PlotlyHtml.Figure(PlotlyRenderer.Render(figure)), StaticRenderer.Png(figure, ImageSize, ImageDpi)),
        ChartFigure figure => Chart(PlotlyHtml.Figure(ChartRenderer.Render(figure)), ChartRenderer.Png(figure, ImageSize, ImageDpi)),
        GenericChart chart => Chart(PlotlyHtml.Figure(chart), png: null),
        XPlot.Plotly.PlotlyChart chart => Chart(PlotlyHtml.Figure(chart), png: null),
        IEnumerable sequence => Sequence(sequence),
        _ when HasOwnText(value) => MimeBundle.Plain(Text(value)),
        _ => FormatTable(PropertyTable(value)),
    };

    private static MimeBundle Both(string text, string html) =>
        new(new Dictionary<string, string> { ["text/plain"] = text, ["text/html"] = html });

    private static MimeBundle FormatTable(Table table) => Both(table.ToText(), table.ToHtml());

    // The share fits are in percentage points of an untransformed share, the others in percent of a log outcome.
    private static Table StudyTable(StudyFit[] fits) =>
        fits.Length > 0 && fits.All(f => f.Group == StudyPlan.ShareGroup) ? StudyPlan.ShareTable(fits) : StudyPlan.MainTable(fits);

    private static Table FrameTable(DataFrame frame)
    {
        long rows = frame.Rows.Count;
        int shown = (int)Math.Min(rows, Limit);
        string caption = $"{Count(rows, "row")} x {Count(frame.Columns.Count, "column")}" + (shown < rows ? $", first {shown} shown" : "");
        return new Table(caption, frame.Columns.Select(c => c.Name).ToArray(),
            Enumerable.Range(0, shown).Select(i => (IReadOnlyList<string>)frame.Columns.Select(c => Text(c[i])).ToArray()).ToArray());
    }

    /// <summary>Pixels per inch of a chart's PNG: sharp on a high-density screen, with a quarter of the pixels of the 300-dpi file.</summary>
    public const int ImageDpi = 144;

    /// <summary>The size a chart's PNG is drawn at (and shown at, in CSS pixels of 1/96 inch: 672 x 432).</summary>
    public static FigureSize ImageSize => FigureSize.Default;

    /// <summary>
    /// A chart, in a form for every front end, each taking the first it can show:
    /// <list type="bullet">
    /// <item><c>application/vnd.plotly.v1+json</c>, the figure: drawn by VS Code and by JupyterLab
    /// with its Plotly extension, which prefer it to HTML;</item>
    /// <item><c>text/html</c>, a div and a script that draws the figure with plotly.js: the classic
    /// Notebook, nbconvert's HTML, JupyterLab without the extension and the kit's report prefer it
    /// to images (the session puts plotly.js in front of its first chart, see
    /// <see cref="PlotlyHtml.WithPlotlyJs"/>);</item>
    /// <item><c>image/png</c> at <see cref="ImageDpi"/>, shown at its size in CSS pixels
    /// (<see cref="MimeBundle.Metadata"/>), for viewers that run no scripts (GitHub's preview);
    /// only for the kit's figures, which the static renderer draws;</item>
    /// <item><c>text/plain</c>: the title and the number of traces.</item>
    /// </list>
    /// </summary>
    private static MimeBundle Chart(System.Text.Json.Nodes.JsonObject figure, byte[]? png)
    {
        string title = PlotlyHtml.Title(figure) is { } t ? $": {t}" : "";
        var data = new Dictionary<string, string>
        {
            ["text/plain"] = $"Plotly chart{title} ({Count(PlotlyHtml.Traces(figure), "trace")}{(png is null ? "; no static image: the kit draws one for its own figures only" : "")})",
            ["text/html"] = PlotlyHtml.Fragment(figure),
            [PlotlyHtml.MimeType] = figure.ToJsonString(),
        };
        if (png is null) return new MimeBundle(data);
        data["image/png"] = Convert.ToBase64String(png);
        int width = (int)Math.Round(ImageSize.WidthInches * StaticRenderer.SvgUnitsPerInch), height = (int)Math.Round(ImageSize.HeightInches * StaticRenderer.SvgUnitsPerInch);
        return new MimeBundle(data) { Metadata = new() { ["image/png"] = new System.Text.Json.Nodes.JsonObject { ["width"] = width, ["height"] = height } } };
    }

    /// <summary>
    /// A sequence: values that have a text of their own as a list, objects of one type without one
    /// as a table of their properties; the first <see cref="Limit"/> items.
    /// </summary>
    private static MimeBundle Sequence(IEnumerable sequence)
    {
        var items = sequence.Cast<object?>().Take(Limit + 1).ToList();
        bool more = items.Count > Limit;
        if (more) items.RemoveAt(Limit);
        int? total = sequence switch
        {
            ICollection c => c.Count,
            _ when sequence.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>)) is { } rc
                => (int?)rc.GetProperty("Count")!.GetValue(sequence),
            _ => null,
        };
        string count = !more ? Count(items.Count, "item") : total is { } n ? $"{Count(n, "item")}, first {Limit} shown" : $"first {Limit} items shown";
        var types = items.Select(i => i?.GetType()).Distinct().ToArray();
        if (items.Count > 0 && types is [{ } type] && !HasOwnText(items[0]!) && items[0] is not IEnumerable)
        {
            var properties = Properties(type);
            return FormatTable(new Table($"{TypeName(type)}: {count}", properties.Select(p => p.Name).ToArray(),
                items.Select(i => (IReadOnlyList<string>)properties.Select(p => Value(p, i!)).ToArray()).ToArray()));
        }
        var texts = items.Select(Inline).ToArray();
        var html = new StringBuilder("<div class=\"its-list\">\n<ol start=\"0\">\n");
        foreach (string t in texts) html.Append("<li>").Append(WebUtility.HtmlEncode(t)).Append("</li>\n");
        html.Append("</ol>\n<p>").Append(WebUtility.HtmlEncode(count)).Append("</p>\n</div>\n");
        return Both($"[{string.Join(", ", texts)}{(more ? ", ..." : "")}] ({count})", html.ToString());
    }

    private static Table PropertyTable(object value)
    {
        var type = value.GetType();
        return new Table(TypeName(type), ["property", "value"],
            Properties(type).Select(p => (IReadOnlyList<string>)[p.Name, Value(p, value)]).ToArray());
    }

    private static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();

    // One level: a property's value as a line of text, whatever it is.
    private static string Value(PropertyInfo property, object owner)
    {
        try { return Inline(property.GetValue(owner)); }
        catch (TargetInvocationException e) { return $"({e.InnerException?.GetType().Name ?? "error"}: {e.InnerException?.Message})"; }
    }

    private static string Inline(object? value) => value switch
    {
        null => "null",
        string s => s,
        IEnumerable sequence => InlineSequence(sequence),
        _ => Text(value),
    };

    private static string InlineSequence(IEnumerable sequence)
    {
        var items = sequence.Cast<object?>().Take(Limit + 1).Select(i => i is string or not IEnumerable ? Inline(i) : TypeName(i.GetType())).ToList();
        return "[" + string.Join(", ", items.Take(Limit)) + (items.Count > Limit ? ", ..." : "") + "]";
    }

    /// <summary>
    /// A value's own text: numbers and dates in the invariant culture (dates as ISO 8601), anything
    /// else by its ToString, which for a type without one is only its name.
    /// </summary>
    private static string Text(object? value) => value switch
    {
        null => "null",
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // A value has a text of its own unless its ToString is object's (the type's name).
    private static bool HasOwnText(object value) => value is IFormattable || Text(value) != value.GetType().ToString();

    private static string TypeName(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>" : type.Name;

    private static string Count(long n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
