using Its.Model;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// Log-link regression for counts with an offset, by iteratively reweighted least squares (R
/// <c>glm</c>): Poisson, quasi-Poisson (Poisson fit, Pearson dispersion) and negative binomial with
/// theta by maximum likelihood, alternating with IRLS as <c>MASS::glm.nb</c>.
/// </summary>
public sealed class CountRegression : IScoreModel
{
    // IRLS and the theta alternation run until the relative change is below this: R's glm stops
    // at 1e-8 by default; the fixtures use 1e-12, so both sides report the optimum.
    private const double Tolerance = 1e-12;
    private const int MaxIterations = 5000;
    // Theta's upper bound relative to the mean count: there the negative binomial variance
    // mu (1 + mu / theta) is the Poisson's to 1e-6, and the likelihood is flat in theta.
    private const double ThetaBoundPerMean = 1e6;

    private readonly Vector<double> _y;
    private readonly LeastSquares _weighted;

    private CountRegression(Family family, Matrix<double> x, Vector<double> y, Vector<double> offset, LeastSquares weighted,
        Vector<double> eta, double? theta, double? thetaSe, int iterations, bool converged, bool thetaAtBound = false)
    {
        Family = family;
        X = x;
        _y = y;
        Offset = offset;
        _weighted = weighted;
        Coefficients = weighted.Coefficients;
        LinearPredictor = eta;
        Mu = eta.Map(Math.Exp);
        NegativeBinomialTheta = theta;
        NegativeBinomialThetaStdError = thetaSe;
        NegativeBinomialThetaAtBound = thetaAtBound;
        Iterations = iterations;
        Converged = converged;
        var w = WorkingWeights(Mu, theta);
        // R estfun.glm: working residual (y - mu)/mu times working weight, times x.
        Scores = x.MapIndexed((i, _, v) => v * (y[i] - Mu[i]) / Mu[i] * w[i]);
        PearsonChiSquare = Enumerable.Range(0, y.Count).Sum(i => (y[i] - Mu[i]) * (y[i] - Mu[i]) / Variance(Mu[i], theta));
        DevianceResiduals = Vector<double>.Build.Dense(y.Count, i => Math.Sign(y[i] - Mu[i]) * Math.Sqrt(Math.Max(0, UnitDeviance(y[i], Mu[i], theta))));
        Deviance = DevianceResiduals.DotProduct(DevianceResiduals);
        Dispersion = family == Family.QuasiPoisson ? PearsonChiSquare / DfResidual : 1;
        LogLikelihood = family switch
        {
            Family.Poisson => Enumerable.Range(0, y.Count).Sum(i => y[i] * Math.Log(Mu[i]) - Mu[i] - SpecialFunctions.GammaLn(y[i] + 1)),
            Family.NegativeBinomial => Enumerable.Range(0, y.Count).Sum(i => NegativeBinomialLogDensity(y[i], Mu[i], theta!.Value)),
            _ => null,
        };
        // AIC as R: Poisson -2 logLik + 2k; glm.nb adds 2 for theta.
        Aic = LogLikelihood is { } ll ? -2 * ll + 2 * K + (family == Family.NegativeBinomial ? 2 : 0) : null;
    }

    /// <summary>The family fitted.</summary>
    public Family Family { get; }

    /// <summary>The design.</summary>
    public Matrix<double> X { get; }

    /// <summary>The offset (log exposure) of each row.</summary>
    public Vector<double> Offset { get; }

    /// <summary>The coefficients.</summary>
    public Vector<double> Coefficients { get; }

    /// <summary>eta = X b + offset.</summary>
    public Vector<double> LinearPredictor { get; }

    /// <summary>Fitted means exp(eta).</summary>
    public Vector<double> Mu { get; }

    /// <summary>Negative binomial theta (variance mu + mu^2 / theta); null otherwise.</summary>
    public double? NegativeBinomialTheta { get; }

