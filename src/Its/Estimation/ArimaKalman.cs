using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// The exact Gaussian likelihood of an ARIMA(p, d, q) series by the Kalman filter on its
/// state-space form (Gardner, Harvey and Phillips 1980; Harvey 1989, sec. 3.3), laid out as R's
/// <c>stats::arima</c> (<c>makeARIMA</c>, <c>ARIMA_Like</c>): state dimension r = max(p, q + 1)
/// for the ARMA part plus d for the differencing, the stationary block started at its
/// unconditional covariance and the d integrated states at the diffuse variance kappa = 1e6.
/// </summary>
/// <remarks>
/// <para>
/// The filter is linear in the data and its gains do not depend on them, so it runs on several
/// columns at once (the outcome and every regressor): the standardised innovations of y - X b are
/// those of y minus those of X times b, which turns the likelihood in b into a least-squares problem.
/// </para>
/// <para>
/// For a pure AR(p) with d = 0 the filter's innovations are the Durbin-Levinson one-step prediction
/// errors (Brockwell and Davis 1991, sec. 5.2): the first p rows use the predictors of orders 0..p-1
/// with variances v_0..v_{p-1}, the later ones the AR filter itself with variance 1. That prewhitening
/// is O(n p) per column instead of O(n r^2) and gives the same innovations and variances (to
/// rounding; tested against the Kalman path). The rows whose variance reaches R's 1e4 are left out
/// on both paths.
/// </para>
/// <para>
/// One instance holds the buffers of one model order and is reused across evaluations: not for
/// concurrent use.
/// </para>
/// </remarks>
internal sealed class ArimaKalman
{
    // R makeARIMA's default variance of the diffuse (integrated) initial states.
    private const double Kappa = 1e6;
    // R ARIMA_Like leaves out of the likelihood the innovations whose variance is >= 1e4 (the
    // first d, which are dominated by kappa).
    internal const double DiffuseGain = 1e4;

    private readonly int _p, _q, _r, _rd;
    private readonly double[] _delta;
    private readonly bool _autoregressive;
    // Which rows are observed (R's NA in y); null when all are.
    private readonly bool[]? _observed;
    // R's rule that leaves rows with F_t >= 1e4 out of the likelihood (false: every row is kept, as
    // GLS keeps them, also for a stationary process whose variance is that large).
    private readonly bool _dropDiffuse;

    // Kalman path (state dimension rd = r + d): T, Z, R, the state of every column (rd x m,
    // row-major), P, T P, M = P Z and the innovations of one row.
    private readonly double[] _t, _z, _rvec, _pn, _p0, _tp, _mvec;
    private double[] _a = [], _anew = [], _resid = [];

    // AR path: Durbin-Levinson coefficients of orders 1..p (order k at (k - 1) p) and the
    // innovation variances v_0..v_p (v_p = 1).
    private readonly double[] _stages, _variance;

    /// <summary>Buffers for an ARIMA(p, d, q); <paramref name="general"/> forces the Kalman path for pure AR models.</summary>
    public ArimaKalman(int p, int d, int q, bool general = false) : this(p, DifferenceOperator(d), q, general) { }

    /// <summary>
    /// Buffers for an ARMA(p, q) (the expanded seasonal polynomials when seasonal) whose series is
    /// integrated by the differencing operator 1 - sum_k delta_k B^k (<see cref="DifferenceOperator(int, int, int)"/>).
    /// Rows where <paramref name="observed"/> is false are missing, as R's NA: the filter predicts
    /// through them without an update, and they add nothing to the likelihood.
    /// </summary>
    public ArimaKalman(int p, IReadOnlyList<double> delta, int q, bool general = false, bool[]? observed = null, bool dropDiffuse = true)
    {
        _dropDiffuse = dropDiffuse;
        _p = p;
        _q = q;
        _r = Math.Max(p, q + 1);
        _delta = delta.ToArray();
        _rd = _r + _delta.Length;
        _observed = observed is null || observed.All(o => o) ? null : observed;
        _autoregressive = !general && q == 0 && _delta.Length == 0 && _observed is null;
        int rd = _rd;
        _t = new double[rd * rd];
        _z = new double[rd];
        _rvec = new double[rd];
        _pn = new double[rd * rd];
        _p0 = new double[rd * rd];
        _tp = new double[rd * rd];
        _mvec = new double[rd];
        _stages = new double[p * p];
        _variance = new double[p + 1];
    }

    /// <summary>
    /// Delta of R's makeARIMA: (1 - B)^d = 1 - sum_k delta_k B^k, so delta = (1) for d = 1 and
    /// (2, -1) for d = 2.
    /// </summary>
    public static double[] DifferenceOperator(int d) => DifferenceOperator(d, 0, 1);

