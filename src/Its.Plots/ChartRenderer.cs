using System.Globalization;
using System.Net;
using Plotly.NET;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Its.Plots;

/// <summary>
/// Draws a <see cref="ChartFigure"/> as an interactive Plotly.NET chart (<see cref="Render"/>) and as
/// files for manuscripts with ScottPlot (<see cref="Svg"/>, 300-dpi <see cref="Png"/>), alike: the
/// series in the shared palette with their interval bars, dashed reference lines (labelled at the
/// line in the chart, in the legend of the files), the
/// position axis as numbers, dates or the category labels. The same figure gives the same bytes.
/// </summary>
public static class ChartRenderer
{
    private static readonly FigureColour Reference = FigureStyle.Interruption;

    /// <summary>The height of the interactive chart in pixels: 440, more for a forest plot of many rows.</summary>
    public static int Height(ChartFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Horizontal && figure.Axis == ChartAxis.Category ? Math.Max(440, 160 + 26 * figure.Categories.Count) : 440;
    }

    private static FigureColour Colour(ChartSeries series) => FigureStyle.Palette[series.Colour % FigureStyle.Palette.Count];

    private static FigureColour Colour(ChartReference line) => line.Colour is { } c ? FigureStyle.Palette[c % FigureStyle.Palette.Count] : Reference;

    // ---- Plotly ----

