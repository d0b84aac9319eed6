using System.Text.Json;
using Its.Model;
using Its.Results;
using Its.Time;
using Plotly.NET;

namespace Its.Plots.Tests;

/// <summary>The figure holds what the result says, and the chart draws what the figure holds.</summary>
public sealed class ItsFigureTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);
    private static readonly Period Second = Period.Month(2018, 10);

    // 48 months of a trend with a drop at the reform and a deterministic wobble, so no seed is needed.
    private static ItsResult Fit(ItsSpec spec, Frequency frequency = Frequency.Month, int n = 48)
    {
        var start = frequency == Frequency.Month ? Start : frequency == Frequency.Quarter ? Period.Quarter(2000, 1) : Period.OfYear(1970);
        var periods = Enumerable.Range(0, n).Select(start.Add).ToArray();
        var first = spec.Interruptions[0];
        var y = periods.Select((p, t) => 200 + 1.5 * t - (p.CompareTo(first) >= 0 ? 25 + 0.8 * p.PeriodsSince(first) : 0) + 4 * Math.Sin(1.7 * t)).ToArray();
        return new ItsModel(new TimeSeries(periods, y, outcomeName: "visits"), spec).Fit();
    }

    private static readonly ItsResult One = Fit(new ItsSpec { Interruptions = [Reform] });

    [Fact]
    public void Every_observation_is_a_point_and_the_fit_splits_at_the_interruption()
    {
        var figure = ItsFigure.From(One, "visits per month");
        Assert.Equal(One.Trajectory.Count, figure.Observed.Count);
        Assert.Equal(One.Trajectory.Select(p => p.Observed), figure.Observed.Select(o => o.Value));
        Assert.All(figure.Observed, o => Assert.True(o.InFit));
        Assert.Equal(2, figure.FittedSegments.Count);
        Assert.Equal(Reform.PeriodsSince(Start), figure.FittedSegments[0].Count);
        Assert.Equal(Reform, figure.FittedSegments[1][0].Period);
        Assert.Equal(One.Trajectory.Count, figure.FittedSegments.Sum(s => s.Count));
        Assert.Equal("visits per month", figure.OutcomeLabel);
        Assert.Equal([Reform], figure.Interruptions);
        Assert.Equal(new PeriodSpan(Reform, Start.Add(47)), figure.PostPeriod);
    }

    [Fact]
    public void The_counterfactual_starts_at_the_interruption_inside_its_band()
    {
        var figure = ItsFigure.From(One);
        Assert.Equal(One.Trajectory.Count - Reform.PeriodsSince(Start), figure.Counterfactual.Count);
        Assert.Equal(Reform, figure.Counterfactual[0].Period);
        Assert.All(figure.Counterfactual, b =>
        {
            Assert.True(b.Period.CompareTo(Reform) >= 0);
            Assert.InRange(b.Value, b.Lower, b.Upper);
            Assert.True(b.Upper > b.Lower);
        });
    }

    [Fact]
    public void Two_interruptions_give_three_segments_and_transition_periods_are_marked()
    {
        var result = Fit(new ItsSpec { Interruptions = [Reform, Second], TransitionPeriods = 2 });
        var figure = ItsFigure.From(result);
        Assert.Equal(3, figure.FittedSegments.Count);
        Assert.Equal(Second, figure.FittedSegments[2][0].Period);
        Assert.Equal(Second.PeriodsSince(Reform), figure.FittedSegments[1].Count);
        Assert.Equal([Reform, Reform.Add(1), Second, Second.Add(1)], figure.Observed.Where(o => !o.InFit).Select(o => o.Period));
        // The counterfactual drops every interruption's terms, so it runs on from the first one.
        Assert.Equal(Reform, figure.Counterfactual[0].Period);
        Assert.Equal(result.Trajectory[^1].Period, figure.Counterfactual[^1].Period);
    }

    [Fact]
    public void Defaults_name_the_outcome()
    {
        var figure = ItsFigure.From(One);
        Assert.Equal("visits", figure.OutcomeLabel);
        Assert.Equal("Interrupted time series: visits", figure.Title);
    }

    [Fact]
    public void The_boundary_of_a_period_lies_half_way_from_the_one_before()
    {
        Assert.Equal(new DateTime(2017, 9, 16), ItsFigure.BoundaryBefore(Period.Month(2017, 10)));
        Assert.Equal(new DateTime(2017, 10, 1), ItsFigure.AxisDate(Period.Month(2017, 10)));
        Assert.Equal(new DateTime(1988, 7, 2), ItsFigure.BoundaryBefore(Period.OfYear(1989)));
    }

    private static JsonElement Json(ItsFigure figure) => JsonDocument.Parse(GenericChart.toFigureJson(PlotlyRenderer.Render(figure))).RootElement;

    [Fact]
    public void The_chart_has_a_named_trace_for_each_series_and_marks_the_interruption()
    {
        var json = Json(ItsFigure.From(One, "visits per month"));
        var traces = json.GetProperty("data").EnumerateArray().ToArray();
        var legend = traces.Where(t => !(t.TryGetProperty("showlegend", out var shown) && shown.ValueKind == JsonValueKind.False)).Select(t => t.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["95% CI of the counterfactual", "counterfactual (no interruption)", "fitted", "observed"], legend);
        var observed = traces.Single(t => t.GetProperty("name").GetString() == "observed");
        Assert.Equal(48, observed.GetProperty("x").GetArrayLength());
        Assert.Equal("2016-01-01", observed.GetProperty("x")[0].GetString());
        var counterfactual = traces.Single(t => t.GetProperty("name").GetString() == "counterfactual (no interruption)");
        Assert.Equal("dash", counterfactual.GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal("2017-10-01", counterfactual.GetProperty("x")[0].GetString());
        Assert.Equal(2, traces.Count(t => t.GetProperty("name").GetString() == "fitted"));

        var layout = json.GetProperty("layout");
        Assert.Equal("date", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("month", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("visits per month", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        var shapes = layout.GetProperty("shapes").EnumerateArray().ToArray();
        Assert.Equal(["rect", "line"], shapes.Select(s => s.GetProperty("type").GetString()!));
        Assert.Equal("2017-09-16", shapes[1].GetProperty("x0").GetString());
        Assert.Equal("interruption 2017-10", layout.GetProperty("annotations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Labels_from_data_are_escaped_for_plotly_and_the_chart_is_deterministic()
    {
        var figure = ItsFigure.From(One, "<b>visits</b> & more", "<script>alert(1)</script>");
        string a = GenericChart.toFigureJson(PlotlyRenderer.Render(figure));
        Assert.Equal(a, GenericChart.toFigureJson(PlotlyRenderer.Render(figure)));
        var layout = JsonDocument.Parse(a).RootElement.GetProperty("layout");
        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt;", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("&lt;b&gt;visits&lt;/b&gt; &amp; more", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Quarterly_transition_points_are_drawn_open()
    {
        var result = Fit(new ItsSpec { Interruptions = [Period.Quarter(2005, 1)], TransitionPeriods = 1 }, Frequency.Quarter, 40);
        var figure = ItsFigure.From(result);
        var traces = Json(figure).GetProperty("data").EnumerateArray().ToArray();
        var open = traces.Single(t => t.GetProperty("name").GetString() == "observed, left out of the fit");
        Assert.Equal("2005-01-01", open.GetProperty("x")[0].GetString());
        Assert.Equal("circle-open", open.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal("quarter", Json(figure).GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }
}
