using Its.Model;
using Its.Robustness;
using Its.Time;

namespace Its.Tests.Reference;

/// <summary>
/// The sup-F break-date search on the cases of tests/reference/breaks.json (whose every number
/// <see cref="ReferenceFixtureTests"/> compares with strucchange): the edge cases and the input the
/// search refuses.
/// </summary>
public sealed class BreakSearchReferenceTests
{
    private static Fixture Case(string name) => Fixture.Load("breaks.json", name);

    [Fact]
    public void The_pre_specified_rank_counts_the_candidates_with_a_larger_F()
    {
        var fixture = Case("california_full");
        var result = BreakSearch.Run(fixture.Series(), fixture.Spec());
        var pre = result.Prespecified!;
        Assert.Equal(Period.OfYear(1989), pre.Period);
        Assert.Equal(1 + result.Candidates.Count(c => c.F > pre.F), pre.Rank);
        Assert.Equal(pre.F, result.Candidates.Single(c => c.Period == pre.Period).F);
        Assert.NotEqual(1, pre.Rank);  // 1979's change in trend is larger than Proposition 99's
    }

    [Fact]
    public void A_pre_specified_date_outside_the_trimmed_range_has_an_F_but_no_rank()
    {
        var fixture = Case("synthetic_full_trim15");
        var result = BreakSearch.Run(fixture.Series(), fixture.Spec(), 0.15);
        Assert.DoesNotContain(result.Candidates, c => c.Period == result.Prespecified!.Period);
        Assert.Null(result.Prespecified!.Rank);
        Assert.True(result.Prespecified.F > 0);
    }

    [Fact]
    public void Without_an_interruption_there_is_no_pre_specified_date()
    {
        var fixture = Case("california_full");
        var result = BreakSearch.Run(fixture.Series(), fixture.Spec() with { Interruptions = [] });
        Assert.Null(result.Prespecified);
        Assert.Equal(Period.OfYear(1979), result.BreakPeriod);
    }

    [Fact]
    public void The_error_model_does_not_change_the_statistics()
    {
        var fixture = Case("synthetic_partial_month");
        var ols = BreakSearch.Run(fixture.Series(), fixture.Spec());
        var prais = BreakSearch.Run(fixture.Series(), fixture.Spec() with { Errors = ErrorModel.Parse("prais") });
        Assert.Equal(ols.Candidates, prais.Candidates);
    }

    [Fact]
    public void A_short_series_moves_the_candidates_in_and_says_so()
    {
        var result = BreakSearch.Run(Case("short_full_adjusted").Series(), Case("short_full_adjusted").Spec());
        Assert.Equal(3, result.From);
        Assert.Equal(result.N - 3, result.To);
        Assert.Contains(result.Warnings, w => w.Contains("moved in", StringComparison.Ordinal));
    }

    [Fact]
    public void A_count_family_is_refused()
    {
        var fixture = Case("california_full");
        var e = Assert.Throws<ItsException>(() => BreakSearch.Run(fixture.Series(), fixture.Spec() with { Family = Family.Poisson }));
        Assert.Contains("gaussian family, not poisson", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_one_interruption_is_refused()
    {
        var fixture = Case("california_full");
        var spec = fixture.Spec() with { Interruptions = [Period.OfYear(1985), Period.OfYear(1989)] };
        var e = Assert.Throws<ItsException>(() => BreakSearch.Run(fixture.Series(), spec));
        Assert.Contains("at most one interruption", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transition_periods_are_refused()
    {
        var fixture = Case("california_full");
        var e = Assert.Throws<ItsException>(() => BreakSearch.Run(fixture.Series(), fixture.Spec() with { TransitionPeriods = 1 }));
        Assert.Contains("transition", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, "none", "too few for a break search: every candidate needs at least 3 years on each side")]
    [InlineData(7, "fourier:2", "too few for a break search: the model with a break has")]
    public void A_series_too_short_for_any_candidate_is_refused(int n, string seasonality, string message)
    {
        var frequency = seasonality == "none" ? Frequency.Year : Frequency.Month;
        var start = frequency == Frequency.Year ? Period.OfYear(2000) : Period.Month(2000, 1);
        var periods = Enumerable.Range(0, n).Select(start.Add).ToArray();
        var series = new TimeSeries(periods, periods.Select((_, i) => 10 + i + Math.Sin(3.1 * i)).ToArray());
        var spec = new ItsSpec { Interruptions = [], Seasonality = Seasonality.Parse(seasonality) };
        var e = Assert.Throws<ItsException>(() => BreakSearch.Run(series, spec));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exact_fit_is_refused_not_an_infinite_F()
    {
        // A noise-free segmented line: the model with the break at 2010 has no residuals.
        var periods = Enumerable.Range(0, 20).Select(Period.OfYear(2000).Add).ToArray();
        var y = periods.Select((_, t) => 5 + 0.5 * t + (t >= 10 ? 3 - 0.2 * (t - 10) : 0)).ToArray();
        var series = new TimeSeries(periods, y);
        var e = Assert.Throws<ItsException>(() => BreakSearch.Run(series, new ItsSpec { Interruptions = [] }));
        Assert.Contains("with a break at 2010", e.Message, StringComparison.Ordinal);
        Assert.Contains("fits the data exactly", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_trim_outside_0_to_half_is_refused(double trim)
    {
        var fixture = Case("california_full");
        Assert.Throws<ArgumentOutOfRangeException>(() => BreakSearch.Run(fixture.Series(), fixture.Spec(), trim));
    }
}
