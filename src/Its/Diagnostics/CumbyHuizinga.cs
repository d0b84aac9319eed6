using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Diagnostics;

/// <summary>
/// The variant of the Cumby-Huizinga test, as the options of Stata <c>actest</c> (Baum and
/// Schaffer). The default is the general form robust to heteroskedasticity (<c>actest, robust</c>).
/// </summary>
/// <param name="Robust">A heteroskedasticity-robust long-run covariance (<c>robust</c>); false assumes
/// conditional homoskedasticity, where the test of lags 1..p is the Breusch-Godfrey LM test.</param>
/// <param name="Q0">Every test takes q = 0 under H0, also the test of lag p alone (<c>q0</c>).</param>
/// <param name="BoxPierce">The modified Box-Pierce form, V_r taken as the identity (<c>bp</c>;
/// homoskedastic, and implies <paramref name="Q0"/>).</param>
/// <param name="Small">The Ljung-Box factor (T + 2)/(T - j) on each squared autocorrelation (<c>small</c>).</param>
public sealed record CumbyHuizingaOptions(bool Robust = true, bool Q0 = false, bool BoxPierce = false, bool Small = false)
{
    /// <summary>The general form, robust to heteroskedasticity (<c>actest, robust</c>).</summary>
    public static CumbyHuizingaOptions General { get; } = new();

    /// <summary>
    /// Reads a comma-separated list of <c>robust</c> (the default) or <c>homoskedastic</c>, and
    /// <c>q0</c>, <c>bp</c> (homoskedastic), <c>small</c>: e.g. <c>robust,q0</c> or <c>bp,small</c>.
    /// </summary>
    /// <exception cref="FormatException">An unknown word, or words that contradict each other.</exception>
    public static CumbyHuizingaOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool robust = false, homoskedastic = false, q0 = false, bp = false, small = false;
        foreach (var word in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (word.ToLowerInvariant())
            {
                case "robust": robust = true; break;
                case "homoskedastic": homoskedastic = true; break;
                case "q0": q0 = true; break;
                case "bp": bp = true; break;
                case "small": small = true; break;
                default: throw new FormatException($"'{word}' is not a Cumby-Huizinga option (robust, homoskedastic, q0, bp, small)");
            }
        }
        if (robust && homoskedastic) throw new FormatException("robust and homoskedastic exclude each other");
        if (bp && robust) throw new FormatException("bp (Box-Pierce) is a homoskedastic form; it cannot be robust");
        return new CumbyHuizingaOptions(Robust: !homoskedastic && !bp, Q0: q0 || bp, BoxPierce: bp, Small: small);
    }

    /// <summary>The options as <see cref="Parse"/> reads them, e.g. <c>robust,q0</c>.</summary>
    public override string ToString() =>
        string.Join(",", new[] { Robust ? "robust" : "homoskedastic", Q0 && !BoxPierce ? "q0" : "", BoxPierce ? "bp" : "", Small ? "small" : "" }
            .Where(w => w.Length > 0));
}

