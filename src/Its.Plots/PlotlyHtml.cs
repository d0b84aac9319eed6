using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace Its.Plots;

/// <summary>
/// A plotly.js figure (<c>{"data": [...], "layout": {...}}</c>) as an HTML fragment: a div and a
/// script that draws into it with <c>window.Plotly</c>. plotly.js itself is not in the fragment: the
/// kit's HTML report loads it once per page, and a notebook session puts it once, before its first
/// chart, so a page or a notebook with ten charts carries it once. A
/// chart whose script runs before plotly.js is there waits for it a few seconds, then says how to
/// load it; where scripts do not run (an untrusted notebook) the div keeps a line saying so.
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The MIME type of a Plotly figure as JSON, which Jupyter front ends with a Plotly renderer draw.</summary>
    public const string MimeType = "application/vnd.plotly.v1+json";

    /// <summary>The class of the div of every chart: the report embeds plotly.js when a page has one.</summary>
    public const string ChartClass = "its-chart";

    /// <summary>The opening of a chart's div; escaped text cannot contain it.</summary>
    public const string ChartMarker = "<div class=\"" + ChartClass + "\"";

    private const string Fallback = "Interactive chart: it draws where the notebook's scripts run (a trusted notebook); the notebook's HTML report shows it too.";

    private const string Missing = "plotly.js is not loaded on this page: run the notebook's first chart cell again, or open the notebook's HTML report.";

    /// <summary>The figure of a Plotly.NET chart (its config is the kit's, see <see cref="Fragment"/>).</summary>
    public static JsonObject Figure(GenericChart chart) => Figure(GenericChart.toFigureJson(chart), "Plotly.NET");

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
    /// div's id is a hash of the figure (the same chart, the same bytes). The script draws into the
    /// element before it when that is its div, else into the first div of its id not taken yet
    /// (front ends such as the classic Notebook run a copy of the script in the page's head), so
    /// two identical charts on a page both draw. It waits up to 10 s for plotly.js.
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
              var id = "{{id}}", script = document.currentScript;
              var free = function (d) { return !!d && d.id === id && !d.hasAttribute("data-its-taken"); };
              var div = script && free(script.previousElementSibling) ? script.previousElementSibling
                : Array.prototype.filter.call(document.querySelectorAll("div.{{ChartClass}}"), free)[0];
              if (!div) return;
              div.setAttribute("data-its-taken", "");
              var figure = {{json}};
              var tries = 0;
              (function draw() {
                if (window.Plotly) {
                  div.textContent = "";
                  window.Plotly.newPlot(div, figure.data, figure.layout || {}, {responsive: true, displaylogo: false});
                } else if (++tries < 50) {
                  setTimeout(draw, 200);
                } else {
                  div.textContent = "{{Missing}}";
                }
              })();
            })();
            </script>

            """;
    }

    /// <summary>The height in pixels the report gives a chart whose layout sets none (plotly.js's own default).</summary>
    public const int DefaultHeight = 450;

    private static bool HasHeight(JsonObject figure) =>
        figure["layout"] is JsonObject layout && layout["height"] is JsonValue h && h.TryGetValue(out double pixels) && pixels > 0;
}
