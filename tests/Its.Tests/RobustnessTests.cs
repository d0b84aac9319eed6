using Its.Model;
using Its.Robustness;
using Its.Time;

namespace Its.Tests;

/// <summary>Placebo dates and the sensitivity grid.</summary>
public sealed class RobustnessTests
{
    private static readonly Period Start = Period.Month(2015, 1);

    // 60 months, a level change of 8 x `effect` and a slope change of `effect` per month from month
    // 30, deterministic wiggle as noise.
    private static TimeSeries Series(double effect, int n = 60, int skip = -1)
    {
        var t = Enumerable.Range(0, n).Where(i => i != skip).ToArray();
        return new TimeSeries(t.Select(i => Start.Add(i)).ToArray(),
            t.Select(i => 50 + 0.3 * i + (i >= 30 ? effect * (8 + i - 30) : 0) + 1.5 * Math.Sin(2.1 * i) + Math.Cos(0.77 * i * i)).ToArray());
    }

    private static readonly ItsSpec Spec = new() { Interruptions = [Start.Add(30)], Errors = NeweyWestErrors.Stata(2) };

    [Fact]
    public void A_real_level_change_ranks_first_among_all_admissible_dates()
    {
        var result = PlaceboTest.Run(Series(-1), Spec);
        // Months 12..48 have 12 months on each side: 37 dates, the real one among them.
        Assert.Equal(37, result.Fits.Count);
        Assert.Equal(Start.Add(12), result.Fits[0].Interruption);
        Assert.Equal(Start.Add(48), result.Fits[^1].Interruption);
        Assert.Single(result.Fits, f => f.Real);
        // Dates next to the real one pick up part of the slope change, but only the real date has the jump.
        var level = result.Summary.Single(s => s.Term == "level1");
        Assert.Equal(1, level.Rank);
        Assert.Equal(36, level.Placebos);
        Assert.Equal(1 / 37.0, level.RankPValue!.Value, 12);
        Assert.True(level.Quantiles.SequenceEqual(level.Quantiles.Order()), "quantiles increase");
    }

    [Fact]
    public void Without_an_effect_the_real_date_is_not_special_and_pre_period_placebos_are_mostly_null()
    {
        var result = PlaceboTest.Run(Series(0), Spec);
        Assert.True(result.Summary.Single(s => s.Term == "level1").Rank > 3);
        var pre = PlaceboTest.Run(Series(0), Spec, minimumEachSide: 8, PlaceboWindow.PreInterruption);
        Assert.All(pre.Fits, f => Assert.True(f.Interruption.CompareTo(Spec.Interruptions[0]) < 0));
        Assert.DoesNotContain(pre.Fits, f => f.Real);
        Assert.Equal(30 - 16 + 1, pre.Fits.Count);
        Assert.Null(pre.Summary[0].Rank);
    }

    [Fact]
    public void Placebo_refusals_say_why()
    {
        string Message(Action act) => Assert.Throws<ItsException>(act).Message;
        Assert.Contains("moves one interruption", Message(() => PlaceboTest.Run(Series(0), Spec with { Interruptions = [Start.Add(20), Start.Add(40)] })));
        Assert.Contains("at least 3", Message(() => PlaceboTest.Run(Series(0), Spec, 2)));
        Assert.Contains("no pseudo-date has 16 months on each side in the 30 months before", Message(() => PlaceboTest.Run(Series(0), Spec, 16, PlaceboWindow.PreInterruption)));
        Assert.Contains("no pseudo-date has 31 months", Message(() => PlaceboTest.Run(Series(0), Spec, 31)));
    }

    [Fact]
    public void The_sensitivity_grid_fits_every_error_model_and_keeps_failures_as_rows()
    {
        var rows = Sensitivity.Run(Series(-1), Spec, otherDates: [Start.Add(33)]);
        Assert.Equal(2 * 14, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.Result));
        var direct = new ItsModel(Series(-1), Spec with { Errors = NeweyWestErrors.Stata(4) }).Fit();
        Assert.Equal(direct["slope1"].StdError, rows.Single(r => r.Errors.Name == "newey:4" && r.Interruption == Start.Add(30)).Result!["slope1"].StdError);
        Assert.Equal(Start.Add(33), rows[^1].Interruption);

        // With a gap, GLS and ARIMA refuse; the row says why and the others are fitted.
        var gappy = Sensitivity.Run(Series(-1, skip: 5), Spec);
        var gls = gappy.Single(r => r.Errors is GlsErrors);
        Assert.Null(gls.Result);
        Assert.Contains("consecutive periods", gls.Failure);
        Assert.NotNull(gappy.Single(r => r.Errors.Name == "prais").Result);
    }

    [Fact]
    public void Count_models_get_the_count_grid()
    {
        var names = Sensitivity.DefaultErrorModels(Spec with { Family = Family.Poisson }).Select(e => e.Name).ToArray();
        Assert.Equal(["ols", "hc0", "hc3", "newey:0", "newey:1", "newey:2", "newey:3", "newey:4", "newey:5", "newey:6"], names);
    }
}
