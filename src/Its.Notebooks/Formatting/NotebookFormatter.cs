using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Its.Notebooks.Nbformat;
using Its.Plots;
using Its.Reporting;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Display = Its.Reporting.Display;
using Table = Its.Reporting.Table;

namespace Its.Notebooks.Formatting;

/// <summary>
/// The engine's formatter: the formatters its host registers (each library formats the types it
/// owns, <see cref="IDisplayFormatter"/>), tried in order, then <c>text/plain</c> for every value
/// and <c>text/html</c> for data frames (the first rows), Plotly.NET and XPlot.Plotly charts, sequences
/// and objects without a text of their own (a table of their properties). Every text from data or
/// code is HTML-escaped; output is bounded.
/// </summary>
/// <remarks>
/// A chart carries its figure as JSON, a div and a script that draw it with plotly.js
/// (<see cref="FigureDisplay.Chart"/>), so it shows in every front end, each taking the first form
/// it can show. plotly.js is not in a chart's output: a <see cref="Engine.NotebookSession"/> puts
/// it, offline, in front of its first chart, and the kit's HTML report once in each page's head.
/// </remarks>
/// <param name="formatters">The host's formatters, tried in order before the engine's own; the first that knows a value shows it.</param>
public sealed class NotebookFormatter(IEnumerable<IDisplayFormatter> formatters) : IMimeFormatter
{
    private readonly IDisplayFormatter[] _formatters = formatters?.ToArray() ?? throw new ArgumentNullException(nameof(formatters));

    /// <summary>Items of a sequence, and rows of a data frame, shown at most (as .NET Interactive's <c>ListExpansionLimit</c>).</summary>
    public const int Limit = 20;

    /// <inheritdoc />
    public MimeBundle Format(object? value)
    {
        if (value is null) return MimeBundle.Plain("null");
        foreach (var formatter in _formatters)
            if (formatter.Format(value) is { } display) return Bundle(display);
        return value switch
        {
            string s => MimeBundle.Plain(s),
            DataFrame frame => FormatTable(FrameTable(frame)),
            GenericChart chart => Bundle(FigureDisplay.Chart(PlotlyHtml.Figure(chart), png: null)),
            XPlot.Plotly.PlotlyChart chart => Bundle(FigureDisplay.Chart(XPlotFigure.Of(chart), png: null)),
            IEnumerable sequence => Sequence(sequence),
            _ when HasOwnText(value) => MimeBundle.Plain(Text(value)),
            _ => FormatTable(PropertyTable(value)),
        };
    }

    // A registered formatter's display as the engine's bundle, its metadata as JSON.
    private static MimeBundle Bundle(Display display)
    {
        var metadata = new JsonObject();
        foreach (var (type, json) in display.Metadata) metadata[type] = JsonNode.Parse(json);
        return new MimeBundle(display.Data) { Metadata = metadata };
    }

    private static MimeBundle FormatTable(Table table) => Bundle(Display.Of(table));

    private static Table FrameTable(DataFrame frame)
    {
        long rows = frame.Rows.Count;
        int shown = (int)Math.Min(rows, Limit);
        string caption = $"{Count(rows, "row")} x {Count(frame.Columns.Count, "column")}" + (shown < rows ? $", first {shown} shown" : "");
        return new Table(caption, frame.Columns.Select(c => c.Name).ToArray(),
            Enumerable.Range(0, shown).Select(i => (IReadOnlyList<string>)frame.Columns.Select(c => Text(c[i])).ToArray()).ToArray());
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
        return Bundle(Display.TextAndHtml($"[{string.Join(", ", texts)}{(more ? ", ..." : "")}] ({count})", html.ToString()));
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
