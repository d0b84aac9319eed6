using Its.Diagnostics;
using Its.Effects;
using Its.Estimation;
using Its.Results;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// A segmented regression of a series under a spec. The constructor builds and checks the design;
/// <see cref="Fit"/> estimates it and returns an immutable <see cref="ItsResult"/>.
/// </summary>
public sealed class ItsModel
{
    // |rho| above this is reported: the AR(1) model is then close to a random walk.
    private const double RhoWarning = 0.9;

    /// <summary>Builds and checks the model.</summary>
    /// <exception cref="ItsException">The spec does not fit the series.</exception>
    public ItsModel(TimeSeries series, ItsSpec spec)
    {
        Series = series ?? throw new ArgumentNullException(nameof(series));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        if (spec.PortmanteauLag < 1) throw new ItsException($"the portmanteau test lag must be 1 or more, not {spec.PortmanteauLag}");
        if (spec.BreuschGodfreyMaxOrder < 1) throw new ItsException($"the Breusch-Godfrey order must be 1 or more, not {spec.BreuschGodfreyMaxOrder}");
        Design = Design.Build(series, spec);
        Outcome = Vector<double>.Build.DenseOfEnumerable(Design.FitRows.Select(i => Transformed(i)));
        X = Matrix<double>.Build.DenseOfRowVectors(Design.FitRows.Select(i => Design.Full.Row(i)));
    }

    /// <summary>The series.</summary>
    public TimeSeries Series { get; }

    /// <summary>The spec.</summary>
    public ItsSpec Spec { get; }

    /// <summary>The design over all periods.</summary>
    public Design Design { get; }

    /// <summary>The fitted rows of the design.</summary>
    public Matrix<double> X { get; }

    /// <summary>The fitted outcome, transformed.</summary>
    public Vector<double> Outcome { get; }

    /// <summary>Estimates the model.</summary>
    /// <exception cref="ItsException">The design is singular, the model fits exactly, or the error model cannot be estimated.</exception>
    public ItsResult Fit()
    {
        var terms = Design.Terms;
        var ols = RefuseExactFit(new LeastSquares(X, Outcome, terms));
        var warnings = new List<string>();
        if (Series.MissingPeriods > 0)
            warnings.Add($"the series has {Series.MissingPeriods} missing {Time.Period.Describe(Series.Frequency)}(s); autocorrelation-based errors and diagnostics treat the observed rows as consecutive");
        if (Spec.TransitionPeriods > 0)
            warnings.Add($"{Spec.TransitionPeriods} transition {Time.Period.Describe(Series.Frequency)}(s) after each interruption are left out; autocorrelation-based errors and diagnostics treat the remaining rows as consecutive");

        var (b, v, df, n, sigma, logLik, lag, iterations, ar) = Estimate(ols, warnings);
        foreach (var (term, j) in terms.Select((s, j) => (s, j)))
            if (!(v[j, j] > 0) || !double.IsFinite(v[j, j]))
                throw new ItsException(double.IsInfinity(v[j, j])
                    ? $"the variance of {term} overflows: {Rescale}"
                    : $"the standard error of {term} is undefined under {Spec.Errors.Name} errors (variance {v[j, j]:G6}; an observation may determine a coefficient alone, e.g. a month seen once)");

        var inference = new Inference(b, v, df);
        var effects = new EffectCalculator(Series, Spec, Design, inference);
        var horizons = Spec.EffectsAt.Count > 0
            ? Spec.EffectsAt
            : new[] { 0, Series.Periods[^1].PeriodsSince(Spec.Interruptions[0]) }.Distinct().ToArray();
        var coefficients = terms.Select((term, j) => inference.Coefficient(term, j)).ToArray();
        var effectList = horizons.Select(effects.At).ToArray();
        foreach (var e in effectList.Where(e => e.Relative is null))
            warnings.Add($"the counterfactual at {e.Period} ({e.Counterfactual:G6}) is not clearly positive (its 95% CI reaches 0), so no relative change is given there");
        int portmanteauLag = Math.Min(Spec.PortmanteauLag, ols.N - 1);
        return EnsureFinite(new ItsResult
        {
            Spec = Spec,
            OutcomeName = Series.OutcomeName,
            Frequency = Series.Frequency,
            Coefficients = coefficients,
            Covariance = v.ToArray(),
            N = n,
            DfResidual = df,
            Sigma = sigma,
            LogLikelihood = logLik,
            Aic = logLik is { } ll ? -2 * ll + 2 * (terms.Count + 1) : null,
            Ar = ar,
            Lag = lag,
            Iterations = iterations,
            Diagnostics = new ResidualDiagnostics(
                DurbinWatsonTest.Compute(ols),
                BreuschGodfreyTest.Compute(ols, Spec.BreuschGodfreyMaxOrder),
                PortmanteauTest.LjungBox(ols.Residuals.ToArray(), portmanteauLag),
                PortmanteauTest.BoxPierce(ols.Residuals.ToArray(), portmanteauLag),
                Correlogram.Compute(ols.Residuals.ToArray(), portmanteauLag)),
            Effects = effectList,
            PostTrends = effects.Trends(),
            Trajectory = effects.Trajectory(),
            Warnings = warnings,
        });
    }

