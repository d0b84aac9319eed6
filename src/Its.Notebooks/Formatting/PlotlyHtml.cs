using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plotly.NET;

namespace Its.Notebooks.Formatting;

/// <summary>
/// A plotly.js figure (<c>{"data": [...], "layout": {...}}</c>) as an HTML fragment: a div and a
/// script that draws into it with <c>window.Plotly</c>. plotly.js itself is not in the fragment: the
/// kit's HTML report loads it once per page, so a page with ten charts carries it once. Where no
/// plotly.js is loaded (a Jupyter front end without it, or an untrusted notebook whose scripts do
/// not run) the div keeps a line saying where the chart can be seen.
/// </summary>
internal static partial class PlotlyHtml
{
    /// <summary>The MIME type of a Plotly figure as JSON, which Jupyter front ends with a Plotly renderer draw.</summary>
    public const string MimeType = "application/vnd.plotly.v1+json";

    /// <summary>The class of the div of every chart: the report embeds plotly.js when a page has one.</summary>
    public const string ChartClass = "its-chart";

    /// <summary>The opening of a chart's div; escaped text cannot contain it.</summary>
    public const string ChartMarker = "<div class=\"" + ChartClass + "\"";

    private const string Fallback = "Interactive chart: plotly.js is not loaded here; the notebook's HTML report shows it.";

    /// <summary>The figure of a Plotly.NET chart (its config is the kit's, see <see cref="Fragment"/>).</summary>
    public static JsonObject Figure(GenericChart chart) => Figure(GenericChart.toFigureJson(chart), "Plotly.NET");

    /// <summary>
    /// The figure of an XPlot.Plotly chart. XPlot exposes its traces and layout only inside the
    /// script it writes (<c>var data = [...]; var layout = {...}; Plotly.newPlot(...)</c>), so they
    /// are read from there and checked as JSON; the chart's random div id is dropped.
    /// </summary>
    /// <exception cref="FormatException">XPlot wrote a script of another shape.</exception>
    public static JsonObject Figure(XPlot.Plotly.PlotlyChart chart)
    {
        var m = XPlotScript().Match(chart.GetPlottingJS());
        if (!m.Success) throw new FormatException("the XPlot.Plotly chart's script is not 'var data = ...; var layout = ...; Plotly.newPlot(...)'");
        var layout = Parse(m.Groups["layout"].Value, "XPlot.Plotly layout");
        return new JsonObject
        {
            ["data"] = Parse(m.Groups["data"].Value, "XPlot.Plotly data"),
            // XPlot writes "" for a chart without a layout.
            ["layout"] = layout is JsonObject ? layout : new JsonObject(),
        };
    }

    private static JsonObject Figure(string json, string source) =>
        Parse(json, source + " figure") as JsonObject ?? throw new FormatException($"the {source} figure is not a JSON object");

    private static JsonNode? Parse(string json, string what)
    {
        try { return JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"the {what} is not JSON: {e.Message}", e); }
    }

    /// <summary>The chart's title as plain text, or null.</summary>
    public static string? Title(JsonObject figure)
    {
        var title = figure["layout"]?["title"];
        var text = title is JsonObject o ? o["text"] : title;
        return text is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? WebUtility.HtmlDecode(s) : null;
    }

    /// <summary>Number of traces.</summary>
    public static int Traces(JsonObject figure) => figure["data"] is JsonArray a ? a.Count : 0;

    /// <summary>
    /// The div and script. The figure is written with every <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, quote
    /// and non-ASCII character escaped as <c>\uXXXX</c>, so no text in it can close the script. The
    /// div's id is a hash of the figure (the same chart, the same bytes); the script finds its div
    /// as the element before it, so two identical charts on a page both draw.
    /// </summary>
    public static string Fragment(JsonObject figure)
    {
        string json = figure.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });
        string id = "its-chart-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12];
        // plotly.js sizes a chart without a layout height to its div, which holds one line of text: the
        // report's CSS gives such a div a height (a front end without plotly.js keeps the line).
        string height = HasHeight(figure) ? "" : " data-default-height";
        return $$"""
            {{ChartMarker}} id="{{id}}"{{height}}>{{Fallback}}</div>
            <script type="text/javascript">
            (function () {
              var script = document.currentScript;
              var div = script && script.previousElementSibling ? script.previousElementSibling : document.getElementById("{{id}}");
              if (!window.Plotly || !div) return;
              var figure = {{json}};
              div.textContent = "";
              window.Plotly.newPlot(div, figure.data, figure.layout || {}, {responsive: true, displaylogo: false});
            })();
            </script>

            """;
    }

    /// <summary>The height in pixels the report gives a chart whose layout sets none (plotly.js's own default).</summary>
    public const int DefaultHeight = 450;

    private static bool HasHeight(JsonObject figure) =>
        figure["layout"] is JsonObject layout && layout["height"] is JsonValue h && h.TryGetValue(out double pixels) && pixels > 0;

    // XPlot's inline template; JSON never holds a raw newline, so ";" + newline ends each value.
    [GeneratedRegex(@"var data = (?<data>.*?);[ \t]*\r?\n\s*var layout = (?<layout>.*?);[ \t]*\r?\n\s*Plotly\.newPlot\(", RegexOptions.Singleline)]
    private static partial Regex XPlotScript();
}