    /// <summary>
    /// Delta of R's makeARIMA for (1 - B)^d (1 - B^s)^D = 1 - sum_k delta_k B^k, of length d + s D.
    /// </summary>
    public static double[] DifferenceOperator(int d, int seasonalD, int period)
    {
        var poly = new double[] { 1 };
        for (int i = 0; i < d + seasonalD; i++)
        {
            int lag = i < d ? 1 : period;
            var next = new double[poly.Length + lag];
            for (int k = 0; k < poly.Length; k++)
            {
                next[k] += poly[k];
                next[k + lag] -= poly[k];
            }
            poly = next;
        }
        var delta = new double[poly.Length - 1];
        for (int k = 0; k < delta.Length; k++) delta[k] = -poly[k + 1];
        return delta;
    }

    /// <summary>
    /// Runs the filter with AR coefficients <paramref name="phi"/> and MA coefficients
    /// <paramref name="theta"/> on the m columns of <paramref name="data"/> (column-major, column c
    /// at c n). Writes the standardised innovations v_t / sqrt(F_t) of the rows that enter the
    /// likelihood (F_t &lt; 1e4) to <paramref name="output"/> (same layout, stride n, the first rows
    /// of each column), sets <paramref name="sumLog"/> to sum log F_t over those rows and returns
    /// their number.
    /// </summary>
    public int Filter(ReadOnlySpan<double> phi, ReadOnlySpan<double> theta, ReadOnlySpan<double> data, int n, int m,
        Span<double> output, out double sumLog)
    {
        if (phi.Length != _p || theta.Length != _q) throw new ArgumentException("the ARMA coefficients do not match the model order");
        if (_autoregressive && StepDown(phi)) return FilterAutoregressive(phi, data, n, m, output, out sumLog);
        return FilterKalman(phi, theta, data, n, m, output, [], [], out sumLog);
    }

    /// <summary>
    /// The one-step predictions Z' a_{t|t-1} of every row of the m columns of <paramref name="data"/>
    /// (column-major), in the units of the data, and their variances F_t (in units of sigma^2).
    /// Through missing rows the predictions are the multi-step forecasts from the last observed
    /// rows; F_t &gt;= 1e4 marks the diffuse rows, where the model has no prediction.
    /// </summary>
    public (double[] Predictions, double[] Variances) Predict(ReadOnlySpan<double> phi, ReadOnlySpan<double> theta, ReadOnlySpan<double> data, int n, int m)
    {
        if (phi.Length != _p || theta.Length != _q) throw new ArgumentException("the ARMA coefficients do not match the model order");
        var predictions = new double[n * m];
        var variances = new double[n];
        FilterKalman(phi, theta, data, n, m, new double[n * m], predictions, variances, out _);
        return (predictions, variances);
    }

    /// <summary>The filter on the columns of an n x m matrix: the whitened rows and sum log F_t.</summary>
    public (Matrix<double> Whitened, double SumLog) Filter(IReadOnlyList<double> phi, IReadOnlyList<double> theta, Matrix<double> w)
    {
        int n = w.RowCount, m = w.ColumnCount;
        var output = new double[n * m];
        int used = Filter(phi.ToArray(), theta.ToArray(), w.ToColumnMajorArray(), n, m, output, out double sumLog);
        return (Matrix<double>.Build.Dense(used, m, (i, c) => output[c * n + i]), sumLog);
    }

    // The Durbin-Levinson rows of orders p..1 from phi by the step-down recursion
    // a_{k-1,j} = (a_{k,j} + a_kk a_{k,k-j}) / (1 - a_kk^2), and v_{k-1} = v_k / (1 - a_kk^2).
    // False if some |a_kk| >= 1 (not stationary; the Kalman path then gives whatever R gives).
    private bool StepDown(ReadOnlySpan<double> phi)
    {
        int p = _p;
        if (p == 0)
        {
            _variance[0] = 1;
            return true;
        }
        phi.CopyTo(_stages.AsSpan((p - 1) * p, p));
        _variance[p] = 1;
        for (int k = p; k >= 1; k--)
        {
            int row = (k - 1) * p;
            double a = _stages[row + k - 1];
            double den = 1 - a * a;
            if (!(den > 0)) return false;
            _variance[k - 1] = _variance[k] / den;
            if (k == 1) break;
            int lower = (k - 2) * p;
            for (int j = 0; j < k - 1; j++) _stages[lower + j] = (_stages[row + j] + a * _stages[row + k - 2 - j]) / den;
        }
        return true;
    }

