using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// Solves with the upper-triangular factor R of a Householder QR, X = QR, kept in the layout
/// <see cref="InPlaceQr.Factor"/> leaves: R_jj in <c>diagonal[j]</c> and R_jc (c &gt; j) at
/// <c>w[c * stride + j]</c>, column-major with column c at c x stride. The fits that evaluate a
/// likelihood thousands of times (<see cref="GlsArma"/>, <see cref="ArimaRegression"/>) and the
/// batch path (<see cref="Batch.SharedDesign"/>) all use these; <see cref="LeastSquares"/> uses
/// MathNet's QR object instead.
/// </summary>
internal static class Triangular
{
    /// <summary>
    /// Back substitution for R x = c with c the first k rows of column k of the buffer (Q'y after
    /// <see cref="InPlaceQr.Factor"/>): x_j = (c_j - sum_{i&gt;j} R_ji x_i) / R_jj, j = k-1..0
    /// (Golub and Van Loan 2013, algorithm 3.1.2), so x is the least-squares coefficients.
    /// </summary>
    /// <param name="w">The factored buffer.</param>
    /// <param name="stride">Offset between columns of the buffer.</param>
    /// <param name="diagonal">R_jj, length at least k.</param>
    /// <param name="x">The solution, length k.</param>
    public static void SolveUpper(ReadOnlySpan<double> w, int stride, ReadOnlySpan<double> diagonal, Span<double> x)
    {
        int k = x.Length;
        for (int j = k - 1; j >= 0; j--)
        {
            double s = w[k * stride + j];
            for (int c = j + 1; c < k; c++) s -= w[c * stride + j] * x[c];
            x[j] = s / diagonal[j];
        }
    }

    /// <summary>
    /// R^-1, upper triangular, by back substitution on each column of the identity:
    /// (R^-1)_jc = ([j = c] - sum_{j&lt;i&lt;=c} R_ji (R^-1)_ic) / R_jj. Written row-major to
    /// <paramref name="inverse"/> (k x k, entry (j, c) at j k + c); entries below the diagonal are
    /// left as they were (callers clear or ignore them).
    /// </summary>
    /// <param name="w">The factored buffer.</param>
    /// <param name="stride">Offset between columns of the buffer.</param>
    /// <param name="diagonal">R_jj, length k.</param>
    /// <param name="k">Order of R.</param>
    /// <param name="inverse">k x k, row-major.</param>
    public static void InvertUpper(ReadOnlySpan<double> w, int stride, ReadOnlySpan<double> diagonal, int k, Span<double> inverse)
    {
        for (int col = 0; col < k; col++)
            for (int j = col; j >= 0; j--)
            {
                double s = j == col ? 1 : 0;
                for (int c = j + 1; c <= col; c++) s -= w[c * stride + j] * inverse[c * k + col];
                inverse[j * k + col] = s / diagonal[j];
            }
    }

    /// <summary>
    /// (R'R)^-1 = (X'X)^-1 = R^-1 R^-T from R^-1 (row-major, as <see cref="InvertUpper"/> writes it),
    /// summing only over the upper triangle: entry (i, j) = sum_{m &gt;= max(i, j)} (R^-1)_im (R^-1)_jm.
    /// </summary>
    /// <param name="inverse">R^-1, k x k row-major.</param>
    /// <param name="k">Order of R.</param>
    public static Matrix<double> InverseCrossProduct(ReadOnlySpan<double> inverse, int k)
    {
        var product = Matrix<double>.Build.Dense(k, k);
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int m = Math.Max(i, j); m < k; m++) s += inverse[i * k + m] * inverse[j * k + m];
                product[i, j] = product[j, i] = s;
            }
        return product;
    }
}
