using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Its.Data.Output;
using Plotly.NET;

namespace Its.Plots;

/// <summary>The kinds of figure file <see cref="FigureExport"/> writes, chosen by the file's extension.</summary>
public enum FigureFormat
{
    /// <summary><c>.svg</c>: vector graphics for manuscripts (<see cref="StaticRenderer"/>).</summary>
    Svg,
    /// <summary><c>.png</c>: a 300-dpi image (<see cref="StaticRenderer"/>).</summary>
    Png,
    /// <summary><c>.html</c>: the interactive chart as a page that works offline (plotly.js inside).</summary>
    Html,
}

/// <summary>
/// One figure written to one file, as a command's <c>--figure FILE</c> asks: SVG, 300-dpi PNG or an
/// interactive HTML page by the file's extension. The file is written to a temporary file beside
/// it and moved into place, so a reader never sees half a figure; it carries a mark (a comment, a
/// PNG text chunk) by which a later write knows it may replace it, and a file without the mark,
/// which the user made, is never overwritten.
/// </summary>
public static class FigureExport
{
    /// <summary>The format of a figure file by its extension.</summary>
    /// <exception cref="ArgumentException">The extension is not <c>.svg</c>, <c>.png</c> or <c>.html</c> (the message says so).</exception>
    public static FigureFormat FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".svg" => FigureFormat.Svg,
            ".png" => FigureFormat.Png,
            ".html" or ".htm" => FigureFormat.Html,
            _ => throw new ArgumentException($"{path}: a figure file ends in .svg, .png (300 dpi) or .html (interactive)"),
        };
    }

    /// <summary>Writes an ITS figure to <paramref name="path"/> in the format of its extension.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="path">The file.</param>
    /// <param name="size">The printed size of SVG and PNG; <see cref="FigureSize.Default"/> when null.</param>
    public static void Write(ItsFigure figure, string path, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(path, () => StaticRenderer.Svg(figure, size), () => StaticRenderer.Png(figure, size), () => PlotlyRenderer.Render(figure), figure.Title);
    }

    /// <summary>Writes a line figure to <paramref name="path"/> in the format of its extension.</summary>
    public static void Write(LineFigure figure, string path, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(path, () => StaticRenderer.Svg(figure, size), () => StaticRenderer.Png(figure, size), () => PlotlyRenderer.Render(figure), figure.Title);
    }

    /// <summary>Writes a chart (<see cref="ChartFigure"/>) to <paramref name="path"/> in the format of its extension.</summary>
    public static void Write(ChartFigure figure, string path, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(path, () => ChartRenderer.Svg(figure, size), () => ChartRenderer.Png(figure, size), () => ChartRenderer.Render(figure), figure.Title);
    }

    /// <summary>Writes a figure given by its three renderings to <paramref name="path"/>, in the format of its extension.</summary>
    /// <param name="path">The file.</param>
    /// <param name="svg">The SVG document.</param>
    /// <param name="png">The PNG image.</param>
    /// <param name="chart">The interactive chart.</param>
    /// <param name="title">The page title of the HTML.</param>
    public static void Write(string path, Func<string> svg, Func<byte[]> png, Func<GenericChart> chart, string title)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(chart);
        byte[] bytes = FormatOf(path) switch
        {
            FigureFormat.Svg => Encoding.UTF8.GetBytes(svg()),
            FigureFormat.Png => png(),
            _ => Encoding.UTF8.GetBytes(Page(chart(), title)),
        };
        if (File.Exists(path) && !FigureSignature.IsSigned(path))
            throw new IOException($"{path} exists and is not a figure the kit wrote; remove it or give another file");
        AtomicFile.WriteAllBytes(path, FigureSignature.Signed(FormatOf(path), bytes));
    }

    /// <summary>
    /// A chart as a self-contained page: plotly.js (the version Plotly.NET ships) inside the page,
    /// no network needed; the figure's text escaped so it cannot close the script.
    /// </summary>
    public static string Page(GenericChart chart, string title)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{WebUtility.HtmlEncode(title)}}</title>
            <script type="text/javascript">{{PlotlyJs.Value}}</script>
            </head>
            <body style="margin:0;font-family:sans-serif">
            <div id="figure" style="width:100%;max-width:1100px;height:480px"></div>
            <script type="text/javascript">
            var figure = {{figure}};
            Plotly.newPlot(document.getElementById("figure"), figure.data, figure.layout || {}, {responsive: true, displaylogo: false});
            </script>
            </body>
            </html>

            """;
    }

    /// <summary>The plotly.js that Plotly.NET ships, for pages that must work offline.</summary>
    public static Lazy<string> PlotlyJs { get; } = new(() =>
    {
        // Plotly.NET embeds the plotly.js it was built against as a manifest resource named by its version.
        var assembly = typeof(GenericChart).Assembly;
        string name = $"Plotly.NET.plotly-{Globals.PLOTLYJS_VERSION}.min.js";
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} {assembly.GetName().Version} has no resource {name}; its resources are {string.Join(", ", assembly.GetManifestResourceNames())}");
        string js = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        // Inside <script> only "</script" ends the element; plotly.js has none, and a version that did would break the page.
        if (js.Contains("</script", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException($"{name} contains '</script' and cannot be inlined");
        return js;
    });
}
