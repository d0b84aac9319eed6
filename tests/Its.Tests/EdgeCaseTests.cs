using Its.Model;
using Its.Time;

namespace Its.Tests;

/// <summary>Inputs at the edges: names, scales and counterfactuals that must not change or break a fit.</summary>
public sealed class EdgeCaseTests
{
    private static readonly Period Start = Period.Month(2016, 1);

    private static TimeSeries Series(Func<int, double> y, IReadOnlyDictionary<string, double[]>? covariates = null, int n = 36) =>
        new(Enumerable.Range(0, n).Select(Start.Add).ToArray(), Enumerable.Range(0, n).Select(y).ToArray(), covariates);

    private static double Noise(int t) => Math.Sin(1.3 * t) + 0.5 * Math.Cos(2.9 * t);

    private static double[] Covariate(Func<int, double> f, int n = 36) => Enumerable.Range(0, n).Select(f).ToArray();

    [Fact]
    public void A_covariate_named_like_an_interruption_term_is_still_a_covariate()
    {
        var x = Covariate(t => Math.Cos(0.7 * t));
        ItsSpec Spec(string name) => new() { Interruptions = [Start.Add(18)], Covariates = [name], EffectsAt = [0, 10] };
        var a = new ItsModel(Series(t => 50 + t + 3 * x[t] + Noise(t), new Dictionary<string, double[]> { ["level_of_care"] = x }), Spec("level_of_care")).Fit();
        var b = new ItsModel(Series(t => 50 + t + 3 * x[t] + Noise(t), new Dictionary<string, double[]> { ["care"] = x }), Spec("care")).Fit();
        Assert.Equal(b.Effects.Select(e => e.Absolute), a.Effects.Select(e => e.Absolute));
    }

    [Theory]
    [InlineData("time")]
    [InlineData("level1")]
    [InlineData("intercept")]
    public void A_covariate_cannot_take_a_term_name(string name)
    {
        var e = Assert.Throws<ItsException>(() => new ItsModel(
            Series(t => t + Noise(t), new Dictionary<string, double[]> { [name] = Covariate(t => t % 3) }),
            new ItsSpec { Interruptions = [Start.Add(18)], Covariates = [name] }));
        Assert.Contains($"covariate {name} has the name of a model term", e.Message);
    }

    [Theory]
    [InlineData(1.4e9)]
    [InlineData(1e-9)]
    public void A_covariate_on_any_scale_fits_and_its_coefficient_scales_back(double scale)
    {
        var x = Covariate(t => 1 + 0.1 * Math.Cos(0.7 * t));
        ItsModel Model(double s) => new(Series(t => 50 + t + 3 * x[t] + Noise(t), new Dictionary<string, double[]> { ["pop"] = x.Select(v => v * s).ToArray() }),
            new ItsSpec { Interruptions = [Start.Add(18)], Covariates = ["pop"] });
        var unit = Model(1).Fit()["pop"];
        var scaled = Model(scale).Fit()["pop"];
        Assert.Equal(unit.Estimate / scale, scaled.Estimate, Math.Abs(unit.Estimate / scale) * 1e-6);
        Assert.Equal(unit.StdError / scale, scaled.StdError, unit.StdError / scale * 1e-6);
    }

    [Fact]
    public void No_relative_change_where_the_counterfactual_is_not_positive()
    {
        // The pre-period line 36 - 2t crosses 0 at t = 18, the interruption, and is -12 six months on.
        var result = new ItsModel(Series(t => 36 - 2 * t + (t >= 18 ? 5 : 0) + Noise(t)),
            new ItsSpec { Interruptions = [Start.Add(18)], EffectsAt = [0, 6] }).Fit();
        Assert.All(result.Effects, e => Assert.Null(e.Relative));
        Assert.All(result.Effects, e => Assert.Null(e.RelativeCi));
        Assert.Contains(result.Warnings, w => w.Contains("not clearly positive", StringComparison.Ordinal) && w.Contains("no relative change", StringComparison.Ordinal));
        Assert.DoesNotContain("NaN", Reporting.ResultReport.Render(result, Reporting.ReportFormat.Json));
    }

    [Fact]
    public void An_exact_fit_after_the_ar1_transformation_is_refused()
    {
        // y = a + b t exactly, except the first point: Cochrane-Orcutt drops it and fits the rest exactly.
        var series = new TimeSeries(Enumerable.Range(0, 8).Select(Start.Add).ToArray(), [9, 2, 4, 6, 8, 10, 12, 14]);
        var e = Assert.Throws<ItsException>(() => new ItsModel(series,
            new ItsSpec { Interruptions = [Start.Add(4)], Impact = Impact.Level, Errors = AutoregressiveErrors.CochraneOrcutt }).Fit());
        Assert.Contains("fits the data exactly", e.Message);
    }

