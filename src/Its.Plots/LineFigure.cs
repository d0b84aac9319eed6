using System.Globalization;
using System.Net;
using Its.Model;
using Its.Time;
using Plotly.NET;

namespace Its.Plots;

/// <summary>One line of a <see cref="LineFigure"/>: a named series of values by period.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Points">The values, in time order.</param>
public sealed record Line(string Name, IReadOnlyList<FittedPoint> Points);

/// <summary>
/// Observed series over time, without a model: several lines on one value axis (e.g. one outcome
/// by institution type), the interruption marked and the post period shaded as in
/// <see cref="ItsFigure"/>, optionally on a log axis so that series of different sizes show their
/// growth side by side. For a fitted model use <see cref="ItsFigure"/>.
/// </summary>
public sealed record LineFigure
{
    /// <summary>Title of the figure.</summary>
    public required string Title { get; init; }

    /// <summary>The value axis label with units.</summary>
    public required string ValueLabel { get; init; }

    /// <summary>Frequency of the series (the time axis).</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>The lines, in legend order.</summary>
    public required IReadOnlyList<Line> Lines { get; init; }

    /// <summary>The interruption to mark, with the post period shaded from it to the last period; none when null.</summary>
    public Period? Interruption { get; init; }

    /// <summary>A log value axis: equal growth rates show as equal slopes.</summary>
    public bool LogAxis { get; init; }

    /// <summary>The figure of series with the same frequency, each line named by its series' outcome name unless <paramref name="names"/> are given.</summary>
    /// <exception cref="ArgumentException">No series, frequencies differ, or the names do not match the series.</exception>
    public static LineFigure From(string title, string valueLabel, IReadOnlyList<TimeSeries> series, Period? interruption = null, IReadOnlyList<string>? names = null, bool logAxis = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("a line figure needs at least one series", nameof(series));
        if (series.Select(s => s.Frequency).Distinct().Count() > 1) throw new ArgumentException("the series have different frequencies", nameof(series));
        if (names is not null && names.Count != series.Count) throw new ArgumentException($"{names.Count} names for {series.Count} series", nameof(names));
        return new LineFigure
        {
            Title = title,
            ValueLabel = valueLabel,
            Frequency = series[0].Frequency,
            Lines = series.Select((s, i) => new Line(names?[i] ?? s.OutcomeName,
                s.Periods.Zip(s.Outcome, (p, y) => new FittedPoint(p, y)).Where(p => double.IsFinite(p.Value)).ToArray())).ToArray(),
            Interruption = interruption,
            LogAxis = logAxis,
        };
    }

    /// <summary>First and last period over all lines.</summary>
    public PeriodSpan Span => new(Lines.SelectMany(l => l.Points).Min(p => p.Period), Lines.SelectMany(l => l.Points).Max(p => p.Period));
}

/// <summary>Draws a <see cref="LineFigure"/> as a Plotly.NET chart: lines with markers, the interruption dotted, the post period shaded.</summary>
public static class LineChart
{
    /// <summary>The chart of a figure; deterministic JSON (no random ids).</summary>
    public static GenericChart Render(LineFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var traces = figure.Lines.Select((line, i) =>
        {
            var trace = new Trace2D("scatter");
            trace.SetProperty("x", line.Points.Select(p => Date(ItsFigure.AxisDate(p.Period))).ToArray());
            trace.SetProperty("y", line.Points.Select(p => p.Value).ToArray());
            trace.SetProperty("mode", "lines+markers");
            trace.SetProperty("name", Escape(line.Name));
            string colour = FigureStyle.Palette[i % FigureStyle.Palette.Count].Css;
            trace.SetProperty("line", new { color = colour, width = 2 });
            trace.SetProperty("marker", new { color = colour, size = 5 });
            return (Trace)trace;
        }).ToList();

        var span = figure.Span;
        var layout = new Layout();
        layout.SetProperty("title", new { text = Escape(figure.Title), x = 0, xanchor = "left" });
        layout.SetProperty("height", 420);
        layout.SetProperty("margin", new { l = 80, r = 20, t = 90, b = 50 });
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("hovermode", "x unified");
        layout.SetProperty("legend", new { orientation = "h", x = 0, xanchor = "left", y = 1.02, yanchor = "bottom" });
        layout.SetProperty("xaxis", new
        {
            type = "date",
            title = new { text = Period.Describe(figure.Frequency) },
            range = new[] { Date(ItsFigure.BoundaryBefore(span.First)), Date(ItsFigure.BoundaryBefore(span.Last.Add(1))) },
            showline = true, linecolor = "#888888", gridcolor = "#e6e6e6", zeroline = false,
        });
        layout.SetProperty("yaxis", new
        {
            type = figure.LogAxis ? "log" : "linear",
            title = new { text = Escape(figure.ValueLabel + (figure.LogAxis ? " (log scale)" : "")) },
            showline = true, linecolor = "#888888", gridcolor = "#e6e6e6", zeroline = false,
            separatethousands = true, exponentformat = "none",
        });
        if (figure.Interruption is { } at)
        {
            string x0 = Date(ItsFigure.BoundaryBefore(at));
            layout.SetProperty("shapes", new object[]
            {
                new { type = "rect", xref = "x", yref = "paper", layer = "below", x0, x1 = Date(ItsFigure.BoundaryBefore(span.Last.Add(1))),
                      y0 = 0, y1 = 1, fillcolor = "rgba(0, 0, 0, 0.06)", line = new { width = 0 } },
                new { type = "line", xref = "x", yref = "paper", x0, x1 = x0, y0 = 0, y1 = 1, line = new { color = "#555555", width = 1.5, dash = "dot" } },
            });
            layout.SetProperty("annotations", new object[]
            {
                new { x = x0, xref = "x", y = 1, yref = "paper", text = Escape($"interruption {at}"), showarrow = false,
                      xanchor = "left", yanchor = "top", font = new { size = 11, color = "#555555" } },
            });
        }
        return GenericChart.setLayout(layout, GenericChart.ofTraceObjects(false, traces));
    }

    private static string Date(DateTime t) => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
