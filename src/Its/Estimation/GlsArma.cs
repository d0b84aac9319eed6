using Its.Model;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Its.Estimation;

/// <summary>The likelihood maximised for the correlation parameters of a GLS fit.</summary>
public enum LikelihoodMethod
{
    /// <summary>Restricted (residual) maximum likelihood, as nlme's <c>method = "REML"</c>.</summary>
    Reml,

    /// <summary>Maximum likelihood, as nlme's <c>method = "ML"</c>.</summary>
    Ml,
}

/// <summary>
/// Generalized least squares with stationary, invertible ARMA(p, q) errors, y = X beta + e,
/// Cov(e) = sigma^2 Lambda(phi, theta), fitted as R <c>nlme::gls(y ~ X - 1, correlation = corARMA(p, q),
/// method = "REML" | "ML")</c>. Given the correlation parameters, beta and sigma^2 are profiled out by GLS
/// (Lambda^-1 = L'L, X* = L X, y* = L y, beta = QR solve of X* beta = y*; for AR(p) errors L is the exact
/// prewhitening filter, and with MA terms the Kalman filter's innovations, both O(n) per evaluation); the profiled
/// log-likelihood is maximised over nlme's unconstrained parameters u (partial autocorrelations
/// r = tanh(u / 2), see <see cref="ArmaCorrelation.FromUnconstrained"/>) by BFGS from u = 0 (and, with MA terms, also from the
/// exact ML ARMA estimate) and polished
/// by Newton steps.
/// </summary>
/// <remarks>
/// The log-likelihood (nlme's criterion; its REML omits the constant + 1/2 log|X'X|) is
/// log L = -1/2 [m log(2 pi sigma^2) + log|Lambda| + RSS*/sigma^2 + (REML only) log|X*'X*|], with
/// m = n - k for REML and n for ML, maximised in sigma^2 at RSS*/m (Harville 1977; Pinheiro and Bates
/// 2000, section 2.2). Where the likelihood keeps rising toward a partial autocorrelation of +-1 (REML on
/// short trending series) the fit stops at |r| = 1 - 1e-6 and <see cref="NearBoundary"/> is set: sigma and
/// the SE of the intercept then depend on where the fit stopped and mean little.
/// </remarks>
public sealed class GlsArma
{
    // Partial autocorrelations are kept within +-(1 - 1e-6): the correlation matrix stays positive
    // definite in double precision and a likelihood rising toward the boundary has a definite stopping point.
    private const double MaxPartialAutocorrelation = 1 - 1e-6;
    private static readonly double MaxUnconstrained = Math.Log((1 + MaxPartialAutocorrelation) / (1 - MaxPartialAutocorrelation));

    // Thresholds of NearBoundary.
    private const double BoundaryPartialAutocorrelation = 0.98;
    private const double BoundaryRootModulus = 1.02;

    // Central-difference steps: the optimizer's gradient, the Newton polish's Hessian, and the
    // Satterthwaite derivatives (relative for sigma^2, absolute for u; the R fixture uses the same).
    private const double GradientStep = 1e-5;
    private const double HessianStep = 1e-4;
    private const double SatterthwaiteStep = 1e-3;

    private readonly Problem _problem;
    private readonly double[] _u;
    private readonly Lazy<(Matrix<double> A, Matrix<double>[] DV)> _satterthwaite;

    private GlsArma(Problem problem, double[] u, Evaluation at, int iterations, bool converged)
    {
        _problem = problem;
        _u = u;
        ArCoefficients = at.Phi;
        MaCoefficients = at.Theta;
        Coefficients = at.Beta;
        double sigma2 = at.Rss / problem.M;
        Sigma = Math.Sqrt(sigma2);
        // vcov(gls) scales by RSS*/(n - k) for ML too (nlme's varBeta), while sigma is sqrt(RSS*/n).
        Covariance = at.Unscaled * (at.Rss / (problem.N - problem.K));
        LogLikelihood = at.LogLikelihood(sigma2);
        // nlme's df: k coefficients, p + q correlation parameters, sigma.
        Aic = -2 * LogLikelihood + 2 * (problem.K + u.Length + 1);
        DfResidual = problem.N - problem.K;
        Iterations = iterations;
        Converged = converged;
        NearBoundary = u.Any(v => Math.Abs(Math.Tanh(v / 2)) > BoundaryPartialAutocorrelation)
            || ArmaCorrelation.SmallestRootModulus(ArCoefficients, -1) < BoundaryRootModulus
            || ArmaCorrelation.SmallestRootModulus(MaCoefficients, 1) < BoundaryRootModulus;
        _satterthwaite = new Lazy<(Matrix<double>, Matrix<double>[])>(() => SatterthwaiteParts(sigma2));
    }

