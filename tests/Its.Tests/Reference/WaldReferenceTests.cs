using System.Text.Json;
using Its.Model;
using Its.Results;

namespace Its.Tests.Reference;

/// <summary>
/// Linear contrasts, joint Wald tests and confidence intervals at another level against R
/// (tests/reference/wald.R -> wald.json, by hand from coef() and vcov()): California Proposition 99
/// with classical and Newey-West errors (t and F), and a Poisson model of the Sicily series (z and
/// chi-square).
/// </summary>
public sealed class WaldReferenceTests
{
    // Closed forms (OLS, Newey-West): the same arithmetic as R, up to rounding.
    private const double ClosedForm = 1e-8;
    // IRLS: both sides stop at a tolerance on the deviance.
    private const double Irls = 1e-6;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("wald.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    private static (ItsResult Fit, double Tolerance) Fit(Fixture f)
    {
        var fit = new ItsModel(f.Series(), f.Spec()).Fit();
        return (fit, f.Json.GetProperty("family").GetString() == "gaussian" ? ClosedForm : Irls);
    }

    private static (string Term, double Weight)[] Weights(JsonElement weights) =>
        weights.EnumerateObject().Select(p => (p.Name, p.Value.GetDouble())).ToArray();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Contrasts_match_R(string name)
    {
        var f = Cases.Single(c => c.Name == name);
        var (fit, tol) = Fit(f);
        foreach (var e in f.Json.GetProperty("contrasts").EnumerateArray())
        {
            var c = fit.Contrast(Weights(e.GetProperty("weights")));
            string what = c.Term;
            Close.Equal(e.GetProperty("estimate").GetDouble(), c.Estimate, tol, $"{what} estimate");
            Close.Equal(e.GetProperty("std_error").GetDouble(), c.StdError, tol, $"{what} SE");
            Close.Equal(e.GetProperty("statistic").GetDouble(), c.Statistic, tol, $"{what} statistic");
            Close.Equal(e.GetProperty("p_value").GetDouble(), c.PValue, tol, $"{what} p", floor: 1e-8);
            Close.Equal(e.GetProperty("ci_lower").GetDouble(), c.Ci.Lower, tol, $"{what} CI lower");
            Close.Equal(e.GetProperty("ci_upper").GetDouble(), c.Ci.Upper, tol, $"{what} CI upper");
            if (e.GetProperty("df").ValueKind == JsonValueKind.Null) Assert.Null(c.Df);
            else Assert.Equal(e.GetProperty("df").GetDouble(), c.Df);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Joint_tests_match_R(string name)
    {
        var f = Cases.Single(c => c.Name == name);
        var (fit, tol) = Fit(f);
        foreach (var e in f.Json.GetProperty("joint").EnumerateArray())
        {
            var restrictions = e.GetProperty("restrictions").EnumerateArray().Select(r => (IReadOnlyList<(string, double)>)Weights(r)).ToArray();
            var w = fit.Wald(restrictions);
            string what = $"{name}, {restrictions.Length} restriction(s)";
            Assert.Equal(e.GetProperty("df1").GetInt32(), w.Restrictions);
            if (e.GetProperty("df2").ValueKind == JsonValueKind.Null) Assert.False(w.IsF);
            else Assert.Equal(e.GetProperty("df2").GetDouble(), w.DfResidual);
            Close.Equal(e.GetProperty("statistic").GetDouble(), w.Statistic, tol, $"{what} statistic");
            Close.Equal(e.GetProperty("p_value").GetDouble(), w.PValue, tol, $"{what} p", floor: 1e-8);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Confidence_intervals_at_90_percent_match_R(string name)
    {
        var f = Cases.Single(c => c.Name == name);
        var (fit, tol) = Fit(f);
        var lower = Fixture.Numbers(f.Json.GetProperty("ci90_lower"));
        var upper = Fixture.Numbers(f.Json.GetProperty("ci90_upper"));
        for (int j = 0; j < fit.Parameters; j++)
        {
            var ci = fit.Coefficients[j].ConfidenceInterval(0.90);
            Close.Equal(lower[j], ci.Lower, tol, $"{fit.Coefficients[j].Term} 90% CI lower");
            Close.Equal(upper[j], ci.Upper, tol, $"{fit.Coefficients[j].Term} 90% CI upper");
        }
    }
}
