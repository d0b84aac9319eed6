using System.Text.Json;
using Its.Model;
using Its.Reporting;
using Its.Tests.Reference;
using Xunit;

namespace Its.Tests;

/// <summary>
/// The cumulative effect around its R fixtures (<c>cumulative.json</c>): the window's grammar and
/// refusals, its sum equal to the sum of the per-period effects, and its place in every report.
/// </summary>
public class CumulativeEffectTests
{
    private static readonly Fixture California = Fixture.Load("cumulative.json").Single(f => f.Name == "california_ols_0_11");

    [Theory]
    [InlineData("all", 0, null)]
    [InlineData("0:11", 0, 11)]
    [InlineData(" 3: ", 3, null)]
    [InlineData("5:5", 5, 5)]
    public void A_window_reads_as_written(string text, int from, int? to)
    {
        var window = EffectWindow.Parse(text);
        Assert.Equal(new EffectWindow(from, to), window);
        Assert.Equal(window, EffectWindow.Parse(window.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("5:2")]
    [InlineData("-1:3")]
    [InlineData("a:b")]
    public void A_window_that_is_not_one_is_refused(string text) =>
        Assert.Contains("not a window", Assert.Throws<FormatException>(() => EffectWindow.Parse(text)).Message);

    [Fact]
    public void A_window_outside_the_post_period_is_refused_with_its_bounds()
    {
        var model = new ItsModel(California.Series(), California.Spec() with { Cumulative = new EffectWindow(0, 40) });
        var e = Assert.Throws<ItsException>(model.Fit);
        Assert.Contains("cumulative window 0:40 is outside the post period (0 to 11 years after 1989)", e.Message);
    }

    [Fact]
    public void The_absolute_sum_is_the_sum_of_the_effects_of_its_periods()
    {
        var spec = California.Spec();
        var result = new ItsModel(California.Series(), spec with { EffectsAt = Enumerable.Range(0, 12).ToArray() }).Fit();
        var sum = result.Cumulative!;
        Assert.Equal(result.Effects.Sum(e => e.Absolute), sum.Absolute, 1e-9);
        Assert.Equal(result.Effects.Sum(e => e.Fitted), sum.Fitted, 1e-9);
        Assert.Equal(result.Effects.Sum(e => e.Counterfactual), sum.Counterfactual, 1e-9);
        Assert.Equal(sum.Fitted / sum.Counterfactual - 1, sum.Relative!.Value, 1e-12);
        Assert.Equal("1989", sum.First.ToString());
        Assert.Equal("2000", sum.Last.ToString());
    }

    [Theory]
    [InlineData(ReportFormat.Text, "Cumulative effect (years 0 to 11 after 1989, summed)")]
    [InlineData(ReportFormat.Markdown, "Cumulative effect (years 0 to 11 after 1989, summed)")]
    [InlineData(ReportFormat.Html, "Cumulative effect (years 0 to 11 after 1989, summed)")]
    [InlineData(ReportFormat.Latex, "Cumulative effect (years 0 to 11 after 1989, summed)")]
    public void Every_report_shows_the_cumulative_effect(ReportFormat format, string title)
    {
        var result = new ItsModel(California.Series(), California.Spec()).Fit();
        string report = ResultReport.Render(result, format);
        Assert.Contains(title, report);
        Assert.Contains("1989 to 2000", report);
        Assert.DoesNotContain("Cumulative", ResultReport.Render(new ItsModel(California.Series(), California.Spec() with { Cumulative = null }).Fit(), format));
    }

    [Fact]
    public void The_json_has_the_cumulative_object_or_null()
    {
        var result = new ItsModel(California.Series(), California.Spec()).Fit();
        using var json = JsonDocument.Parse(ResultReport.Render(result, ReportFormat.Json));
        var c = json.RootElement.GetProperty("cumulative");
        Assert.Equal(result.Cumulative!.Absolute, c.GetProperty("absolute").GetDouble());
        Assert.Equal("2000", c.GetProperty("last_month").GetString());
        Assert.Equal(2, c.GetProperty("relative_ci").GetArrayLength());
        using var none = JsonDocument.Parse(ResultReport.Render(new ItsModel(California.Series(), California.Spec() with { Cumulative = null }).Fit(), ReportFormat.Json));
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("cumulative").ValueKind);
    }
}
