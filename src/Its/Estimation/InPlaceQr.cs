namespace Its.Estimation;

/// <summary>
/// Householder QR of a column-major buffer, in place and without allocation, for the likelihood
/// evaluations of <see cref="GlsArma"/> and <see cref="ArimaRegression"/>, which run thousands of
/// times per fit. Column j of the buffer starts at j x stride; the first k columns are X (rows
/// 0..m-1) and column k is y.
/// </summary>
internal static class InPlaceQr
{
    /// <summary>
    /// Factors X = QR and applies Q' to y. Afterwards diagonal[j] holds R_jj, the strict upper
    /// triangle of R sits above the diagonal of the buffer, and Q'y is column k, so the residual sum
    /// of squares is the sum of squares of its rows k..m-1 (<see cref="ResidualSumOfSquares"/>).
    /// Returns false when a column has no part left orthogonal to the ones before it (X singular).
    /// </summary>
    public static bool Factor(double[] w, int stride, int m, int k, double[] diagonal)
    {
        for (int j = 0; j < k; j++)
        {
            int o = j * stride;
            double norm2 = Dot(w.AsSpan(o + j, m - j), w.AsSpan(o + j, m - j));
            if (!(norm2 > 0)) return false;
            double norm = Math.Sqrt(norm2);
            double head = w[o + j];
            double alpha = head > 0 ? -norm : norm;
            // v = x - alpha e_1 (kept in place of x), H = I - tau v v' with tau = 2 / v'v = 1 / (norm (norm + |x_1|)).
            w[o + j] = head - alpha;
            double tau = 1 / (norm * (norm + Math.Abs(head)));
            var v = w.AsSpan(o + j, m - j);
            for (int c = j + 1; c <= k; c++)
            {
                var column = w.AsSpan(c * stride + j, m - j);
                double f = tau * Dot(v, column);
                for (int i = 0; i < column.Length; i++) column[i] -= f * v[i];
            }
            diagonal[j] = alpha;
        }
        return true;
    }

    /// <summary>|y - X b|^2 after <see cref="Factor"/>: the squares of rows k..m-1 of Q'y.</summary>
    public static double ResidualSumOfSquares(double[] w, int stride, int m, int k)
    {
        var tail = w.AsSpan(k * stride + k, m - k);
        return Dot(tail, tail);
    }

    /// <summary>a'b over the common length, with two accumulators.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int length = Math.Min(a.Length, b.Length);
        double s0 = 0, s1 = 0;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
        }
        if (i < length) s0 += a[i] * b[i];
        return s0 + s1;
    }
}