    private int FilterAutoregressive(ReadOnlySpan<double> phi, ReadOnlySpan<double> data, int n, int m,
        Span<double> output, out double sumLog)
    {
        int p = _p, used = 0;
        double logs = 0;
        // The rows t < p (predictors of order t, variance v_t); rows with v_t >= 1e4 are left out, as the Kalman filter does.
        Span<bool> keep = p <= 64 ? stackalloc bool[p] : new bool[p];
        for (int t = 0; t < Math.Min(p, n); t++)
        {
            keep[t] = _variance[t] < DiffuseGain;
            if (keep[t])
            {
                logs += Math.Log(_variance[t]);
                used++;
            }
        }
        if (n > p) used += n - p; // log 1 = 0
        for (int c = 0; c < m; c++)
        {
            var x = data.Slice(c * n, n);
            var z = output.Slice(c * n, n);
            int row = 0;
            for (int t = 0; t < Math.Min(p, n); t++)
                if (keep[t]) z[row++] = Prewhitening.HeadError(_stages, p, x, t) / Math.Sqrt(_variance[t]);
            Prewhitening.Tail(phi, x, z[row..], 1);
        }
        sumLog = logs;
        return used;
    }

    // The filter; predictions and variances (empty when not wanted) receive Z' a_{t|t-1} and F_t of every row.
    private int FilterKalman(ReadOnlySpan<double> phi, ReadOnlySpan<double> theta, ReadOnlySpan<double> data, int n, int m,
        Span<double> output, Span<double> predictions, Span<double> variances, out double sumLog)
    {
        int rd = _rd, r = _r, d = _delta.Length;
        var t = _t;
        Array.Clear(t);
        for (int i = 0; i < phi.Length; i++) t[i * rd] = phi[i];
        for (int i = 0; i < r - 1; i++) t[i * rd + i + 1] = 1;
        if (d > 0)
        {
            t[r * rd] = 1;
            for (int k = 0; k < d; k++) t[r * rd + r + k] = _delta[k];
            for (int k = 1; k < d; k++) t[(r + k) * rd + r + k - 1] = 1;
        }
        // T is a companion matrix (about 2 rd non-zeros): its rows as sparse lists, in column order,
        // make the products O(rd^2) per step instead of O(rd^3), with the same sums.
        var start = new int[rd + 1];
        var nonZeros = new List<int>();
        for (int i = 0; i < rd; i++)
        {
            for (int k = 0; k < rd; k++)
                if (t[i * rd + k] != 0) nonZeros.Add(k);
            start[i + 1] = nonZeros.Count;
        }
        var index = nonZeros.ToArray();
        var values = new double[index.Length];
        for (int i = 0; i < rd; i++)
            for (int e = start[i]; e < start[i + 1]; e++) values[e] = t[i * rd + index[e]];
        var z = _z;
        Array.Clear(z);
        z[0] = 1;
        for (int k = 0; k < d; k++) z[r + k] = _delta[k];
        var rvec = _rvec;
        Array.Clear(rvec);
        rvec[0] = 1;
        for (int k = 0; k < theta.Length; k++) rvec[k + 1] = theta[k];

        var pn = _pn;
        Array.Clear(pn);
        var q0 = StationaryCovariance(phi, theta, r);
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++) pn[i * rd + j] = q0[i, j];
        for (int k = 0; k < d; k++) pn[(r + k) * rd + r + k] = Kappa;

