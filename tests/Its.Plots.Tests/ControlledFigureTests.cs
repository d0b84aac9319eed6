using System.Text.Json;
using Its.Comparison;
using Its.Model;
using Its.Time;
using Plotly.NET;

namespace Its.Plots.Tests;

/// <summary>The controlled figure of a comparison: the treated group with its counterfactual, the comparison group beside it.</summary>
public sealed class ControlledFigureTests
{
    private static readonly Period Reform = Period.Month(2017, 10);

    private static ComparisonResult Comparison()
    {
        var periods = Enumerable.Range(0, 48).Select(Period.Month(2016, 1).Add).ToArray();
        TimeSeries Series(double drop) => new(periods,
            periods.Select((p, t) => 100 + 1.2 * t - (p.CompareTo(Reform) >= 0 ? drop * (1 + p.PeriodsSince(Reform)) : 0) + 3 * Math.Sin(1.3 * t + drop)).ToArray(), outcomeName: "visits");
        return GroupComparison.Fit([new GroupSeries("chsi", Series(0.1)), new GroupSeries("hospital", Series(1.5))], new ItsSpec { Interruptions = [Reform] }, "chsi");
    }

    [Fact]
    public void The_treated_group_has_its_counterfactual_and_the_comparison_group_its_observations_and_fit()
    {
        var comparison = Comparison();
        var figure = ItsFigure.From(comparison, "hospital");
        var hospital = ItsFigure.From(comparison.Groups.Single(g => g.Name == "hospital").Result);
        var chsi = ItsFigure.From(comparison.Groups.Single(g => g.Name == "chsi").Result);
        Assert.Equal("hospital vs chsi: visits", figure.Title);
        Assert.Equal("hospital", figure.TreatedName);
        Assert.Equal(hospital.Observed, figure.Observed);
        Assert.Equal(hospital.Counterfactual, figure.Counterfactual);
        Assert.Equal("chsi", figure.Control!.Name);
        Assert.Equal(chsi.Observed, figure.Control.Observed);
        Assert.Equal(chsi.FittedSegments.SelectMany(s => s), figure.Control.FittedSegments.SelectMany(s => s));
        Assert.Throws<ArgumentException>(() => ItsFigure.From(comparison, "township"));
    }

    [Fact]
    public void Both_renderers_name_each_group_in_the_legend()
    {
        var figure = ItsFigure.From(Comparison(), "hospital");
        var traces = JsonDocument.Parse(GenericChart.toFigureJson(PlotlyRenderer.Render(figure))).RootElement.GetProperty("data").EnumerateArray()
            .Where(t => !(t.TryGetProperty("showlegend", out var shown) && shown.ValueKind == JsonValueKind.False))
            .Select(t => t.GetProperty("name").GetString()).ToArray();
        string[] legend = ["95% CI of the counterfactual: hospital", "counterfactual (no interruption): hospital", "fitted: hospital", "fitted: chsi", "observed: chsi", "observed: hospital"];
        Assert.Equal(legend, traces);
        string svg = StaticRenderer.Svg(figure);
        foreach (string name in legend) Assert.Contains(name, svg);
    }
}
