using Its.Estimation;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Diagnostics;

/// <summary>Durbin-Watson test against positive first-order autocorrelation.</summary>
/// <param name="Statistic">d = sum (e_t - e_{t-1})^2 / sum e_t^2.</param>
/// <param name="PValue">P(D &lt;= d) under independent errors, for the alternative rho > 0.</param>
/// <param name="Exact">True when the p value is exact (Pan's procedure), false for the normal approximation.</param>
public sealed record DurbinWatsonTest(double Statistic, double PValue, bool Exact)
{
    /// <summary>
    /// The test as R <c>lmtest::dwtest(fit)</c> with its defaults: exact p value by Pan's procedure
    /// (Farebrother 1980, AS 153, 15 quadrature points) for n &lt; 100, else the normal approximation
    /// of Durbin and Watson (1951) with the exact mean and variance of d given X.
    /// </summary>
    /// <param name="fit">The OLS fit whose residuals are tested.</param>
    public static DurbinWatsonTest Compute(LeastSquares fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var x = fit.X;
        var residuals = fit.Residuals;
        int n = fit.N;
        double num = 0;
        for (int t = 1; t < n; t++) num += (residuals[t] - residuals[t - 1]) * (residuals[t] - residuals[t - 1]);
        double d = num / residuals.DotProduct(residuals);
        if (n < 100)
        {
            double p = Pan(NonzeroEigenvalues(x), d, 15);
            if (p is >= 0 and <= 1) return new DurbinWatsonTest(d, p, Exact: true);
        }
        return new DurbinWatsonTest(d, NormalApproximation(x, fit.UnscaledCovariance, d), Exact: false);
    }

    // The nonzero eigenvalues of M A, M = I - X(X'X)^-1 X', A the first-difference quadratic form:
    // those of Q2' A Q2 with Q2 an orthonormal basis of the residual space. Ascending.
    private static double[] NonzeroEigenvalues(Matrix<double> x)
    {
        int n = x.RowCount, k = x.ColumnCount;
        var q2 = x.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Full).Q.SubMatrix(0, n, k, n - k);
        var aq2 = Matrix<double>.Build.Dense(n, n - k, (i, j) =>
            (i == 0 || i == n - 1 ? 1 : 2) * q2[i, j] - (i > 0 ? q2[i - 1, j] : 0) - (i < n - 1 ? q2[i + 1, j] : 0));
        var b = q2.TransposeThisAndMultiply(aq2);
        b = (b + b.Transpose()) * 0.5;
        return b.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real)
            .Where(v => v > 1e-10).Order().ToArray();
    }

    /// <summary>
    /// Pan's procedure (Farebrother 1980, AS 153): P(sum a_i z_i^2 / sum z_i^2 &lt;= x) for standard
    /// normal z, by Pan's (1968) integral representation between consecutive eigenvalues, each
    /// integral evaluated with <paramref name="points"/> Gauss-Chebyshev nodes.
    /// </summary>
    /// <param name="a">Eigenvalues, ascending.</param>
    /// <param name="x">The point at which the distribution function is evaluated.</param>
    /// <param name="points">Quadrature nodes per integral (R uses 15).</param>
    public static double Pan(IReadOnlyList<double> a, double x, int points)
    {
        ArgumentNullException.ThrowIfNull(a);
        int m = a.Count;
        // nu: number of eigenvalues below x (1-based index arithmetic below follows AS 153).
        int first = 0;
        while (first < m && a[first] < x) first++;
        if (first == m) return 1.0;
        if (first == 0) return 0.0;
        double A(int i) => a[i - 1];
        int nu = first, h = m - nu, sign = 1, step, j1, j2, j3, j4;
        if (nu <= h)
        {
            step = 2; h = nu; sign = -1;
            j1 = 0; j2 = 2; j3 = 3; j4 = 1;
        }
        else
        {
            step = -2; nu += 2;
            j1 = m - 2; j2 = m - 1; j3 = m + 1; j4 = m;
        }
        double angle = Math.PI / (2.0 * points);
        double sum = (sign + 1) / 2.0;
        double weight = (double)sign / points;
        for (int pass = h % 2; pass >= 0; pass--)
        {
            for (int f = j2; step > 0 ? f <= nu : f >= nu; f += step)
            {
                double upper = A(j4), lower = f == 0 ? x : A(f);
                double centre = 0.5 * (upper + lower), half = 0.5 * (upper - lower);
                double integral = 0;
                for (int i = 2 * points - 1; i >= 1; i -= 2)
                {
                    double y = centre - half * Math.Cos(i * angle);
                    double product = 1;
                    for (int l = 1; l <= j1; l++) product *= (y - x) / (y - A(l));
                    for (int l = j3; l <= m; l++) product *= (y - x) / (y - A(l));
                    integral += Math.Sqrt(Math.Abs(product));
                }
                weight = -weight;
                sum += weight * integral;
                j1 += step; j3 += step; j4 += step;
            }
            // The second pass integrates the interval that has x as one end.
            if (step == 2) j3 = j2; else j1 = j2;
            j2 = 0; nu = 0;
        }
        return sum;
    }

    // Durbin and Watson (1951, p. 164): mean P/(n-k) and variance of d given X, as lmtest::dwtest.
    private static double NormalApproximation(Matrix<double> x, Matrix<double> q1, double d)
    {
        int n = x.RowCount, k = x.ColumnCount;
        var ax = Matrix<double>.Build.Dense(n, k, (i, j) =>
            i == 0 ? x[0, j] - x[1, j]
            : i == n - 1 ? x[n - 1, j] - x[n - 2, j]
            : -x[i - 1, j] + 2 * x[i, j] - x[i + 1, j]);
        var xaxq = x.TransposeThisAndMultiply(ax) * q1;
        double p = 2 * (n - 1) - xaxq.Trace();
        double q = 2 * (3 * n - 4) - 2 * (ax.TransposeThisAndMultiply(ax) * q1).Trace() + (xaxq * xaxq).Trace();
        double mean = p / (n - k);
        double variance = 2.0 / ((n - k) * (n - k + 2.0)) * (q - p * mean);
        return Normal.CDF(mean, Math.Sqrt(variance), d);
    }
}
