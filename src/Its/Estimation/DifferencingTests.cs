using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// The OCSB test of a seasonal unit root (Osborn, Chui, Smith and Birchenhall 1988), as
/// <c>forecast::ocsb.test(x, maxlag = 3, lag.method = "AIC")</c>.
/// </summary>
/// <param name="Statistic">The t statistic of the Z5 term (the seasonal unit root).</param>
/// <param name="Critical">The 5% critical value of the period (forecast's <c>calcOCSBCritVal</c>).</param>
/// <param name="Lags">The AR lags of the final regression.</param>
public sealed record OcsbTest(double Statistic, double Critical, int Lags)
{
    /// <summary>Whether the test calls for a seasonal difference (statistic above the critical value).</summary>
    public bool Differences => Statistic > Critical;
}

/// <summary>
/// The unit root tests that choose the orders of differencing as <c>forecast::ndiffs</c> (KPSS,
/// level stationarity, 5%) and <c>forecast::nsdiffs(test = "ocsb")</c> do.
/// </summary>
public static class DifferencingTests
{
    /// <summary>
    /// urca::ur.kpss's 5% critical value of the level-stationarity test: forecast interpolates the
    /// p value in (0.347, 0.463, 0.574, 0.739) -> (10, 5, 2.5, 1%), so p &lt; 0.05 is statistic &gt; 0.463.
    /// </summary>
    public const double KpssCritical = 0.463;

    /// <summary>
    /// KPSS level-stationarity statistic, as <c>urca::ur.kpss(x, type = "mu", use.lag = trunc(3 sqrt(n) / 13))</c>:
    /// sum S_t^2 / n^2 over the long-run variance with Bartlett weights, S the partial sums of x - mean.
    /// </summary>
    public static double Kpss(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Count, lags = (int)Math.Truncate(3 * Math.Sqrt(n) / 13);
        double mean = x.Average();
        var e = x.Select(v => v - mean).ToArray();
        double partial = 0, numerator = 0;
        foreach (double v in e)
        {
            partial += v;
            numerator += partial * partial;
        }
        double variance = e.Sum(v => v * v) / n;
        for (int s = 1; s <= lags; s++)
        {
            double c = 0;
            for (int t = s; t < n; t++) c += e[t] * e[t - s];
            variance += 2.0 / n * (1 - s / (lags + 1.0)) * c;
        }
        return numerator / ((double)n * n) / variance;
    }

