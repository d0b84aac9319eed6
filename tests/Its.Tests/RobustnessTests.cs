using Its.Model;
using Its.Results;
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

    private static readonly ItsSpec Spec = new() { Interruptions = [Start.Add(30)], Errors = NeweyWestCovariance.Stata(2) };

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

    // Error model, seasonality, transform, data (plain; a gap at month 7 or 40; kinked, exactly a
    // line with a kink at month 15 before the interruption), window.
    public static TheoryData<string, string, string, string, PlaceboWindow> PlaceboCases => new()
    {
        { "ols", "none", "none", "plain", PlaceboWindow.WholeSeries }, { "newey:2", "none", "none", "plain", PlaceboWindow.WholeSeries },
        { "hc3", "month", "log", "plain", PlaceboWindow.WholeSeries }, { "prais", "none", "none", "plain", PlaceboWindow.WholeSeries },
        { "cochrane-orcutt", "fourier:2", "log", "gap7", PlaceboWindow.WholeSeries }, { "newey:3", "month", "none", "plain", PlaceboWindow.PreInterruption },
        { "prais", "month", "log", "gap40", PlaceboWindow.WholeSeries }, { "gls-ar:1", "none", "none", "plain", PlaceboWindow.WholeSeries },
        // The pseudo-date at the kink fits exactly, so its fit is refused.
        { "ols", "none", "none", "kinked", PlaceboWindow.PreInterruption }, { "prais", "none", "none", "kinked", PlaceboWindow.PreInterruption },
    };

    /// <summary>
    /// Every date's effects are those of a full <see cref="ItsModel"/> fit with the interruption
    /// moved there (estimates, SEs and p values within 1e-10: the batch path computes the same
    /// formulas in another order), and the failed dates and their messages are the full fits' own.
    /// </summary>
    [Theory]
    [MemberData(nameof(PlaceboCases))]
    public void Each_placebo_fit_equals_the_full_fit_at_its_date(string errors, string seasonality, string transform, string variant, PlaceboWindow window)
    {
        const double tolerance = 1e-10;
        var series = variant switch
        {
            "gap7" => Series(-1, skip: 7),
            "gap40" => Series(-1, skip: 40),
            "kinked" => new TimeSeries(Enumerable.Range(0, 60).Select(Start.Add).ToArray(),
                Enumerable.Range(0, 60).Select(t => 50 + 0.3 * t + (t >= 15 ? 2 + 0.5 * (t - 15) : 0) + (t >= 30 ? Math.Sin(t) : 0)).ToArray()),
            _ => Series(-1),
        };
        var spec = Spec with { Errors = ErrorModel.Parse(errors), Seasonality = Seasonality.Parse(seasonality), Transform = OptionNames.ParseTransform(transform) };
        int minimum = window == PlaceboWindow.WholeSeries ? 12 : 8;
        var result = PlaceboTest.Run(series, spec, minimum, window);
        var data = window == PlaceboWindow.WholeSeries ? series
            : new TimeSeries(series.Periods.Take(30).ToArray(), series.Outcome.Take(30).ToArray());
        // The pseudo-dates are the consecutive periods between the first and the last date reported.
        var reported = result.Fits.Select(f => f.Interruption)
            .Concat(result.Failures.Select(f => data.Periods.First(p => f.StartsWith($"{p}: ", StringComparison.Ordinal)))).ToArray();
        var fits = result.Fits.ToDictionary(f => f.Interruption);
        var failures = new List<string>();
        foreach (var date in data.Periods.Where(p => p.CompareTo(reported.Min()) >= 0 && p.CompareTo(reported.Max()) <= 0))
        {
            ItsResult full;
            try
            {
                full = new ItsModel(data, spec with { Interruptions = [date], EffectsAt = [] }).Fit();
            }
            catch (ItsException e)
            {
                failures.Add($"{date}: {e.Message}");
                continue;
            }
            Assert.True(fits.TryGetValue(date, out var fit), $"{date} is not among the fits");
            foreach (var c in fit.Effects)
            {
                var expected = full[c.Term];
                Assert.Equal(expected.Estimate, c.Estimate, tolerance * Math.Max(Math.Abs(expected.Estimate), expected.StdError));
                Assert.Equal(expected.StdError, c.StdError, tolerance * expected.StdError);
                Assert.Equal(expected.PValue, c.PValue, tolerance);
                Assert.Equal(expected.Ci.Upper - expected.Ci.Lower, c.Ci.Upper - c.Ci.Lower, tolerance * expected.StdError);
                Assert.Equal(expected.Df, c.Df);
            }
        }
        Assert.Equal(failures, result.Failures);
        Assert.Equal(reported.Length, result.Fits.Count + failures.Count);
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
        var direct = new ItsModel(Series(-1), Spec with { Errors = NeweyWestCovariance.Stata(4) }).Fit();
        Assert.Equal(direct["slope1"].StdError, rows.Single(r => r.Errors.Name == "newey:4" && r.Interruption == Start.Add(30)).Result!["slope1"].StdError);
        Assert.Equal(Start.Add(33), rows[^1].Interruption);

        // With a gap, GLS and ARIMA refuse; the row says why and the others are fitted.
        var gappy = Sensitivity.Run(Series(-1, skip: 5), Spec);
        var gls = gappy.Single(r => r.Errors.Process is GlsErrors);
        Assert.Null(gls.Result);
        Assert.Contains("need one row per period", gls.Failure);
        Assert.NotNull(gappy.Single(r => r.Errors.Name == "prais").Result);
    }

    [Fact]
    public void Count_models_get_the_count_grid()
    {
        var names = Sensitivity.DefaultErrorModels(Spec with { Family = Family.Poisson }).Select(e => e.Name).ToArray();
        Assert.Equal(["ols", "hc0", "hc3", "newey:0", "newey:1", "newey:2", "newey:3", "newey:4", "newey:5", "newey:6"], names);
    }
}
