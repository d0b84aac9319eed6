using Its.Model;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Its.Estimation;

/// <summary>
/// Ordinary least squares by Householder QR, X = QR. The factor is computed once and gives the
/// coefficients, the unscaled covariance (X'X)^-1 = R^-1 R^-T, and the leverages diag(QQ').
/// </summary>
public sealed class LeastSquares : IScoreModel
{
    private readonly QR<double> _qr;
    private readonly Lazy<Matrix<double>> _unscaled;
    private readonly Lazy<Vector<double>> _leverage;

    /// <summary>Fits y on X.</summary>
    /// <param name="x">Design, n x k with n > k.</param>
    /// <param name="y">Outcome, length n.</param>
    /// <param name="terms">Column names, used to name a collinear term.</param>
    /// <exception cref="ItsException">A column is collinear with the ones before it.</exception>
    public LeastSquares(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.RowCount != y.Count) throw new ArgumentException("X and y differ in length", nameof(y));
        if (x.RowCount <= x.ColumnCount)
            throw new ItsException($"the model has {x.ColumnCount} parameters but only {x.RowCount} observations are fitted");
        X = x;
        Y = y;
        _qr = x.QR(QRMethod.Thin);
        var r = _qr.R;
        for (int j = 0; j < r.ColumnCount; j++)
        {
            double norm = x.Column(j).L2Norm();
            if (norm == 0)
                throw new ItsException($"the design is singular: term {terms[j]} is 0 in every fitted period");
            if (Math.Abs(r[j, j]) <= Thresholds.RankTolerance * norm)
                throw new ItsException($"the design is singular: term {terms[j]} is a linear combination of the terms before it (constant, duplicated or collinear)");
        }
        Coefficients = _qr.Solve(y);
        Fitted = x * Coefficients;
        Residuals = y - Fitted;
        ResidualSumOfSquares = Residuals.DotProduct(Residuals);
        _unscaled = new Lazy<Matrix<double>>(() =>
        {
            var rInverse = r.Solve(Matrix<double>.Build.DenseIdentity(r.RowCount));
            return rInverse * rInverse.Transpose();
        });
        _leverage = new Lazy<Vector<double>>(() =>
            Vector<double>.Build.Dense(x.RowCount, i => _qr.Q.Row(i).DotProduct(_qr.Q.Row(i))));
    }

    /// <summary>The design.</summary>
    public Matrix<double> X { get; }

    /// <summary>The outcome.</summary>
    public Vector<double> Y { get; }

    /// <summary>Number of observations.</summary>
    public int N => X.RowCount;

    /// <summary>Number of coefficients.</summary>
    public int K => X.ColumnCount;

    /// <summary>Residual degrees of freedom, n - k.</summary>
    public int DfResidual => N - K;

    /// <summary>The least-squares coefficients.</summary>
    public Vector<double> Coefficients { get; }

    /// <summary>X b.</summary>
    public Vector<double> Fitted { get; }

    /// <summary>y - X b.</summary>
    public Vector<double> Residuals { get; }

    /// <summary>Sum of squared residuals.</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>
    /// True when the residuals vanish up to rounding: the outcome is constant, or RSS &lt;= 1e-20
    /// sum (y - mean y)^2, or RSS &lt;= 1e-24 sum y^2 (a constant such as 0.1 leaves a few ulps of
    /// "variation" around its computed mean). Standard errors are then undefined.
    /// </summary>
    public bool FitsExactly => IsExactFit(Y.AsArray() ?? Y.ToArray(), ResidualSumOfSquares);

    /// <summary>The test of <see cref="FitsExactly"/> for an outcome and the residual sum of squares of its fit.</summary>
    internal static bool IsExactFit(ReadOnlySpan<double> y, double rss)
    {
        double first = y[0], sum = 0, squares = 0;
        bool constant = true;
        foreach (double v in y)
        {
            constant &= v == first;
            sum += v;
            squares += v * v;
        }
        if (constant) return true;
        double mean = sum / y.Length, total = 0;
        foreach (double v in y) total += (v - mean) * (v - mean);
        return rss <= 1e-20 * total || rss <= 1e-24 * squares;
    }

    /// <summary>The k x n map from outcome to coefficients, X+ = R^-1 Q', computed from the QR factor.</summary>
    internal Matrix<double> PseudoInverse() => _qr.R.Solve(_qr.Q.Transpose());

    /// <summary>Residual variance estimate s^2 = RSS / (n - k).</summary>
    public double Sigma2 => ResidualSumOfSquares / DfResidual;

    /// <summary>(X'X)^-1 from the QR factor.</summary>
    public Matrix<double> UnscaledCovariance => _unscaled.Value;

    /// <summary>Hat values h_i = diag(X (X'X)^-1 X').</summary>
    public Vector<double> Leverage => _leverage.Value;

    /// <inheritdoc />
    public Matrix<double> Scores => X.MapIndexed((i, _, v) => v * Residuals[i]);

    /// <inheritdoc />
    public Matrix<double> Bread => UnscaledCovariance;

    /// <summary>Classical covariance s^2 (X'X)^-1.</summary>
    public Matrix<double> ClassicalCovariance() => UnscaledCovariance * Sigma2;

    /// <summary>Gaussian log-likelihood at the ML variance RSS/n, as R <c>logLik.lm</c>.</summary>
    public double LogLikelihood => -0.5 * N * (Math.Log(2 * Math.PI) + Math.Log(ResidualSumOfSquares / N) + 1);
}