/// <summary>
/// Cumby and Huizinga's (1992, Econometrica 60:185-195) test of residual autocorrelation after least
/// squares, as Stata <c>actest</c> computes it after <c>regress</c>: H0 that the errors are MA(q),
/// against autocorrelation at lags q+1..q+s, with the regressors' estimation error taken into account
/// (they need not be strictly exogenous). For each p, two tests as <c>actest</c> reports them: lags
/// 1..p with q = 0, and lag p alone with q = p - 1 (q = 0 with <see cref="CumbyHuizingaOptions.Q0"/>),
/// whose long-run covariance then has a truncated kernel of bandwidth q.
/// </summary>
/// <param name="Lag">p.</param>
/// <param name="RangeChiSquare">The test of lags 1..p (H0: no autocorrelation); chi-square with p df.</param>
/// <param name="RangePValue">Upper-tail p value of <paramref name="RangeChiSquare"/>.</param>
/// <param name="LagChiSquare">The test of lag p alone (H0: MA(p - 1)); chi-square with 1 df.</param>
/// <param name="LagPValue">Upper-tail p value of <paramref name="LagChiSquare"/>.</param>
/// <param name="Adjusted">Whether a long-run covariance had a negative determinant and was made
/// positive semidefinite by taking the eigenvalues' absolute values (Stock and Watson 2008), as
/// <c>actest</c> does and flags with an asterisk.</param>
public sealed record CumbyHuizingaTest(int Lag, double RangeChiSquare, double RangePValue, double LagChiSquare, double LagPValue, bool Adjusted)
{
    /// <summary>Tests p = 1..<paramref name="maxLag"/>, stopping where n - k - p &lt; 1.</summary>
    public static IReadOnlyList<CumbyHuizingaTest> Compute(LeastSquares fit, int maxLag, CumbyHuizingaOptions options)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<CumbyHuizingaTest>();
        // D = T (X'X)^-1, the coefficients' response to the moments (the same for every test).
        var d = fit.N * fit.UnscaledCovariance;
        for (int p = 1; p <= maxLag && fit.N - fit.K - p >= 1; p++)
        {
            var range = Statistic(fit.X, fit.Residuals, d, 0, p, options);
            var single = Statistic(fit.X, fit.Residuals, d, p - 1, 1, options);
            if (!double.IsFinite(range.Value) || !double.IsFinite(single.Value)) break;
            list.Add(new CumbyHuizingaTest(p, range.Value, UpperTail.ChiSquare(p, range.Value),
                single.Value, UpperTail.ChiSquare(1, single.Value), range.Adjusted || single.Adjusted));
        }
        return list;
    }

    // T r' V^-1 r for the autocorrelations r at lags q+1..q+s (Proposition 2), V by Proposition 1.
    private static (double Value, bool Adjusted) Statistic(Matrix<double> x, Vector<double> u, Matrix<double> d, int q, int s, CumbyHuizingaOptions options)
    {
        int n = u.Count, h = x.ColumnCount;
        double sigma2 = u.DotProduct(u) / n;
        var lagged = Matrix<double>.Build.Dense(n, s, (t, j) => t - (q + 1 + j) >= 0 ? u[t - (q + 1 + j)] : 0);
        var eta = x.Append(lagged);
        var r = lagged.TransposeThisAndMultiply(u) / (n * sigma2);

        // Under H0 the moments are MA(q): a truncated kernel of bandwidth q, none when q = 0.
        int bandwidth = options.Q0 || q == 0 ? 0 : q;
        var psi = LongRunCovariance(eta, u, bandwidth, options.Robust, sigma2) / n;
        bool adjusted = psi.Determinant() < 0;
        if (adjusted)
        {
            var evd = psi.Evd(Symmetricity.Symmetric);
            psi = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalVector(evd.EigenValues.Real().PointwiseAbs()) * evd.EigenVectors.Transpose();
        }

        // B D, the autocorrelations' response to the coefficients' error.
        var bd = -lagged.TransposeThisAndMultiply(x) / (n * sigma2) * d;
        var bvb = bd * psi.SubMatrix(0, h, 0, h) * bd.Transpose();
        var bdc = bd * psi.SubMatrix(0, h, h, s) / sigma2;
        var identity = Matrix<double>.Build.DenseIdentity(s);
        var v = options.BoxPierce
            ? identity - bvb
            : psi.SubMatrix(h, s, h, s) / (sigma2 * sigma2) + bvb + bdc + bdc.Transpose();

        if (options.Small)
            for (int i = 0; i < s; i++) r[i] *= Math.Sqrt((n + 2.0) / (n - (q + i + 1)));
        return (n * r.DotProduct(v.Solve(r)), adjusted);
    }

    // The long-run covariance of the moments eta_t u_t, times n: sum u_t^2 eta_t eta_t' (robust) or
    // sigma^2 eta'eta, plus each autocovariance up to the bandwidth with weight 1.
    private static Matrix<double> LongRunCovariance(Matrix<double> eta, Vector<double> u, int bandwidth, bool robust, double sigma2)
    {
        int n = eta.RowCount, m = eta.ColumnCount;
        if (robust)
            return Sandwich.HacMeat(eta.MapIndexed((t, _, v) => v * u[t]), Enumerable.Repeat(1.0, bandwidth + 1).ToArray());
        var s = eta.TransposeThisAndMultiply(eta) * sigma2;
        for (int tau = 1; tau <= bandwidth && tau < n; tau++)
        {
            double c = u.SubVector(tau, n - tau).DotProduct(u.SubVector(0, n - tau)) / n;
            var g = eta.SubMatrix(tau, n - tau, 0, m).TransposeThisAndMultiply(eta.SubMatrix(0, n - tau, 0, m)) * c;
            s += g + g.Transpose();
        }
        return s;
    }
}
