using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// Iterated feasible GLS with AR(1) errors as Stata <c>prais</c> (Prais and Winsten 1954) and
/// <c>prais, corc</c> (Cochrane and Orcutt 1949): starting from OLS, rho is the coefficient of the
/// regression of e_t on e_{t-1} without a constant (Stata's default <c>rhotype(regress)</c>), the
/// data are quasi-differenced, and the steps repeat until rho settles.
/// </summary>
public sealed class AutoregressiveFgls
{
    private AutoregressiveFgls(LeastSquares transformed, double rho, int iterations, bool converged)
    {
        Transformed = transformed;
        Rho = rho;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>The OLS fit of the transformed data; its classical covariance is the reported one.</summary>
    public LeastSquares Transformed { get; }

    /// <summary>The AR(1) coefficient used in the final transformed regression.</summary>
    public double Rho { get; }

    /// <summary>Number of transformed regressions run.</summary>
    public int Iterations { get; }

    /// <summary>Whether rho changed by less than the tolerance before the iteration limit.</summary>
    public bool Converged { get; }

    /// <summary>Fits y on X with AR(1) errors.</summary>
    /// <exception cref="ItsException">The estimated rho is not inside (-1, 1), so the transformation is undefined.</exception>
    public static AutoregressiveFgls Fit(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms, AutoregressiveErrors options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var beta = new LeastSquares(x, y, terms).Coefficients;
        var iteration = new PraisWinstenIteration(options);
        while (true)
        {
            double rho = ResidualAutoregression(y - x * beta);
            if (!iteration.Accept(rho))
                throw new ItsException(Thresholds.RhoOutsideUnitInterval(rho, options.Name));
            var (xs, ys) = Transform(x, y, rho, options.First);
            var fit = new LeastSquares(xs, ys, terms);
            if (iteration.IsLast)
                return new AutoregressiveFgls(fit, rho, iteration.Iterations, iteration.Settled);
            beta = fit.Coefficients;
        }
    }

    /// <summary>rho = sum e_t e_{t-1} / sum e_{t-1}^2, t = 2..n.</summary>
    public static double ResidualAutoregression(Vector<double> e)
    {
        double num = 0, den = 0;
        for (int t = 1; t < e.Count; t++)
        {
            num += e[t] * e[t - 1];
            den += e[t - 1] * e[t - 1];
        }
        return num / den;
    }

    /// <summary>
    /// Quasi-differences z*_t = z_t - rho z_{t-1} for t >= 2; the first row is scaled by
    /// sqrt(1 - rho^2) (Prais-Winsten) or dropped (Cochrane-Orcutt).
    /// </summary>
    public static (Matrix<double> X, Vector<double> Y) Transform(Matrix<double> x, Vector<double> y, double rho, FirstObservation first)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.RowCount, offset = first == FirstObservation.Keep ? 1 : 0;
        var xs = Matrix<double>.Build.Dense(n - 1 + offset, x.ColumnCount);
        var ys = Vector<double>.Build.Dense(n - 1 + offset);
        if (offset == 1)
        {
            double scale = PraisWinstenIteration.FirstRowScale(rho);
            xs.SetRow(0, x.Row(0) * scale);
            ys[0] = y[0] * scale;
        }
        for (int t = 1; t < n; t++)
        {
            xs.SetRow(t - 1 + offset, x.Row(t) - rho * x.Row(t - 1));
            ys[t - 1 + offset] = y[t] - rho * y[t - 1];
        }
        return (xs, ys);
    }
}
