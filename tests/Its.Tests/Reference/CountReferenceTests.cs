using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// The count fixture (tests/reference/glm.R -> glm.json) against the rate ratio Lopez Bernal et al.
/// (2017) publish; every number of every case is compared with R by <see cref="ReferenceFixtureTests"/>.
/// </summary>
public sealed class CountReferenceTests
{
    [Fact]
    public void Reproduces_the_published_rate_ratio()
    {
        // Lopez Bernal et al. (2017): quasi-Poisson, log(stdpop) offset, two Fourier pairs:
        // rate ratio 0.8851 (0.8394 to 0.9332).
        var fixture = Fixture.Load("glm.json", "sicily_level_quasipoisson");
        var level = new ItsModel(fixture.Series(), fixture.Spec()).Fit()["level1"];
        Assert.Equal(0.8851, Math.Round(Math.Exp(level.Estimate), 4));
        Assert.Equal(0.8394, Math.Round(Math.Exp(level.Ci.Lower), 4));
        Assert.Equal(0.9332, Math.Round(Math.Exp(level.Ci.Upper), 4));
    }
}