    /// <summary>The GLS coefficients beta = (X' Lambda^-1 X)^-1 X' Lambda^-1 y at the estimated correlation.</summary>
    public Vector<double> Coefficients { get; }

    /// <summary>
    /// Covariance of beta as <c>vcov(gls)</c>: s^2 (X' Lambda^-1 X)^-1 with s^2 = RSS*/(n - k) for REML and,
    /// as nlme, also for ML (that is, the ML sigma^2 times n/(n - k)).
    /// </summary>
    public Matrix<double> Covariance { get; }

    /// <summary>AR coefficients phi_1..phi_p.</summary>
    public IReadOnlyList<double> ArCoefficients { get; }

    /// <summary>MA coefficients theta_1..theta_q (errors a_t + theta_1 a_{t-1} + ...).</summary>
    public IReadOnlyList<double> MaCoefficients { get; }

    /// <summary>Residual scale as <c>summary(gls)$sigma</c>: sqrt(RSS*/(n - k)) for REML, sqrt(RSS*/n) for ML.</summary>
    public double Sigma { get; }

    /// <summary>Maximised log-likelihood as <c>logLik(gls)</c>, restricted for REML.</summary>
    public double LogLikelihood { get; }

    /// <summary>AIC as <c>AIC(gls)</c>: -2 log L + 2 (k + p + q + 1).</summary>
    public double Aic { get; }

    /// <summary>Residual degrees of freedom n - k, used by nlme's t tests.</summary>
    public int DfResidual { get; }

    /// <summary>Whether the maximisation met its convergence criterion (BFGS, or the Newton polish after it).</summary>
    public bool Converged { get; }

    /// <summary>BFGS iterations plus Newton polishing steps.</summary>
    public int Iterations { get; }

    /// <summary>
    /// A partial autocorrelation beyond +-0.98, or a root of the AR or MA polynomial with modulus below
    /// 1.02: the estimate is at or near the stationarity (invertibility) boundary and the fit should be
    /// reported with a warning.
    /// </summary>
    public bool NearBoundary { get; }

    /// <summary>The method the correlation parameters were estimated by.</summary>
    public LikelihoodMethod Method => _problem.Method;