        if (_a.Length < rd * m)
        {
            _a = new double[rd * m];
            _anew = new double[rd * m];
            _resid = new double[m];
        }
        var a = _a;
        var anew = _anew;
        var resid = _resid;
        Array.Clear(a, 0, rd * m);
        var p = _p0;
        Array.Clear(p);
        var tp = _tp;
        var mvec = _mvec;
        // P_{t|t-1}: at t = 1 the initial covariance itself (R's sUP = 0), then T P T' + R R' in the same buffer.
        var pnew = pn;
        int used = 0;
        double logs = 0;
        for (int l = 0; l < n; l++)
        {
            // a_{t|t-1} = T a_{t-1}
            for (int i = 0; i < rd; i++)
                for (int c = 0; c < m; c++)
                {
                    double s = 0;
                    for (int e = start[i]; e < start[i + 1]; e++) s += values[e] * a[index[e] * m + c];
                    anew[i * m + c] = s;
                }
            // P_{t|t-1} = T P T' + R R'
            if (l > 0)
            {
                for (int i = 0; i < rd; i++)
                    for (int j = 0; j < rd; j++)
                    {
                        double s = 0;
                        for (int e = start[i]; e < start[i + 1]; e++) s += values[e] * p[index[e] * rd + j];
                        tp[i * rd + j] = s;
                    }
                for (int i = 0; i < rd; i++)
                    for (int j = 0; j < rd; j++)
                    {
                        double s = rvec[i] * rvec[j];
                        for (int e = start[j]; e < start[j + 1]; e++) s += tp[i * rd + index[e]] * values[e];
                        pnew[i * rd + j] = s;
                    }
            }
            // M = P Z, F = Z' P Z, v = w_t - Z' a
            double gain = 0;
            for (int i = 0; i < rd; i++)
            {
                double s = 0;
                for (int j = 0; j < rd; j++) s += pnew[i * rd + j] * z[j];
                mvec[i] = s;
                gain += z[i] * s;
            }
            if (!variances.IsEmpty) variances[l] = gain;
            if (!predictions.IsEmpty)
                for (int c = 0; c < m; c++)
                {
                    double s = 0;
                    for (int i = 0; i < rd; i++) s += z[i] * anew[i * m + c];
                    predictions[c * n + l] = s;
                }
            if (_observed is { } observed && !observed[l])
            {
                // Missing: no update, a_{t|t} = a_{t|t-1} and P_{t|t} = P_{t|t-1}.
                Array.Copy(anew, a, rd * m);
                Array.Copy(pnew, p, rd * rd);
                continue;
            }
            for (int c = 0; c < m; c++)
            {
                double s = data[c * n + l];
                for (int i = 0; i < rd; i++) s -= z[i] * anew[i * m + c];
                resid[c] = s;
            }
            if (gain < DiffuseGain || !_dropDiffuse)
            {
                double scale = Math.Sqrt(gain);
                for (int c = 0; c < m; c++) output[c * n + used] = resid[c] / scale;
                used++;
                logs += Math.Log(gain);
            }
            for (int i = 0; i < rd; i++)
                for (int c = 0; c < m; c++) a[i * m + c] = anew[i * m + c] + mvec[i] * resid[c] / gain;
            for (int i = 0; i < rd; i++)
                for (int j = 0; j < rd; j++) p[i * rd + j] = pnew[i * rd + j] - mvec[i] * mvec[j] / gain;
        }
        sumLog = logs;
        return used;
    }

    /// <summary>
    /// Unconditional covariance Q0 of the ARMA state (in units of sigma^2), the solution of
    /// Q0 = T Q0 T' + R R' (R's getQ0), in O(r^2) from the process's autocovariances: with state
    /// a_i,t = phi_i x_{t-1} + theta_{i-1} e_t + a_{i+1,t-1} (a_1 = x, a_{r+1} = 0),
    /// Q(1, j) = sum_{k=j}^{r} (phi_k gamma(1 + k - j) + theta_{k-1} psi_{k-j}) and
    /// Q(i, j) = phi_i phi_j gamma(0) + theta_{i-1} theta_{j-1} + phi_i Q(1, j+1) + phi_j Q(1, i+1) + Q(i+1, j+1).
    /// </summary>
    public static double[,] StationaryCovariance(ReadOnlySpan<double> phi, ReadOnlySpan<double> theta, int r)
    {
        // 1-based phi_1..phi_r and theta_0..theta_{r-1}, zero beyond the orders.
        var f = new double[r + 2];
        for (int i = 0; i < phi.Length; i++) f[i + 1] = phi[i];
        var th = new double[r + 1];
        th[0] = 1;
        for (int k = 0; k < theta.Length && k + 1 < r; k++) th[k + 1] = theta[k];
        var gamma = ArmaCorrelation.Autocovariances(phi.ToArray(), theta.ToArray(), r + 1);
        var psi = new double[r + 1];
        for (int j = 0; j <= r; j++)
        {
            psi[j] = j < th.Length ? th[j] : 0;
            for (int i = 1; i <= Math.Min(j, phi.Length); i++) psi[j] += f[i] * psi[j - i];
        }
        // q is (r + 2) x (r + 2), 1-based, with the row and column r + 1 zero.
        var q = new double[r + 2, r + 2];
        for (int j = 1; j <= r; j++)
        {
            double s = 0;
            for (int k = j; k <= r; k++) s += f[k] * gamma[1 + k - j] + th[k - 1] * psi[k - j];
            q[1, j] = s;
            q[j, 1] = s;
        }
        for (int i = r; i >= 2; i--)
            for (int j = r; j >= i; j--)
            {
                double v = f[i] * f[j] * gamma[0] + th[i - 1] * th[j - 1] + f[i] * q[1, j + 1] + f[j] * q[1, i + 1] + q[i + 1, j + 1];
                q[i, j] = v;
                q[j, i] = v;
            }
        var result = new double[r, r];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++) result[i, j] = q[i + 1, j + 1];
        return result;
    }
}
