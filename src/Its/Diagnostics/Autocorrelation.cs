
namespace Its.Diagnostics;

/// <summary>Sample autocorrelations and partial autocorrelations of a series, as R <c>acf</c> and <c>pacf</c>.</summary>
/// <param name="Acf">r_1..r_L, r_k = sum (x_t - m)(x_{t+k} - m) / sum (x_t - m)^2.</param>
/// <param name="Pacf">Partial autocorrelations 1..L by the Durbin-Levinson recursion.</param>
/// <param name="Bound">1.96 / sqrt(n), the usual band under white noise.</param>
public sealed record Correlogram(IReadOnlyList<double> Acf, IReadOnlyList<double> Pacf, double Bound)
{
    /// <summary>Correlogram up to <paramref name="maxLag"/> (at most n - 1).</summary>
    public static Correlogram Compute(IReadOnlyList<double> x, int maxLag)
    {
        ArgumentNullException.ThrowIfNull(x);
        var acf = Autocorrelations(x, Math.Min(maxLag, x.Count - 1));
        return new Correlogram(acf, PartialAutocorrelations(acf), 1.96 / Math.Sqrt(x.Count));
    }

    /// <summary>r_1..r_L with the mean removed (R <c>acf(x, lag.max = L)</c> without lag 0).</summary>
    public static double[] Autocorrelations(IReadOnlyList<double> x, int maxLag)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Count;
        double mean = x.Average();
        double c0 = x.Sum(v => (v - mean) * (v - mean));
        var r = new double[maxLag];
        for (int k = 1; k <= maxLag; k++)
        {
            double c = 0;
            for (int t = 0; t < n - k; t++) c += (x[t] - mean) * (x[t + k] - mean);
            r[k - 1] = c / c0;
        }
        return r;
    }

    // Durbin-Levinson: phi_kk from r_1..r_k.
    private static double[] PartialAutocorrelations(IReadOnlyList<double> r)
    {
        int lags = r.Count;
        var pacf = new double[lags];
        var phi = new double[lags + 1];
        var previous = new double[lags + 1];
        for (int k = 1; k <= lags; k++)
        {
            double num = r[k - 1], den = 1;
            for (int j = 1; j < k; j++)
            {
                num -= previous[j] * r[k - j - 1];
                den -= previous[j] * r[j - 1];
            }
            phi[k] = num / den;
            for (int j = 1; j < k; j++) phi[j] = previous[j] - phi[k] * previous[k - j];
            pacf[k - 1] = phi[k];
            Array.Copy(phi, previous, lags + 1);
        }
        return pacf;
    }
}

/// <summary>A portmanteau test of white noise (Ljung-Box or Box-Pierce), as R <c>Box.test(x, lag)</c>.</summary>
/// <param name="Lag">Number of autocorrelations summed.</param>
/// <param name="Statistic">Q; chi-square with <paramref name="Lag"/> df.</param>
/// <param name="PValue">Upper-tail p value.</param>
public sealed record PortmanteauTest(int Lag, double Statistic, double PValue)
{
    /// <summary>Ljung and Box (1978): n (n + 2) sum r_k^2 / (n - k).</summary>
    public static PortmanteauTest LjungBox(IReadOnlyList<double> x, int lag)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Count;
        var r = Correlogram.Autocorrelations(x, lag);
        double q = n * (n + 2.0) * r.Select((v, i) => v * v / (n - i - 1)).Sum();
        return new PortmanteauTest(lag, q, UpperTail.ChiSquare(lag, q));
    }

    /// <summary>Box and Pierce (1970): n sum r_k^2.</summary>
    public static PortmanteauTest BoxPierce(IReadOnlyList<double> x, int lag)
    {
        ArgumentNullException.ThrowIfNull(x);
        var r = Correlogram.Autocorrelations(x, lag);
        double q = x.Count * r.Sum(v => v * v);
        return new PortmanteauTest(lag, q, UpperTail.ChiSquare(lag, q));
    }
}
