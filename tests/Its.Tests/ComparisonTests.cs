using Its.Comparison;
using Its.Model;
using Its.Results;
using Its.Time;

namespace Its.Tests;

/// <summary>Derived panel series, permutation tests and the refusals of the group comparison.</summary>
public sealed class ComparisonTests
{
    private static readonly Period Start = Period.Month(2016, 1);

    private static TimeSeries Series(int n, Func<int, double> y, Period? start = null, double holiday = 0)
    {
        var first = start ?? Start;
        var periods = Enumerable.Range(0, n).Select(i => first.Add(i)).ToArray();
        return new TimeSeries(periods, Enumerable.Range(0, n).Select(y).ToArray(),
            new Dictionary<string, double[]> { ["holiday"] = periods.Select(p => p.CalendarMonth == 2 ? 1.0 + holiday : 0).ToArray() });
    }

    // A unit with its own noise (a deterministic pseudo-random wiggle) and a slope change of `slope` from month 24.
    private static GroupSeries Unit(string group, string unit, int seed, double slope) =>
        new(group, Series(48, t => 100 + 0.5 * t + (t >= 24 ? slope * (t - 24) : 0) + 2 * Math.Sin(seed * 1.3 + t * (0.7 + 0.11 * seed))), Unit: unit);

    private static readonly ItsSpec Spec = new() { Interruptions = [Period.Month(2018, 1)], Errors = NeweyWestCovariance.Stata(2) };

    [Fact]
    public void Share_is_the_percent_of_the_numerator_in_the_total()
    {
        var a = new GroupSeries("chsi", Series(24, t => 10 + t));
        var b = new GroupSeries("hospital", Series(24, t => 90 - t));
        var share = PanelSeries.Share([a, b], ["chsi"], "chsi share");
        for (int t = 0; t < 24; t++) Assert.Equal(100 * (10.0 + t) / 100, share.Outcome[t], 12);
        Assert.Equal("chsi share", share.OutcomeName);
        Assert.Equal(a.Series.Covariates["holiday"], share.Covariates["holiday"]);
    }

    [Fact]
    public void Share_refuses_what_it_cannot_define()
    {
        var a = new GroupSeries("chsi", Series(24, t => 10 + t));
        var b = new GroupSeries("hospital", Series(24, t => 90 - t));
        Assert.Contains("clinic is not in the data", Assert.Throws<ItsException>(() => PanelSeries.Share([a, b], ["clinic"], "s")).Message);
        Assert.Contains("100%", Assert.Throws<ItsException>(() => PanelSeries.Share([a, b], ["chsi", "hospital"], "s")).Message);
        var otherHoliday = new GroupSeries("hospital", Series(24, t => 90 - t, holiday: 0.5));
        Assert.Contains("covariate holiday", Assert.Throws<ItsException>(() => PanelSeries.Share([a, otherHoliday], ["chsi"], "s")).Message);
        var zero = new GroupSeries("hospital", Series(24, t => t == 5 ? -10 - t : 90 - t));
        Assert.Contains("positive total", Assert.Throws<ItsException>(() => PanelSeries.Share([a, zero], ["chsi"], "s")).Message);
        var shifted = new GroupSeries("hospital", Series(24, t => 90 - t, Period.Month(2016, 2)));
        Assert.Contains("same periods", Assert.Throws<ItsException>(() => PanelSeries.Share([a, shifted], ["chsi"], "s")).Message);
    }

    [Fact]
    public void Average_is_the_mean_of_outcomes_and_covariates()
    {
        var mean = PanelSeries.Average([Unit("c", "u1", 1, 0), Unit("c", "u2", 2, 0)], "mean");
        var u1 = Unit("c", "u1", 1, 0).Series;
        var u2 = Unit("c", "u2", 2, 0).Series;
        for (int t = 0; t < 48; t++) Assert.Equal((u1.Outcome[t] + u2.Outcome[t]) / 2, mean.Series.Outcome[t], 12);
        Assert.Equal("mean", mean.Name);
    }

    [Fact]
    public void A_joint_difference_far_beyond_chance_keeps_its_small_p_value()
    {
        // A slope change forty times the noise: 1 - CDF would round the p value to 0.
        var result = GroupComparison.Fit([Unit("control", "c", 1, 0), Unit("treated", "t", 2, -20)], Spec, "control");
        var joint = result.Tests.Single(t => t.Joint);
        Assert.True(joint.PValue > 0 && joint.PValue < 1e-17, $"p = {joint.PValue}");
        Assert.Equal(Diagnostics.UpperTail.F(joint.Df, joint.DfResidual!.Value, joint.Statistic), joint.PValue);
    }

    [Fact]
    public void A_treated_unit_with_a_clear_slope_change_ranks_first_in_the_permutation_test()
    {
        var controls = Enumerable.Range(1, 9).Select(i => Unit("control", $"state{i}", i, 0)).ToArray();
        var treated = Unit("treated", "treated", 20, -1.5);
        var result = GroupComparison.Permute(treated, controls, Spec);
        Assert.Equal(10, result.Units.Count);
        Assert.True(result.Units[0].Treated);
        var slope = result.Tests.Single(t => t.Term == "slope1");
        Assert.Equal(1, slope.Rank);
        Assert.Equal(0.1, slope.PValue, 12);
        Assert.True(slope.Estimate < -1.2, $"estimate {slope.Estimate}");

        // Without an effect the treated unit is one among equals.
        var plain = GroupComparison.Permute(Unit("treated", "treated", 20, 0), controls, Spec);
        Assert.True(plain.Tests.Single(t => t.Term == "slope1").Rank > 1);
    }

