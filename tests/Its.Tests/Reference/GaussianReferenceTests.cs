using System.Text.Json;
using Its.Model;
using Its.Results;

namespace Its.Tests.Reference;

/// <summary>
/// Every Gaussian fit against R (tests/reference/gaussian.R -> gaussian.json): coefficients, SEs,
/// t, p, CIs, covariance, sigma, likelihood, AR parameters, Newey-West lags, diagnostics, effects
/// and post-period trends.
/// </summary>
public sealed class GaussianReferenceTests
{
    // Closed forms (OLS, HC, Newey-West, diagnostics): the same arithmetic as R, up to rounding.
    private const double ClosedForm = 1e-8;
    // Iterated fits (Prais-Winsten, Cochrane-Orcutt): both sides stop at a tolerance on rho.
    private const double Iterated = 1e-6;

    // p values are compared relative to max(p, 1e-8): R's Box.test reports 1 - pchisq, which is 0 where
    // the kit's direct upper tail gives 1e-17.
    private const double PFloor = 1e-8;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("gaussian.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Matches_R(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        var r = fixture.Json;
        var result = new ItsModel(fixture.Series(), fixture.Spec()).Fit();
        double tol = result.Spec.Errors is AutoregressiveErrors ? Iterated : ClosedForm;

        Assert.Equal(r.GetProperty("n").GetInt32(), result.N);
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), result.DfResidual);
        var coefficients = r.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(coefficients.Select(c => c.GetProperty("term").GetString()), result.Coefficients.Select(c => c.Term));
        foreach (var (expected, actual) in coefficients.Zip(result.Coefficients))
        {
            string term = actual.Term;
            Close.Equal(expected.GetProperty("estimate").GetDouble(), actual.Estimate, tol, $"{term} estimate");
            Close.Equal(expected.GetProperty("std_error").GetDouble(), actual.StdError, tol, $"{term} SE");
            Close.Equal(expected.GetProperty("statistic").GetDouble(), actual.Statistic, tol, $"{term} t");
            Close.Equal(expected.GetProperty("p_value").GetDouble(), actual.PValue, tol, $"{term} p");
            Close.Equal(expected.GetProperty("ci_lower").GetDouble(), actual.Ci.Lower, tol, $"{term} CI lower");
            Close.Equal(expected.GetProperty("ci_upper").GetDouble(), actual.Ci.Upper, tol, $"{term} CI upper");
        }
        var vcov = r.GetProperty("vcov").EnumerateArray().Select(Fixture.Numbers).ToArray();
        double vscale = Enumerable.Range(0, vcov.Length).Max(i => Math.Abs(vcov[i][i]));
        for (int i = 0; i < vcov.Length; i++)
            for (int j = 0; j < vcov.Length; j++)
                Close.Equal(vcov[i][j], result.Covariance[i, j], tol, $"vcov[{i},{j}]", floor: vscale * 1e-6);
        Close.Equal(r.GetProperty("sigma").GetDouble(), result.ResidualScale, tol, "sigma");
        Optional(r, "log_likelihood", result.LogLikelihood, tol);
        Optional(r, "aic", result.Aic, tol);
        Optional(r, "rho", result.ErrorParameters.SingleOrDefault(a => a.Name == "rho")?.Estimate, tol);
        Assert.Equal(r.GetProperty("lag").ValueKind == JsonValueKind.Null ? null : r.GetProperty("lag").GetInt32(), result.Lag);

        CheckDiagnostics(r.GetProperty("diagnostics"), result.Diagnostics);
        CheckEffects(r.GetProperty("effects"), result, tol);
        CheckTrends(r.GetProperty("post_trend"), result, tol);
    }

    private static void CheckDiagnostics(JsonElement r, ResidualDiagnostics d)
    {
        var dw = r.GetProperty("durbin_watson");
        Assert.NotNull(d.DurbinWatson);
        Close.Equal(dw.GetProperty("statistic").GetDouble(), d.DurbinWatson.Statistic, ClosedForm, "DW");
        Close.Equal(dw.GetProperty("p_value").GetDouble(), d.DurbinWatson.PValue, ClosedForm, "DW p", floor: PFloor);
        var bg = r.GetProperty("breusch_godfrey").EnumerateArray().ToArray();
        Assert.Equal(bg.Length, d.BreuschGodfrey.Count);
        foreach (var (expected, actual) in bg.Zip(d.BreuschGodfrey))
        {
            string order = $"BG({actual.Order})";
            Assert.Equal(expected.GetProperty("order").GetInt32(), actual.Order);
            Close.Equal(expected.GetProperty("chisq").GetDouble(), actual.ChiSquare, ClosedForm, $"{order} chi-square");
            Close.Equal(expected.GetProperty("chisq_p_value").GetDouble(), actual.ChiSquarePValue, ClosedForm, $"{order} chi-square p", floor: PFloor);
            Close.Equal(expected.GetProperty("f").GetDouble(), actual.F, ClosedForm, $"{order} F");
            Assert.Equal(expected.GetProperty("f_df2").GetInt32(), actual.FDf2);
            Close.Equal(expected.GetProperty("f_p_value").GetDouble(), actual.FPValue, ClosedForm, $"{order} F p", floor: PFloor);
        }
        foreach (var (key, test) in new[] { ("ljung_box", d.LjungBox), ("box_pierce", d.BoxPierce) })
        {
            var e = r.GetProperty(key);
            Assert.Equal(e.GetProperty("lag").GetInt32(), test.Lag);
            Close.Equal(e.GetProperty("statistic").GetDouble(), test.Statistic, ClosedForm, key);
            Close.Equal(e.GetProperty("p_value").GetDouble(), test.PValue, ClosedForm, $"{key} p", floor: PFloor);
        }
        Series(r.GetProperty("acf"), d.Correlogram.Acf, "ACF");
        Series(r.GetProperty("pacf"), d.Correlogram.Pacf, "PACF");
    }

    private static void Series(JsonElement expected, IReadOnlyList<double> actual, string what)
    {
        var values = Fixture.Numbers(expected);
        Assert.Equal(values.Length, actual.Count);
        for (int i = 0; i < values.Length; i++) Close.Equal(values[i], actual[i], ClosedForm, $"{what}[{i + 1}]");
    }

    private static void CheckEffects(JsonElement r, ItsResult result, double tol)
    {
        var effects = r.EnumerateArray().ToArray();
        Assert.Equal(effects.Length, result.Effects.Count);
        foreach (var (e, a) in effects.Zip(result.Effects))
        {
            string at = $"effect at +{a.PeriodsAfter}";
            Assert.Equal(e.GetProperty("months_after").GetInt32(), a.PeriodsAfter);
            Assert.Equal(e.GetProperty("period").GetString(), a.Period.ToString());
            Close.Equal(e.GetProperty("fitted").GetDouble(), a.Fitted, tol, $"{at} fitted");
            Close.Equal(e.GetProperty("counterfactual").GetDouble(), a.Counterfactual, tol, $"{at} counterfactual");
            Close.Equal(e.GetProperty("absolute").GetDouble(), a.Absolute, tol, $"{at} absolute");
            Close.Equal(e.GetProperty("absolute_se").GetDouble(), a.AbsoluteStdError, tol, $"{at} absolute SE");
            Pair(e.GetProperty("absolute_ci"), a.AbsoluteCi, tol, $"{at} absolute CI");
            Optional(e, "relative", a.Relative, tol);
            Optional(e, "relative_se", a.RelativeStdError, tol);
            Assert.NotNull(a.RelativeCi);
            Pair(e.GetProperty("relative_ci"), a.RelativeCi.Value, tol, $"{at} relative CI");
        }
    }

    private static void CheckTrends(JsonElement r, ItsResult result, double tol)
    {
        var trends = r.EnumerateArray().ToArray();
        Assert.Equal(trends.Length, result.PostTrends.Count);
        foreach (var (e, a) in trends.Zip(result.PostTrends))
        {
            string what = $"trend after interruption {a.Interruption}";
            Assert.Equal(e.GetProperty("interruption").GetInt32(), a.Interruption);
            Close.Equal(e.GetProperty("estimate").GetDouble(), a.Estimate, tol, what);
            Close.Equal(e.GetProperty("std_error").GetDouble(), a.StdError, tol, $"{what} SE");
            Pair(e.GetProperty("ci"), a.Ci, tol, $"{what} CI");
            if (e.TryGetProperty("percent", out var percent) && percent.ValueKind != JsonValueKind.Null)
            {
                Close.Equal(percent.GetDouble(), a.Percent!.Value, tol, $"{what} percent");
                Pair(e.GetProperty("percent_ci"), a.PercentCi!.Value, tol, $"{what} percent CI");
            }
            else Assert.Null(a.Percent);
        }
    }

    private static void Pair(JsonElement expected, Interval actual, double tol, string what)
    {
        var v = Fixture.Numbers(expected);
        Close.Equal(v[0], actual.Lower, tol, $"{what} lower");
        Close.Equal(v[1], actual.Upper, tol, $"{what} upper");
    }

    private static void Optional(JsonElement r, string key, double? actual, double tol)
    {
        var e = r.GetProperty(key);
        if (e.ValueKind == JsonValueKind.Null) Assert.Null(actual);
        else
        {
            Assert.NotNull(actual);
            Close.Equal(e.GetDouble(), actual.Value, tol, key);
        }
    }
}
