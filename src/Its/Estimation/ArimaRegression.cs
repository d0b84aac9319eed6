using Complex = System.Numerics.Complex;
using Its.Model;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Its.Estimation;

/// <summary>
/// Regression with ARIMA(p, d, q) errors, y_t = x_t'b + u_t with (1 - B)^d u_t an ARMA(p, q), by
/// exact Gaussian maximum likelihood through the Kalman filter (Gardner, Harvey and Phillips 1980),
/// matching R <c>stats::arima(y, order = c(p, d, q), xreg = X[, -1], include.mean = (d == 0),
/// method = "ML")</c>: the same state space, likelihood, parametrisation and numerical Hessian.
/// With d &gt;= 1 the intercept is not identified and is left out, as R drops the mean.
/// </summary>
/// <remarks>
/// sigma^2 is concentrated out: the objective is R's <c>armafn</c>,
/// f = 0.5 (log(S / m) + sum log F_t / m), S = sum v_t^2 / F_t over the m innovations used.
/// Given the ARMA parameters the coefficients that minimise it are the GLS estimate on the
/// Kalman-whitened data, so the optimiser searches over the ARMA parameters only (AR through R's
/// partial-autocorrelation transform, which keeps them stationary), then polishes by Newton steps.
/// The covariance is R's: central differences of central-difference gradients over all parameters
/// (optim's <c>optimhess</c>, ndeps = 1e-3, R's parscale and SVD rotation of the regressors), inverted.
/// </remarks>
public sealed class ArimaRegression
{
    // optim's default ndeps: the step of every numerical derivative in R's Hessian.
    private const double Ndeps = 1e-3;
    // A root of the AR or MA polynomial with modulus below this is reported as near the unit circle.
    private const double NearUnitRoot = 1.05;
    // The largest |gradient| of the objective (per observation) accepted as converged.
    private const double GradientTolerance = 1e-6;

    private ArimaRegression() { }

    /// <summary>The regression terms estimated (the intercept is dropped when d &gt;= 1).</summary>
    public IReadOnlyList<string> Terms { get; private init; } = [];

    /// <summary>The regression coefficients, in the order of <see cref="Terms"/>.</summary>
    public Vector<double> Coefficients { get; private init; } = Vector<double>.Build.Dense(0);

    /// <summary>
    /// Covariance of the coefficients as R's <c>vcov(arima(...))</c>: the regression block of the
    /// inverse of the numerical Hessian of the negative log-likelihood over all parameters.
    /// </summary>
    public Matrix<double> Covariance { get; private init; } = Matrix<double>.Build.Dense(0, 0);

    /// <summary>AR coefficients phi_1..phi_p, (1 - phi_1 B - ... - phi_p B^p) u_t = ...</summary>
    public IReadOnlyList<double> ArCoefficients { get; private init; } = [];

    /// <summary>MA coefficients theta_1..theta_q, ... = (1 + theta_1 B + ... + theta_q B^q) e_t (R's sign).</summary>
    public IReadOnlyList<double> MaCoefficients { get; private init; } = [];

    /// <summary>AR order.</summary>
    public int P { get; private init; }

    /// <summary>Order of differencing.</summary>
    public int D { get; private init; }

    /// <summary>MA order.</summary>
    public int Q { get; private init; }

    /// <summary>ML innovation variance S / n, as R's <c>fit$sigma2</c>.</summary>
    public double Sigma2 { get; private init; }

    /// <summary>Exact Gaussian log-likelihood, -0.5 (2 n f + n + n log 2 pi), as R's <c>fit$loglik</c>.</summary>
    public double LogLikelihood { get; private init; }

    /// <summary>-2 loglik + 2 (p + q + number of coefficients + 1), as R's <c>fit$aic</c>.</summary>
    public double Aic { get; private init; }

    /// <summary>AIC + 2 k (k + 1) / (n - k - 1), k = p + q + number of coefficients + 1 (as forecast::Arima).</summary>
    public double Aicc { get; private init; }

    /// <summary>Observations in the likelihood: the series length minus d.</summary>
    public int N { get; private init; }

    /// <summary>
    /// Whether the optimiser ended at a point where the gradient of the objective vanishes
    /// (|g| &lt; 1e-6), or at an MA root on the unit circle (a maximum on the invertibility boundary,
    /// reported in <see cref="Warnings"/>).
    /// </summary>
    public bool Converged { get; private init; }

    /// <summary>Whether the inverse Hessian has a negative variance of some parameter (forecast's <c>checkarima</c>).</summary>
    public bool NegativeVariance { get; private init; }

