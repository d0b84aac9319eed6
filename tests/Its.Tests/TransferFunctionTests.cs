using System.Text.Json;
using Its.Batch;
using Its.Model;
using Its.Reporting;
using Its.Robustness;
using Its.Time;

namespace Its.Tests;

/// <summary>
/// Transfer-function impacts (pulse, gradual step, decaying pulse) beside their R fixtures
/// (<c>transfer.json</c>): the functions and their derivatives, the grammar, the profile's
/// estimate on series of known rate, the bounds, and the methods that refuse an estimated rate.
/// </summary>
public sealed class TransferFunctionTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Interruption = Period.Month(2018, 1);

    private static double Noise(int t) => Math.Sin(1.3 * t) + 0.5 * Math.Cos(2.9 * t);

    // 60 months, the impact from month 24 on, plus a small deterministic wiggle.
    private static TimeSeries Series(Func<int, double> impact, double noise = 1) =>
        new(Enumerable.Range(0, 60).Select(Start.Add).ToArray(),
            Enumerable.Range(0, 60).Select(t => 100 + 0.5 * t + impact(t - 24) + noise * Noise(t)).ToArray());

    private static ItsSpec Spec(Impact impact, double? rate = null) =>
        new() { Interruptions = [Interruption], Impact = impact, Rate = rate };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.35)]
    [InlineData(0.9)]
    public void The_gradual_step_is_the_sum_of_the_decaying_pulses_and_reaches_omega_over_one_minus_delta(double rate)
    {
        for (int k = 0; k < 30; k++)
        {
            double sum = Enumerable.Range(0, k + 1).Sum(i => TransferFunction.Value(Impact.Decay, rate, i));
            Assert.Equal(sum, TransferFunction.Value(Impact.Gradual, rate, k), 1e-12);
        }
        Assert.Equal(1 / (1 - rate), TransferFunction.Value(Impact.Gradual, rate, 2000), 1e-9);
        Assert.Equal(2 / (1 - rate), TransferFunction.LongRun(2, rate), 1e-12);
        Assert.Equal(0, TransferFunction.Value(Impact.Gradual, rate, -1));
        Assert.Equal(0, TransferFunction.Value(Impact.Decay, rate, -3));
    }

    [Theory]
    [InlineData(Impact.Gradual, 0.3)]
    [InlineData(Impact.Gradual, 0.95)]
    [InlineData(Impact.Decay, 0.3)]
    [InlineData(Impact.Decay, 0.95)]
    public void The_rate_derivative_is_the_slope_of_the_function(Impact impact, double rate)
    {
        const double h = 1e-6;
        for (int k = 0; k < 25; k++)
        {
            double numeric = (TransferFunction.Value(impact, rate + h, k) - TransferFunction.Value(impact, rate - h, k)) / (2 * h);
            Assert.Equal(numeric, TransferFunction.RateDerivative(impact, rate, k), 1e-6 * Math.Max(1, Math.Abs(numeric)));
        }
    }

    [Fact]
    public void At_rate_zero_the_gradual_step_is_a_step_and_the_decaying_pulse_a_pulse()
    {
        Assert.All(Enumerable.Range(0, 10), k => Assert.Equal(1, TransferFunction.Value(Impact.Gradual, 0, k)));
        Assert.Equal(1, TransferFunction.Value(Impact.Decay, 0, 0));
        Assert.All(Enumerable.Range(1, 10), k => Assert.Equal(0, TransferFunction.Value(Impact.Decay, 0, k)));
    }

    [Theory]
    [InlineData("gradual", Impact.Gradual, null)]
    [InlineData("decay:0.25", Impact.Decay, 0.25)]
    [InlineData(" Gradual:0 ", Impact.Gradual, 0.0)]
    [InlineData("step", Impact.Level, null)]
    [InlineData("ramp", Impact.Slope, null)]
    [InlineData("pulse", Impact.Pulse, null)]
    public void An_impact_reads_with_its_rate(string text, Impact impact, double? rate)
    {
        Assert.Equal((impact, rate), OptionNames.ParseImpactAndRate(text));
        Assert.Equal(impact, OptionNames.ParseImpactAndRate(impact.Name(rate)).Impact);
        Assert.Equal(rate, OptionNames.ParseImpactAndRate(impact.Name(rate)).Rate);
    }

    [Theory]
    [InlineData("gradual:1", "from 0 up to (not including) 1")]
    [InlineData("decay:-0.1", "from 0 up to (not including) 1")]
    [InlineData("gradual:fast", "from 0 up to (not including) 1")]
    [InlineData("level:0.5", "only gradual and decay take a rate")]
    [InlineData("curve", "not an impact model")]
    public void An_impact_that_is_not_one_is_refused_with_the_reason(string text, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => OptionNames.ParseImpactAndRate(text)).Message);

    [Fact]
    public void Where_no_rate_can_be_given_one_is_refused() =>
        Assert.Contains("a rate cannot be given here", Assert.Throws<FormatException>(() => OptionNames.ParseImpact("gradual:0.5")).Message);

    [Fact]
    public void A_fixed_rate_is_a_linear_column_of_the_design()
    {
        var model = new ItsModel(Series(k => k >= 0 ? 20 * TransferFunction.Value(Impact.Gradual, 0.6, k) : 0), Spec(Impact.Gradual, 0.6));
        Assert.Equal(["intercept", "time", "gradual1"], model.Design.Terms);
        Assert.Null(model.Design.Rate);
        for (int t = 0; t < 60; t++)
            Assert.Equal(TransferFunction.Value(Impact.Gradual, 0.6, t - 24), model.Design.Full[t, 2], 1e-15);
        var result = model.Fit();
        Assert.Equal(20, result["gradual1"].Estimate, 1.0);
        Assert.Equal(20 / 0.4, result.LongRun.Single().Estimate, 2.5);
        Assert.Equal(result["gradual1"].StdError / 0.4, result.LongRun.Single().StdError, 1e-9);
    }

    [Theory]
    [InlineData(Impact.Gradual, 0.7, 15.0)]
    [InlineData(Impact.Decay, 0.6, 40.0)]
    public void The_profile_recovers_the_rate_of_a_series_made_with_it(Impact impact, double rate, double omega)
    {
        var series = Series(k => omega * TransferFunction.Value(impact, rate, k), noise: 0.3);
        var result = new ItsModel(series, Spec(impact)).Fit();
        var estimate = result.Rate!;
        Assert.False(estimate.AtBound);
        Assert.Equal(rate, result["rate1"].Estimate, 0.03);
        Assert.Equal(omega, result[$"{impact.Name()}1"].Estimate, 0.1 * omega);
        // The table's rate is the profile maximum refined by one Gauss-Newton step.
        Assert.Equal(estimate.Rate, result["rate1"].Estimate, 1e-6);
        Assert.Empty(result.Warnings);

        // The profile's maximum is one: a nearby fixed rate fits worse.
        foreach (double nearby in new[] { estimate.Rate - 0.01, estimate.Rate + 0.01 })
            Assert.True(new ItsModel(series, Spec(impact, nearby)).Fit().LogLikelihood < estimate.LogLikelihood);

        // Every effect is omega g_k(delta): the counterfactual is the fit without the impact.
        foreach (var e in result.Effects)
            Assert.Equal(result[$"{impact.Name()}1"].Estimate * TransferFunction.Value(impact, result["rate1"].Estimate, e.PeriodsAfter), e.Absolute, 1e-6 * Math.Max(1, Math.Abs(e.Absolute)));
        var after = result.Trajectory.Where(p => p.Period.CompareTo(Interruption) >= 0);
        Assert.All(after, p => Assert.Equal(result["intercept"].Estimate + result["time"].Estimate * p.Period.PeriodsSince(Start), p.Counterfactual!.Value, 1e-8));
    }

    [Fact]
    public void A_rate_at_its_bound_is_held_there_and_said()
    {
        // A plain step: the gradual rate's profile is highest at 0.
        var result = new ItsModel(Series(k => k >= 0 ? 12 : 0, noise: 0.5), Spec(Impact.Gradual)).Fit();
        Assert.True(result.Rate!.AtBound);
        Assert.Equal(0, result.Rate.Rate);
        Assert.DoesNotContain("rate1", result.Coefficients.Terms);
        Assert.Contains(result.Warnings, w => w.Contains("estimated at 0, its lower bound, so it is held there") && w.Contains("use impact level"));
        Assert.Equal(12, result["gradual1"].Estimate, 1.0);
    }

    [Fact]
    public void A_pulse_changes_the_interruption_period_alone()
    {
        var result = new ItsModel(Series(k => k == 0 ? 30 : 0, noise: 0.2), Spec(Impact.Pulse) with { EffectsAt = [0, 1] }).Fit();
        Assert.Equal(["intercept", "time", "pulse1"], result.Coefficients.Terms);
        Assert.Equal(30, result["pulse1"].Estimate, 1.0);
        Assert.Equal(result["pulse1"].Estimate, result.Effects[0].Absolute, 1e-9);
        Assert.Equal(0, result.Effects[1].Absolute, 1e-12);
        Assert.Empty(result.PostTrends);
        Assert.Empty(result.LongRun);
    }

    [Fact]
    public void A_pulse_left_out_by_a_transition_is_refused() =>
        Assert.Contains("a pulse lasts the interruption period only",
            Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0), Spec(Impact.Pulse) with { TransitionPeriods = 2 })).Message);

    [Theory]
    [InlineData("gls-ar:1", "not gls-ar:1")]
    [InlineData("prais", "not prais")]
    [InlineData("arima:auto", "not arima:auto")]
    public void A_rate_is_profiled_only_over_a_likelihood_it_can_use(string errors, string named)
    {
        var e = Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0), Spec(Impact.Gradual) with { Errors = ErrorModel.Parse(errors) }));
        Assert.Contains("fix the rate (gradual:0.5)", e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void A_rate_outside_its_range_or_on_another_impact_is_refused()
    {
        Assert.Contains("must lie from 0 up to (not including) 1, not 1.2",
            Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0), Spec(Impact.Gradual, 1.2))).Message);
        Assert.Contains("a rate goes with a gradual or decay impact, not level",
            Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0), Spec(Impact.Level, 0.5))).Message);
    }

    [Fact]
    public void An_estimated_rate_takes_one_interruption_and_a_fixed_one_several()
    {
        var two = Spec(Impact.Decay) with { Interruptions = [Interruption, Interruption.Add(12)] };
        Assert.Contains("needs one interruption, not 2", Assert.Throws<ItsException>(() => new ItsModel(Series(_ => 0), two)).Message);
        var result = new ItsModel(Series(_ => 0), two with { Rate = 0.5 }).Fit();
        Assert.Equal(["intercept", "time", "decay1", "decay2"], result.Coefficients.Terms);
        Assert.Equal(2, result.LongRun.Count);
    }

    [Fact]
    public void Methods_that_share_one_linear_design_refuse_an_estimated_rate()
    {
        var spec = Spec(Impact.Gradual);
        Assert.Contains("a panel fit gives its fits one linear design", Assert.Throws<ItsException>(() => new PanelFitter(spec)).Message);
        Assert.Contains("the break search gives its fits one linear design", Assert.Throws<ItsException>(() => BreakSearch.Run(Series(_ => 0), spec)).Message);
        Assert.Contains("power is simulated for level and slope changes",
            Assert.Throws<ItsException>(() => PowerScenario.Like(Series(_ => 0), spec with { Rate = 0.5 })).Message);
        Assert.Equal(nameof(PowerScenario.Impact), new PowerScenario { PeriodsBefore = 24, PeriodsAfter = 24, Impact = Impact.Pulse }.Problem()!.Property);
    }

    [Fact]
    public void The_json_holds_the_rate_and_the_long_run_change()
    {
        var result = new ItsModel(Series(k => 15 * TransferFunction.Value(Impact.Gradual, 0.7, k), noise: 0.3), Spec(Impact.Gradual)).Fit();
        using var json = JsonDocument.Parse(ResultReport.Render(result, ReportFormat.Json));
        var root = json.RootElement;
        Assert.True(root.GetProperty("rate").GetProperty("estimated").GetBoolean());
        Assert.Equal(result.Rate!.Rate, root.GetProperty("rate").GetProperty("profile_maximum").GetDouble());
        Assert.False(root.GetProperty("rate").GetProperty("at_bound").GetBoolean());
        var longRun = root.GetProperty("long_run").EnumerateArray().Single();
        Assert.Equal("gradual1 / (1 - rate)", longRun.GetProperty("term").GetString());
        Assert.Equal(result.LongRun[0].Estimate, longRun.GetProperty("estimate").GetDouble());

        var fixedRate = new ItsModel(Series(_ => 0), Spec(Impact.Decay, 0.4)).Fit();
        using var fixedJson = JsonDocument.Parse(ResultReport.Render(fixedRate, ReportFormat.Json));
        Assert.Equal(0.4, fixedJson.RootElement.GetProperty("rate").GetProperty("value").GetDouble());
        string text = ResultReport.Render(result, ReportFormat.Text);
        Assert.Matches(@"impact gradual \(rate 0\.\d+, estimated by profile likelihood over \d+ fits\)", text);
        Assert.Contains("Long-run change (omega / (1 - delta)", text);
    }
}
