using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Its.Notebooks.Formatting;

/// <summary>The plotly.js figure of an XPlot.Plotly chart.</summary>
internal static partial class XPlotFigure
{
    /// <summary>
    /// The figure of an XPlot.Plotly chart. XPlot exposes its traces and layout only inside the
    /// script it writes (<c>var data = [...]; var layout = {...}; Plotly.newPlot(...)</c>), so they
    /// are read from there and checked as JSON; the chart's random div id is dropped.
    /// </summary>
    /// <exception cref="FormatException">XPlot wrote a script of another shape.</exception>
    public static JsonObject Of(XPlot.Plotly.PlotlyChart chart)
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

    private static JsonNode? Parse(string json, string what)
    {
        try { return JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"the {what} is not JSON: {e.Message}", e); }
    }

    // XPlot's inline template; JSON never holds a raw newline, so ";" + newline ends each value.
    [GeneratedRegex(@"var data = (?<data>.*?);[ \t]*\r?\n\s*var layout = (?<layout>.*?);[ \t]*\r?\n\s*Plotly\.newPlot\(", RegexOptions.Singleline)]
    private static partial Regex XPlotScript();
}
