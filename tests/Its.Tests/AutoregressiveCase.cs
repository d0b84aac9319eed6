using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>
/// A deterministic interrupted-trend series with AR(p)-filtered errors of unit scale, for tests that
/// compare two exact likelihood routes (GlsArmaPathTests, ArimaKalmanPathTests).
/// </summary>
public static class AutoregressiveCase
{
    /// <summary>Term names of <see cref="Make"/>'s design.</summary>
    public static readonly string[] Terms = ["intercept", "time", "level1", "slope1"];

    /// <summary>n points, interruption at n/2, errors e_t = s_t + sum phi_j e_{t-j} with s a fixed mix of sines.</summary>
    public static (Matrix<double> X, Vector<double> Y) Make(int n, double[] phi)
    {
        var x = Matrix<double>.Build.Dense(n, 4, (t, j) => j switch { 0 => 1, 1 => t, 2 => t >= n / 2 ? 1 : 0, _ => Math.Max(t - n / 2, 0) });
        var e = new double[n];
        for (int t = 0; t < n; t++)
        {
            e[t] = Math.Sin(1.3 * t) + 0.5 * Math.Cos(2.9 * t + 0.4);
            for (int j = 1; j <= phi.Length && j <= t; j++) e[t] += phi[j - 1] * e[t - j];
        }
        var y = x * Vector<double>.Build.DenseOfArray([10, 0.1, 1, 0.1]) + Vector<double>.Build.DenseOfArray(e);
        return (x, y);
    }
}