    /// <summary>Fits y on X with ARMA(p, q) errors.</summary>
    /// <param name="x">Design, n x k with n &gt; k, full column rank.</param>
    /// <param name="y">Outcome, length n, one row per period in time order; NaN marks a missing period
    /// (a washout), whose correlations the ARMA process still spans, as <c>corARMA(form = ~ time)</c>.</param>
    /// <param name="terms">Column names, used to name a collinear term.</param>
    /// <param name="p">AR order, 0 or more.</param>
    /// <param name="q">MA order, 0 or more.</param>
    /// <param name="method">REML (nlme's default) or ML.</param>
    /// <exception cref="ItsException">The design is singular, or there are no more observations than parameters.</exception>
    public static GlsArma Fit(Matrix<double> x, Vector<double> y, IReadOnlyList<string> terms, int p, int q, LikelihoodMethod method)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        ArgumentOutOfRangeException.ThrowIfNegative(q);
        // Checks dimensions and rank with the messages of OLS, on the observed rows.
        if (x.RowCount != y.Count) throw new ArgumentException("X and y differ in length", nameof(y));
        var rows = Enumerable.Range(0, y.Count).Where(i => double.IsFinite(y[i])).ToArray();
        _ = new LeastSquares(Matrix<double>.Build.DenseOfRowVectors(rows.Select(x.Row)), Vector<double>.Build.DenseOfEnumerable(rows.Select(i => y[i])), terms);
        if (rows.Length <= x.ColumnCount + p + q)
            throw new ItsException($"GLS with ARMA({p},{q}) errors needs more than {x.ColumnCount + p + q} observations; {rows.Length} are fitted");
        return FitCore(x, y, p, q, method, general: false);
    }

    // The fit with Lambda^-1 = L'L by the AR(p) prewhitening filter when q = 0 (general: false), or by
    // the Kalman filter's innovations (general: true, and always when q > 0). Tests
    // compare the two.
    internal static GlsArma FitCore(Matrix<double> x, Vector<double> y, int p, int q, LikelihoodMethod method, bool general)
    {
        var problem = new Problem(x, y, p, q, method, general);
        var (u, iterations, converged) = Maximise(problem);
        var at = problem.Evaluate(u)
            ?? throw new ItsException($"the ARMA({p},{q}) correlation matrix at the estimate is numerically singular; try fewer ARMA terms");
        return new GlsArma(problem, u, at, iterations, converged);
    }

    // The log-likelihood profiled over sigma^2 (at RSS*/m) and the GLS coefficients at the unconstrained
    // correlation parameters u, by the path FitCore would take; NaN and null where Lambda is not
    // numerically positive definite. For tests of the AR(p) filter against the Kalman path.
    internal static (double LogLikelihood, Vector<double>? Coefficients) ProfiledAt(Matrix<double> x, Vector<double> y, int p, int q, LikelihoodMethod method, double[] u, bool general)
    {
        var problem = new Problem(x, y, p, q, method, general);
        if (problem.Evaluate(u) is not { } e) return (double.NaN, null);
        return (e.LogLikelihood(e.Rss / problem.M), e.Beta);
    }

    /// <summary>
    /// Satterthwaite degrees of freedom of c'beta for a REML fit:
    /// df = 2 (c'Vc)^2 / (g' A g), where V(theta) = sigma^2 (X' Lambda(u)^-1 X)^-1 is Cov(beta) as a function
    /// of the variance parameters theta = (sigma^2, u_1..u_{p+q}), g = d(c'Vc)/d theta, and A = (-H)^-1 with H
    /// the Hessian of the REML log-likelihood in theta, all at the estimate (Satterthwaite 1946; Giesbrecht and
    /// Burns 1985). g and H are central finite differences with steps 1e-3 sigma^2 and 1e-3 in u (H's
    /// off-diagonal by the four-point formula). NaN when the information matrix is not positive definite,
    /// as at the boundary.
    /// </summary>
    /// <param name="contrast">c, length k.</param>
    /// <exception cref="ItsException">The fit is by ML.</exception>
    public double SatterthwaiteDf(Vector<double> contrast)
    {
        ArgumentNullException.ThrowIfNull(contrast);
        if (contrast.Count != Coefficients.Count)
            throw new ArgumentException($"the contrast has {contrast.Count} elements, the model {Coefficients.Count} coefficients", nameof(contrast));
        if (_problem.Method != LikelihoodMethod.Reml)
            throw new ItsException("Satterthwaite degrees of freedom are available for REML fits only");
        var (a, dv) = _satterthwaite.Value;
        if (a.RowCount == 0) return double.NaN;
        var g = Vector<double>.Build.Dense(dv.Length, i => contrast * dv[i] * contrast);
        double v = contrast * Covariance * contrast;
        double denominator = g * a * g;
        return denominator > 0 ? 2 * v * v / denominator : double.NaN;
    }

    // A = (-H)^-1 (empty when -H is not positive definite) and dV/d theta_i at the estimate.
    private (Matrix<double> A, Matrix<double>[] DV) SatterthwaiteParts(double sigma2)
    {
        var theta = new[] { sigma2 }.Concat(_u).ToArray();
        int d = theta.Length;
        var h = new[] { SatterthwaiteStep * sigma2 }.Concat(_u.Select(_ => SatterthwaiteStep)).ToArray();
        double F(double[] t) => _problem.Evaluate(t[1..])?.LogLikelihood(t[0]) ?? double.NaN;
        Matrix<double>? V(double[] t) => _problem.Evaluate(t[1..]) is { } e ? e.Unscaled * t[0] : null;
        double[] Shift(int i, double sign)
        {
            var t = (double[])theta.Clone();
            t[i] += sign * h[i];
            return t;
        }
        var hessian = NumericalDerivatives.Hessian(F, theta, h);
        var none = (Matrix<double>.Build.Dense(0, 0), Array.Empty<Matrix<double>>());
        var dv = new Matrix<double>[d];
        for (int i = 0; i < d; i++)
        {
            if (V(Shift(i, 1)) is not { } plus || V(Shift(i, -1)) is not { } minus) return none;
            dv[i] = (plus - minus) / (2 * h[i]);
        }
        var information = -hessian;
        if (!information.Enumerate().All(double.IsFinite)) return none;
        try
        {
            var cholesky = information.Cholesky();
            return (cholesky.Solve(Matrix<double>.Build.DenseIdentity(d)), dv);
        }
        catch (ArgumentException)
        {
            return none;
        }
    }

    // From each start, BFGS on -log L(u) then Newton polishing with a finite-difference Hessian; a
    // partial autocorrelation beyond 0.98 whose boundary value is no worse is moved there. The best
    // end point is taken among those with the MA part clear of the unit circle (roots of modulus
    // 1.01 or more) when there is one: a maximum on the MA boundary is a limit that nlme's
    // parametrisation reaches only as u goes to infinity, where its search from u = 0 does not go.
    private static (double[] U, int Iterations, bool Converged) Maximise(Problem problem)
    {
        int d = problem.P + problem.Q;
        if (d == 0) return (Array.Empty<double>(), 0, true);
        int iterations = 0;
        var ends = new List<(double[] U, double Value, bool Converged)>();
        // With MA terms u = 0 is a saddle where the AR and MA parts start in step and BFGS can stay on
        // the ridge (ARMA(2,2) on 300 months stopped 67 below nlme's REML log-likelihood): the exact ML
        // ARMA estimate of the regression (ArimaRegression, the ML likelihood itself) is a second start.
        foreach (var start in Starts(problem))
        {
            var (u, steps, converged) = FromStart(problem, start);
            iterations += steps;
            ends.Add((u, problem.Objective(u), converged));
        }
        var interior = ends.Where(e => problem.Q == 0 || ArmaCorrelation.SmallestRootModulus(ArmaCorrelation.FromUnconstrained(e.U, problem.P, problem.Q).Theta, +1) >= 1.01).ToList();
        var best = (interior.Count > 0 ? interior : ends).MinBy(e => e.Value);
        return (best.U, iterations, best.Converged);
    }

    private static (double[] U, int Iterations, bool Converged) FromStart(Problem problem, double[] start)
    {
        int d = start.Length;
        var (u, iterations, converged) = LikelihoodSearch.Minimize(problem.Objective, start, GradientStep, HessianStep, Clamp);
        for (int i = 0; i < d; i++)
        {
            if (Math.Abs(Math.Tanh(u[i] / 2)) <= BoundaryPartialAutocorrelation) continue;
            var edge = (double[])u.Clone();
            edge[i] = Math.Sign(u[i]) * MaxUnconstrained;
            if (problem.Objective(edge) <= problem.Objective(u) + 1e-9) u = edge;
        }
        return (u, iterations, converged);
    }

    // u = 0 (nlme's start) and, with MA terms, the exact ML ARMA estimate in nlme's parametrisation.
    private static IEnumerable<double[]> Starts(Problem problem)
    {
        int d = problem.P + problem.Q;
        yield return new double[d];
        if (problem.Q == 0) yield break;
        double[]? start = null;
        try
        {
            var terms = Enumerable.Range(0, problem.K).Select(j => $"x{j}").ToArray();
            var ml = ArimaRegression.Fit(problem.X, problem.Y, terms, problem.P, 0, problem.Q);
            start = ArmaCorrelation.ToUnconstrained(ml.ArCoefficients, ml.MaCoefficients);
        }
        catch (ItsException)
        {
            // No ML start: u = 0 alone.
        }
        if (start is not null && start.All(double.IsFinite)) yield return Clamp(start);
    }

    private static double[] Clamp(double[] u)
    {
        var clamped = new double[u.Length];
        for (int i = 0; i < u.Length; i++) clamped[i] = Math.Clamp(u[i], -MaxUnconstrained, MaxUnconstrained);
        return clamped;
    }

    // The data and the likelihood as a function of the unconstrained correlation parameters. Each evaluation
    // whitens [X y] by L with L' L = Lambda^-1 (L Lambda L' = I, L lower triangular), so X* = L X and
    // y* = L y, and factors X* by Householder QR. For AR(p) errors (q = 0) L is the exact prewhitening
    // filter and an evaluation costs O(n p + n k^2); with MA terms L is the Kalman filter's whitening (the
    // inverse Cholesky factor of the Toeplitz correlation matrix without forming it), O(n r k). Buffers are reused between evaluations, so a
    // Problem is not for concurrent use (the lazy Satterthwaite parts are computed once, under a lock).
    private sealed class Problem
    {
        // [X y] column-major (column j at j * n), the whitened copy, and the Householder diagonal of R.
        private readonly double[] _data;
        private readonly double[] _work;
        private readonly double[] _diagonal;

        // AR(p) prewhitening: partial autocorrelations, Durbin-Levinson coefficients of orders 1..p (order t
        // at (t - 1) * p) and 1 / sqrt(innovation variance) of orders 0..p.
        private readonly double[] _partial;
        private readonly double[] _stages;
        private readonly double[] _scale;

        // General path: the Kalman filter of the ARMA(p, q), every row kept.
        private readonly ArimaKalman? _kalman;

        public Problem(Matrix<double> x, Vector<double> y, int p, int q, LikelihoodMethod method, bool general)
        {
            X = x;
            Y = y;
            P = p;
            Q = q;
            Method = method;
            Observed = y.Select(double.IsFinite).ToArray();
            N = Observed.Count(o => o);
            // The AR filter needs consecutive rows; missing ones are the Kalman filter's.
            General = general || q > 0 || N < Rows;
            int n = Rows, k = K;
            _data = new double[n * (k + 1)];
            for (int j = 0; j < k; j++)
                for (int i = 0; i < n; i++) _data[j * n + i] = x[i, j];
            for (int i = 0; i < n; i++) _data[k * n + i] = y[i];
            _work = new double[_data.Length];
            _diagonal = new double[k];
            _partial = new double[p];
            _stages = new double[p * p];
            _scale = new double[p + 1];
            if (General) _kalman = new ArimaKalman(p, [], q, general: true, observed: Observed, dropDiffuse: false);
        }

        public Matrix<double> X { get; }
        public Vector<double> Y { get; }
        public int P { get; }
        public int Q { get; }
        public LikelihoodMethod Method { get; }
        // Rows (periods) of X and y, N of them observed.
        public int Rows => X.RowCount;
        public bool[] Observed { get; }
        public int N { get; }
        public int K => X.ColumnCount;

        // Whether Lambda is whitened by the Kalman filter (MA terms, or asked for) rather than by the AR(p) filter.
        public bool General { get; }

        // m = n - k (REML) or n (ML).
        public int M => Method == LikelihoodMethod.Reml ? N - K : N;

        // -log L profiled over beta and sigma^2; +infinity where Lambda is not numerically positive definite.
        public double Objective(double[] u)
        {
            var clamped = Clamp(u);
            double logDet = Whiten(clamped);
            if (double.IsNaN(logDet)) return double.PositiveInfinity;
            var (rss, logDetX) = Decompose();
            double value = -LogLikelihood(rss / M, rss, logDet, logDetX);
            return double.IsFinite(value) ? value : double.PositiveInfinity;
        }

        // The GLS fit given u, or null if Lambda is not numerically positive definite.
        public Evaluation? Evaluate(double[] u)
        {
            var (phi, theta) = ArmaCorrelation.FromUnconstrained(u, P, Q);
            double logDet = Whiten(u);
            if (double.IsNaN(logDet)) return null;
            var (rss, logDetX) = Decompose();
            int n = Rows, k = K;
            var beta = new double[k];
            Triangular.SolveUpper(_work, n, _diagonal, beta);
            // R kept for the covariance (the buffers are reused): its strict upper triangle with stride k, and its diagonal.
            var r = new double[k * k];
            for (int c = 1; c < k; c++) Array.Copy(_work, c * n, r, c * k, c);
            var diagonal = (double[])_diagonal.Clone();
            return new Evaluation(this, phi, theta, Vector<double>.Build.DenseOfArray(beta), rss, logDet, logDetX, r, diagonal);
        }

        // log L(sigma^2) = -1/2 [m log(2 pi sigma^2) + log|Lambda| + RSS*/sigma^2 (+ log|X*'X*| for REML)].
        public double LogLikelihood(double sigma2, double rss, double logDetLambda, double logDetX) =>
            -0.5 * (M * Math.Log(2 * Math.PI * sigma2) + logDetLambda + rss / sigma2
                    + (Method == LikelihoodMethod.Reml ? logDetX : 0));

        // Fills _work with L [X y] and returns log|Lambda|, or NaN if Lambda is not numerically positive definite.
        private double Whiten(double[] u) => General ? WhitenByKalman(u) : WhitenAutoregressive(u);

        // AR(p) with partial autocorrelations r_j = tanh(u_j / 2): by the Durbin-Levinson recursion the
        // standardised one-step prediction errors e_t = (y_t - sum_{j<=min(t,p)} a_j^(min(t,p)) y_{t-j}) / sqrt(v_min(t,p))
        // are uncorrelated with unit variance, a^(t) the order-t coefficients (a^(p) = phi) and
        // v_t = prod_{j<=t} (1 - r_j^2) the innovation variance for unit marginal variance (Brockwell and
        // Davis 1991, section 5.2). The rows t < p are the inverse Cholesky factor of the p x p block of
        // Lambda, the later ones the AR filter scaled by 1/sqrt(v_p) (for AR(1), Prais-Winsten scaled to
        // Lambda = correlation), and log|Lambda| = sum_t log v_min(t,p) (AR(1): (n - 1) log(1 - phi^2)).
        private double WhitenAutoregressive(double[] u)
        {
            int n = Rows, p = P, columns = K + 1;
            double v = 1, logDet = 0;
            _scale[0] = 1;
            for (int t = 1; t <= p; t++)
            {
                double half = u[t - 1] / 2;
                _partial[t - 1] = Math.Tanh(half);
                logDet += Math.Log(v);
                // 1 - r^2 = sech^2(u/2), without the cancellation of 1 - r * r near the boundary.
                double cosh = Math.Cosh(half);
                v /= cosh * cosh;
                _scale[t] = 1 / Math.Sqrt(v);
            }
            Prewhitening.Stages(_partial, _stages);
            logDet += (n - p) * Math.Log(v);
            var phi = _stages.AsSpan(Math.Max(p - 1, 0) * p, p);
            for (int c = 0; c < columns; c++)
            {
                var x = _data.AsSpan(c * n, n);
                var z = _work.AsSpan(c * n, n);
                // The first p rows by the filters of orders 0..p-1.
                for (int t = 0; t < p; t++) z[t] = Prewhitening.HeadError(_stages, p, x, t) * _scale[t];
                Prewhitening.Tail(phi, x, z[p..], _scale[p]);
            }
            return logDet;
        }

        // Any ARMA(p, q), O(n) per column: the Kalman filter's standardised innovations v_t / sqrt(F_t)
        // are the rows of C^-1 e for the lower Cholesky factor C of the covariance in units of the
        // innovation variance, Gamma = gamma_0 Lambda (the innovations algorithm; Brockwell and Davis
        // 1991, section 5.3), so L = C^-1 sqrt(gamma_0) whitens Lambda and log|Lambda| = sum log F_t - n log gamma_0.
        private double WhitenByKalman(double[] u)
        {
            int n = Rows, columns = K + 1;
            var (phi, theta) = ArmaCorrelation.FromUnconstrained(u, P, Q);
            double gamma0 = ArimaKalman.StationaryCovariance(phi, theta, Math.Max(P, Q + 1))[0, 0];
            if (!(gamma0 > 0) || !double.IsFinite(gamma0)) return double.NaN;
            int used = _kalman!.Filter(phi, theta, _data, n, columns, _work, out double sumLog);
            if (used != N || !double.IsFinite(sumLog)) return double.NaN;
            double scale = Math.Sqrt(gamma0);
            for (int i = 0; i < _work.Length; i++) _work[i] *= scale;
            return sumLog - N * Math.Log(gamma0);
        }

        // Householder QR of X* (the first k columns of _work) applied to y* (column k); returns
        // RSS* = |y* - X* beta|^2 and log|X*'X*| = sum log R_jj^2 (infinite when X* is singular).
        private (double Rss, double LogDetX) Decompose()
        {
            if (!InPlaceQr.Factor(_work, Rows, N, K, _diagonal)) return (double.NaN, double.NegativeInfinity);
            double logDetX = 0;
            for (int j = 0; j < K; j++) logDetX += 2 * Math.Log(Math.Abs(_diagonal[j]));
            return (InPlaceQr.ResidualSumOfSquares(_work, Rows, N, K), logDetX);
        }
    }

    // GLS quantities at one value of the correlation parameters.
    private sealed class Evaluation(Problem problem, double[] phi, double[] theta, Vector<double> beta, double rss, double logDetLambda, double logDetX, double[] r, double[] diagonal)
    {
        public double[] Phi { get; } = phi;
        public double[] Theta { get; } = theta;
        public Vector<double> Beta { get; } = beta;
        public double Rss { get; } = rss;

        // (X*'X*)^-1 = R^-1 R^-T from the QR factor of X*.
        public Matrix<double> Unscaled
        {
            get
            {
                int k = diagonal.Length;
                var inverse = new double[k * k];
                Triangular.InvertUpper(r, k, diagonal, k, inverse);
                return Triangular.InverseCrossProduct(inverse, k);
            }
        }

        // log L(sigma^2) as Problem.LogLikelihood.
        public double LogLikelihood(double sigma2) => problem.LogLikelihood(sigma2, Rss, logDetLambda, logDetX);
    }
}
