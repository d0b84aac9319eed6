using MathNet.Numerics.Distributions;

namespace Its.Robustness;

/// <summary>Draws of a stationary Gaussian AR(1) process, the error process of the kit's simulations.</summary>
public static class StationaryAr1
{
    /// <summary>
    /// n consecutive values: e_1 ~ N(0, sd^2 / (1 - rho^2)), e_t = rho e_{t-1} + nu_t with
    /// nu_t ~ N(0, sd^2), so every e_t has the marginal variance sd^2 / (1 - rho^2). The draws are
    /// taken from <paramref name="random"/> in order, e_1 first.
    /// </summary>
    /// <param name="random">The random source.</param>
    /// <param name="n">Number of values, 1 or more.</param>
    /// <param name="rho">Autocorrelation, |rho| &lt; 1.</param>
    /// <param name="sd">SD of the innovations nu_t, positive.</param>
    public static double[] Sample(Random random, int n, double rho, double sd)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(Math.Abs(rho) < 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "a stationary AR(1) needs |rho| < 1");
        if (!(sd > 0) || !double.IsFinite(sd)) throw new ArgumentOutOfRangeException(nameof(sd), sd, "the innovation SD must be positive");
        var e = new double[n];
        e[0] = Normal.Sample(random, 0, sd / Math.Sqrt(1 - rho * rho));
        for (int t = 1; t < n; t++) e[t] = rho * e[t - 1] + Normal.Sample(random, 0, sd);
        return e;
    }
}
