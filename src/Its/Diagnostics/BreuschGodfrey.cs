using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Diagnostics;

/// <summary>
/// Breusch-Godfrey test of autocorrelation up to order p, as R <c>lmtest::bgtest(fit, order = p)</c>:
/// the residuals regressed on X and their own lags 1..p (missing lags filled with 0).
/// </summary>
/// <param name="Order">p, the highest lag tested.</param>
/// <param name="ChiSquare">n R^2 of the auxiliary regression; chi-square with p df.</param>
/// <param name="ChiSquarePValue">Upper-tail p value of <paramref name="ChiSquare"/>.</param>
/// <param name="F">((RSS_0 - RSS_1)/p) / (RSS_1/(n - k - p)).</param>
/// <param name="FDf2">Denominator df n - k - p; the numerator df is p.</param>
/// <param name="FPValue">Upper-tail p value of <paramref name="F"/>.</param>
public sealed record BreuschGodfreyTest(int Order, double ChiSquare, double ChiSquarePValue, double F, int FDf2, double FPValue)
{
    /// <summary>Tests orders 1..<paramref name="maxOrder"/>, stopping where n - k - p &lt; 1.</summary>
    public static IReadOnlyList<BreuschGodfreyTest> Compute(LeastSquares fit, int maxOrder)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var list = new List<BreuschGodfreyTest>();
        for (int p = 1; p <= maxOrder && fit.N - fit.K - p >= 1; p++)
            list.Add(Compute(fit, p, fit.X, fit.Residuals));
        return list;
    }

    private static BreuschGodfreyTest Compute(LeastSquares fit, int p, Matrix<double> x, Vector<double> e)
    {
        int n = fit.N, k = fit.K;
        var aux = Matrix<double>.Build.Dense(n, k + p, (i, j) =>
            j < k ? x[i, j] : i - (j - k + 1) >= 0 ? e[i - (j - k + 1)] : 0);
        var auxFit = aux.QR().Solve(e);
        var fitted = aux * auxFit;
        double rss0 = e.DotProduct(e);
        var u = e - fitted;
        double rss1 = u.DotProduct(u);
        double chi = n * fitted.DotProduct(fitted) / rss0;
        int df2 = n - k - p;
        double f = (rss0 - rss1) / p / (rss1 / df2);
        return new BreuschGodfreyTest(p, chi, UpperTail.ChiSquare(p, chi),
            f, df2, UpperTail.F(p, df2, f));
    }
}
