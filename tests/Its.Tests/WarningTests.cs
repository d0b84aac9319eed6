using Its.Model;
using Its.Tests.Reference;

namespace Its.Tests;

/// <summary>What the user must know about a fit is said in its warnings, not hidden in a number.</summary>
public sealed class WarningTests
{
    private static Fixture Case(string name) => Fixture.Load("gaussian.json").Single(f => f.Name == name);

    [Fact]
    public void Rho_near_one_is_reported()
    {
        var f = Case("california_levelslope_prais");
        var result = new ItsModel(f.Series(), f.Spec()).Fit();
        Assert.True(result.ErrorParameters.Single().Estimate > 0.9);
        Assert.Contains(result.Warnings, w => w.Contains("close to 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_convergence_is_reported_with_the_last_iterate()
    {
        var f = Case("california_levelslope_cochrane-orcutt");
        var spec = f.Spec() with { Errors = AutoregressiveErrors.CochraneOrcutt with { MaxIterations = 3 } };
        var result = new ItsModel(f.Series(), spec).Fit();
        Assert.Equal(3, result.Iterations);
        Assert.Contains(result.Warnings, w => w.Contains("did not converge in 3 iterations", StringComparison.Ordinal));
        Assert.All(result.Coefficients, c => Assert.True(double.IsFinite(c.StdError)));
    }

    [Fact]
    public void Transition_periods_are_reported()
    {
        var f = Case("synthetic_log_transition_prais");
        var result = new ItsModel(f.Series(), f.Spec()).Fit();
        Assert.Contains(result.Warnings, w => w.Contains("2 transition month(s)", StringComparison.Ordinal));
        Assert.Equal(2, result.Trajectory.Count(p => !p.InFit));
    }

    [Fact]
    public void A_clean_fit_has_no_warnings()
    {
        var f = Case("california_levelslope_newey:1");
        Assert.Empty(new ItsModel(f.Series(), f.Spec()).Fit().Warnings);
    }
}
