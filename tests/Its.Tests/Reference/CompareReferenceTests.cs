using Its.Comparison;
using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// The pooled interaction model of multiple-group ITS against R lm on the stacked series with
/// sandwich covariances (tests/reference/compare.R -> compare.json): Proposition 99 (California
/// against the mean of the other states, and against every state stacked as Stata itsa does), a
/// synthetic two-group monthly panel, and three groups.
/// </summary>
public sealed class CompareReferenceTests
{
    // Closed forms (QR least squares, sandwich products): 1e-8 relative.
    private const double ClosedForm = 1e-8;

    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("compare.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    private static (IReadOnlyList<GroupSeries> Units, ItsSpec Spec, string Reference, LagScope Scope) Read(Fixture f)
    {
        var units = f.Json.GetProperty("units").EnumerateArray()
            .Select(u => new GroupSeries(u.GetProperty("name").GetString()!, Fixture.SeriesOf(u.GetProperty("series")), u.GetProperty("unit").GetString()))
            .ToArray();
        var scope = f.Json.GetProperty("lag_scope").GetString() == "across" ? LagScope.AcrossSeries : LagScope.WithinSeries;
        return (units, f.Spec(units[0].Series.Frequency), f.Json.GetProperty("reference").GetString()!, scope);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Pooled_model_matches_R(string name)
    {
        var f = Cases.Single(c => c.Name == name);
        var (units, spec, reference, scope) = Read(f);
        var pooled = GroupComparison.FitPooled(units, spec, reference, scope);

        var terms = f.Json.GetProperty("terms").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal(terms, pooled.Coefficients.Select(c => c.Term).ToArray());
        Assert.Equal(f.Json.GetProperty("df").GetInt32(), pooled.DfResidual);
        Assert.Equal(f.Json.GetProperty("n").GetInt32(), pooled.N);
        Close.Equal(f.Json.GetProperty("sigma").GetDouble(), pooled.ResidualScale, ClosedForm, "sigma");
        string[] fields = ["coef", "se", "t", "p", "ci_lower", "ci_upper"];
        foreach (string field in fields)
        {
            var expected = Fixture.Numbers(f.Json.GetProperty(field));
            for (int j = 0; j < terms.Length; j++)
            {
                var c = pooled.Coefficients[j];
                double actual = field switch
                {
                    "coef" => c.Estimate,
                    "se" => c.StdError,
                    "t" => c.Statistic,
                    "p" => c.PValue,
                    "ci_lower" => c.Ci.Lower,
                    _ => c.Ci.Upper,
                };
                Close.Equal(expected[j], actual, ClosedForm, $"{terms[j]} {field}");
            }
        }
        // A covariance that is 0 up to rounding (orthogonal columns) is compared on the scale of
        // SE_i SE_j: a correlation below 1e-6 counts as 0.
        var vcov = f.Json.GetProperty("vcov").EnumerateArray().Select(Fixture.Numbers).ToArray();
        for (int i = 0; i < terms.Length; i++)
            for (int j = 0; j < terms.Length; j++)
                Close.Equal(vcov[i][j], pooled.Covariance[i, j], ClosedForm, $"cov({terms[i]}, {terms[j]})", floor: 1e-6 * Math.Sqrt(vcov[i][i] * vcov[j][j]));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Difference_tests_match_R(string name)
    {
        var f = Cases.Single(c => c.Name == name);
        var (units, spec, reference, scope) = Read(f);
        var tests = GroupComparison.Tests(GroupComparison.FitPooled(units, spec, reference, scope));
        var expected = f.Json.GetProperty("tests").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, tests.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var t = tests[i];
            string prefix = e.GetProperty("prefix").GetString()!;
            Assert.Equal(prefix, prefix == "group" ? "group" : $"group[{t.Group}]");
            Assert.Equal(e.GetProperty("term").GetString(), t.Term);
            Close.Equal(e.GetProperty("p_value").GetDouble(), t.PValue, ClosedForm, $"{prefix} {t.Term} p");
            if (e.TryGetProperty("f", out var fStatistic))
            {
                Assert.True(t.Joint);
                Close.Equal(fStatistic.GetDouble(), t.Statistic, ClosedForm, $"{prefix} {t.Term} F");
                Assert.Equal(e.GetProperty("df1").GetInt32(), t.Df);
            }
            else
            {
                Close.Equal(e.GetProperty("estimate").GetDouble(), t.Estimate!.Value, ClosedForm, $"{prefix} {t.Term} estimate");
                Close.Equal(e.GetProperty("std_error").GetDouble(), t.StdError!.Value, ClosedForm, $"{prefix} {t.Term} SE");
            }
        }
    }

    [Fact]
    public void Stacked_states_with_lags_across_reproduce_the_slope_difference_p_value_Linden_quotes()
    {
        // Linden's Stata help for ITSA power: the difference in trends (_z_x_t1989) of
        // itsa cigsale, treatid(3) trperiod(1989) lag(1) has P = 0.136.
        var (units, spec, reference, _) = Read(Cases.Single(c => c.Name == "prop99 stacked newey:1 across"));
        var across = GroupComparison.Tests(GroupComparison.FitPooled(units, spec, reference, LagScope.AcrossSeries));
        var within = GroupComparison.Tests(GroupComparison.FitPooled(units, spec, reference, LagScope.WithinSeries));
        Assert.Equal(0.136, Math.Round(across.Single(t => t.Term == "slope1").PValue, 3));
        Assert.NotEqual(0.136, Math.Round(within.Single(t => t.Term == "slope1").PValue, 3));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Pooled_point_estimates_equal_the_per_group_fits(string name)
    {
        // Every term is interacted, so each group's coefficients are the reference's plus its group terms.
        var (units, spec, reference, scope) = Read(Cases.Single(c => c.Name == name));
        var result = GroupComparison.Fit(units, spec, reference, scope);
        var baseFit = result.Groups[0].Result;
        Assert.Equal(reference, result.Groups[0].Name);
        foreach (var group in result.Groups.Skip(1))
            foreach (var c in group.Result.Coefficients)
            {
                string prefix = result.Pooled.Prefix(group.Name);
                double pooled = result.Pooled[c.Term].Estimate + result.Pooled[c.Term == "intercept" ? prefix : $"{prefix}:{c.Term}"].Estimate;
                Close.Equal(c.Estimate, pooled, 1e-9, $"{group.Name} {c.Term}", floor: 1e-3);
                Close.Equal(baseFit[c.Term].Estimate, result.Pooled[c.Term].Estimate, 1e-9, $"{reference} {c.Term}", floor: 1e-3);
            }
    }

    [Fact]
    public void The_synthetic_panel_recovers_its_known_differences()
    {
        // compare.R draws the hospital series with a level change 0.08 and a slope change 0.006 per
        // month lower than the community series (log scale), with AR(1) noise. Both estimates lie
        // within 3 standard errors of the truth (the slope difference, -0.0029, at 2.3 SE: 24
        // post-months of autocorrelated noise), and both differences are detected.
        var (units, spec, reference, scope) = Read(Cases.Single(c => c.Name == "synthetic newey:3 within"));
        var pooled = GroupComparison.FitPooled(units, spec, reference, scope);
        foreach (var (term, truth) in new[] { ("group:level1", -0.08), ("group:slope1", -0.006) })
        {
            var c = pooled[term];
            Assert.True(Math.Abs(c.Estimate - truth) < 3 * c.StdError, $"{term}: {c.Estimate} vs {truth} (SE {c.StdError})");
            Assert.True(c.PValue < 0.05, $"{term} detected");
        }
    }
}
