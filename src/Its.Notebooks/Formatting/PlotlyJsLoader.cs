using System.Text.Json.Nodes;
using Its.Notebooks.Nbformat;
using Its.Plots;

namespace Its.Notebooks.Formatting;

/// <summary>
/// plotly.js in a notebook: a session puts it once, in front of its first chart (the charts after
/// it use the same <c>window.Plotly</c>), and the kit's report takes it out again, having its own in
/// the page's head.
/// </summary>
internal static class PlotlyJsLoader
{
    // The opening of the script that loads plotly.js, in front of a session's first chart.
    private const string LoaderMarker = "<script type=\"text/javascript\" data-its-plotly-js>";

    /// <summary>Whether a bundle is a chart the kit made (its HTML has a chart's div).</summary>
    public static bool IsChart(MimeBundle bundle) =>
        bundle.Data.TryGetValue("text/html", out string? html) && html.Contains(PlotlyHtml.ChartMarker, StringComparison.Ordinal);

    /// <summary>
    /// A chart's bundle with plotly.js in front of its HTML (once per notebook session: the charts
    /// after it use the same <c>window.Plotly</c>). plotly.js runs in a function whose <c>define</c>,
    /// <c>module</c> and <c>exports</c> are undefined, so its UMD wrapper sets <c>window.Plotly</c>
    /// also in a front end that loads require.js (the classic Notebook), where it would otherwise
    /// register an AMD module only. A page that has plotly.js already keeps its own.
    /// </summary>
    public static MimeBundle WithPlotlyJs(MimeBundle chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var data = chart.Data.ToDictionary();
        data["text/html"] = Loader.Value + data["text/html"];
        return new MimeBundle(data) { Metadata = (JsonObject)chart.Metadata.DeepClone() };
    }

    /// <summary>A chart's HTML without the plotly.js <see cref="WithPlotlyJs"/> put in front of it (for a page that has its own).</summary>
    public static string WithoutPlotlyJs(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (!html.StartsWith(LoaderMarker, StringComparison.Ordinal)) return html;
        // plotly.js holds no "</script" (FigureExport.PlotlyJs checks), so the first one ends the loader.
        int end = html.IndexOf(LoaderEnd, LoaderMarker.Length, StringComparison.Ordinal);
        return end < 0 ? html : html[(end + LoaderEnd.Length)..];
    }

    private const string LoaderEnd = "</script>\n";

    private static readonly Lazy<string> Loader = new(() =>
        LoaderMarker + "\nif (!window.Plotly) (function (define, module, exports) {\n" + FigureExport.PlotlyJs.Value + "\n}).call(window);\n" + LoaderEnd);
}
