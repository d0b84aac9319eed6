using Its.Results;

namespace Its.Multilevel;

/// <summary>An estimate with a 95% CI that may be missing (null) where the approximate covariance of the variance parameters is not positive definite.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Ci">Its 95% CI, or null.</param>
public sealed record VarianceEstimate(double Value, Interval? Ci);

/// <summary>The between-unit standard deviation of one random effect.</summary>
/// <param name="Term">The design term that varies between units.</param>
/// <param name="Sd">Its SD, with the CI of nlme's <c>intervals(lme)</c>.</param>
public sealed record RandomSd(string Term, VarianceEstimate Sd);

/// <summary>The correlation of two random effects (general covariance only).</summary>
/// <param name="First">One term.</param>
/// <param name="Second">The other.</param>
/// <param name="Correlation">The correlation, with the CI of nlme's <c>intervals(lme)</c>.</param>
public sealed record RandomCorrelation(string First, string Second, VarianceEstimate Correlation);

/// <summary>One unit's predicted random effect of one term.</summary>
/// <param name="Term">The design term.</param>
/// <param name="Deviation">The unit's deviation from its type's fixed effect (the BLUP, as nlme's <c>ranef</c>).</param>
/// <param name="ConditionalSd">SD of the deviation given the data at the estimated variances (as lme4's <c>condVar</c>; beta's uncertainty is not included).</param>
/// <param name="UnitValue">The unit's own value of the term: the fixed effect of its type plus the deviation (as nlme's <c>coef(lme)</c>).</param>
public sealed record UnitEffect(string Term, double Deviation, double ConditionalSd, double UnitValue);

/// <summary>One unit's predicted random effects.</summary>
/// <param name="Unit">The unit's name.</param>
/// <param name="Type">Its type, or null.</param>
/// <param name="Observations">Its fitted rows.</param>
/// <param name="Effects">Its effects, one per random term in the order of <see cref="MultilevelResult.RandomTerms"/>.</param>
public sealed record UnitEffects(string Unit, string? Type, int Observations, IReadOnlyList<UnitEffect> Effects);

/// <summary>
/// A multilevel ITS fit (as R <c>nlme::lme</c>): fixed effects with nlme's denominator degrees of
/// freedom, the between-unit SDs (and correlations) of the random effects, the residual SD and the
/// within-unit AR(1) coefficient with the CIs of <c>intervals(lme)</c>, the likelihood and
/// information criteria, and every unit's predicted effects.
/// </summary>
public sealed class MultilevelResult
{
    internal MultilevelResult(Model.ItsSpec spec, string outcome, MultilevelSpec model, CoefficientTable fixedEffects, CovarianceMatrix covariance,
        IReadOnlyList<RandomSd> randomSds, IReadOnlyList<RandomCorrelation> correlations, VarianceEstimate sigma, VarianceEstimate? phi,
        double logLikelihood, int parameters, int observations, IReadOnlyList<UnitEffects> units, string? reference, IReadOnlyList<string> comparedTypes,
        int iterations, bool converged, IReadOnlyList<string> warnings)
    {
        Spec = spec;
        OutcomeName = outcome;
        Model = model;
        FixedEffects = fixedEffects;
        Covariance = covariance;
        RandomSds = randomSds;
        Correlations = correlations;
        Sigma = sigma;
        Phi = phi;
        LogLikelihood = logLikelihood;
        Parameters = parameters;
        Observations = observations;
        Units = units;
        ReferenceType = reference;
        ComparedTypes = comparedTypes;
        Iterations = iterations;
        Converged = converged;
        Warnings = warnings;
        double nobs = model.Method == Estimation.LikelihoodMethod.Reml ? observations - fixedEffects.Count : observations;
        Aic = -2 * logLikelihood + 2 * parameters;
        Bic = -2 * logLikelihood + Math.Log(nobs) * parameters;
    }

    /// <summary>The ITS design of every unit.</summary>
    public Model.ItsSpec Spec { get; }

    /// <summary>The outcome's name.</summary>
    public string OutcomeName { get; }

    /// <summary>The random part fitted.</summary>
    public MultilevelSpec Model { get; }

    /// <summary>The random terms, in order.</summary>
    public IReadOnlyList<string> RandomTerms => Model.RandomTerms;

    /// <summary>Fixed effects: the ITS terms of the reference type, then each compared type's differences (<c>group</c>, <c>group:time</c>, ...), t tests on nlme's degrees of freedom.</summary>
    public CoefficientTable FixedEffects { get; }

    /// <summary>
    /// Covariance of the fixed effects, s^2 (X' V^-1 X)^-1 with s^2 = RSS/(N - p): <c>vcov(lme)</c> for REML;
    /// for ML the covariance of <c>summary(lme)</c>'s standard errors (its <c>adjustSigma</c>, <c>vcov(lme)</c> times N/(N - p)).
    /// </summary>
    public CovarianceMatrix Covariance { get; }

    /// <summary>Between-unit SD of each random effect.</summary>
    public IReadOnlyList<RandomSd> RandomSds { get; }

    /// <summary>Correlations of the random effects (empty for a diagonal covariance).</summary>
    public IReadOnlyList<RandomCorrelation> Correlations { get; }

    /// <summary>The residual (within-unit) SD.</summary>
    public VarianceEstimate Sigma { get; }

    /// <summary>The within-unit AR(1) coefficient, or null for independent errors.</summary>
    public VarianceEstimate? Phi { get; }

    /// <summary>The maximised log-likelihood, restricted for REML, as <c>logLik(lme)</c>.</summary>
    public double LogLikelihood { get; }

    /// <summary>Parameters counted by <c>logLik(lme)</c>: fixed effects, variance parameters and sigma.</summary>
    public int Parameters { get; }

    /// <summary>AIC as <c>AIC(lme)</c>.</summary>
    public double Aic { get; }

    /// <summary>BIC as <c>BIC(lme)</c> (log(N - p) for REML).</summary>
    public double Bic { get; }

    /// <summary>The fitted rows, all units together.</summary>
    public int Observations { get; }

    /// <summary>Every unit's predicted effects, in panel order.</summary>
    public IReadOnlyList<UnitEffects> Units { get; }

    /// <summary>The type every other is compared with, or null when the units have no types.</summary>
    public string? ReferenceType { get; }

    /// <summary>The compared types, in the order of their terms.</summary>
    public IReadOnlyList<string> ComparedTypes { get; }

    /// <summary>Optimiser iterations.</summary>
    public int Iterations { get; }

    /// <summary>Whether the maximisation met its convergence criterion.</summary>
    public bool Converged { get; }

    /// <summary>Warnings for the reader (a variance estimated at zero, no convergence).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