    // Error model, seasonality, transform, lag scope, what differs between the units (nothing; a
    // treated unit ending a month early, so its pooled design is not the controls'; a control with
    // a negative value, which a log refuses).
    public static TheoryData<string, string, string, LagScope, string> PermutationCases => new()
    {
        { "ols", "none", "none", LagScope.WithinSeries, "nothing" }, { "hc1", "none", "log", LagScope.WithinSeries, "nothing" },
        { "hc3", "month", "none", LagScope.WithinSeries, "nothing" }, { "newey:2", "none", "none", LagScope.WithinSeries, "nothing" },
        { "newey:2", "none", "none", LagScope.AcrossSeries, "nothing" }, { "newey:4", "month", "log", LagScope.WithinSeries, "nothing" },
        { "newey:2", "none", "none", LagScope.WithinSeries, "short treated" }, { "ols", "none", "log", LagScope.WithinSeries, "negative value" },
    };

    /// <summary>
    /// Each unit's differences are those of its own pooled model against the mean of the other
    /// controls (estimates, SEs, p values within 1e-10: the batch path computes the same formulas in
    /// another order), and a unit that cannot be fitted stops the test with that pooled model's message.
    /// </summary>
    [Theory]
    [MemberData(nameof(PermutationCases))]
    public void Each_permuted_unit_equals_its_own_pooled_model(string errors, string seasonality, string transform, LagScope scope, string odd)
    {
        const double tolerance = 1e-10;
        var spec = Spec with { Errors = ErrorModel.Parse(errors), Seasonality = Seasonality.Parse(seasonality), Transform = OptionNames.ParseTransform(transform) };
        var controls = Enumerable.Range(1, 6).Select(i => Unit("control", $"state{i}", i, 0)).ToArray();
        if (odd == "negative value") controls[3] = controls[3] with { Series = Series(48, t => t == 30 ? -5 : 100 + 0.5 * t + Math.Sin(t)) };
        var treated = Unit("treated", "treated", 20, -1.5);
        if (odd == "short treated") treated = treated with { Series = Series(47, t => treated.Series.Outcome[t]) };
        var interruption = Design.InterruptionTerms(spec);
        var expected = new List<Coefficient[]>();
        string? refusal = null;
        // The permutation test by its definition: one pooled model per unit, in order.
        for (int u = -1; u < controls.Length && refusal is null; u++)
        {
            var unit = u < 0 ? treated : controls[u];
            var mean = PanelSeries.Average(controls.Where((_, i) => i != u).ToArray(), "mean of controls");
            try
            {
                var pooled = GroupComparison.FitPooled([mean, unit with { Name = "treated" }], spec, mean.Name, scope);
                expected.Add(interruption.Select(t => pooled[$"group:{t}"]).ToArray());
            }
            catch (ItsException e)
            {
                refusal = $"group {unit.Label}: {e.Message}";
            }
        }
        if (refusal is not null)
        {
            Assert.Equal(refusal, Assert.Throws<ItsException>(() => GroupComparison.Permute(treated, controls, spec, scope)).Message);
            return;
        }
        var result = GroupComparison.Permute(treated, controls, spec, scope);
        Assert.Equal(expected.Count, result.Units.Count);
        for (int u = 0; u < expected.Count; u++)
            foreach (var (want, got) in expected[u].Zip(result.Units[u].Differences))
            {
                Assert.Equal(want.Term, got.Term);
                Assert.Equal(want.Estimate, got.Estimate, tolerance * Math.Max(Math.Abs(want.Estimate), want.StdError));
                Assert.Equal(want.StdError, got.StdError, tolerance * want.StdError);
                Assert.Equal(want.PValue, got.PValue, tolerance);
                Assert.Equal(want.Df, got.Df);
            }
    }

    [Fact]
    public void Comparisons_refuse_what_the_pooled_model_cannot_do()
    {
        var a = Unit("control", "a", 1, 0);
        var b = Unit("treated", "b", 2, -1);
        string Message(Action act) => Assert.Throws<ItsException>(act).Message;
        Assert.Contains("takes ols, hc0-hc3 or newey:L", Message(() => GroupComparison.Fit([a, b], Spec with { Errors = AutoregressiveErrors.PraisWinsten }, "control")));
        Assert.Contains("fixed Newey-West lag", Message(() => GroupComparison.Fit([a, b], Spec with { Errors = NeweyWestCovariance.Auto }, "control")));
        Assert.Contains("two or more groups", Message(() => GroupComparison.Fit([a, a with { Unit = "a2" }], Spec, "control")));
        Assert.Contains("reference group nobody", Message(() => GroupComparison.Fit([a, b], Spec, "nobody")));
        Assert.Contains("unit a is given twice", Message(() => GroupComparison.Fit([a, a, b], Spec, "control")));
        var late = new GroupSeries("treated", Series(47, t => t * 1.0 + Math.Sin(t), Period.Month(2016, 2)));
        Assert.Contains("same period", Message(() => GroupComparison.Fit([a, late], Spec, "control")));
        Assert.Contains("two or more control units", Message(() => GroupComparison.Permute(b, [a], Spec)));
    }

    [Fact]
    public void Newey_West_within_one_block_is_the_single_series_Newey_West()
    {
        var a = Unit("control", "a", 1, 0);
        var fit = new ItsModel(a.Series, Spec).Fit();
        var x = new ItsModel(a.Series, Spec);
        var ols = new Estimation.LeastSquares(x.X, x.Outcome, x.Design.Terms);
        var blocked = Estimation.Sandwich.NeweyWest(ols, NeweyWestCovariance.Stata(2), out _, [ols.N]);
        for (int j = 0; j < fit.Parameters; j++) Assert.Equal(fit.Covariance[j, j], blocked[j, j], 1e-12 * fit.Covariance[j, j]);
    }
}
