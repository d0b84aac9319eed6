using Its.Comparison;
using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// The pooled interaction model of multiple-group ITS on the cases of tests/reference/compare.json
/// (whose every number <see cref="ReferenceFixtureTests"/> compares with R lm and sandwich): the
/// p value Linden quotes for Stata itsa, the pooled estimates against the per-group fits, and the
/// synthetic panel's known differences.
/// </summary>
public sealed class CompareReferenceTests
{
    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("compare.json");

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    private static (IReadOnlyList<GroupSeries> Units, ItsSpec Spec, string Reference, LagScope Scope) Read(Fixture f) => FixtureChecker.GroupCase(f);

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
