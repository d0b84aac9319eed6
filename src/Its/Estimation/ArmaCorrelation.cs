using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// The stationary ARMA(p, q) process x_t - phi_1 x_{t-1} - ... - phi_p x_{t-p} = a_t + theta_1 a_{t-1}
/// + ... + theta_q a_{t-q} (the sign convention of R's <c>arima</c> and <c>nlme::corARMA</c>): its
/// autocorrelations, and the unconstrained parametrisation of <c>nlme</c> that keeps it stationary and
/// invertible.
/// </summary>
public static class ArmaCorrelation
{
    /// <summary>
    /// AR coefficients a_1..a_p of the stationary process with partial autocorrelations r_1..r_p, all in
    /// (-1, 1), by the Durbin-Levinson recursion (Barndorff-Nielsen and Schou 1973; Jones 1980):
    /// a_k = r_k and a_j &lt;- a_j - r_k a_{k-j} for j &lt; k.
    /// </summary>
    public static double[] FromPartialAutocorrelations(IReadOnlyList<double> r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var a = new double[r.Count];
        Prewhitening.ToAutoregressive(r.ToArray(), new double[r.Count * r.Count], a);
        return a;
    }

    /// <summary>
    /// The inverse of <see cref="FromPartialAutocorrelations"/>: the partial autocorrelations of the
    /// AR coefficients by the step-down recursion a_{k-1,j} = (a_{k,j} + a_kk a_{k,k-j}) / (1 - a_kk^2),
    /// or null when some |a_kk| &gt;= 1 (not stationary).
    /// </summary>
    public static double[]? ToPartialAutocorrelations(IReadOnlyList<double> a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var current = a.ToArray();
        var r = new double[current.Length];
        for (int k = current.Length; k >= 1; k--)
        {
            double akk = current[k - 1];
            if (!(Math.Abs(akk) < 1)) return null;
            r[k - 1] = akk;
            var lower = new double[k - 1];
            for (int j = 0; j < k - 1; j++) lower[j] = (current[j] + akk * current[k - 2 - j]) / (1 - akk * akk);
            current = lower;
        }
        return r;
    }

    /// <summary>
    /// The inverse of <see cref="FromUnconstrained"/>: nlme's unconstrained parameters of a stationary,
    /// invertible ARMA, or null when it is not.
    /// </summary>
    public static double[]? ToUnconstrained(IReadOnlyList<double> phi, IReadOnlyList<double> theta)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(theta);
        if (ToPartialAutocorrelations(phi) is not { } ar || ToPartialAutocorrelations(theta.Select(t => -t).ToArray()) is not { } ma) return null;
        static double U(double r) => Math.Log((1 + r) / (1 - r));
        return ar.Select(U).Concat(ma.Select(r => U(-r))).ToArray();
    }

    /// <summary>
    /// nlme's unconstrained corARMA parameters u (u_i = log((1 + r_i) / (1 - r_i)), so r_i = tanh(u_i / 2))
    /// to the AR and MA coefficients: phi = DL(r_1..r_p) and theta = -DL(-r_{p+1}..-r_{p+q}), DL the
    /// Durbin-Levinson map (nlme <c>ARMA_transPar</c> with sign +1 and -1), so theta_1 = r_{p+1} when q = 1.
    /// </summary>
    public static (double[] Phi, double[] Theta) FromUnconstrained(IReadOnlyList<double> u, int p, int q)
    {
        ArgumentNullException.ThrowIfNull(u);
        if (u.Count != p + q) throw new ArgumentException($"expected {p + q} parameters, got {u.Count}", nameof(u));
        var phi = FromPartialAutocorrelations(u.Take(p).Select(v => Math.Tanh(v / 2)).ToArray());
        var theta = FromPartialAutocorrelations(u.Skip(p).Select(v => -Math.Tanh(v / 2)).ToArray()).Select(a => -a).ToArray();
        return (phi, theta);
    }

    /// <summary>
    /// Autocorrelations rho(0) = 1, rho(1), ..., rho(n - 1) of the ARMA process, exactly (Brockwell and
    /// Davis 1991, section 3.3, as R's <c>ARMAacf</c>): with psi_0 = 1, psi_j = theta_j + sum_i phi_i psi_{j-i}
    /// and c_k = sum_{j=k}^{q} theta_j psi_{j-k} (theta_0 = 1), gamma(0..p) solve
    /// gamma(k) - sum_i phi_i gamma(|k - i|) = c_k, k = 0..p, and gamma(k) = sum_i phi_i gamma(k - i) + c_k after.
    /// </summary>
    public static double[] Autocorrelations(IReadOnlyList<double> phi, IReadOnlyList<double> theta, int n)
    {
        var gamma = Autocovariances(phi, theta, n);
        return gamma.Select(g => g / gamma[0]).ToArray();
    }

    /// <summary>
    /// Autocovariances gamma(0..n - 1) of the ARMA process with unit innovation variance (see
    /// <see cref="Autocorrelations"/>).
    /// </summary>
    public static double[] Autocovariances(IReadOnlyList<double> phi, IReadOnlyList<double> theta, int n)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(theta);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        int p = phi.Count, q = theta.Count;
        double Theta(int j) => j == 0 ? 1 : theta[j - 1];
        var psi = new double[q + 1];
        for (int j = 0; j <= q; j++)
        {
            psi[j] = Theta(j);
            for (int i = 1; i <= Math.Min(j, p); i++) psi[j] += phi[i - 1] * psi[j - i];
        }
        double C(int k)
        {
            double sum = 0;
            for (int j = k; j <= q; j++) sum += Theta(j) * psi[j - k];
            return sum;
        }
        var a = Matrix<double>.Build.Dense(p + 1, p + 1);
        for (int k = 0; k <= p; k++)
        {
            a[k, k] += 1;
            for (int i = 1; i <= p; i++) a[k, Math.Abs(k - i)] -= phi[i - 1];
        }
        var head = a.Solve(Vector<double>.Build.Dense(p + 1, C));
        var gamma = new double[Math.Max(n, p + 1)];
        for (int k = 0; k <= p; k++) gamma[k] = head[k];
        for (int k = p + 1; k < gamma.Length; k++)
        {
            gamma[k] = C(k);
            for (int i = 1; i <= p; i++) gamma[k] += phi[i - 1] * gamma[k - i];
        }
        return gamma.Take(n).ToArray();
    }

    /// <summary>
    /// Smallest modulus of the roots of 1 - phi_1 z - ... - phi_p z^p (sign -1) or 1 + theta_1 z + ... +
    /// theta_q z^q (sign +1); infinity when the polynomial is constant. Below 1 the process is not
    /// stationary (AR) or not invertible (MA).
    /// </summary>
    public static double SmallestRootModulus(IReadOnlyList<double> coefficients, double sign)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        var poly = new[] { 1.0 }.Concat(coefficients.Select(c => sign * c)).ToList();
        while (poly.Count > 1 && poly[^1] == 0) poly.RemoveAt(poly.Count - 1);
        if (poly.Count == 1) return double.PositiveInfinity;
        if (poly.Count == 2) return Math.Abs(poly[0] / poly[1]);
        return FindRoots.Polynomial(poly.ToArray()).Min(z => z.Magnitude);
    }
}
