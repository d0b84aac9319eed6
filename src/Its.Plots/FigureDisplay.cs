using System.Globalization;
using System.Text.Json.Nodes;
using Its.Reporting;

namespace Its.Plots;

/// <summary>
/// The kit's figures (<see cref="ItsFigure"/>, <see cref="LineFigure"/>, <see cref="ChartFigure"/>)
/// in a notebook, as charts (<see cref="Chart"/>) with a PNG drawn by the static renderers.
/// </summary>
public sealed class FigureDisplay : IDisplayFormatter
{
    /// <summary>Pixels per inch of a chart's PNG: sharp on a high-density screen, with a quarter of the pixels of the 300-dpi file.</summary>
    public const int ImageDpi = 144;

    /// <summary>The size a chart's PNG is drawn at (and shown at, in CSS pixels of 1/96 inch: 672 x 432).</summary>
    public static FigureSize ImageSize => FigureSize.Default;

    /// <inheritdoc />
    public Display? Format(object value) => value switch
    {
        ItsFigure figure => Chart(PlotlyHtml.Figure(PlotlyRenderer.Render(figure)), StaticRenderer.Png(figure, ImageSize, ImageDpi)),
        LineFigure figure => Chart(PlotlyHtml.Figure(PlotlyRenderer.Render(figure)), StaticRenderer.Png(figure, ImageSize, ImageDpi)),
        ChartFigure figure => Chart(PlotlyHtml.Figure(ChartRenderer.Render(figure)), ChartRenderer.Png(figure, ImageSize, ImageDpi)),
        _ => null,
    };

    /// <summary>
    /// A chart, in a form for every front end, each taking the first it can show:
    /// <list type="bullet">
    /// <item><c>application/vnd.plotly.v1+json</c>, the figure: drawn by VS Code and by JupyterLab
    /// with its Plotly extension, which prefer it to HTML;</item>
    /// <item><c>text/html</c>, a div and a script that draws the figure with plotly.js
    /// (<see cref="PlotlyHtml.Fragment"/>): the classic Notebook, nbconvert's HTML, JupyterLab
    /// without the extension and the kit's report prefer it to images (a notebook session puts
    /// plotly.js in front of its first chart);</item>
    /// <item><c>image/png</c> at <see cref="ImageDpi"/>, shown at its size in CSS pixels (the
    /// metadata's width and height), for viewers that run no scripts (GitHub's preview); only for
    /// the kit's figures, which the static renderers draw;</item>
    /// <item><c>text/plain</c>: the title and the number of traces.</item>
    /// </list>
    /// </summary>
    /// <param name="figure">The plotly.js figure.</param>
    /// <param name="png">The figure as a PNG drawn at <see cref="ImageSize"/>, or null when there is none (a chart the kit did not describe).</param>
    public static Display Chart(JsonObject figure, byte[]? png)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string title = PlotlyHtml.Title(figure) is { } t ? $": {t}" : "";
        int traces = PlotlyHtml.Traces(figure);
        string count = $"{traces.ToString("N0", CultureInfo.InvariantCulture)} trace{(traces == 1 ? "" : "s")}";
        var data = new Dictionary<string, string>
        {
            ["text/plain"] = $"Plotly chart{title} ({count}{(png is null ? "; no static image: the kit draws one for its own figures only" : "")})",
            ["text/html"] = PlotlyHtml.Fragment(figure),
            [PlotlyHtml.MimeType] = figure.ToJsonString(),
        };
        if (png is null) return new Display(data);
        data["image/png"] = Convert.ToBase64String(png);
        int width = (int)Math.Round(ImageSize.WidthInches * StaticRenderer.SvgUnitsPerInch), height = (int)Math.Round(ImageSize.HeightInches * StaticRenderer.SvgUnitsPerInch);
        var shown = new JsonObject { ["width"] = width, ["height"] = height };
        return new Display(data) { Metadata = new Dictionary<string, string> { ["image/png"] = shown.ToJsonString() } };
    }
}
