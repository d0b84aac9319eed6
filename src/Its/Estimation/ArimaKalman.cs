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
/// The filter is linear in the data and its gains do not depend on them, so it runs on several
/// columns at once (the outcome and every regressor): the standardised innovations of y - X b are
/// those of y minus those of X times b, which turns the likelihood in b into a least-squares problem.
/// </remarks>
internal sealed class ArimaKalman
{
    // R makeARIMA's default variance of the diffuse (integrated) initial states.
    private const double Kappa = 1e6;
    // R ARIMA_Like leaves out of the likelihood the innovations whose variance is >= 1e4 (the
    // first d, which are dominated by kappa).
    private const double DiffuseGain = 1e4;

    private readonly double[] _phi;
    private readonly double[] _theta;
    private readonly double[] _delta;
    private readonly int _r;

    /// <summary>Sets up the state space of an ARIMA model with the given AR and MA coefficients.</summary>
    public ArimaKalman(IReadOnlyList<double> phi, IReadOnlyList<double> theta, int d)
    {
        _phi = phi.ToArray();
        _theta = theta.ToArray();
        _r = Math.Max(_phi.Length, _theta.Length + 1);
        _delta = DifferenceOperator(d);
    }

    /// <summary>
    /// Delta of R's makeARIMA: (1 - B)^d = 1 - sum_k delta_k B^k, so delta = (1) for d = 1 and
    /// (2, -1) for d = 2.
    /// </summary>
    public static double[] DifferenceOperator(int d)
    {
        var poly = new double[] { 1 };
        for (int i = 0; i < d; i++)
        {
            var next = new double[poly.Length + 1];
            for (int k = 0; k < poly.Length; k++)
            {
                next[k] += poly[k];
                next[k + 1] -= poly[k];
            }
            poly = next;
        }
        return poly.Skip(1).Select(c => -c).ToArray();
    }

    /// <summary>
    /// Runs the filter on each column of <paramref name="w"/> (n x m). Returns the standardised
    /// innovations v_t / sqrt(F_t) of the rows that enter the likelihood (F_t &lt; 1e4), and
    /// sum log F_t over those rows.
    /// </summary>
    public (Matrix<double> Whitened, double SumLog) Filter(Matrix<double> w)
    {
        int n = w.RowCount, m = w.ColumnCount, d = _delta.Length, rd = _r + d;
        var t = Transition(rd);
        var z = new double[rd];
        z[0] = 1;
        for (int k = 0; k < d; k++) z[_r + k] = _delta[k];
        var rvec = new double[rd];
        rvec[0] = 1;
        for (int k = 0; k < _theta.Length; k++) rvec[k + 1] = _theta[k];

        var pn = new double[rd, rd];
        var q0 = StationaryCovariance();
        for (int i = 0; i < _r; i++)
            for (int j = 0; j < _r; j++) pn[i, j] = q0[i, j];
        for (int k = 0; k < d; k++) pn[_r + k, _r + k] = Kappa;

        var a = new double[rd, m];
        var anew = new double[rd, m];
        var p = new double[rd, rd];
        var pnew = pn;
        var tp = new double[rd, rd];
        var mvec = new double[rd];
        var rows = new List<double[]>(n);
        double sumLog = 0;
        for (int l = 0; l < n; l++)
        {
            // a_{t|t-1} = T a_{t-1}
            for (int i = 0; i < rd; i++)
                for (int c = 0; c < m; c++)
                {
                    double s = 0;
                    for (int k = 0; k < rd; k++) s += t[i, k] * a[k, c];
                    anew[i, c] = s;
                }
            // P_{t|t-1} = T P T' + R R' (at t = 1 the initial covariance itself, as R's sUP = 0)
            if (l > 0)
            {
                pnew = new double[rd, rd];
                for (int i = 0; i < rd; i++)
                    for (int j = 0; j < rd; j++)
                    {
                        double s = 0;
                        for (int k = 0; k < rd; k++) s += t[i, k] * p[k, j];
                        tp[i, j] = s;
                    }
                for (int i = 0; i < rd; i++)
                    for (int j = 0; j < rd; j++)
                    {
                        double s = rvec[i] * rvec[j];
                        for (int k = 0; k < rd; k++) s += tp[i, k] * t[j, k];
                        pnew[i, j] = s;
                    }
            }
            // M = P Z, F = Z' P Z, v = w_t - Z' a
            double gain = 0;
            for (int i = 0; i < rd; i++)
            {
                double s = 0;
                for (int j = 0; j < rd; j++) s += pnew[i, j] * z[j];
                mvec[i] = s;
                gain += z[i] * s;
            }
            var resid = new double[m];
            for (int c = 0; c < m; c++)
            {
                double s = w[l, c];
                for (int i = 0; i < rd; i++) s -= z[i] * anew[i, c];
                resid[c] = s;
            }
            if (gain < DiffuseGain)
            {
                double scale = Math.Sqrt(gain);
                rows.Add(resid.Select(v => v / scale).ToArray());
                sumLog += Math.Log(gain);
            }
            for (int i = 0; i < rd; i++)
                for (int c = 0; c < m; c++) a[i, c] = anew[i, c] + mvec[i] * resid[c] / gain;
            for (int i = 0; i < rd; i++)
                for (int j = 0; j < rd; j++) p[i, j] = pnew[i, j] - mvec[i] * mvec[j] / gain;
        }
        var whitened = Matrix<double>.Build.Dense(rows.Count, m, (i, c) => rows[i][c]);
        return (whitened, sumLog);
    }

    // T of R's makeARIMA: phi down the first column and ones on the superdiagonal of the ARMA
    // block; the row after it is Z (the level is the ARMA state plus delta'(past levels)); the
    // remaining rows shift the past levels.
    private double[,] Transition(int rd)
    {
        var t = new double[rd, rd];
        for (int i = 0; i < _phi.Length; i++) t[i, 0] = _phi[i];
        for (int i = 0; i < _r - 1; i++) t[i, i + 1] = 1;
        if (_delta.Length > 0)
        {
            t[_r, 0] = 1;
            for (int k = 0; k < _delta.Length; k++) t[_r, _r + k] = _delta[k];
            for (int k = 1; k < _delta.Length; k++) t[_r + k, _r + k - 1] = 1;
        }
        return t;
    }

    /// <summary>
    /// Unconditional covariance Q0 of the ARMA state (in units of sigma^2): the solution of
    /// Q0 = T Q0 T' + R R', from vec Q0 = (I - T (x) T)^-1 vec(R R') (the same system Gardner et
    /// al. 1980 solve; R's getQ0).
    /// </summary>
    public double[,] StationaryCovariance()
    {
        int r = _r;
        var t = Matrix<double>.Build.Dense(r, r);
        for (int i = 0; i < _phi.Length; i++) t[i, 0] = _phi[i];
        for (int i = 0; i < r - 1; i++) t[i, i + 1] = 1;
        var rv = Vector<double>.Build.Dense(r);
        rv[0] = 1;
        for (int k = 0; k < _theta.Length; k++) rv[k + 1] = _theta[k];
        var v = rv.OuterProduct(rv);
        var system = Matrix<double>.Build.DenseIdentity(r * r) - t.KroneckerProduct(t);
        // vec stacks columns: vec(T Q T') = (T (x) T) vec(Q).
        var vecQ = system.Solve(Vector<double>.Build.DenseOfArray(v.ToColumnMajorArray()));
        var q = new double[r, r];
        for (int j = 0; j < r; j++)
            for (int i = 0; i < r; i++) q[i, j] = vecQ[i + j * r];
        return q;
    }
}
