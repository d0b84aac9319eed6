using System.Globalization;
using System.Net;
using Its.Time;
using Plotly.NET;

namespace Its.Plots;

/// <summary>
/// Draws an <see cref="ItsFigure"/> as an interactive Plotly.NET chart: the counterfactual band and
/// dashed line under the solid fitted segments, the observations on top, the post period shaded,
/// a dotted line with a label at each interruption; and a <see cref="LineFigure"/> in the same frame.
/// </summary>
public static class PlotlyRenderer
{
    private static readonly string ObservedColour = FigureStyle.Observed.Css;
    private static readonly string FittedColour = FigureStyle.Fitted.Css;
    private static readonly string CounterfactualColour = FigureStyle.Counterfactual.Css;
    private static readonly string BandColour = FigureStyle.Band.Css;
    private static readonly string PostShade = FigureStyle.PostShade.Css;
    private static readonly string InterruptionColour = FigureStyle.Interruption.Css;
    private static readonly string GridColour = FigureStyle.Grid.Css;
    private static readonly string AxisLineColour = FigureStyle.AxisLine.Css;

    /// <summary>The chart of a figure; its JSON holds no random ids, so the same figure gives the same chart.</summary>
    public static GenericChart Render(ItsFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var axis = ValueAxis.For(figure.OutcomeLabel, figure.Values(), log: false);
        var traces = new List<Trace>();

        if (figure.Counterfactual.Count > 0)
        {
            var band = figure.Counterfactual;
            // plotly.js fills between a trace and the one before it ("tonexty"): the lower edge first.
            traces.Add(Scatter(band.Select(b => b.Period), band.Select(b => axis.Scale(b.Lower)), Escape(figure.Named(FigureStyle.BandName)), "band", showLegend: false,
                line: new { width = 0, color = BandColour }, hoverinfo: "skip"));
            var upper = Scatter(band.Select(b => b.Period), band.Select(b => axis.Scale(b.Upper)), Escape(figure.Named(FigureStyle.BandName)), "band", showLegend: true,
                line: new { width = 0, color = BandColour }, hoverinfo: "skip");
            upper.SetProperty("fill", "tonexty");
            upper.SetProperty("fillcolor", BandColour);
            traces.Add(upper);
            traces.Add(Scatter(band.Select(b => b.Period), band.Select(b => axis.Scale(b.Value)), Escape(figure.Named(FigureStyle.CounterfactualName)), "counterfactual", showLegend: true,
                line: new { color = CounterfactualColour, width = 2, dash = "dash" }));
        }

        for (int s = 0; s < figure.FittedSegments.Count; s++)
        {
            var segment = figure.FittedSegments[s];
            traces.Add(Scatter(segment.Select(p => p.Period), segment.Select(p => axis.Scale(p.Value)), Escape(figure.Named(FigureStyle.FittedName)), "fitted", showLegend: s == 0,
                line: new { color = FittedColour, width = 2 }));
        }
        if (figure.Control is { } control)
        {
            string name = Escape(control.Name);
            for (int s = 0; s < control.FittedSegments.Count; s++)
            {
                var segment = control.FittedSegments[s];
                traces.Add(Scatter(segment.Select(p => p.Period), segment.Select(p => axis.Scale(p.Value)), $"{FigureStyle.FittedName}: {name}", "control-fitted", showLegend: s == 0,
                    line: new { color = FigureStyle.Control.Css, width = 2 }));
            }
            traces.Add(Markers(axis, control.Observed, $"{FigureStyle.ObservedName}: {name}", new { color = FigureStyle.Control.Css, size = 5, symbol = "square" }));
        }

        var inFit = figure.Observed.Where(o => o.InFit).ToArray();
        var leftOut = figure.Observed.Where(o => !o.InFit).ToArray();
        traces.Add(Markers(axis, inFit, Escape(figure.Named(FigureStyle.ObservedName)), new { color = ObservedColour, size = 6 }));
        if (leftOut.Length > 0)
            traces.Add(Markers(axis, leftOut, Escape(figure.Named(FigureStyle.LeftOutName)), new { color = ObservedColour, size = 7, symbol = "circle-open" }));

        var layout = Frame(figure.Title, figure.Frequency, axis, figure.Observed[0].Period, figure.Observed[^1].Period,
            figure.PostPeriod, figure.Interruptions, hovermode: "closest");
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    /// <summary>The chart of a line figure: one line with markers per series, in the shared palette.</summary>
    public static GenericChart Render(LineFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var axis = ValueAxis.For(figure.ValueLabel, figure.Lines.SelectMany(l => l.Points).Select(p => p.Value), figure.LogAxis);
        // Muted lines first, under the others, in one legend group named once.
        var traces = StaticRenderer.LineColours(figure).Select((x, i) => (x.Line, x.Colour, Index: i)).OrderBy(x => !x.Line.Muted).Select((x, order) =>
        {
            var (line, colour, i) = x;
            bool first = !line.Muted || order == 0;
            var trace = Scatter(line.Points.Select(p => p.Period), line.Points.Select(p => axis.Scale(p.Value)), Escape(line.Name), line.Muted ? "muted" : $"line{i}", showLegend: first,
                line: new { color = colour.Css, width = line.Muted ? 1 : 2 });
            trace.SetProperty("mode", line.Muted ? "lines" : "lines+markers");
            if (!line.Muted) trace.SetProperty("marker", new { color = colour.Css, size = 5 });
            return trace;
        }).ToList();
        var span = figure.Span;
        var layout = Frame(figure.Title, figure.Frequency, axis, span.First, span.Last,
            figure.Interruption is { } at ? new PeriodSpan(at, span.Last) : null, figure.Interruption is { } i ? [i] : [],
            hovermode: figure.Lines.Any(l => l.Muted) ? "closest" : "x unified", zeroLine: figure.ZeroLine);
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    // What every chart has: title, legend on top, the date axis over the whole series, the value
    // axis with its label, the post period shaded and a labelled dotted line at each interruption.
    private static Layout Frame(string title, Frequency frequency, ValueAxis axis, Period first, Period last, PeriodSpan? post,
        IReadOnlyList<Period> interruptions, string hovermode, bool zeroLine = false)
    {
        var layout = new Layout();
        layout.SetProperty("title", new { text = Escape(title), x = 0, xanchor = "left" });
        layout.SetProperty("height", 440);
        layout.SetProperty("margin", new { l = 80, r = 20, t = 90, b = 50 });
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("hovermode", hovermode);
        layout.SetProperty("legend", new { orientation = "h", x = 0, xanchor = "left", y = 1.02, yanchor = "bottom" });
        layout.SetProperty("xaxis", new
        {
            type = "date",
            title = new { text = Period.Describe(frequency) },
            automargin = true,
            range = new[] { Date(ItsFigure.BoundaryBefore(first)), Date(ItsFigure.BoundaryBefore(last.Add(1))) },
            hoverformat = HoverFormat(frequency),
            showline = true,
            linecolor = AxisLineColour,
            gridcolor = GridColour,
            zeroline = false,
        });
        bool log = axis.LogTicks.Count > 0;
        layout.SetProperty("yaxis", new
        {
            type = log ? "log" : "linear",
            // The title placed clear of the tick labels whatever their width.
            title = new { text = Escape(axis.Title), standoff = 12 },
            automargin = true,
            showline = true,
            linecolor = AxisLineColour,
            gridcolor = GridColour,
            zeroline = zeroLine,
            zerolinecolor = InterruptionColour,
            separatethousands = true,
            exponentformat = "none",
            tickmode = log ? "array" : "auto",
            tickvals = log ? axis.LogTicks.ToArray() : null,
            ticktext = log ? axis.LogTicks.Select(ValueAxis.Label).ToArray() : null,
        });
        var shapes = interruptions.Select(InterruptionLine);
        layout.SetProperty("shapes", (post is { } p ? shapes.Prepend(PostShading(p)) : shapes).ToArray());
        layout.SetProperty("annotations", interruptions.Select(i => (object)new
        {
            x = Date(ItsFigure.BoundaryBefore(i)),
            xref = "x",
            y = 1,
            yref = "paper",
            text = Escape(FigureStyle.InterruptionLabel(i)),
            showarrow = false,
            xanchor = "left",
            yanchor = "top",
            font = new { size = 11, color = InterruptionColour },
        }).ToArray());
        return layout;
    }

    private static Trace Scatter(IEnumerable<Period> periods, IEnumerable<double> values, string name, string group, bool showLegend, object line, string? hoverinfo = null)
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", periods.Select(p => Date(ItsFigure.AxisDate(p))).ToArray());
        trace.SetProperty("y", values.ToArray());
        trace.SetProperty("mode", "lines");
        trace.SetProperty("name", name);
        trace.SetProperty("legendgroup", group);
        trace.SetProperty("showlegend", showLegend);
        trace.SetProperty("line", line);
        if (hoverinfo is not null) trace.SetProperty("hoverinfo", hoverinfo);
        return trace;
    }

    private static Trace Markers(ValueAxis axis, IReadOnlyList<ObservedPoint> points, string name, object marker)
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", points.Select(p => Date(ItsFigure.AxisDate(p.Period))).ToArray());
        trace.SetProperty("y", points.Select(p => axis.Scale(p.Value)).ToArray());
        trace.SetProperty("mode", "markers");
        trace.SetProperty("name", name);
        trace.SetProperty("marker", marker);
        return trace;
    }

    private static object PostShading(PeriodSpan post) => new
    {
        type = "rect", xref = "x", yref = "paper", layer = "below",
        x0 = Date(ItsFigure.BoundaryBefore(post.First)), x1 = Date(ItsFigure.BoundaryBefore(post.Last.Add(1))),
        y0 = 0, y1 = 1, fillcolor = PostShade, line = new { width = 0 },
    };

    private static object InterruptionLine(Period interruption) => new
    {
        type = "line", xref = "x", yref = "paper",
        x0 = Date(ItsFigure.BoundaryBefore(interruption)), x1 = Date(ItsFigure.BoundaryBefore(interruption)),
        y0 = 0, y1 = 1, line = new { color = InterruptionColour, width = 1.5, dash = "dot" },
    };

    private static string HoverFormat(Frequency frequency) => frequency switch
    {
        Frequency.Month => "%Y-%m",
        Frequency.Quarter => "%Y-Q%q",
        _ => "%Y",
    };

    // plotly.js dates as text: a day, or a day and time for the half-period boundaries.
    private static string Date(DateTime t) => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    // plotly.js reads a subset of HTML in every label (<b>, <br>, entities): names from data are escaped to show as written.
    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
