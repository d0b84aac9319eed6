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
    /// <summary>Builds and checks the model; a rate the spec estimates is estimated here (<see cref="RateEstimate"/>).</summary>
    /// <exception cref="ItsException">The spec does not fit the series.</exception>
    public ItsModel(TimeSeries series, ItsSpec spec)
    {
        Series = series ?? throw new ArgumentNullException(nameof(series));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        if (spec.PortmanteauLag < 1) throw new ItsException($"the portmanteau test lag must be 1 or more, not {spec.PortmanteauLag}");
        if (spec.BreuschGodfreyMaxOrder < 1) throw new ItsException($"the Breusch-Godfrey order must be 1 or more, not {spec.BreuschGodfreyMaxOrder}");
        if (spec.Family.IsCount()) CheckCounts();
        else if (spec.Offset is not null) throw new ItsException("an offset needs a count family (poisson, quasipoisson or negbin)");
        Design = Design.Build(series, spec, spec.EstimatesRate ? RateEstimate.Profile(series, spec) : null);
        Outcome = Vector<double>.Build.DenseOfEnumerable(Design.FitRows.Select(i => Transformed(i)));
        X = Matrix<double>.Build.DenseOfRowVectors(Design.FitRows.Select(i => Design.Full.Row(i)));
        LogOffset = Vector<double>.Build.DenseOfEnumerable(Design.FitRows.Select(i => spec.Offset is { } o ? Math.Log(series.Covariates[o][i]) : 0));
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

    /// <summary>log(offset) of the fitted rows; zeros without an offset.</summary>
    public Vector<double> LogOffset { get; }

    /// <summary>Estimates the model.</summary>
    /// <exception cref="ItsException">The design is singular, the model fits exactly, or the error model cannot be estimated.</exception>
    public ItsResult Fit()
    {
        var warnings = DesignWarnings(Series, Spec).ToList();

        var e = Estimate(warnings);
        var columns = e.Columns ?? Enumerable.Range(0, Design.Terms.Count).ToArray();
        var terms = columns.Select(j => Design.Terms[j]).ToArray();
        if (Design.Rate is { } rate) warnings.AddRange(RateWarnings(rate));
        for (int j = 0; j < terms.Length; j++)
            if (!(e.V[j, j] > 0) || !double.IsFinite(e.V[j, j]))
                throw new ItsException(double.IsInfinity(e.V[j, j])
                    ? Thresholds.VarianceOverflows(terms[j])
                    : $"the standard error of {terms[j]} is undefined under {Spec.Errors.Name} errors (variance {e.V[j, j]:G6}; an observation may determine a coefficient alone, e.g. a month seen once)");

        // Count models and ARIMA fits use Wald z inference (as R's coeftest on glm and arima fits).
        var inference = new Inference(e.B, e.V, e.ZTests ? null : e.Df);
        var effects = new EffectCalculator(Series, Spec, Design, inference, columns, e.Anchor);
        var horizons = Spec.EffectsAt.Count > 0
            ? Spec.EffectsAt
            : new[] { 0, Series.Periods[^1].PeriodsSince(Spec.Interruptions[0]) }.Distinct().ToArray();
        var effectList = horizons.Select(effects.At).ToArray();
        foreach (var effect in effectList.Where(x => x.Relative is null))
            warnings.Add($"the counterfactual at {effect.Period} ({effect.Counterfactual:G6}) is not clearly positive (its 95% CI reaches 0), so no relative change is given there");
        return EnsureFinite(new ItsResult
        {
            Spec = Spec,
            OutcomeName = Series.OutcomeName,
            Frequency = Series.Frequency,
            Coefficients = new CoefficientTable(terms.Select((term, j) => RateShifted(term, e.CoefficientDf is { } sw ? inference.Coefficient(term, j, sw[j]) : inference.Coefficient(term, j), inference))),
            Covariance = new CovarianceMatrix(e.V),
            N = e.N,
            DfResidual = e.Df,
            ResidualScale = e.Sigma,
            LogLikelihood = e.LogLik,
            Rate = Design.Rate,
            Aic = e.Aic,
            ErrorParameters = e.Ar,
            FamilyParameters = e.FamilyParameters,
            Lag = e.Lag,
            Iterations = e.Iterations,
            OrderSearch = e.OrderSearch,
            Diagnostics = e.Diagnostics,
            Effects = effectList,
            Cumulative = Spec.Cumulative is { } window ? effects.Cumulative(window) : null,
            PostTrends = effects.Trends(),
            LongRun = effects.LongRun(),
            Trajectory = effects.Trajectory(),
            Warnings = warnings,
        });
    }

    /// <summary>The log-likelihood of the fit and one coefficient, all that a rate's profile needs.</summary>
    internal (double LogLikelihood, double Coefficient) ProfilePoint(string term)
    {
        var e = Estimate([]);
        int j = Array.IndexOf(e.Columns ?? Enumerable.Range(0, Design.Terms.Count).ToArray(), Design.IndexOf(term));
        return (e.LogLik ?? throw new ItsException($"the {Spec.Family.Name()} fit under {Spec.Errors.Name} errors has no likelihood to profile a rate over"),
            j >= 0 ? e.B[j] : throw new ItsException($"{term} is not estimated under {Spec.Errors.Name} errors"));
    }

    private ProcessEstimate Estimate(List<string> warnings) => Spec.Family.IsCount() ? EstimateCounts(warnings) : EstimateGaussian(warnings);

    // The linearised design's rate column has coefficient delta - delta-hat (the Gauss-Newton step
    // from the profile's maximum, close to 0); the table reports delta itself, with the column's
    // standard error. The effects keep the linearised coefficient.
    private Coefficient RateShifted(string term, Coefficient c, Inference inference)
    {
        if (Design.Rate is not { } rate || term != Design.RateTerm) return c;
        return inference.Shifted(c, rate.Rate);
    }

    private IEnumerable<string> RateWarnings(RateEstimate rate)
    {
        string shape = Spec.Impact.Name();
        const string held = "so it is held there: the intervals leave out its uncertainty";
        if (rate.Rate < 1e-6)
            yield return $"the {shape} rate is estimated at 0, its lower bound, {held}; the impact is a {(Spec.Impact == Impact.Gradual ? "step (use impact level)" : "pulse (use impact pulse)")}";
        else if (rate.AtBound)
            yield return FormattableString.Invariant($"the {shape} rate reaches its upper bound {RateEstimate.UpperBound}, {held}; the impact cannot be told from a {(Spec.Impact == Impact.Gradual ? "ramp (use impact slope or level+slope)" : "step (use impact level)")}");
    }

    /// <summary>Warnings that the series' periods and the spec raise whatever the fit: gaps and transition periods.</summary>
    internal static IEnumerable<string> DesignWarnings(TimeSeries series, ItsSpec spec)
    {
        string unit = Time.Period.Describe(series.Frequency);
        if (series.MissingPeriods > 0)
            yield return $"the series has {series.MissingPeriods} missing {unit}(s); autocorrelation-based errors and diagnostics treat the observed rows as consecutive";
        if (spec.TransitionPeriods > 0)
            yield return spec.Errors.Process is ArimaErrors or GlsErrors
                ? $"{spec.TransitionPeriods} transition {unit}(s) after each interruption are left out; the {(spec.Errors.Process is ArimaErrors ? "ARIMA" : "GLS")} likelihood treats them as missing observations, the residual diagnostics treat the remaining rows as consecutive"
                : $"{spec.TransitionPeriods} transition {unit}(s) after each interruption are left out; autocorrelation-based errors and diagnostics treat the remaining rows as consecutive";
    }

    private ProcessEstimate EstimateGaussian(List<string> warnings)
    {
        var ols = RefuseExactFit(new LeastSquares(X, Outcome, Design.Terms));
        int lagTests = Math.Min(Spec.PortmanteauLag, ols.N - 1);
        var residuals = ols.Residuals.ToArray();
        var diagnostics = new ResidualDiagnostics(
            DurbinWatsonTest.Compute(ols),
            BreuschGodfreyTest.Compute(ols, Spec.BreuschGodfreyMaxOrder),
            PortmanteauTest.LjungBox(residuals, lagTests),
            PortmanteauTest.BoxPierce(residuals, lagTests),
            Correlogram.Compute(residuals, lagTests),
            CumbyHuizinga: CumbyHuizingaTest.Compute(ols, lagTests, Spec.CumbyHuizinga));
        double sigma = Math.Sqrt(ols.Sigma2);
        // AIC = -2 logLik + 2 (k + 1), the variance counted, as R's AIC(lm).
        double aic = -2 * ols.LogLikelihood + 2 * (ols.K + 1);
        var plain = new ProcessEstimate(ols.Coefficients, ols.ClassicalCovariance(), ols.DfResidual, ols.N, sigma, ols.LogLikelihood, aic, diagnostics);
        return Spec.Errors.Process.Estimate(this, ols, plain, Spec.Errors.Covariance, warnings);
    }

    private ProcessEstimate EstimateCounts(List<string> warnings)
    {
        var fit = CountRegression.Fit(Spec.Family, X, Outcome, LogOffset, Design.Terms);
        string family = Spec.Family.Name();
        if (!fit.Converged) warnings.Add($"the {family} fit did not converge; the estimates are from the last iteration");
        if (fit.NegativeBinomialThetaAtBound)
            warnings.Add($"the counts show no over-dispersion: the negative binomial theta stops at its bound {fit.NegativeBinomialTheta:G4} (1e6 times the mean count), where the model is the Poisson one; use the Poisson family");
        int lagTests = Math.Min(Spec.PortmanteauLag, fit.N - 1);
        var residuals = fit.DevianceResiduals.ToArray();
        var dispersion = new DispersionCheck(fit.PearsonChiSquare, fit.DfResidual, fit.Deviance);
        // Over-dispersion makes Poisson standard errors too small (Lopez Bernal et al. 2017).
        if (Spec.Family == Family.Poisson && dispersion.Ratio > 1.5 && Spec.Errors.IsClassical)
            warnings.Add($"the counts are over-dispersed (Pearson chi-square / df = {dispersion.Ratio:F2}): Poisson standard errors are too small; use the quasi-Poisson or negative binomial family, or robust errors");
        var diagnostics = new ResidualDiagnostics(null, [],
            PortmanteauTest.LjungBox(residuals, lagTests), PortmanteauTest.BoxPierce(residuals, lagTests),
            Correlogram.Compute(residuals, lagTests), dispersion);
        ErrorParameter[] parameters = fit.NegativeBinomialTheta is { } theta
            ? [new("theta", theta), new("theta_se", fit.NegativeBinomialThetaStdError!.Value)]
            : Spec.Family == Family.QuasiPoisson ? [new("dispersion", fit.Dispersion)] : [];
        if (Spec.Errors.Process is not IndependentErrors)
            throw new ItsException($"error model {Spec.Errors.Name} is not available for a {family} model (use ols, hc0-hc3 or newey)");
        var plain = new ProcessEstimate(fit.Coefficients, fit.ModelCovariance(), fit.DfResidual, fit.N, Math.Sqrt(fit.Dispersion), fit.LogLikelihood, fit.Aic, diagnostics)
        {
            Iterations = fit.Iterations,
            FamilyParameters = parameters,
            ZTests = true,
        };
        return plain.With(Spec.Errors.Covariance, fit, warnings);
    }

    // The last guard against a silent NaN or infinity: every number of the result must be finite.
    private static ItsResult EnsureFinite(ItsResult r)
    {
        var numbers = new List<(string What, double?[] Values)>();
        foreach (var c in r.Coefficients)
            numbers.Add(($"the coefficient {c.Term}", [c.Estimate, c.StdError, c.Statistic, c.PValue, c.Ci.Lower, c.Ci.Upper]));
        numbers.Add(("the covariance matrix", r.Covariance.Values.Select(v => (double?)v).ToArray()));
        numbers.Add(("sigma and the log-likelihood", [r.ResidualScale, r.LogLikelihood, r.Aic]));
        foreach (var e in r.Effects)
            numbers.Add(($"the effect at {e.Period}", [e.Fitted, e.Counterfactual, e.Absolute, e.AbsoluteStdError, e.AbsoluteCi.Lower,
                e.AbsoluteCi.Upper, e.Relative, e.RelativeStdError, e.RelativeCi?.Lower, e.RelativeCi?.Upper]));
        if (r.Cumulative is { } sum)
            numbers.Add(("the cumulative effect", [sum.Fitted, sum.Counterfactual, sum.Absolute, sum.AbsoluteStdError, sum.AbsoluteCi.Lower,
                sum.AbsoluteCi.Upper, sum.Relative, sum.RelativeStdError, sum.RelativeCi?.Lower, sum.RelativeCi?.Upper]));
        foreach (var t in r.PostTrends)
            numbers.Add(("the post-interruption trend", [t.Estimate, t.StdError, t.Ci.Lower, t.Ci.Upper, t.Percent, t.PercentCi?.Lower, t.PercentCi?.Upper]));
        foreach (var p in r.Trajectory)
            numbers.Add(($"the fitted value at {p.Period}", [p.Fitted, p.Counterfactual, p.CounterfactualCi?.Lower, p.CounterfactualCi?.Upper]));
        foreach (var (what, values) in numbers)
            if (values.Any(v => v is { } x && !double.IsFinite(x)))
                throw new ItsException($"{what} is not a finite number: {Thresholds.Rescale}");
        return r;
    }



    internal static LeastSquares RefuseExactFit(LeastSquares fit) =>
        !double.IsFinite(fit.ResidualSumOfSquares) ? throw new ItsException(Thresholds.ResidualSumOfSquaresOverflows)
        : fit.FitsExactly ? throw new ItsException(Thresholds.ExactFit)
        : fit;

    private void CheckCounts()
    {
        string family = Spec.Family.Name();
        if (Spec.Transform != OutcomeTransform.None)
            throw new ItsException($"the {family} family has a log link already; leave the outcome untransformed");
        for (int i = 0; i < Series.Count; i++)
        {
            double y = Series.Outcome[i];
            if (y < 0 || y != Math.Floor(y))
                throw new ItsException($"{Series.OutcomeName} is {y.ToString(System.Globalization.CultureInfo.InvariantCulture)} at {Series.Periods[i]}: the {family} family needs counts (whole numbers 0 or more)");
        }
        if (Spec.Offset is not { } offset) return;
        if (!Series.Covariates.TryGetValue(offset, out var exposure)) throw new ItsException($"offset {offset} is not in the data");
        for (int i = 0; i < exposure.Length; i++)
            if (!(exposure[i] > 0))
                throw new ItsException($"offset {offset} is {exposure[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at {Series.Periods[i]}: the population at risk must be positive");
    }

    internal static string LogRefusal(string outcome, double y, Time.Period period) =>
        $"{outcome} is {y:G6} at {period}: the log transform needs positive values";

    private double Transformed(int row)
    {
        double y = Series.Outcome[row];
        if (Spec.Transform != OutcomeTransform.Log) return y;
        if (y <= 0) throw new ItsException(LogRefusal(Series.OutcomeName, y, Series.Periods[row]));
        return Math.Log(y);
    }
}