    [Fact]
    public void A_huge_newey_west_lag_uses_the_lags_there_are()
    {
        var series = Series(t => 10 + 0.5 * t + Noise(t));
        var huge = new ItsModel(series, new ItsSpec { Interruptions = [Start.Add(18)], Errors = NeweyWestCovariance.Stata(2_000_000_000) }).Fit();
        Assert.Equal(2_000_000_000, huge.Lag);
        Assert.Contains(huge.Warnings, w => w.Contains("only lags up to 35", StringComparison.Ordinal));
        Assert.All(huge.Coefficients, c => Assert.True(double.IsFinite(c.StdError)));
    }

    [Fact]
    public void Six_fourier_pairs_drop_the_vanishing_sine()
    {
        var d = Design.Build(Series(t => t + Noise(t)), new ItsSpec { Interruptions = [Start.Add(18)], Seasonality = Seasonality.Fourier(6) });
        Assert.Equal("cos6", d.Terms[^1]);
        Assert.DoesNotContain("sin6", d.Terms);
        Assert.Equal(4 + 11, d.Terms.Count);
    }

    [Fact]
    public void An_outcome_too_large_for_the_arithmetic_asks_for_rescaling()
    {
        var e = Assert.Throws<ItsException>(() => new ItsModel(Series(t => 1e160 * (50 + t + Noise(t))),
            new ItsSpec { Interruptions = [Start.Add(18)] }).Fit());
        Assert.Contains("rescale it", e.Message);
    }

    [Theory]
    [InlineData("ols")]
    [InlineData("gls-ar:1")]
    public void A_constant_outcome_is_an_exact_fit_even_when_not_representable(string errors)
    {
        var e = Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0.1), new ItsSpec { Interruptions = [Start.Add(18)], Errors = ErrorModel.Parse(errors) }).Fit());
        Assert.Contains("fits the data exactly", e.Message);
    }

    [Theory]
    [InlineData(Family.QuasiPoisson, "every count is the same")]
    [InlineData(Family.Poisson, "essentially 0")]
    public void Degenerate_counts_are_refused(Family family, string reason)
    {
        Func<int, double> y = reason.StartsWith("every", StringComparison.Ordinal) ? _ => 7 : t => t < 18 ? 5 + t % 3 : 0;
        var e = Assert.Throws<ItsException>(() => new ItsModel(Series(y), new ItsSpec { Interruptions = [Start.Add(18)], Family = family, Errors = NeweyWestCovariance.Stata(2) }).Fit());
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Offsets_too_far_apart_are_refused_not_crashed()
    {
        var series = Series(t => 3 + t % 4, new Dictionary<string, double[]> { ["pop"] = Covariate(t => t % 2 == 0 ? 1e-300 : 1e300) });
        var e = Assert.Throws<ItsException>(() => new ItsModel(series, new ItsSpec { Interruptions = [Start.Add(18)], Family = Family.Poisson, Offset = "pop" }).Fit());
        Assert.Contains("offset", e.Message);
    }

    [Fact]
    public void A_transition_as_long_as_the_series_is_refused()
    {
        var e = Assert.Throws<ItsException>(() => Design.Build(Series(t => t + Noise(t)),
            new ItsSpec { Interruptions = [Start.Add(18)], TransitionPeriods = int.MaxValue }));
        Assert.Contains("transition periods", e.Message);
    }

    [Fact]
    public void An_effect_in_a_gap_with_covariates_says_the_row_is_missing()
    {
        var periods = Enumerable.Range(0, 36).Where(t => t != 24).Select(Start.Add).ToArray();
        var series = new TimeSeries(periods, periods.Select(p => p.PeriodsSince(Start) + Noise(p.PeriodsSince(Start))).ToArray(),
            new Dictionary<string, double[]> { ["x"] = periods.Select(p => Math.Cos(p.PeriodsSince(Start))).ToArray() });
        var e = Assert.Throws<ItsException>(() => new ItsModel(series,
            new ItsSpec { Interruptions = [Start.Add(18)], Covariates = ["x"], EffectsAt = [6] }).Fit());
        Assert.Equal("2018-01 has no row in the data, so covariate x has no value there", e.Message);
    }

    [Fact]
    public void Under_dispersed_counts_stop_theta_at_its_bound_with_the_poisson_fit_and_a_warning()
    {
        // Counts that vary less than Poisson: the negative binomial likelihood rises without end in theta.
        var series = Series(t => 50 + (t * 7 % 5) - 2 + (t >= 18 ? 6 : 0));
        var spec = new ItsSpec { Interruptions = [Start.Add(18)] };
        var negbin = new ItsModel(series, spec with { Family = Family.NegativeBinomial }).Fit();
        var poisson = new ItsModel(series, spec with { Family = Family.Poisson }).Fit();
        double mean = series.Outcome.Average();
        var theta = negbin.FamilyParameters.Single(p => p.Name == "theta").Estimate;
        Assert.InRange(theta, 0.99e6 * mean, 1.01e6 * mean);
        Assert.Contains(negbin.Warnings, w => w.Contains("theta stops at its bound") && w.Contains("use the Poisson family"));
        foreach (var (n, p) in negbin.Coefficients.Zip(poisson.Coefficients))
            Assert.Equal(p.Estimate, n.Estimate, 1e-6 * Math.Max(1, Math.Abs(p.Estimate)));
    }
}