    /// <summary>
    /// The number of first differences, 0..<paramref name="maxD"/>, as <c>forecast::ndiffs(x, test = "kpss")</c>:
    /// difference while the KPSS test rejects level stationarity at 5%. Missing values are dropped
    /// first (R's <c>na.omit</c>). <paramref name="statistics"/> receives each KPSS statistic computed.
    /// </summary>
    public static int RegularDifferences(IReadOnlyList<double> x, int maxD, List<double> statistics)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(statistics);
        var series = x.Where(double.IsFinite).ToArray();
        if (IsConstant(series)) return 0;
        int d = 0;
        bool difference = Rejects(series, statistics);
        while (difference && d < maxD)
        {
            d++;
            series = Difference(series, 1);
            if (IsConstant(series)) return d;
            difference = Rejects(series, statistics);
        }
        return d;
    }

    private static bool Rejects(double[] series, List<double> statistics)
    {
        double statistic = Kpss(series);
        statistics.Add(statistic);
        return statistic > KpssCritical;
    }

    /// <summary>
    /// OCSB test of <paramref name="x"/> (complete, in time order) with seasonal period <paramref name="period"/>:
    /// for l = 1..3, y_t = (1 - B)(1 - B^m) x_t regressed on its own lags 1..l, Z4_{t-1} and Z5_{t-m}
    /// (the seasonal and first differences filtered by the AR fit of y), the l of smallest AIC chosen
    /// as forecast chooses it (the fit with AIC index l is refitted with l - 1 lags), then the t of Z5.
    /// </summary>
    /// <exception cref="ItsException">The series is too short for the regression.</exception>
    public static OcsbTest Ocsb(IReadOnlyList<double> x, int period)
    {
        ArgumentNullException.ThrowIfNull(x);
        const int maxLag = 3;
        double bestAic = double.PositiveInfinity;
        int best = 0;
        for (int l = 1; l <= maxLag; l++)
        {
            double aic = OcsbRegression(x, period, l, maxLag).Aic;
            if (aic < bestAic) { bestAic = aic; best = l; }
        }
        // forecast::ocsb.test takes maxlag <- which.min(AIC) - 1.
        int lags = best - 1;
        var final = OcsbRegression(x, period, lags, lags);
        return new OcsbTest(final.T, OcsbCritical(period), lags);
    }

    /// <summary>forecast's <c>calcOCSBCritVal</c>: the 5% critical value of the OCSB test for period m.</summary>
    public static double OcsbCritical(int period)
    {
        double z = Math.Log(period) - 0.7656451;
        return -0.2937411 * Math.Exp(-0.2850853 * z - 0.05983644 * z * z) - 1.652202;
    }

    // forecast's fitOCSB(x, lag, maxlag): rows t >= m + 1 + trim (0-based), no intercept.
    private static (double T, double Aic) OcsbRegression(IReadOnlyList<double> x, int m, int lags, int trim)
    {
        int n = x.Count, first = m + 1 + trim, rows = n - first;
        double Y(int t) => x[t] - x[t - 1] - x[t - m] + x[t - m - 1];
        if (rows <= lags + 2) throw new ItsException($"the series is too short for the OCSB seasonal unit root test ({n} periods, period {m})");
        double[] a = [];
        if (lags > 0)
        {
            var ar = Matrix<double>.Build.Dense(rows, lags, (i, k) => Y(first + i - k - 1));
            a = ar.QR().Solve(Vector<double>.Build.Dense(rows, i => Y(first + i))).ToArray();
        }
        // The AR filter of y applied to the seasonal (Z4) and first (Z5) differences.
        double Filtered(Func<int, double> series, int t)
        {
            double v = series(t);
            for (int k = 0; k < a.Length; k++) v -= a[k] * series(t - k - 1);
            return v;
        }
        double Seasonal(int t) => x[t] - x[t - m];
        double First(int t) => x[t] - x[t - 1];
        var design = Matrix<double>.Build.Dense(rows, lags + 2, (i, j) =>
        {
            int t = first + i;
            return j < lags ? Y(t - j - 1) : j == lags ? Filtered(Seasonal, t - 1) : Filtered(First, t - m);
        });
        var y = Vector<double>.Build.Dense(rows, i => Y(first + i));
        var fit = new LeastSquares(design, y, Enumerable.Range(0, lags + 2).Select(j => j < lags ? $"lag{j + 1}" : j == lags ? "Z4" : "Z5").ToArray());
        double t5 = fit.Coefficients[lags + 1] / Math.Sqrt(fit.ClassicalCovariance()[lags + 1, lags + 1]);
        double aic = -2 * fit.LogLikelihood + 2 * (lags + 3);
        return (t5, aic);
    }

    /// <summary>R's <c>diff(x, lag)</c>.</summary>
    public static double[] Difference(IReadOnlyList<double> x, int lag)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Enumerable.Range(lag, Math.Max(x.Count - lag, 0)).Select(t => x[t] - x[t - lag]).ToArray();
    }

    /// <summary>
    /// forecast's <c>is.constant</c>: <c>all.equal(x, rep(x[1]))</c>, i.e. the mean absolute
    /// difference from the first value at most 1.5e-8 of the mean absolute value (or absolutely,
    /// when that mean is below 1.5e-8).
    /// </summary>
    public static bool IsConstant(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0) return true;
        const double tolerance = 1.5e-8;
        double first = x[0];
        double difference = x.Sum(v => Math.Abs(v - first)) / x.Count, scale = x.Sum(Math.Abs) / x.Count;
        return (scale > tolerance ? difference / scale : difference) <= tolerance;
    }
}