    /// <summary>Standard error of theta from its observed information (as MASS::theta.ml).</summary>
    public double? NegativeBinomialThetaStdError { get; }

    /// <summary>
    /// Whether theta stopped at its upper bound, 1e6 times the mean fitted count, because the
    /// likelihood still rises there: the counts show no over-dispersion and the model is the
    /// Poisson one (MASS's theta.ml stops at its iteration limit with a warning instead).
    /// </summary>
    public bool NegativeBinomialThetaAtBound { get; }

    /// <summary>Pearson chi-square, sum (y - mu)^2 / V(mu).</summary>
    public double PearsonChiSquare { get; }

    /// <summary>Residual deviance.</summary>
    public double Deviance { get; }

    /// <summary>Signed square roots of the unit deviances.</summary>
    public Vector<double> DevianceResiduals { get; }

    /// <summary>Dispersion: Pearson chi-square / (n - k) for quasi-Poisson, 1 otherwise.</summary>
    public double Dispersion { get; }

    /// <summary>Log-likelihood (null for quasi-Poisson, which has none).</summary>
    public double? LogLikelihood { get; }

    /// <summary>AIC as R reports it (null for quasi-Poisson).</summary>
    public double? Aic { get; }

    /// <summary>IRLS iterations in all.</summary>
    public int Iterations { get; }

    /// <summary>Whether IRLS (and the theta alternation) converged.</summary>
    public bool Converged { get; }

    /// <inheritdoc />
    public Matrix<double> Scores { get; }

    /// <inheritdoc />
    public Matrix<double> Bread => _weighted.UnscaledCovariance;

    /// <inheritdoc />
    public Vector<double> Leverage => _weighted.Leverage;

    /// <inheritdoc />
    public int N => X.RowCount;

    /// <inheritdoc />
    public int K => X.ColumnCount;

    /// <summary>Residual degrees of freedom n - k.</summary>
    public int DfResidual => N - K;

    /// <summary>Model-based covariance: dispersion x (X'WX)^-1 (R <c>vcov(glm)</c>).</summary>
    public Matrix<double> ModelCovariance() => Bread * Dispersion;

    /// <summary>Fits the model.</summary>
    /// <param name="family">Poisson, quasi-Poisson or negative binomial.</param>
    /// <param name="x">Design.</param>
    /// <param name="y">Counts (whole numbers >= 0).</param>
    /// <param name="offset">Offset of each row (log exposure), or zeros.</param>
    /// <param name="terms">Term names, for messages.</param>
    /// <exception cref="ItsException">A singular design, or counts that are all 0.</exception>
    public static CountRegression Fit(Family family, Matrix<double> x, Vector<double> y, Vector<double> offset, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(offset);
        if (family == Family.Gaussian) throw new ArgumentException("not a count family", nameof(family));
        if (y.All(v => v == 0)) throw new ItsException("every count is 0: the model cannot be fitted");
        // R's poisson()$initialize: mu = y + 0.1.
        var eta = y.Map(v => Math.Log(v + 0.1));
        var (weighted, iterations, converged) = Irls(x, y, offset, eta, null, terms);
        eta = x * weighted.Coefficients + offset;
        RefuseDegenerate(y, eta, offset);
        if (family != Family.NegativeBinomial)
            return new CountRegression(family, x, y, offset, weighted, eta, null, null, iterations, converged);

        // MASS::glm.nb: alternate theta by ML given mu and IRLS given theta until both settle.
        double theta = double.NaN, thetaSe = double.NaN;
        bool atBound = false;
        for (int round = 0; round < MaxIterations; round++)
        {
            var mu = eta.Map(Math.Exp);
            double previous = theta;
            (theta, thetaSe, atBound) = ThetaMaximumLikelihood(y, mu, x.RowCount - x.ColumnCount);
            int it;
            bool ok;
            (weighted, it, ok) = Irls(x, y, offset, eta, theta, terms);
            iterations += it;
            converged &= ok;
            var next = x * weighted.Coefficients + offset;
            double change = (next - eta).AbsoluteMaximum();
            eta = next;
            // Settled: theta moves by a relative 1e-12, or by 1e-8 of its standard error where its
            // likelihood is flat (large theta), and the fitted means no longer move.
            double moved = Math.Abs(theta - previous);
            if ((moved <= Tolerance * Math.Abs(theta) || moved <= 1e-8 * thetaSe) && change <= 1e-10)
                return new CountRegression(family, x, y, offset, weighted, eta, theta, thetaSe, iterations, converged, atBound);
        }
        return new CountRegression(family, x, y, offset, weighted, eta, theta, thetaSe, iterations, false, atBound);
    }

