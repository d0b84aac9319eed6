namespace Its.Estimation;

/// <summary>
/// The Durbin-Levinson recursion of a stationary AR(p) process and the prewhitening filter it gives:
/// from partial autocorrelations r_1..r_p the coefficients a^(t) of the best linear predictors of
/// orders t = 1..p (a^(p) = phi), and the one-step prediction errors
/// e_t = x_t - sum_{j&lt;=min(t,p)} a_j^(min(t,p)) x_{t-j}, which are uncorrelated (Brockwell and
/// Davis 1991, section 5.2). <see cref="GlsArma"/> whitens by them on its AR(p) path and
/// <see cref="ArimaKalman"/> on its pure-AR path; R's partrans (arima.c) is the last order.
/// </summary>
internal static class Prewhitening
{
    /// <summary>
    /// The predictor coefficients of orders 1..p from the partial autocorrelations r (Durbin-Levinson;
    /// Barndorff-Nielsen and Schou 1973; Jones 1980): a_t^(t) = r_t and
    /// a_j^(t) = a_j^(t-1) - r_t a_{t-j}^(t-1) for j &lt; t. Order t is written to
    /// <c>stages[(t - 1) p .. (t - 1) p + t)</c>, so the last p entries are phi.
    /// </summary>
    /// <param name="r">r_1..r_p, each in (-1, 1).</param>
    /// <param name="stages">p x p, row t - 1 for order t.</param>
    public static void Stages(ReadOnlySpan<double> r, Span<double> stages)
    {
        int p = r.Length;
        for (int t = 1; t <= p; t++)
        {
            int row = (t - 1) * p, previous = (t - 2) * p;
            for (int j = 0; j < t - 1; j++) stages[row + j] = stages[previous + j] - r[t - 1] * stages[previous + t - 2 - j];
            stages[row + t - 1] = r[t - 1];
        }
    }

    /// <summary>
    /// AR coefficients from partial autocorrelations: the order-p row of <see cref="Stages"/>
    /// (R's partrans after its tanh).
    /// </summary>
    /// <param name="r">r_1..r_p, each in (-1, 1).</param>
    /// <param name="stages">Scratch, p x p.</param>
    /// <param name="phi">phi_1..phi_p.</param>
    public static void ToAutoregressive(ReadOnlySpan<double> r, Span<double> stages, Span<double> phi)
    {
        int p = r.Length;
        if (p == 0) return;
        Stages(r, stages);
        stages.Slice((p - 1) * p, p).CopyTo(phi);
    }

    /// <summary>
    /// The prediction error of row t &lt; p by the predictor of order t:
    /// e_t = x_t - sum_{j=1..t} a_j^(t) x_{t-j} (e_0 = x_0).
    /// </summary>
    /// <param name="stages">The orders 1..p of <see cref="Stages"/>.</param>
    /// <param name="p">The AR order.</param>
    /// <param name="x">The series.</param>
    /// <param name="t">The row, below p.</param>
    public static double HeadError(ReadOnlySpan<double> stages, int p, ReadOnlySpan<double> x, int t)
    {
        int row = (t - 1) * p;
        double e = x[t];
        for (int j = 1; j <= t; j++) e -= stages[row + j - 1] * x[t - j];
        return e;
    }

    /// <summary>
    /// The AR filter on rows p..n-1: z_{t-p} = (x_t - sum_{j=1..p} phi_j x_{t-j}) scale, with
    /// scale = 1 / sqrt(innovation variance) (1 when the variance is the unit).
    /// </summary>
    /// <param name="phi">phi_1..phi_p.</param>
    /// <param name="x">The series, length n.</param>
    /// <param name="z">Output, at least n - p long; row t goes to z[t - p].</param>
    /// <param name="scale">Factor applied to each error.</param>
    public static void Tail(ReadOnlySpan<double> phi, ReadOnlySpan<double> x, Span<double> z, double scale)
    {
        int p = phi.Length, n = x.Length;
        if (p == 1)
        {
            double a = phi[0];
            for (int t = 1; t < n; t++) z[t - 1] = (x[t] - a * x[t - 1]) * scale;
            return;
        }
        for (int t = p; t < n; t++)
        {
            double e = x[t];
            for (int j = 1; j <= p; j++) e -= phi[j - 1] * x[t - j];
            z[t - p] = e * scale;
        }
    }
}