    /// <summary>Problems with the fit that the numbers alone do not show (unit roots, non-convergence).</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>The seasonal AR parameters (R's sar1..), empty without a seasonal AR part.</summary>
    public IReadOnlyList<double> SeasonalArCoefficients { get; private init; } = [];

    /// <summary>The seasonal MA parameters (R's sma1..), empty without a seasonal MA part.</summary>
    public IReadOnlyList<double> SeasonalMaCoefficients { get; private init; } = [];

    /// <summary>The seasonal orders, <see cref="SeasonalOrder.None"/> for a non-seasonal fit.</summary>
    public SeasonalOrder Seasonal { get; private init; } = SeasonalOrder.None;

    // The AR and MA polynomials with the seasonal parts multiplied in (R's makeARIMA phi and theta).
    internal double[] ExpandedAr { get; private init; } = [];
    internal double[] ExpandedMa { get; private init; } = [];

    /// <summary>
    /// The Kalman one-step predictions of the columns of <paramref name="columns"/> (rows in time
    /// order, one per period) under the fitted ARIMA, with the rows where <paramref name="observed"/>
    /// is false treated as missing, so that after them the predictions are forecasts; and their
    /// variances in units of sigma^2 (1e4 or more on the diffuse rows, which have no prediction).
    /// </summary>
    internal (Matrix<double> Predictions, double[] Variances) Predict(Matrix<double> columns, bool[] observed)
    {
        int n = columns.RowCount, m = columns.ColumnCount;
        var kalman = new ArimaKalman(ExpandedAr.Length, ArimaKalman.DifferenceOperator(D, Seasonal.D, Seasonal.Period), ExpandedMa.Length, general: true, observed);
        var (predictions, variances) = kalman.Predict(ExpandedAr, ExpandedMa, columns.ToColumnMajorArray(), n, m);
        return (Matrix<double>.Build.Dense(n, m, predictions), variances);
    }

    /// <summary>Fits y on X with ARIMA(p, d, q) errors by exact maximum likelihood.</summary>
    /// <param name="x">Design, n x k, the intercept column (term "intercept") first.</param>
    /// <param name="y">Outcome, length n.</param>
    /// <param name="terms">Column names of X.</param>
    /// <param name="p">AR order.</param>
    /// <param name="d">Order of differencing; with d &gt;= 1 the "intercept" column is left out.</param>
    /// <param name="q">MA order.</param>
    /// <exception cref="ItsException">Too few observations for the parameters, or a regressor is collinear after differencing.</exception>
    public static ArimaRegression Fit(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms, int p, int d, int q) =>
        FitCore(x, y, terms, p, d, q, general: false);

    /// <summary>
    /// Fits y on X with multiplicative seasonal ARIMA(p, d, q)(P, D, Q)[s] errors by exact maximum
    /// likelihood, as R <c>stats::arima(y, order, seasonal = list(order, period), xreg, method = "ML")</c>.
    /// </summary>
    /// <param name="x">Design, the intercept column (term "intercept") first.</param>
    /// <param name="y">Outcome.</param>
    /// <param name="terms">Column names of X.</param>
    /// <param name="p">AR order.</param>
    /// <param name="d">Order of differencing; with d + D &gt;= 1 the "intercept" column is left out.</param>
    /// <param name="q">MA order.</param>
    /// <param name="seasonal">The seasonal orders and period.</param>
    /// <exception cref="ItsException">Too few observations for the parameters, or a regressor is collinear after differencing.</exception>
    public static ArimaRegression Fit(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms, int p, int d, int q, SeasonalOrder seasonal) =>
        FitCore(x, y, terms, p, d, q, general: false, seasonal);

