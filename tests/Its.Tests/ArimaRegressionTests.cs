using Its.Estimation;
using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>Pieces of <see cref="ArimaRegression"/> that the R fixture does not reach.</summary>
public sealed class ArimaRegressionTests
{
    [Fact]
    public void Partial_autocorrelations_map_to_stationary_AR_coefficients()
    {
        // p = 1: phi = tanh(raw); p = 2: phi1 = a1 (1 - a2), phi2 = a2 with a = tanh(raw).
        Assert.Equal(Math.Tanh(0.7), ArimaRegression.PartialToAutoregressive([0.7])[0], 15);
        var phi = ArimaRegression.PartialToAutoregressive([0.5, -0.3]);
        double a1 = Math.Tanh(0.5), a2 = Math.Tanh(-0.3);
        Assert.Equal(a1 * (1 - a2), phi[0], 14);
        Assert.Equal(a2, phi[1], 14);
    }

    [Fact]
    public void A_non_invertible_MA_is_reflected()
    {
        Assert.Equal(0.5, ArimaRegression.InvertMovingAverage([2.0])[0], 14);
        // 1 + 2.5 z + z^2 = (1 + 2 z)(1 + 0.5 z): the root -0.5 becomes -2, giving (1 + 0.5 z)^2.
        var theta = ArimaRegression.InvertMovingAverage([2.5, 1.0]);
        Assert.Equal(1.0, theta[0], 10);
        Assert.Equal(0.25, theta[1], 10);
        Assert.Equal([0.3, 0.1], ArimaRegression.InvertMovingAverage([0.3, 0.1]));
    }

    [Fact]
    public void Too_few_observations_are_refused()
    {
        var x = Matrix<double>.Build.Dense(6, 2, (i, j) => j == 0 ? 1 : i);
        var y = Vector<double>.Build.Dense(6, i => i % 2);
        var e = Assert.Throws<ItsException>(() => ArimaRegression.Fit(x, y, ["intercept", "time"], 2, 0, 2));
        Assert.Contains("observations", e.Message);
    }

    [Fact]
    public void With_d_1_the_intercept_is_left_out()
    {
        var x = Matrix<double>.Build.Dense(40, 2, (i, j) => j == 0 ? 1 : i);
        var y = Vector<double>.Build.Dense(40, i => 3 + 0.5 * i + Math.Sin(i));
        var fit = ArimaRegression.Fit(x, y, ["intercept", "time"], 1, 1, 0);
        Assert.Equal(["time"], fit.Terms);
        Assert.Equal(39, fit.N);
        Assert.Single(fit.Coefficients);
    }
}