    /// <summary>The interactive chart; its JSON holds no random ids, so the same figure gives the same chart.</summary>
    public static GenericChart Render(ChartFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var traces = new List<Trace>();
        foreach (var series in figure.Series)
        {
            string colour = Colour(series).Css;
            var trace = new Trace2D("scatter");
            var positions = series.Points.Select(p => Position(figure, p.At)).ToArray();
            var values = series.Points.Select(p => p.Value).ToArray();
            trace.SetProperty(figure.Horizontal ? "y" : "x", positions);
            trace.SetProperty(figure.Horizontal ? "x" : "y", values);
            trace.SetProperty("mode", series.Mark == ChartMark.LineAndPoints ? "lines+markers" : "markers");
            trace.SetProperty("name", Escape(series.Name));
            trace.SetProperty("marker", new { color = colour, size = series.Marked ? 10 : 7 });
            trace.SetProperty("line", new { color = colour, width = 2 });
            if (series.Points.Any(p => p.HasInterval))
            {
                trace.SetProperty(figure.Horizontal ? "error_x" : "error_y", new
                {
                    type = "data",
                    symmetric = false,
                    array = series.Points.Select(p => p.Upper is { } u ? u - p.Value : 0).ToArray(),
                    arrayminus = series.Points.Select(p => p.Lower is { } l ? p.Value - l : 0).ToArray(),
                    color = colour,
                    thickness = 1.5,
                    width = 0,
                });
            }
            traces.Add(trace);
        }

        var layout = new Plotly.NET.Layout();
        layout.SetProperty("title", new { text = Escape(figure.Title), x = 0, xanchor = "left" });
        layout.SetProperty("height", Height(figure));
        layout.SetProperty("margin", new { l = 80, r = 30, t = 100, b = 60 });
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("hovermode", "closest");
        // The legend names the estimate and its interval even when there is one series.
        layout.SetProperty("showlegend", true);
        layout.SetProperty("legend", new { orientation = "h", x = 0, xanchor = "left", y = 1.02, yanchor = "bottom" });
        object positionAxis = new
        {
            type = figure.Axis switch { ChartAxis.Date => "date", ChartAxis.Category => "category", _ => "linear" },
            title = new { text = Escape(figure.PositionLabel), standoff = 12 },
            automargin = true,
            showline = true,
            linecolor = FigureStyle.AxisLine.Css,
            gridcolor = FigureStyle.Grid.Css,
            zeroline = false,
            tickformat = figure.Axis == ChartAxis.Date ? PlotlyDate(figure.DateFormat) : null,
            // Categories in the figure's order, the first on top of a forest plot.
            categoryorder = figure.Axis == ChartAxis.Category ? "array" : null,
            categoryarray = figure.Axis == ChartAxis.Category ? figure.Categories.Select(Escape).ToArray() : null,
            autorange = figure.Horizontal && figure.Axis == ChartAxis.Category ? "reversed" : null,
        };
        object valueAxis = new
        {
            type = "linear",
            title = new { text = Escape(figure.ValueLabel), standoff = 12 },
            automargin = true,
            showline = true,
            linecolor = FigureStyle.AxisLine.Css,
            gridcolor = FigureStyle.Grid.Css,
            zeroline = false,
            range = figure.ValueRange is { } r ? new[] { r.Min - 0.02 * (r.Max - r.Min), r.Max + 0.02 * (r.Max - r.Min) } : null,
        };
        layout.SetProperty("xaxis", figure.Horizontal ? valueAxis : positionAxis);
        layout.SetProperty("yaxis", figure.Horizontal ? positionAxis : valueAxis);
        layout.SetProperty("shapes", figure.References.Select(line =>
        {
            // A value line runs across the positions, a position line across the values.
            bool alongX = line.OnPositionAxis == figure.Horizontal;
            object at = line.OnPositionAxis ? Position(figure, line.At) : line.At;
            return alongX
                ? (object)new { type = "line", xref = "paper", yref = "y", x0 = 0, x1 = 1, y0 = at, y1 = at, line = new { color = Colour(line).Css, width = 1.5, dash = "dash" } }
                : new { type = "line", xref = "x", yref = "paper", x0 = at, x1 = at, y0 = 0, y1 = 1, line = new { color = Colour(line).Css, width = 1.5, dash = "dash" } };
        }).ToArray());
        layout.SetProperty("annotations", figure.References.Select(line =>
        {
            bool alongX = line.OnPositionAxis == figure.Horizontal;
            object at = line.OnPositionAxis ? Position(figure, line.At) : line.At;
            var font = new { size = 11, color = Colour(line).Css };
            return alongX
                ? (object)new { xref = "paper", yref = "y", x = 1, y = at, text = Escape(line.Label), showarrow = false, xanchor = "right", yanchor = "bottom", font }
                : new { xref = "x", yref = "paper", x = at, y = 1, text = Escape(line.Label), showarrow = false, xanchor = "left", yanchor = "top", font };
        }).ToArray());
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    private static object Position(ChartFigure figure, double at) => figure.Axis switch
    {
        ChartAxis.Date => DateTime.FromOADate(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ChartAxis.Category => Escape(figure.Categories[(int)Math.Round(at)]),
        _ => at,
    };

    private static string PlotlyDate(string format) => format.Replace("yyyy", "%Y", StringComparison.Ordinal).Replace("MM", "%m", StringComparison.Ordinal).Replace("dd", "%d", StringComparison.Ordinal);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    // ---- ScottPlot ----

    /// <summary>The figure as an SVG document of <paramref name="size"/> (see <see cref="StaticRenderer.Svg(ItsFigure, FigureSize?)"/>).</summary>
    public static string Svg(ChartFigure figure, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return StaticRenderer.Svg(scale => Build(figure, scale), size ?? DefaultSize(figure));
    }

    /// <summary>The figure as a PNG image of <paramref name="size"/>, 300 dpi by default (see <see cref="StaticRenderer.Png(ItsFigure, FigureSize?, int)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dpi is not between 24 and 1200.</exception>
    public static byte[] Png(ChartFigure figure, FigureSize? size = null, int dpi = StaticRenderer.PngDpi)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return StaticRenderer.Png(scale => Build(figure, scale), size ?? DefaultSize(figure), dpi);
    }

    // A forest or caterpillar plot prints 0.2 in a row (as the interactive chart's 26 px) up to a page's
    // 9 in; more rows than fit share the page and only every LabelStep-th is labelled.
    private const double RowInches = 0.2, PageInches = 9, FrameInches = 1.8;
    private static readonly int RowsOnAPage = (int)((PageInches - FrameInches) / RowInches);

    /// <summary>
    /// The printed size when none is given: the default, taller for a forest plot of many rows (0.2 in
    /// a row, at most a 9-in page, in whole quarter inches so the SVG and the PNG have the same shape).
    /// </summary>
    public static FigureSize DefaultSize(ChartFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var standard = FigureSize.Default;
        if (!(figure.Horizontal && figure.Axis == ChartAxis.Category)) return standard;
        double height = Math.Min(PageInches, FrameInches + RowInches * figure.Categories.Count);
        return standard with { HeightInches = Math.Max(standard.HeightInches, Math.Ceiling(height * 4) / 4) };
    }

    /// <summary>Every how many rows a printed forest plot labels: 1, or more when its rows do not fit a page at 0.2 in (the interactive chart names every row).</summary>
    public static int LabelStep(ChartFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Horizontal && figure.Axis == ChartAxis.Category ? Math.Max(1, (figure.Categories.Count + RowsOnAPage - 1) / RowsOnAPage) : 1;
    }

    private static Plot Build(ChartFigure figure, double scale)
    {
        var plot = new Plot { ScaleFactor = scale };
        if (Fonts.GetTypeface(StaticRenderer.FontFamily, bold: false, italic: false)?.FamilyName == StaticRenderer.FontFamily)
            plot.Font.Set(StaticRenderer.FontFamily);
        bool horizontal = figure.Horizontal;
        // Categories top to bottom in a forest plot: the first at the highest y.
        double Pos(double at) => horizontal && figure.Axis == ChartAxis.Category ? figure.Categories.Count - 1 - at : at;
        Coordinates Point(double at, double value) => horizontal ? new Coordinates(value, Pos(at)) : new Coordinates(Pos(at), value);

        foreach (var series in figure.Series)
        {
            var colour = StaticRenderer.Colour(Colour(series));
            foreach (var p in series.Points.Where(p => p.HasInterval))
            {
                var a = Point(p.At, p.Lower!.Value);
                var b = Point(p.At, p.Upper!.Value);
                var bar = plot.Add.Line(a.X, a.Y, b.X, b.Y);
                bar.LineColor = colour;
                bar.LineWidth = 1.5f;
                bar.MarkerSize = 0;
                bar.LegendText = "";
            }
            var coordinates = series.Points.Select(p => Point(p.At, p.Value)).ToArray();
            if (coordinates.Length == 0) continue;
            var scatter = plot.Add.Scatter(coordinates.Select(c => c.X).ToArray(), coordinates.Select(c => c.Y).ToArray(), colour);
            scatter.LineWidth = series.Mark == ChartMark.LineAndPoints ? 2 : 0;
            scatter.MarkerSize = series.Marked ? 9 : 6;
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.LegendText = series.Name;
        }

        // The reference lines after the series, so that the legend lists the data first.
        foreach (var line in figure.References)
        {
            var colour = StaticRenderer.Colour(Colour(line));
            bool vertical = line.OnPositionAxis != horizontal;
            double at = line.OnPositionAxis ? Pos(line.At) : line.At;
            if (vertical)
            {
                var mark = plot.Add.VerticalLine(at, 1.5f, colour, LinePattern.Dashed);
                mark.LegendText = line.Label;
            }
            else
            {
                var mark = plot.Add.HorizontalLine(at, 1.5f, colour, LinePattern.Dashed);
                mark.LegendText = line.Label;
            }
        }

        IAxis positionAxis = horizontal ? plot.Axes.Left : plot.Axes.Bottom;
        IAxis valueAxis = horizontal ? plot.Axes.Bottom : plot.Axes.Left;
        switch (figure.Axis)
        {
            case ChartAxis.Date when !horizontal:
                plot.Axes.DateTimeTicksBottom();
                plot.Axes.Bottom.TickGenerator = new DateTimeAutomatic { LabelFormatter = d => d.ToString(figure.DateFormat, CultureInfo.InvariantCulture) };
                break;
            case ChartAxis.Category:
                var ticks = new NumericManual();
                int step = LabelStep(figure);
                for (int i = 0; i < figure.Categories.Count; i += step) ticks.AddMajor(Pos(i), figure.Categories[i]);
                positionAxis.TickGenerator = ticks;
                break;
            default:
                positionAxis.TickGenerator = new NumericAutomatic { LabelFormatter = ValueAxis.Label };
                break;
        }
        valueAxis.TickGenerator = new NumericAutomatic { LabelFormatter = ValueAxis.Label };
        if (figure.Axis == ChartAxis.Category)
        {
            if (horizontal) plot.Axes.SetLimitsY(-0.7, figure.Categories.Count - 0.3);
            else plot.Axes.SetLimitsX(-0.7, figure.Categories.Count - 0.3);
        }
        if (figure.ValueRange is { } r)
        {
            double pad = 0.02 * (r.Max - r.Min);
            if (horizontal) plot.Axes.SetLimitsX(r.Min - pad, r.Max + pad);
            else plot.Axes.SetLimitsY(r.Min - pad, r.Max + pad);
        }

        // Room for the last tick label at the right edge.
        plot.Axes.Right.MinimumSize = 24;
        plot.Title(figure.Title);
        // Centred on the figure, not the data area, so a long title beside wide axis labels is not cut.
        plot.Axes.Title.FullFigureCenter = true;
        string xLabel = horizontal ? figure.ValueLabel : figure.PositionLabel;
        string yLabel = horizontal ? figure.PositionLabel : figure.ValueLabel;
        plot.XLabel(xLabel, size: 14);
        plot.YLabel(yLabel, size: 14);
        plot.Grid.MajorLineColor = StaticRenderer.Colour(FigureStyle.Grid);
        plot.Legend.Orientation = Orientation.Horizontal;
        // A flat legend: a drop shadow is a translucent black the SVG would draw opaque.
        plot.Legend.ShadowOffset = new PixelOffset(0, 0);
        plot.Legend.ShadowColor = StaticRenderer.Colour(FigureStyle.None);
        plot.ShowLegend(Edge.Top);
        return plot;
    }
}