    // Weighted least squares of the working response z = eta - offset + (y - mu)/mu on X with
    // working weights, repeated until the deviance settles (R glm.fit).
    private static (LeastSquares Fit, int Iterations, bool Converged) Irls(Matrix<double> x, Vector<double> y, Vector<double> offset,
        Vector<double> eta, double? theta, IReadOnlyList<string> terms)
    {
        double deviance = double.PositiveInfinity;
        LeastSquares? fit = null;
        for (int it = 1; it <= 100; it++)
        {
            var mu = eta.Map(Math.Exp);
            var w = WorkingWeights(mu, theta);
            var root = w.Map(Math.Sqrt);
            var z = Vector<double>.Build.Dense(y.Count, i => eta[i] - offset[i] + (y[i] - mu[i]) / mu[i]);
            fit = new LeastSquares(x.MapIndexed((i, _, v) => v * root[i]), z.PointwiseMultiply(root), terms);
            eta = x * fit.Coefficients + offset;
            if (eta.Any(v => !double.IsFinite(v) || v > 700))
                throw new ItsException("the fitted counts overflow: the offsets or counts span too many orders of magnitude; rescale the offset (e.g. population in thousands)");
            var newMu = eta.Map(Math.Exp);
            double next = Enumerable.Range(0, y.Count).Sum(i => UnitDeviance(y[i], newMu[i], theta));
            if (Math.Abs(next - deviance) / (Math.Abs(next) + 0.1) < Tolerance) return (fit, it, true);
            deviance = next;
        }
        return (fit!, 100, false);
    }

    // Working weights of the log link: mu (Poisson), mu / (1 + mu / theta) (negative binomial).
    private static Vector<double> WorkingWeights(Vector<double> mu, double? theta) =>
        theta is { } t ? mu.Map(m => m / (1 + m / t)) : mu.Clone();

    private static double Variance(double mu, double? theta) => theta is { } t ? mu + mu * mu / t : mu;

    private static double UnitDeviance(double y, double mu, double? theta)
    {
        double ylog = y > 0 ? y * Math.Log(y / mu) : 0;
        return theta is { } t
            ? 2 * (ylog - (y + t) * Math.Log((y + t) / (mu + t)))
            : 2 * (ylog - (y - mu));
    }

    private static double NegativeBinomialLogDensity(double y, double mu, double theta) =>
        SpecialFunctions.GammaLn(theta + y) - SpecialFunctions.GammaLn(theta) - SpecialFunctions.GammaLn(y + 1)
        + theta * Math.Log(theta) + (y > 0 ? y * Math.Log(mu) : 0) - (theta + y) * Math.Log(theta + mu);

    // A fitted mean of essentially 0 (e.g. every count 0 after the interruption) puts the estimate
    // at minus infinity on the log scale; a constant count fits exactly.
    private static void RefuseDegenerate(Vector<double> y, Vector<double> eta, Vector<double> offset)
    {
        for (int i = 0; i < y.Count; i++)
            if (eta[i] - offset[i] < -700 || Math.Exp(eta[i]) < 1e-10)
                throw new ItsException("the fitted mean count is essentially 0 in some periods (e.g. every count 0 after the interruption): the rate ratio cannot be estimated");
        if (y.All(v => v == y[0]) && offset.All(v => v == offset[0]))
            throw new ItsException("every count is the same: the model fits the data exactly, so standard errors are undefined");
    }

