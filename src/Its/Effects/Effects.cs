using Its.Results;
using Its.Time;

namespace Its.Effects;

/// <summary>
/// The effect of the interruptions at one period: the fitted value against the counterfactual (the
/// model with every level and slope term set to 0), on the outcome's original scale.
/// </summary>
/// <param name="PeriodsAfter">Periods after the first interruption (0 is the interruption period).</param>
/// <param name="Period">The period.</param>
/// <param name="Fitted">Model value with the interruption terms (exp of the linear predictor for log models; counts, with the offset, for count models).</param>
/// <param name="Counterfactual">Model value without them.</param>
/// <param name="Absolute">Fitted - counterfactual.</param>
/// <param name="AbsoluteStdError">Its standard error (delta method for log models).</param>
/// <param name="AbsoluteCi">Absolute +/- t SE.</param>
/// <param name="Relative">Fitted / counterfactual - 1; for log models exp(d) - 1 with d the change in the linear predictor.
/// Null when the counterfactual's 95% CI reaches 0 or below, where a ratio means nothing.</param>
/// <param name="RelativeStdError">Delta-method SE (Zhang et al. 2009) for untransformed models; null for log models, whose CI is exact.</param>
/// <param name="RelativeCi">Relative +/- t SE, or exp(CI of d) - 1 for log models; null with <paramref name="Relative"/>.</param>
/// <param name="Exposure">The offset's population at risk in that period (count models with an offset), so rates are counts / exposure.</param>
public sealed record Effect(
    int PeriodsAfter, Period Period, double Fitted, double Counterfactual,
    double Absolute, double AbsoluteStdError, Interval AbsoluteCi,
    double? Relative, double? RelativeStdError, Interval? RelativeCi, double? Exposure = null);

/// <summary>
/// The trend after interruption j, <c>time</c> + <c>slope1</c> + ... + <c>slope{j}</c>, per period on
/// the model's scale; for log models also as percent per period, 100(exp(b) - 1).
/// </summary>
/// <param name="Interruption">j, 1-based.</param>
/// <param name="Estimate">Sum of the slopes.</param>
/// <param name="StdError">Its standard error.</param>
/// <param name="Ci">95% CI.</param>
/// <param name="Percent">100(exp(estimate) - 1) for log models, else null.</param>
/// <param name="PercentCi">The CI transformed the same way, else null.</param>
/// <param name="Statistic">t (or z) = estimate / standard error, for H0: no trend after the interruption.</param>
/// <param name="Df">Degrees of freedom of the t test (the fit's residual df); null for Wald z inference.</param>
/// <param name="PValue">Two-sided p value of that test.</param>
public sealed record Trend(int Interruption, double Estimate, double StdError, Interval Ci, double? Percent, Interval? PercentCi,
    double Statistic, double? Df, double PValue);

/// <summary>
/// One period of the fitted path: the observation, the fitted value and, from the first interruption
/// on, the counterfactual with its 95% CI (of the mean), all on the outcome's original scale.
/// </summary>
/// <param name="Period">The period.</param>
/// <param name="Observed">The observed outcome.</param>
/// <param name="InFit">False for transition periods left out of the fit.</param>
/// <param name="Fitted">Model value.</param>
/// <param name="Counterfactual">Model value without the interruption terms; null before the first interruption.</param>
/// <param name="CounterfactualCi">Its 95% CI; null before the first interruption.</param>
public sealed record TrajectoryPoint(Period Period, double Observed, bool InFit, double Fitted, double? Counterfactual, Interval? CounterfactualCi);

/// <summary>
/// The effect summed over a window of periods after the first interruption, as CausalImpact's
/// cumulative effect: fitted and counterfactual totals on the outcome's original scale, their
/// difference and the relative change sum(fitted) / sum(counterfactual) - 1, with delta-method
/// standard errors (the sums are linear in b for untransformed models, and sums of exp(x'b) for
/// log models).
/// </summary>
/// <param name="From">First period after the interruption.</param>
/// <param name="To">Last period after the interruption.</param>
/// <param name="First">The first period of the window.</param>
/// <param name="Last">The last period of the window.</param>
/// <param name="Fitted">Sum of the fitted values.</param>
/// <param name="Counterfactual">Sum of the counterfactuals.</param>
/// <param name="Absolute">Fitted - counterfactual.</param>
/// <param name="AbsoluteStdError">Its standard error.</param>
/// <param name="AbsoluteCi">Absolute +/- critical value x SE.</param>
/// <param name="Relative">Fitted / counterfactual - 1; null when the counterfactual's 95% CI reaches 0 or below.</param>
/// <param name="RelativeStdError">Its delta-method standard error.</param>
/// <param name="RelativeCi">Relative +/- critical value x SE.</param>
public sealed record CumulativeEffect(
    int From, int To, Period First, Period Last, double Fitted, double Counterfactual,
    double Absolute, double AbsoluteStdError, Interval AbsoluteCi,
    double? Relative, double? RelativeStdError, Interval? RelativeCi);
