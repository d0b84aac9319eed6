using System.Globalization;
using System.Net;
using Its.Time;
using Plotly.NET;

namespace Its.Plots;

/// <summary>
/// Draws an <see cref="ItsFigure"/> as an interactive Plotly.NET chart: the counterfactual band and
/// dashed line under the solid fitted segments, the observations on top, the post period shaded,
/// a dotted line with a label at each interruption.
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
        var traces = new List<Trace>();

        if (figure.Counterfactual.Count > 0)
        {
            var band = figure.Counterfactual;
            // plotly.js fills between a trace and the one before it ("tonexty"): the lower edge first.
            traces.Add(Scatter(band.Select(b => b.Period), band.Select(b => b.Lower), FigureStyle.BandName, "band", showLegend: false,
                line: new { width = 0, color = BandColour }, hoverinfo: "skip"));
            var upper = Scatter(band.Select(b => b.Period), band.Select(b => b.Upper), FigureStyle.BandName, "band", showLegend: true,
                line: new { width = 0, color = BandColour }, hoverinfo: "skip");
            upper.SetProperty("fill", "tonexty");
            upper.SetProperty("fillcolor", BandColour);
            traces.Add(upper);
            traces.Add(Scatter(band.Select(b => b.Period), band.Select(b => b.Value), FigureStyle.CounterfactualName, "counterfactual", showLegend: true,
                line: new { color = CounterfactualColour, width = 2, dash = "dash" }));
        }

        for (int s = 0; s < figure.FittedSegments.Count; s++)
        {
            var segment = figure.FittedSegments[s];
            traces.Add(Scatter(segment.Select(p => p.Period), segment.Select(p => p.Value), FigureStyle.FittedName, "fitted", showLegend: s == 0,
                line: new { color = FittedColour, width = 2 }));
        }

        var inFit = figure.Observed.Where(o => o.InFit).ToArray();
        var leftOut = figure.Observed.Where(o => !o.InFit).ToArray();
        traces.Add(Markers(inFit, FigureStyle.ObservedName, new { color = ObservedColour, size = 6 }));
        if (leftOut.Length > 0)
            traces.Add(Markers(leftOut, FigureStyle.LeftOutName, new { color = ObservedColour, size = 7, symbol = "circle-open" }));

        var layout = new Layout();
        layout.SetProperty("title", new { text = Escape(figure.Title), x = 0, xanchor = "left" });
        layout.SetProperty("height", 440);
        layout.SetProperty("margin", new { l = 70, r = 20, t = 90, b = 50 });
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("hovermode", "closest");
        layout.SetProperty("legend", new { orientation = "h", x = 0, xanchor = "left", y = 1.02, yanchor = "bottom" });
        layout.SetProperty("xaxis", new
        {
            type = "date",
            title = new { text = Period.Describe(figure.Frequency) },
            range = new[] { Date(ItsFigure.BoundaryBefore(figure.Observed[0].Period)), Date(ItsFigure.BoundaryBefore(figure.Observed[^1].Period.Add(1))) },
            hoverformat = HoverFormat(figure.Frequency),
            showline = true,
            linecolor = AxisLineColour,
            gridcolor = GridColour,
            zeroline = false,
        });
        layout.SetProperty("yaxis", new
        {
            title = new { text = Escape(figure.OutcomeLabel) },
            showline = true,
            linecolor = AxisLineColour,
            gridcolor = GridColour,
            zeroline = false,
            separatethousands = true,
            exponentformat = "none",
        });
        layout.SetProperty("shapes", figure.Interruptions.Select(InterruptionLine).Prepend(PostShading(figure.PostPeriod)).ToArray());
        layout.SetProperty("annotations", figure.Interruptions.Select(i => (object)new
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

        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
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

    private static Trace Markers(IReadOnlyList<ObservedPoint> points, string name, object marker)
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", points.Select(p => Date(ItsFigure.AxisDate(p.Period))).ToArray());
        trace.SetProperty("y", points.Select(p => p.Value).ToArray());
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