    // MASS::theta.ml: Newton's method on the score of theta given mu, from the moment estimate
    // n / sum (y/mu - 1)^2; the SE is 1 / sqrt(information). Past the bound with the score still
    // positive (no over-dispersion: the likelihood rises towards the Poisson limit) theta stops at
    // the bound.
    private static (double Theta, double StdError, bool AtBound) ThetaMaximumLikelihood(Vector<double> y, Vector<double> mu, int df)
    {
        int n = y.Count;
        double bound = ThetaBoundPerMean * mu.Average();
        (double Score, double Information) Derivatives(double t)
        {
            double score = 0, info = 0;
            for (int i = 0; i < n; i++)
            {
                // MASS's score psi(t + y) - psi(t) + log t + 1 - log(t + mu) - (y + t)/(mu + t), its
                // terms regrouped so that nothing cancels when t is much larger than mu and y.
                score += DigammaDifference(t, y[i]) - LogOnePlus(mu[i] / t) + (mu[i] - y[i]) / (mu[i] + t);
                info += -Trigamma(t + y[i]) + Trigamma(t) - 1 / t + 2 / (mu[i] + t) - (y[i] + t) / ((mu[i] + t) * (mu[i] + t));
            }
            return (score, info);
        }
        double t = n / Enumerable.Range(0, n).Sum(i => (y[i] / mu[i] - 1) * (y[i] / mu[i] - 1));
        double information = double.NaN;
        for (int it = 0; it < 200; it++)
        {
            t = Math.Abs(t);
            if (t > bound && Derivatives(bound) is { Score: > 0, Information: > 0 and var atBound })
                return (bound, 1 / Math.Sqrt(atBound), true);
            (double score, information) = Derivatives(t);
            double step = score / information;
            t += step;
            if (Math.Abs(step) <= 1e-13 * Math.Abs(t)) break;
        }
        if (!(t > 0) || !double.IsFinite(t))
        {
            double pearson = Enumerable.Range(0, n).Sum(i => (y[i] - mu[i]) * (y[i] - mu[i]) / mu[i]) / df;
            throw new ItsException(pearson > 1
                ? new UserMessage($"the negative binomial theta has no finite estimate: the counts are far more dispersed than the model allows (Pearson chi-square / df = {pearson:G4}); check the offset and outlying months, or use {Setting.Of<ItsSpec>(nameof(ItsSpec.Family), Family.QuasiPoisson)}")
                : new UserMessage($"the negative binomial theta has no finite estimate (the counts show no over-dispersion); use {Setting.Of<ItsSpec>(nameof(ItsSpec.Family), Family.Poisson)}"));
        }
        return (t, 1 / Math.Sqrt(information), false);
    }

    // psi(t + y) - psi(t), as the sum of 1/(t + j), j < y, for whole counts below 1,000 (exact where
    // the difference of two digammas loses its digits, t much larger than y).
    private static double DigammaDifference(double t, double y)
    {
        if (y >= 1000 || y != Math.Floor(y)) return SpecialFunctions.DiGamma(t + y) - SpecialFunctions.DiGamma(t);
        double sum = 0;
        for (int j = 0; j < y; j++) sum += 1 / (t + j);
        return sum;
    }

    // log(1 + x) accurate for small x (Goldberg 1991, Theorem 4): the rounding of 1 + x cancels.
    private static double LogOnePlus(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    // psi'(x) by recurrence to x >= 6 and the asymptotic series (Abramowitz and Stegun 6.4.12).
    private static double Trigamma(double x)
    {
        double result = 0;
        while (x < 6) { result += 1 / (x * x); x += 1; }
        double x2 = 1 / (x * x);
        return result + 1 / x + x2 / 2 + (1 / x) * x2 * (1.0 / 6 - x2 * (1.0 / 30 - x2 * (1.0 / 42 - x2 * (1.0 / 30 - x2 * 5.0 / 66))));
    }
}
