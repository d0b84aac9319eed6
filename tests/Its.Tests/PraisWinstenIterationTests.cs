using Its.Estimation;
using Its.Model;

namespace Its.Tests;

/// <summary>The stopping rules of the AR(1) iteration shared by the single-series and the batch path.</summary>
public sealed class PraisWinstenIterationTests
{
    [Fact]
    public void StopsWhenRhoSettles()
    {
        var iteration = new PraisWinstenIteration(new AutoregressiveErrors(FirstObservation.Keep, Tolerance: 1e-3));
        Assert.True(iteration.Accept(0.5));
        Assert.False(iteration.IsLast);
        Assert.True(iteration.Accept(0.51));
        Assert.False(iteration.IsLast);
        Assert.True(iteration.Accept(0.5105));
        Assert.True(iteration.IsLast);
        Assert.True(iteration.Settled);
        Assert.Equal(3, iteration.Iterations);
    }

    [Fact]
    public void StopsUnsettledAtTheIterationLimit()
    {
        var iteration = new PraisWinstenIteration(new AutoregressiveErrors(FirstObservation.Drop, Tolerance: 1e-12, MaxIterations: 2));
        Assert.True(iteration.Accept(0.1));
        Assert.True(iteration.Accept(0.2));
        Assert.True(iteration.IsLast);
        Assert.False(iteration.Settled);
        Assert.Equal(2, iteration.Iterations);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-1.5)]
    [InlineData(double.NaN)]
    public void RefusesRhoOutsideTheUnitInterval(double rho)
    {
        var iteration = new PraisWinstenIteration(AutoregressiveErrors.PraisWinsten);
        Assert.False(iteration.Accept(rho));
    }

    [Fact]
    public void FirstRowScaleIsTheStationaryStandardDeviationRatio()
    {
        Assert.Equal(0.6, PraisWinstenIteration.FirstRowScale(0.8), 1e-15);
    }
}
