using System.Text.Json;
using Its.Model;
using Its.Results;

namespace Its.Tests.Reference;

/// <summary>
/// Count models against R (tests/reference/glm.R -> glm.json): glm Poisson and quasi-Poisson and
/// MASS::glm.nb with a log-population offset, model-based, HC and Newey-West covariances, z
/// inference, rate-scale effects, and the Lopez Bernal et al. (2017) published rate ratio.
/// </summary>
public sealed class CountReferenceTests
{
    // IRLS on both sides runs to a relative deviance change of 1e-12; estimates agree far below
    // the 1e-6 relative tolerance for IRLS fits that the tests state.
    private const double Irls = 1e-6;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("glm.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_R(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        var r = fixture.Json;
        var result = new ItsModel(fixture.Series(), fixture.Spec()).Fit();

        Assert.Equal(r.GetProperty("n").GetInt32(), result.N);
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), result.DfResidual);
        foreach (var (expected, actual) in r.GetProperty("coefficients").EnumerateArray().Zip(result.Coefficients))
        {
            Assert.Equal(expected.GetProperty("term").GetString(), actual.Term);
            Assert.Null(actual.Df);
            foreach (var (key, value) in new[] { ("estimate", actual.Estimate), ("std_error", actual.StdError), ("statistic", actual.Statistic),
                         ("p_value", actual.PValue), ("ci_lower", actual.Ci.Lower), ("ci_upper", actual.Ci.Upper) })
                Close.Equal(expected.GetProperty(key).GetDouble(), value, Irls, $"{actual.Term} {key}", floor: key == "p_value" ? 1e-8 : 1e-6);
        }
        var vcov = r.GetProperty("vcov").EnumerateArray().Select(Fixture.Numbers).ToArray();
        double scale = Enumerable.Range(0, vcov.Length).Max(i => vcov[i][i]);
        for (int i = 0; i < vcov.Length; i++)
            for (int j = 0; j < vcov.Length; j++)
                Close.Equal(vcov[i][j], result.Covariance[i, j], Irls, $"vcov[{i},{j}]", floor: scale * 1e-6);

        var dispersion = result.Diagnostics.Dispersion!;
        Close.Equal(r.GetProperty("deviance").GetDouble(), dispersion.Deviance, Irls, "deviance");
        Close.Equal(r.GetProperty("pearson_chisq").GetDouble(), dispersion.PearsonChiSquare, Irls, "Pearson chi-square");
        Parameter(fixture, "theta", result, "theta");
        // MASS::theta.ml takes the information one Newton step before its stop (|step| < 1.2e-4),
        // the kit at the optimum: the SE of theta agrees to 1e-5, not to the IRLS tolerance.
        Parameter(fixture, "theta_se", result, "theta_se", 1e-5);
        if (result.Spec.Family == Family.QuasiPoisson) Parameter(fixture, "dispersion", result, "dispersion");
        Optional(fixture, "log_likelihood", result.LogLikelihood);
        Optional(fixture, "aic", result.Aic);
        Assert.Equal(fixture.Optional("lag")?.GetInt32(), result.Spec.Errors.Covariance is NeweyWestCovariance { Lag: NeweyWest1994Lag } ? result.Lag : null);

        var acf = Fixture.Numbers(r.GetProperty("residual_acf"));
        for (int k = 0; k < acf.Length; k++) Close.Equal(acf[k], result.Diagnostics.Correlogram.Acf[k], Irls, $"deviance residual ACF[{k + 1}]");
        Close.Equal(r.GetProperty("ljung_box").GetProperty("statistic").GetDouble(), result.Diagnostics.LjungBox.Statistic, Irls, "Ljung-Box");

        foreach (var (e, a) in r.GetProperty("effects").EnumerateArray().Zip(result.Effects))
        {
            string at = $"effect at +{a.PeriodsAfter}";
            Assert.Equal(e.GetProperty("period").GetString(), a.Period.ToString());
            foreach (var (key, value) in new[] { ("fitted", a.Fitted), ("counterfactual", a.Counterfactual), ("exposure", a.Exposure!.Value),
                         ("absolute", a.Absolute), ("absolute_se", a.AbsoluteStdError), ("relative", a.Relative!.Value) })
                Close.Equal(e.GetProperty(key).GetDouble(), value, Irls, $"{at} {key}");
            var ci = Fixture.Numbers(e.GetProperty("relative_ci"));
            Close.Equal(ci[0], a.RelativeCi!.Value.Lower, Irls, $"{at} relative CI lower");
            Close.Equal(ci[1], a.RelativeCi.Value.Upper, Irls, $"{at} relative CI upper");
        }
    }

    [Fact]
    public void Reproduces_the_published_rate_ratio()
    {
        // Lopez Bernal et al. (2017): quasi-Poisson, log(stdpop) offset, two Fourier pairs:
        // rate ratio 0.8851 (0.8394 to 0.9332).
        var fixture = Cases.Single(c => c.Name == "sicily_level_quasipoisson");
        var level = new ItsModel(fixture.Series(), fixture.Spec()).Fit()["level1"];
        Assert.Equal(0.8851, Math.Round(Math.Exp(level.Estimate), 4));
        Assert.Equal(0.8394, Math.Round(Math.Exp(level.Ci.Lower), 4));
        Assert.Equal(0.9332, Math.Round(Math.Exp(level.Ci.Upper), 4));
    }

    private static void Parameter(Fixture fixture, string key, ItsResult result, string name, double tolerance = Irls)
    {
        var expected = fixture.Optional(key);
        var actual = result.FamilyParameters.SingleOrDefault(p => p.Name == name);
        if (expected is null) { Assert.Null(actual); return; }
        Assert.NotNull(actual);
        // theta is found by a Newton iteration on top of IRLS: the same 1e-6.
        Close.Equal(expected.Value.GetDouble(), actual.Estimate, tolerance, name);
    }

    private static void Optional(Fixture fixture, string key, double? actual)
    {
        var expected = fixture.Optional(key);
        if (expected is null) Assert.Null(actual);
        else Close.Equal(expected.Value.GetDouble(), actual!.Value, Irls, key);
    }
}