    // The coefficients and their covariance under the error model, with what the model estimated
    // besides (a lag, rho, iterations) and warnings about it.
    private (Vector<double> B, Matrix<double> V, int Df, int N, double Sigma, double? LogLik, int? Lag, int? Iterations, ErrorParameter[] Ar)
        Estimate(LeastSquares ols, List<string> warnings)
    {
        double sigma = Math.Sqrt(ols.Sigma2);
        switch (Spec.Errors)
        {
            case ClassicalErrors:
                return (ols.Coefficients, ols.ClassicalCovariance(), ols.DfResidual, ols.N, sigma, ols.LogLikelihood, null, null, []);
            case HeteroskedasticityConsistentErrors hc:
                return (ols.Coefficients, Sandwich.HeteroskedasticityConsistent(ols, hc.Type), ols.DfResidual, ols.N, sigma, ols.LogLikelihood, null, null, []);
            case NeweyWestErrors nw:
                var v = Sandwich.NeweyWest(ols, nw, out int lag);
                if (lag >= ols.N) warnings.Add($"Newey-West lag {lag} is not below the {ols.N} observations; only lags up to {ols.N - 1} are used");
                return (ols.Coefficients, v, ols.DfResidual, ols.N, sigma, ols.LogLikelihood, lag, null, []);
            case AutoregressiveErrors ar:
                var fgls = AutoregressiveFgls.Fit(X, Outcome, Design.Terms, ar);
                var t = RefuseExactFit(fgls.Transformed);
                if (!fgls.Converged)
                    warnings.Add($"{ar.Name} did not converge in {fgls.Iterations} iterations (rho {fgls.Rho:G6}); the estimates are from the last iteration");
                if (Math.Abs(fgls.Rho) > RhoWarning)
                    warnings.Add($"rho = {fgls.Rho:F4} is close to {Math.Sign(fgls.Rho)}: the AR(1) model is near its stationarity boundary (often a misspecified trend); compare with newey:L errors and check the model");
                // Stata prais reports no likelihood; its standard errors are OLS ones of the transformed regression.
                return (t.Coefficients, t.ClassicalCovariance(), t.DfResidual, t.N, Math.Sqrt(t.Sigma2), null, null, fgls.Iterations, [new ErrorParameter("rho", fgls.Rho)]);
            default:
                throw new ItsException($"error model {Spec.Errors.Name} is not available for this model");
        }
    }

    // The last guard against a silent NaN or infinity: every number of the result must be finite.
    private static ItsResult EnsureFinite(ItsResult r)
    {
        var numbers = new List<(string What, double?[] Values)>();
        foreach (var c in r.Coefficients)
            numbers.Add(($"the coefficient {c.Term}", [c.Estimate, c.StdError, c.Statistic, c.PValue, c.Ci.Lower, c.Ci.Upper]));
        numbers.Add(("the covariance matrix", r.Covariance.Cast<double>().Select(v => (double?)v).ToArray()));
        numbers.Add(("sigma and the log-likelihood", [r.Sigma, r.LogLikelihood, r.Aic]));
        foreach (var e in r.Effects)
            numbers.Add(($"the effect at {e.Period}", [e.Fitted, e.Counterfactual, e.Absolute, e.AbsoluteStdError, e.AbsoluteCi.Lower,
                e.AbsoluteCi.Upper, e.Relative, e.RelativeStdError, e.RelativeCi?.Lower, e.RelativeCi?.Upper]));
        foreach (var t in r.PostTrends)
            numbers.Add(("the post-interruption trend", [t.Estimate, t.StdError, t.Ci.Lower, t.Ci.Upper, t.Percent, t.PercentCi?.Lower, t.PercentCi?.Upper]));
        foreach (var p in r.Trajectory)
            numbers.Add(($"the fitted value at {p.Period}", [p.Fitted, p.Counterfactual, p.CounterfactualCi?.Lower, p.CounterfactualCi?.Upper]));
        foreach (var (what, values) in numbers)
            if (values.Any(v => v is { } x && !double.IsFinite(x)))
                throw new ItsException($"{what} is not a finite number: {Rescale}");
        return r;
    }

    private const string Rescale = "the outcome or a covariate is too large or too small for the arithmetic; rescale it (e.g. thousands instead of units)";

    private static LeastSquares RefuseExactFit(LeastSquares fit) =>
        !double.IsFinite(fit.ResidualSumOfSquares) ? throw new ItsException($"the residual sum of squares overflows: {Rescale}")
        : fit.FitsExactly ? throw new ItsException("the model fits the data exactly (residuals are all 0), so standard errors are undefined")
        : fit;

    private double Transformed(int row)
    {
        double y = Series.Outcome[row];
        if (Spec.Transform != OutcomeTransform.Log) return y;
        if (y <= 0)
            throw new ItsException($"{Series.OutcomeName} is {y:G6} at {Series.Periods[row]}: the log transform needs positive values");
        return Math.Log(y);
    }
}
