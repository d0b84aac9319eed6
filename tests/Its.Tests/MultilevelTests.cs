using Its.Estimation;
using Its.Model;
using Its.Multilevel;
using Its.Reporting;
using Its.Tests.Reference;
using Its.Time;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Its.Tests;

/// <summary>
/// Multilevel ITS beyond its R fixture (<c>multilevel.json</c>): a panel simulated from known
/// parameters is recovered, a random effect with no variation between units is reported as such,
/// the unit values add up, the JSON carries every part, and the panels and specs it refuses.
/// </summary>
public sealed class MultilevelTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly ItsSpec Spec = new() { Interruptions = [Period.Month(2017, 11)] };
    private static readonly MultilevelSpec Random4 = new() { RandomTerms = ["intercept", "time", "level1", "slope1"] };

    // Units with the ITS model, random level and slope changes of SD levelSd and slopeSd, AR(1) errors (phi, SD 1).
    private static MultilevelUnit[] Simulate(int units, double levelSd, double slopeSd, double phi, int seed, bool sharedNoise = false)
    {
        var rng = new MersenneTwister(seed);
        var normal = new Normal(0, 1, rng);
        int n = 48, t0 = 22;
        var shared = Enumerable.Range(0, n).Select(_ => normal.Sample()).ToArray();
        return Enumerable.Range(0, units).Select(i =>
        {
            double a = 50 + 5 * normal.Sample(), level = -3 + levelSd * normal.Sample(), slope = -0.2 + slopeSd * normal.Sample();
            double e = 0;
            var y = new double[n];
            for (int t = 0; t < n; t++)
            {
                e = phi * e + Math.Sqrt(1 - phi * phi) * (sharedNoise ? shared[t] : normal.Sample());
                y[t] = a + 0.1 * t + (t >= t0 ? level + slope * (t - t0) : 0) + e;
            }
            var periods = Enumerable.Range(0, n).Select(t => Start.Add(t)).ToArray();
            return new MultilevelUnit($"U{i:00}", new TimeSeries(periods, y), i % 2 == 0 ? "hospital" : "community");
        }).ToArray();
    }

    [Fact]
    public void A_simulated_panel_gives_back_its_parameters()
    {
        var fit = MultilevelIts.Fit(Simulate(80, levelSd: 2, slopeSd: 0.1, phi: 0.5, seed: 11), Spec,
            Random4 with { WithinAr1 = true, RandomTerms = ["intercept", "level1", "slope1"] });
        Assert.True(fit.Converged);
        Assert.Empty(fit.Warnings);
        // Each within 3 standard errors (or, for variance parameters, inside its 99.7% range from the CI).
        foreach (var (term, truth) in new[] { ("intercept", 50.0), ("time", 0.1), ("level1", -3.0), ("slope1", -0.2), ("group", 0.0), ("group:level1", 0.0) })
            Assert.InRange(fit.FixedEffects[term].Estimate, truth - 3 * fit.FixedEffects[term].StdError, truth + 3 * fit.FixedEffects[term].StdError);
        foreach (var (term, truth) in new[] { ("intercept", 5.0), ("level1", 2.0), ("slope1", 0.1) })
        {
            var ci = fit.RandomSds.Single(s => s.Term == term).Sd.Ci!.Value;
            double halfWidth = (Math.Log(ci.Upper) - Math.Log(ci.Lower)) / 2 / 1.96;
            double sd = fit.RandomSds.Single(s => s.Term == term).Sd.Value;
            Assert.InRange(Math.Log(truth), Math.Log(sd) - 3 * halfWidth, Math.Log(sd) + 3 * halfWidth);
        }
        Assert.InRange(fit.Phi!.Value, 0.4, 0.6);
        Assert.InRange(fit.Sigma.Value, 0.9, 1.1);
    }

    [Fact]
    public void A_unit_value_is_its_types_fixed_effect_plus_its_deviation()
    {
        var fit = MultilevelIts.Fit(Simulate(12, 2, 0.1, 0, seed: 5), Spec, Random4, reference: "hospital");
        Assert.Equal("hospital", fit.ReferenceType);
        Assert.Equal(["community"], fit.ComparedTypes);
        var community = fit.Units.First(u => u.Type == "community");
        var hospital = fit.Units.First(u => u.Type == "hospital");
        int k = fit.RandomTerms.ToList().IndexOf("level1");
        Assert.Equal(fit.FixedEffects["level1"].Estimate + hospital.Effects[k].Deviation, hospital.Effects[k].UnitValue, 1e-12);
        Assert.Equal(fit.FixedEffects["level1"].Estimate + fit.FixedEffects["group:level1"].Estimate + community.Effects[k].Deviation, community.Effects[k].UnitValue, 1e-12);
        // The deviations of a random effect are predictions shrunk toward 0: their SD is below the estimated between-unit SD.
        var deviations = fit.Units.Select(u => u.Effects[k].Deviation).ToArray();
        Assert.True(MathNet.Numerics.Statistics.Statistics.PopulationStandardDeviation(deviations) < fit.RandomSds[k].Sd.Value);
        Assert.All(fit.Units, u => Assert.True(u.Effects[k].ConditionalSd > 0 && u.Effects[k].ConditionalSd < fit.RandomSds[k].Sd.Value));
    }

    [Fact]
    public void A_random_effect_with_no_variation_between_units_is_reported_at_zero_without_a_ci()
    {
        // Every unit has the same errors and the same changes: only the intercepts differ.
        var fit = MultilevelIts.Fit(Simulate(10, levelSd: 0, slopeSd: 0, phi: 0, seed: 3, sharedNoise: true), Spec,
            new MultilevelSpec { RandomTerms = ["intercept", "slope1"] });
        var slope = fit.RandomSds.Single(s => s.Term == "slope1");
        Assert.True(slope.Sd.Value < 1e-4 * fit.Sigma.Value, $"slope SD {slope.Sd.Value}");
        Assert.Null(slope.Sd.Ci);
        Assert.Contains(fit.Warnings, w => w.Contains("between-unit SD of slope1 is estimated at zero", StringComparison.Ordinal));
        Assert.InRange(fit.RandomSds.Single(s => s.Term == "intercept").Sd.Value, 2, 10);
        string json = MultilevelReport.Render(fit, ReportFormat.Json);
        Assert.Contains("\"ci\":null", json.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_holds_every_part_of_the_fit()
    {
        var fixture = Fixture.Load("multilevel.json", "facilities-reml-general-ar1");
        var (units, spec, model, reference) = FixtureChecker.MultilevelCase(fixture);
        var fit = MultilevelIts.Fit(units, spec, model, reference);
        using var doc = System.Text.Json.JsonDocument.Parse(MultilevelReport.Render(fit, ReportFormat.Json));
        var root = doc.RootElement;
        Assert.Equal(["outcome", "units", "n", "method", "random_covariance", "within", "reference_type", "compared_types", "coefficients", "covariance",
            "random_sd", "correlations", "sigma", "phi", "log_likelihood", "aic", "bic", "converged", "unit_effects", "warnings"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("correlations").GetArrayLength());
        Assert.Equal(8, root.GetProperty("covariance").GetArrayLength());
        Assert.Equal(["term", "deviation", "conditional_sd", "unit_value"], root.GetProperty("unit_effects")[0].GetProperty("effects")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(fit.LogLikelihood, root.GetProperty("log_likelihood").GetDouble());
    }

    [Fact]
    public void Panels_and_specs_it_cannot_fit_are_refused_with_the_reason()
    {
        var units = Simulate(6, 1, 0.05, 0, seed: 2);
        string Refusal(Action fit) => Assert.Throws<ItsException>(fit).Message;
        Assert.Contains("two or more units", Refusal(() => MultilevelIts.Fit(units[..1], Spec, Random4)));
        Assert.Contains("unit U00 appears more than once", Refusal(() => MultilevelIts.Fit([units[0], units[0], units[1]], Spec, Random4)));
        Assert.Contains("unit U01 has no type", Refusal(() => MultilevelIts.Fit([units[0], units[1] with { Type = null }, units[2]], Spec, Random4)));
        Assert.Contains("every unit is of type hospital", Refusal(() => MultilevelIts.Fit([units[0], units[2], units[4]], Spec, Random4)));
        Assert.Contains("reference type clinic is not a type", Refusal(() => MultilevelIts.Fit(units, Spec, Random4, "clinic")));
        Assert.Contains("random term trend is not a term of the design", Refusal(() => MultilevelIts.Fit(units, Spec, Random4 with { RandomTerms = ["intercept", "trend"] })));
        Assert.Contains("at least one random term", Refusal(() => MultilevelIts.Fit(units, Spec, Random4 with { RandomTerms = [] })));
        Assert.Contains("Gaussian outcome", Refusal(() => MultilevelIts.Fit(units, Spec with { Family = Family.Poisson }, Random4)));
        Assert.Contains("leave the spec's errors at ols", Refusal(() => MultilevelIts.Fit(units, Spec with { Errors = new GlsErrors(1, 0, LikelihoodMethod.Reml) }, Random4)));
        Assert.Contains("multilevel ITS", Refusal(() => MultilevelIts.Fit(units, Spec with { Impact = Impact.Gradual }, Random4)));
        var yearly = new MultilevelUnit("Y", new TimeSeries(Enumerable.Range(2000, 48).Select(Period.OfYear).ToArray(), new double[48]), "community");
        Assert.Contains("the same frequency", Refusal(() => MultilevelIts.Fit([units[0], yearly], Spec, Random4)));
    }
}