    // general: the Kalman filter also for pure AR models with d = 0 (which otherwise take the
    // Durbin-Levinson prewhitening path); for the tests that compare the two.
    // cssStart: start the likelihood search at the conditional-sum-of-squares estimates, as R's
    // method = "CSS-ML" (forecast's default), refusing an AR part the CSS fit finds non-stationary.
    internal static ArimaRegression FitCore(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms, int p, int d, int q, bool general, SeasonalOrder? seasonalOrder = null,
        bool cssStart = false)
    {
        var seasonal = seasonalOrder ?? SeasonalOrder.None;
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(terms);
        if (x.RowCount != y.Count) throw new ArgumentException("X and y differ in length", nameof(y));
        if (terms.Count != x.ColumnCount) throw new ArgumentException("one term name per column of X is needed", nameof(terms));
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        ArgumentOutOfRangeException.ThrowIfNegative(q);
        if (p > 50 || q > 50) throw new ItsException($"ARIMA orders up to 50 are supported, not p = {p}, q = {q}");

        // R arima: NA in y are missing observations of the likelihood.
        var observed = y.Select(double.IsFinite).ToArray();
        if (!x.Enumerate().All(double.IsFinite)) throw new ArgumentException("X has a value that is not a finite number", nameof(x));
        bool differenced = d + seasonal.D > 0;
        var keep = Enumerable.Range(0, terms.Count).Where(j => !differenced || terms[j] != "intercept").ToArray();
        var regTerms = keep.Select(j => terms[j]).ToArray();
        var xr = Matrix<double>.Build.Dense(x.RowCount, keep.Length, (i, j) => x[i, keep[j]]);
        int k = keep.Length, n = observed.Count(o => o) - d - seasonal.D * seasonal.Period, narma = p + q + seasonal.P + seasonal.Q;
        string order = $"ARIMA({p},{d},{q}){seasonal}";
        if (n - (narma + k + 1) - 1 <= 0)
            throw new ItsException($"{order} with {k} regression terms has {narma + k + 1} parameters but only {n} observations after differencing");

        var problem = new Problem(xr, y, observed, n, regTerms, p, d, q, seasonal, general);
        var (theta, converged) = problem.Maximise(cssStart ? problem.CssStart() : null);
        theta = problem.InvertMa(theta);
        var (phi, ma) = problem.ExpandedArma(theta);
        var (gamma, _) = problem.Profile(theta);
        var full = Vector<double>.Build.Dense(narma + k);
        for (int i = 0; i < narma; i++) full[i] = theta[i];
        for (int j = 0; j < k; j++) full[narma + j] = gamma[j];
        double f = problem.Objective(full, out double ssq);

        var warnings = new List<string>();
        var cov = problem.Covariance(full, warnings, out bool negativeVariance);
        var gradient = problem.ProfileGradient(theta);
        // An MA root on the unit circle is a maximum on the invertibility boundary, where the
        // likelihood is symmetric in the root's modulus and has a kink, not a zero gradient.
        bool maBoundary = ArmaCorrelation.SmallestRootModulus(ma, +1) < 1 + 1e-3;
        converged = converged && (gradient.Count == 0 || gradient.AbsoluteMaximum() < GradientTolerance || maBoundary);
        if (!converged)
            warnings.Add($"the {order} likelihood maximisation did not converge: the estimates may not be the maximum");
        // The regular and the seasonal polynomials apart: (1 - Phi B^s) has roots of modulus |Phi|^(-1/s),
        // near 1 for any sizeable Phi, so the expanded product says nothing of a unit root.
        var arCoefficients = PartialToAutoregressive(theta.SubVector(0, p).ToArray());
        var maCoefficients = theta.SubVector(p, q).ToArray();
        var seasonalAr = PartialToAutoregressive(theta.SubVector(p + q, seasonal.P).ToArray());
        var seasonalMa = theta.SubVector(p + q + seasonal.P, seasonal.Q).ToArray();
        RootWarnings(arCoefficients, maCoefficients, "", warnings);
        RootWarnings(seasonalAr, seasonalMa, "seasonal ", warnings);

        double logLik = -0.5 * (2 * n * f + n + n * Math.Log(2 * Math.PI)); // R arima: value = 2 n f + n + n log(2 pi)
        int npar = narma + k + 1;
        double aic = -2 * logLik + 2 * npar;
        return new ArimaRegression
        {
            Terms = regTerms,
            Coefficients = problem.Rotation * gamma, // b = V gamma, undoing R's SVD rotation
            Covariance = cov,
            ArCoefficients = arCoefficients,
            MaCoefficients = maCoefficients,
            SeasonalArCoefficients = seasonalAr,
            SeasonalMaCoefficients = seasonalMa,
            Seasonal = seasonal,
            ExpandedAr = phi,
            ExpandedMa = ma,
            P = p,
            D = d,
            Q = q,
            Sigma2 = ssq / n,
            LogLikelihood = logLik,
            Aic = aic,
            Aicc = aic + 2.0 * npar * (npar + 1) / (n - npar - 1),
            N = n,
            Converged = converged,
            NegativeVariance = negativeVariance,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// R's partrans: phi_kk = tanh(raw_k) are partial autocorrelations, turned into AR coefficients
    /// by the Durbin-Levinson recursion phi_j,k = phi_j,k-1 - phi_kk phi_k-j,k-1 (Jones 1980).
    /// </summary>
    public static double[] PartialToAutoregressive(IReadOnlyList<double> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return ArmaCorrelation.FromPartialAutocorrelations(raw.Select(Math.Tanh).ToArray());
    }

    /// <summary>
    /// R's maInvert: roots of 1 + theta_1 z + ... + theta_q z^q inside the unit circle are replaced
    /// by their reciprocals, which leaves the likelihood unchanged and makes the MA invertible.
    /// </summary>
    public static double[] InvertMovingAverage(IReadOnlyList<double> theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        int q = theta.Count, q0 = q;
        while (q0 > 0 && theta[q0 - 1] == 0) q0--;
        if (q0 == 0) return theta.ToArray();
        var roots = FindRoots.Polynomial(new[] { 1.0 }.Concat(theta.Take(q0)).ToArray());
        if (roots.All(r => r.Magnitude >= 1)) return theta.ToArray();
        var result = new double[q];
        if (q0 == 1)
        {
            result[0] = 1 / theta[0];
            return result;
        }
        // Rebuild prod_r (1 - z / r) from the reflected roots.
        var poly = new List<Complex> { Complex.One };
        foreach (var root in roots.Select(r => r.Magnitude < 1 ? 1 / r : r))
        {
            var next = new Complex[poly.Count + 1];
            for (int i = 0; i < poly.Count; i++)
            {
                next[i] += poly[i];
                next[i + 1] -= poly[i] / root;
            }
            poly = next.ToList();
        }
        for (int i = 0; i < q0; i++) result[i] = poly[i + 1].Real;
        return result;
    }

    // part: "" for the regular polynomials, "seasonal " for those in B^s (their roots in B^s).
    private static void RootWarnings(IReadOnlyList<double> phi, IReadOnlyList<double> theta, string part, List<string> warnings)
    {
        string difference = part.Length == 0 ? "d = 1" : "D = 1";
        double ar = ArmaCorrelation.SmallestRootModulus(phi, -1);
        if (ar < NearUnitRoot)
            warnings.Add($"the {part}AR polynomial has a root of modulus {ar:F4}, near the unit circle: the errors are close to non-stationary (a {part}unit root); consider {difference}{(part.Length == 0 ? " or a trend" : "")}");
        double ma = ArmaCorrelation.SmallestRootModulus(theta, +1);
        if (ma < NearUnitRoot)
            warnings.Add(ma < 1 + 1e-3
                ? $"the {part}MA polynomial has a root on the unit circle (modulus {ma:F4}): the likelihood is maximised at the invertibility boundary; the series may be over-differenced or the MA part over-fitted, and the standard errors are unreliable"
                : $"the {part}MA polynomial has a root of modulus {ma:F4}, near the unit circle: the series may be over-differenced or the MA part over-fitted");
    }

    /// <summary>
    /// The data and R's parametrisation of one fit: ARMA parameters, then rotated coefficients.
    /// Evaluations reuse the buffers of the filter and of the QR, so a Problem is not for concurrent use.
    /// </summary>
    private sealed class Problem
    {
        private readonly Matrix<double> _xRotated;
        // _n rows, _used of them in the likelihood after differencing (R's n.used).
        private readonly int _p, _d, _q, _k, _n, _used;
        private readonly SeasonalOrder _seasonal;
        // The raw ARMA parameters: p AR, q MA, P seasonal AR, Q seasonal MA (R's order).
        private readonly int _narma;
        private readonly double[] _parscale;
        // R arima's start for the coefficients: least squares on the differenced (rotated) data;
        // the CSS residuals (R's ARIMA_CSS), a buffer reused by every CSS evaluation.
        private readonly double[] _olsStart = [];
        private readonly double[] _cssResiduals;
        private readonly ArimaKalman _kalman;
        // [X V, y] column-major (column j at j n), its filtered copy, y - X V gamma, R's Householder
        // diagonal, the AR and MA coefficients of the current evaluation, and the partial autocorrelations
        // and Durbin-Levinson stages of R's partrans (non-seasonal, then seasonal), and the expanded
        // AR and MA polynomials of a seasonal model.
        private readonly double[] _data, _white, _resid, _diagonal, _phi, _theta, _partial, _stages;
        private readonly double[] _seasonalPhi, _seasonalPartial, _seasonalStages, _seasonalTheta, _expandedPhi, _expandedTheta;

        public Problem(Matrix<double> xr, Vector<double> y, bool[] observed, int used, IReadOnlyList<string> terms, int p, int d, int q, SeasonalOrder seasonal, bool general = false)
        {
            _used = used;
            _p = p;
            _d = d;
            _q = q;
            _seasonal = seasonal;
            _narma = p + q + seasonal.P + seasonal.Q;
            _k = xr.ColumnCount;
            _n = y.Count;
            _parscale = Enumerable.Repeat(1.0, _narma + _k).ToArray();
            Rotation = Matrix<double>.Build.DenseIdentity(_k);
            int s = seasonal.Period;
            _expandedPhi = new double[p + s * seasonal.P];
            _expandedTheta = new double[q + s * seasonal.Q];
            _kalman = new ArimaKalman(_expandedPhi.Length, ArimaKalman.DifferenceOperator(d, seasonal.D, s), _expandedTheta.Length, general, observed);
            _white = new double[_n * (_k + 1)];
            _resid = new double[_n];
            _cssResiduals = new double[_n];
            _diagonal = new double[_k];
            _phi = new double[p];
            _theta = new double[q];
            _partial = new double[p];
            _stages = new double[p * p];
            _seasonalPhi = new double[seasonal.P];
            _seasonalPartial = new double[seasonal.P];
            _seasonalStages = new double[seasonal.P * seasonal.P];
            _seasonalTheta = new double[seasonal.Q];
            if (_k == 0)
            {
                _xRotated = xr;
            }
            else
            {
                // Collinear after differencing: say which term, in the user's names.
                var (dx, dy) = Difference(xr, y);
                _ = new LeastSquares(dx, dy, terms);
                // R arima: with more than one regressor, optimise over gamma = V'b, X V from the SVD X = U S V'.
                if (_k > 1) Rotation = xr.Svd(true).VT.Transpose();
                _xRotated = xr * Rotation;
                // R arima: parscale of the coefficients is 10 x their OLS SEs on the differenced data.
                var (dxr, _) = Difference(_xRotated, y);
                var ols = new LeastSquares(dxr, dy, terms);
                _olsStart = ols.Coefficients.ToArray();
                var cov = ols.ClassicalCovariance();
                for (int j = 0; j < _k; j++) _parscale[_narma + j] = 10 * Math.Sqrt(cov[j, j]);
            }
            _data = new double[_n * (_k + 1)];
            for (int j = 0; j < _k; j++)
                for (int i = 0; i < _n; i++) _data[j * _n + i] = _xRotated[i, j];
            for (int i = 0; i < _n; i++) _data[_k * _n + i] = y[i];
        }

        /// <summary>V of R's SVD rotation (identity for one regressor).</summary>
        public Matrix<double> Rotation { get; }

        // R arima: diff(x, 1, d), then diff(x, s, D), rows with a missing y left out (lm's na.omit).
        private (Matrix<double> X, Vector<double> Y) Difference(Matrix<double> x, Vector<double> y)
        {
            var m = x.Append(y.ToColumnMatrix());
            for (int i = 0; i < _d + _seasonal.D; i++)
            {
                int lag = i < _d ? 1 : _seasonal.Period;
                var previous = m;
                m = Matrix<double>.Build.Dense(m.RowCount - lag, m.ColumnCount, (r, c) => previous[r + lag, c] - previous[r, c]);
            }
            var rows = Enumerable.Range(0, m.RowCount).Where(r => double.IsFinite(m[r, _k])).Select(m.Row).ToArray();
            var kept = Matrix<double>.Build.DenseOfRowVectors(rows);
            return (kept.SubMatrix(0, kept.RowCount, 0, _k), kept.Column(_k));
        }

        /// <summary>The expanded AR and MA polynomials (R's makeARIMA phi and theta) of the raw parameters.</summary>
        public (double[] Phi, double[] Theta) ExpandedArma(Vector<double> theta)
        {
            SetArma(theta);
            return (Phi.ToArray(), Theta.ToArray());
        }

        // The AR (R's partrans, the non-seasonal and seasonal parts separately) and MA coefficients of
        // the parameters into _phi and _theta, and their products into the expanded polynomials
        // (1 - phi(B))(1 - Phi(B^s)) and (1 + theta(B))(1 + Theta(B^s)), as R's arima does.
        private void SetArma(Vector<double> parameters)
        {
            for (int i = 0; i < _p; i++) _partial[i] = Math.Tanh(parameters[i]);
            Prewhitening.ToAutoregressive(_partial, _stages, _phi);
            for (int i = 0; i < _q; i++) _theta[i] = parameters[_p + i];
            int sp = _seasonal.P, offset = _p + _q;
            for (int i = 0; i < sp; i++) _seasonalPartial[i] = Math.Tanh(parameters[offset + i]);
            Prewhitening.ToAutoregressive(_seasonalPartial, _seasonalStages, _seasonalPhi);
            for (int j = 0; j < _seasonal.Q; j++) _seasonalTheta[j] = parameters[offset + sp + j];
            Expand(_phi, _seasonalPhi, _theta, _seasonalTheta);
        }

        // The products (1 - phi(B))(1 - Phi(B^s)) and (1 + theta(B))(1 + Theta(B^s)) into the expanded polynomials.
        private void Expand(ReadOnlySpan<double> phi, ReadOnlySpan<double> seasonalPhi, ReadOnlySpan<double> theta, ReadOnlySpan<double> seasonalTheta)
        {
            int s = _seasonal.Period;
            if (seasonalPhi.Length > 0)
            {
                Array.Clear(_expandedPhi);
                phi.CopyTo(_expandedPhi);
                for (int j = 0; j < seasonalPhi.Length; j++)
                {
                    _expandedPhi[(j + 1) * s - 1] += seasonalPhi[j];
                    for (int i = 0; i < phi.Length; i++) _expandedPhi[(j + 1) * s + i] -= phi[i] * seasonalPhi[j];
                }
            }
            if (seasonalTheta.Length > 0)
            {
                Array.Clear(_expandedTheta);
                theta.CopyTo(_expandedTheta);
                for (int j = 0; j < seasonalTheta.Length; j++)
                {
                    _expandedTheta[(j + 1) * s - 1] += seasonalTheta[j];
                    for (int i = 0; i < theta.Length; i++) _expandedTheta[(j + 1) * s + i] += theta[i] * seasonalTheta[j];
                }
            }
        }

        /// <summary>
        /// R's CSS step of method = "CSS-ML": the conditional sum of squares (R's <c>armaCSS</c> and
        /// <c>ARIMA_CSS</c>: residuals of the differenced y - X b from period d + Ds + p + Ps on,
        /// missing ones left out) minimised over the raw ARMA parameters and the coefficients by R's
        /// BFGS from R's start (ARMA 0, the coefficients by least squares on the differenced data;
        /// parscale and rotation as R's) with optim's defaults (reltol 1.5e-8, 100 iterations); its AR parts must be
        /// stationary. Returns the CSS ARMA estimates as the likelihood search's start (the AR parts by
        /// R's inverse partrans, the MA parts inverted: R's maInvert); R's start (zeros) when the CSS
        /// search did not converge (as R).
        /// </summary>
        /// <exception cref="ItsException">The CSS AR or seasonal AR part is not stationary, or the CSS objective is not finite.</exception>
        public Vector<double> CssStart()
        {
            if (_narma == 0) return Vector<double>.Build.Dense(0);
            var init = new double[_narma + _k];
            for (int j = 0; j < _k; j++) init[_narma + j] = _olsStart[j];
            double[] css;
            try
            {
                // optim's defaults, as auto.arima calls arima: reltol sqrt(machine epsilon), 100 iterations.
                var (point, _, converged) = OptimBfgs.Minimize(Css, init, _parscale, 1.490116119384765625e-8, 100);
                css = converged ? point : init;
            }
            catch (ArithmeticException e)
            {
                throw new ItsException($"the conditional-sum-of-squares fit failed ({e.Message})");
            }
            int p = _p, q = _q, sp = _seasonal.P;
            var ar = css.AsSpan(0, p).ToArray();
            var seasonalAr = css.AsSpan(p + q, sp).ToArray();
            if (p > 0 && !(ArmaCorrelation.SmallestRootModulus(ar, -1) > 1))
                throw new ItsException("the conditional-sum-of-squares start has a non-stationary AR part (R's arima: non-stationary AR part from CSS)");
            if (sp > 0 && !(ArmaCorrelation.SmallestRootModulus(seasonalAr, -1) > 1))
                throw new ItsException("the conditional-sum-of-squares start has a non-stationary seasonal AR part (R's arima: non-stationary seasonal AR part from CSS)");
            var result = Vector<double>.Build.DenseOfArray(css[.._narma]);
            var partial = ArmaCorrelation.ToPartialAutocorrelations(ar)!;
            for (int i = 0; i < p; i++) result[i] = Math.Atanh(partial[i]);
            var seasonalPartial = ArmaCorrelation.ToPartialAutocorrelations(seasonalAr)!;
            for (int i = 0; i < sp; i++) result[p + q + i] = Math.Atanh(seasonalPartial[i]);
            return InvertMa(result);
        }

        // R's armaCSS at (raw ARMA parameters, rotated coefficients): 0.5 log(S / m) of the
        // conditional residuals of the differenced y - X b, the m finite ones summed.
        private double Css(double[] full)
        {
            int p = _p, q = _q, sp = _seasonal.P, sq = _seasonal.Q, n = _n, k = _k, s = _seasonal.Period;
            for (int i = 0; i < p; i++) _phi[i] = full[i];
            for (int i = 0; i < q; i++) _theta[i] = full[p + i];
            Expand(_phi, full.AsSpan(p + q, sp), _theta, full.AsSpan(p + q + sp, sq));
            var phi = Phi;
            var theta = Theta;
            int ncond = _d + _seasonal.D * s + phi.Length;
            var w = _resid;
            for (int l = 0; l < n; l++)
            {
                double v = _data[k * n + l];
                for (int j = 0; j < k; j++) v -= _data[j * n + l] * full[_narma + j];
                w[l] = v;
            }
            for (int i = 0; i < _d; i++) for (int l = n - 1; l > 0; l--) w[l] -= w[l - 1];
            for (int i = 0; i < _seasonal.D; i++) for (int l = n - 1; l >= s; l--) w[l] -= w[l - s];
            var e = _cssResiduals;
            double ssq = 0;
            int used = 0;
            for (int l = ncond; l < n; l++)
            {
                double v = w[l];
                for (int j = 0; j < phi.Length; j++) v -= phi[j] * w[l - j - 1];
                for (int j = 0; j < Math.Min(l - ncond, theta.Length); j++) v -= theta[j] * e[l - j - 1];
                e[l] = v;
                if (!double.IsNaN(v))
                {
                    used++;
                    ssq += v * v;
                }
            }
            return 0.5 * Math.Log(ssq / used);
        }

        private ReadOnlySpan<double> Phi => _seasonal.P == 0 ? _phi : _expandedPhi;

        private ReadOnlySpan<double> Theta => _seasonal.Q == 0 ? _theta : _expandedTheta;

        /// <summary>GLS coefficients (rotated) given the ARMA parameters, and the profiled objective.</summary>
        public (Vector<double> Gamma, double Value) Profile(Vector<double> theta)
        {
            double value = ProfileValue(theta);
            var gamma = new double[_k];
            Triangular.SolveUpper(_white, _n, _diagonal, gamma);
            return (Vector<double>.Build.DenseOfArray(gamma), value);
        }

        // The profiled objective 0.5 (log(S/m) + sum log F / m), S the residual sum of squares of the
        // whitened y on the whitened X, by Householder QR of the whitened X applied to the whitened y.
        private double ProfileValue(Vector<double> theta)
        {
            SetArma(theta);
            int n = _n, k = _k;
            int m = _kalman.Filter(Phi, Theta, _data, n, k + 1, _white, out double sumLog);
            if (m <= k) return double.NaN;
            if (!InPlaceQr.Factor(_white, n, m, k, _diagonal)) return double.NaN;
            double ssq = InPlaceQr.ResidualSumOfSquares(_white, n, m, k);
            return 0.5 * (Math.Log(ssq / m) + sumLog / m);
        }

        /// <summary>R's armafn at (ARMA parameters, rotated coefficients): 0.5 (log(S/m) + sum log F / m).</summary>
        public double Objective(Vector<double> full, out double ssq)
        {
            SetArma(full);
            int n = _n, k = _k, narma = _narma;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < k; j++) s += _data[j * n + i] * full[narma + j];
                _resid[i] = _data[k * n + i] - s;
            }
            int m = _kalman.Filter(Phi, Theta, _resid, n, 1, _white, out double sumLog);
            var w = _white.AsSpan(0, m);
            ssq = InPlaceQr.Dot(w, w);
            return 0.5 * (Math.Log(ssq / m) + sumLog / m);
        }


        private double SafeProfile(Vector<double> theta)
        {
            try
            {
                double v = ProfileValue(theta);
                return double.IsFinite(v) ? v : 1e10;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
            {
                return 1e10;
            }
        }

        private double SafeProfile(double[] theta) => SafeProfile(Vector<double>.Build.DenseOfArray(theta));

        /// <summary>Central-difference gradient of the profiled objective.</summary>
        public Vector<double> ProfileGradient(Vector<double> theta, double h = 1e-5) =>
            Vector<double>.Build.DenseOfArray(NumericalDerivatives.Gradient(SafeProfile, theta.ToArray(), h));

        /// <summary>
        /// Maximises the profile likelihood over the ARMA parameters from 0 (R's start for method = "ML")
        /// or a given start (the CSS estimates of "CSS-ML"): BFGS on a
        /// numerical gradient (Nelder-Mead if BFGS stops early), then Newton steps on numerical
        /// derivatives until the step is below 1e-10.
        /// </summary>
        public (Vector<double> Theta, bool Converged) Maximise(Vector<double>? from = null)
        {
            int m = _narma;
            var start = from ?? Vector<double>.Build.Dense(m);
            if (m == 0) return (start, true);
            var objective = ObjectiveFunction.Gradient(SafeProfile, t => ProfileGradient(t, 1e-6));
            Vector<double> theta = start;
            try
            {
                theta = new BfgsMinimizer(1e-8, 1e-10, 1e-13, 500).FindMinimum(objective, start).MinimizingPoint;
            }
            catch (Exception e) when (e is OptimizationException or ArithmeticException)
            {
                try
                {
                    theta = new NelderMeadSimplex(1e-10, 5000).FindMinimum(ObjectiveFunction.Value(SafeProfile), start).MinimizingPoint;
                }
                catch (OptimizationException)
                {
                    // Neither reached its tolerance: Newton steps from the start are the last resort.
                }
            }
            return Polish(theta);
        }

        // Newton steps on the profile (gradient step 1e-5, four-point Hessian step 1e-4) until the
        // gradient or the step is below 1e-10 or no halving of a step descends.
        private (Vector<double>, bool) Polish(Vector<double> theta)
        {
            var outcome = NumericalDerivatives.NewtonPolish(SafeProfile, theta.ToArray(),
                t => NumericalDerivatives.Gradient(SafeProfile, t, 1e-5),
                t => NumericalDerivatives.FourPointHessian(SafeProfile, t, 1e-4),
                maxSteps: 20, gradientTolerance: 1e-10, stepTolerance: 1e-10, halvings: 30);
            var polished = Vector<double>.Build.DenseOfArray(outcome.Point);
            return (polished, ProfileGradient(polished).AbsoluteMaximum() < GradientTolerance);
        }

        /// <summary>The ARMA parameters with any non-invertible MA part reflected (R's maInvert).</summary>
        public Vector<double> InvertMa(Vector<double> theta)
        {
            var result = theta.Clone();
            Invert(result, _p, _q);
            Invert(result, _p + _q + _seasonal.P, _seasonal.Q);
            return result;
        }

        // R's maInvert on one MA part (the seasonal part separately, as R does).
        private static void Invert(Vector<double> parameters, int start, int count)
        {
            if (count == 0) return;
            var inverted = InvertMovingAverage(parameters.SubVector(start, count).ToArray());
            for (int i = 0; i < count; i++) parameters[start + i] = inverted[i];
        }

        /// <summary>
        /// R's optimhess with optim's defaults: H_ij = (g_j(x + e_i ndeps) - g_j(x - e_i ndeps)) / (2 ndeps),
        /// g_j(x) = (f(x + e_j ndeps s_j) - f(x - e_j ndeps s_j)) / (2 ndeps s_j), s = parscale;
        /// symmetrised, times n; the covariance is V (H^-1)_bb V' for the rotated block.
        /// </summary>
        public Matrix<double> Covariance(Vector<double> full, List<string> warnings, out bool negativeVariance)
        {
            int m = full.Count, narma = _narma;
            int n = _used;
            negativeVariance = false;
            if (_k == 0) return Matrix<double>.Build.Dense(0, 0);
            var hess = Matrix<double>.Build.Dense(m, m);
            for (int i = 0; i < m; i++)
            {
                var up = full.Clone();
                var down = full.Clone();
                up[i] += Ndeps;
                down[i] -= Ndeps;
                var g1 = OptimGradient(up);
                var g2 = OptimGradient(down);
                for (int j = 0; j < m; j++) hess[i, j] = (g1[j] - g2[j]) / (2 * Ndeps);
            }
            hess = 0.5 * (hess + hess.Transpose()) * n;
            var inverse = hess.Inverse();
            var block = inverse.SubMatrix(narma, _k, narma, _k);
            negativeVariance = inverse.Diagonal().Any(v => v < 0 || double.IsNaN(v));
            if (block.Diagonal().Any(v => !(v > 0)) || inverse.Diagonal().Any(v => !(v > 0)))
                warnings.Add("the Hessian of the log-likelihood is not positive definite at the estimate: standard errors are not reliable");
            return Rotation * block * Rotation.Transpose();
        }

        // optim's gradient: central differences with steps ndeps x parscale.
        private double[] OptimGradient(Vector<double> x) =>
            NumericalDerivatives.Gradient(v => Objective(Vector<double>.Build.DenseOfArray(v), out _), x.ToArray(),
                _parscale.Select(s => Ndeps * s).ToArray());
    }
}

/// <summary>The seasonal part (P, D, Q)[s] of a seasonal ARIMA.</summary>
/// <param name="P">Seasonal AR order.</param>
/// <param name="D">Seasonal differencing order.</param>
/// <param name="Q">Seasonal MA order.</param>
/// <param name="Period">Period s (12 monthly, 4 quarterly).</param>
public sealed record SeasonalOrder(int P, int D, int Q, int Period)
{
    /// <summary>No seasonal part.</summary>
    public static SeasonalOrder None { get; } = new(0, 0, 0, 1);

    /// <summary>Whether there is a seasonal part.</summary>
    public bool Any => P + D + Q > 0;

    /// <summary>R's spelling, "(P,D,Q)[s]", empty when there is no seasonal part.</summary>
    public override string ToString() => Any ? $"({P},{D},{Q})[{Period}]" : "";
}
