using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>The Durbin-Levinson stages and the prewhitening filter against closed forms and the Yule-Walker equations.</summary>
public sealed class PrewhiteningTests
{
    // Closed forms and linear solves of order at most 4: rounding only.
    private const double Rounding = 1e-12;

    [Fact]
    public void OrderTwoHasTheClosedForm()
    {
        double r1 = 0.6, r2 = -0.3;
        var phi = new double[2];
        Prewhitening.ToAutoregressive([r1, r2], new double[4], phi);
        Assert.Equal(r1 * (1 - r2), phi[0], Rounding);
        Assert.Equal(r2, phi[1], Rounding);
    }

    [Theory]
    [InlineData(new[] { 0.5 })]
    [InlineData(new[] { 0.7, -0.2, 0.4 })]
    [InlineData(new[] { -0.8, 0.5, 0.1, -0.6 })]
    public void EveryStageSolvesTheYuleWalkerEquationsOfItsOrder(double[] r)
    {
        int p = r.Length;
        var stages = new double[p * p];
        Prewhitening.Stages(r, stages);
        var rho = ArmaCorrelation.Autocorrelations(stages.AsSpan((p - 1) * p, p).ToArray(), [], p + 1);
        for (int t = 1; t <= p; t++)
        {
            // Toeplitz(rho_0..rho_{t-1}) a = (rho_1..rho_t).
            var toeplitz = Matrix<double>.Build.Dense(t, t, (i, j) => rho[Math.Abs(i - j)]);
            var a = toeplitz.Solve(Vector<double>.Build.Dense(t, i => rho[i + 1]));
            for (int j = 0; j < t; j++) Assert.Equal(a[j], stages[(t - 1) * p + j], 1e-10);
            Assert.Equal(r[t - 1], stages[(t - 1) * p + t - 1], Rounding);
        }
    }

    [Fact]
    public void TheFilterGivesThePredictionErrors()
    {
        double[] x = [1.0, 2.5, -0.5, 3.0, 0.25, -1.0];
        double[] r = [0.4, -0.25];
        var stages = new double[4];
        Prewhitening.Stages(r, stages);
        var phi = stages.AsSpan(2, 2).ToArray();
        Assert.Equal(x[0], Prewhitening.HeadError(stages, 2, x, 0));
        Assert.Equal(x[1] - 0.4 * x[0], Prewhitening.HeadError(stages, 2, x, 1), Rounding);
        var z = new double[4];
        Prewhitening.Tail(phi, x, z, 2);
        for (int t = 2; t < x.Length; t++)
            Assert.Equal(2 * (x[t] - phi[0] * x[t - 1] - phi[1] * x[t - 2]), z[t - 2], Rounding);
        var one = new double[5];
        Prewhitening.Tail([0.4], x, one, 1);
        for (int t = 1; t < x.Length; t++) Assert.Equal(x[t] - 0.4 * x[t - 1], one[t - 1], Rounding);
    }
}
