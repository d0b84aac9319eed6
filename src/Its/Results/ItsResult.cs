using Its.Diagnostics;
using Its.Effects;
using Its.Model;
using Its.Time;

namespace Its.Results;

/// <summary>
/// Autocorrelation checks run on every fit: on the OLS residuals of a Gaussian model, on the
/// deviance residuals of a count model (where the Durbin-Watson and Breusch-Godfrey tests, built
/// for least squares, are not given).
/// </summary>
/// <param name="DurbinWatson">Durbin-Watson test (R <c>lmtest::dwtest</c>); null for count models.</param>
/// <param name="BreuschGodfrey">Breusch-Godfrey tests for orders 1..12 (R <c>lmtest::bgtest</c>); empty for count models.</param>
/// <param name="LjungBox">Ljung-Box test (R <c>Box.test(type = "Ljung-Box")</c>).</param>
/// <param name="BoxPierce">Box-Pierce test (R <c>Box.test</c>).</param>
/// <param name="Correlogram">Residual ACF and PACF with their +/-1.96/sqrt(n) bound.</param>
/// <param name="Dispersion">Over-dispersion of a count model; null for Gaussian models.</param>
/// <param name="CumbyHuizinga">Cumby-Huizinga tests at lags 1..p (Stata <c>actest</c>) in the spec's
/// variant; empty for count models.</param>
public sealed record ResidualDiagnostics(
    DurbinWatsonTest? DurbinWatson,
    IReadOnlyList<BreuschGodfreyTest> BreuschGodfrey,
    PortmanteauTest LjungBox,
    PortmanteauTest BoxPierce,
    Correlogram Correlogram,
    DispersionCheck? Dispersion = null,
    IReadOnlyList<CumbyHuizingaTest>? CumbyHuizinga = null)
{
    /// <summary>Cumby-Huizinga tests at lags 1..p; empty for count models.</summary>
    public IReadOnlyList<CumbyHuizingaTest> CumbyHuizinga { get; init; } = CumbyHuizinga ?? [];
}

/// <summary>Over-dispersion of a count model: Pearson chi-square / (n - k), about 1 for Poisson data.</summary>
/// <param name="PearsonChiSquare">sum (y - mu)^2 / V(mu).</param>
/// <param name="Df">n - k.</param>
/// <param name="Deviance">Residual deviance.</param>
public sealed record DispersionCheck(double PearsonChiSquare, int Df, double Deviance)
{
    /// <summary>Pearson chi-square / df.</summary>
    public double Ratio => PearsonChiSquare / Df;
}

/// <summary>An estimated parameter of the error process (e.g. the AR(1) <c>rho</c>).</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Estimate">Its value.</param>
public sealed record ErrorParameter(string Name, double Estimate);

/// <summary>
/// The immutable result of an ITS fit: coefficients with inference under the chosen error model,
/// their covariance, fit statistics, residual diagnostics, effects and the fitted path. Lists are
/// copied when set, so changing the collection a result was made from does not change the result.
/// </summary>
public sealed record ItsResult
{
    /// <summary>The spec that was fitted.</summary>
    public required ItsSpec Spec { get; init; }

    /// <summary>Name of the outcome.</summary>
    public required string OutcomeName { get; init; }

    /// <summary>Frequency of the series.</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>The coefficient table, in design order.</summary>
    public required CoefficientTable Coefficients { get; init; }

    /// <summary>Covariance of the coefficients, k x k in design order.</summary>
    public required CovarianceMatrix Covariance { get; init; }

    /// <summary>Observations in the final regression.</summary>
    public required int N { get; init; }

    /// <summary>Residual degrees of freedom n - k (t inference uses them; count models use z).</summary>
    public required int DfResidual { get; init; }

    /// <summary>
    /// The residual scale: the residual standard deviation of a Gaussian fit (of the transformed
    /// regression for AR(1) models, of the innovations for ARMA errors), the square root of the
    /// dispersion of a count model.
    /// </summary>
    public required double ResidualScale { get; init; }

    /// <summary>Gaussian log-likelihood, where the model defines one.</summary>
    public double? LogLikelihood { get; init; }

    /// <summary>
    /// The profile estimate of a gradual or decay impact's rate, or null (no rate, or a fixed one).
    /// Away from the bounds the coefficient <c>rate1</c> reports it, refined by one Gauss-Newton step.
    /// </summary>
    public Model.RateEstimate? Rate { get; init; }

    /// <summary>AIC = -2 logLik + 2 (k + 1), where the model defines a likelihood.</summary>
    public double? Aic { get; init; }

    /// <summary>Estimated error-process parameters: AR (<c>rho</c>, <c>phi1</c>, ...) and MA (<c>theta1</c>, ...) terms; empty unless the error model has them.</summary>
    public IReadOnlyList<ErrorParameter> ErrorParameters { get; init => field = ReadOnly.Copy(value); } = [];

    /// <summary>Parameters of the family: <c>theta</c> and <c>theta_se</c> (negative binomial), <c>dispersion</c> (quasi-Poisson).</summary>
    public IReadOnlyList<ErrorParameter> FamilyParameters { get; init => field = ReadOnly.Copy(value); } = [];

    /// <summary>Newey-West truncation lag used, for Newey-West errors.</summary>
    public int? Lag { get; init; }

    /// <summary>Iterations of an iterative estimator.</summary>
    public int? Iterations { get; init; }

    /// <summary>The models <c>arima:auto</c> tried and how it chose the differencing; null for other error models.</summary>
    public Estimation.ArimaOrderSearch? OrderSearch { get; init; }

    /// <summary>Residual diagnostics of the OLS fit of the same design.</summary>
    public required ResidualDiagnostics Diagnostics { get; init; }

    /// <summary>Effects at the requested horizons.</summary>
    public required IReadOnlyList<Effect> Effects { get; init => field = ReadOnly.Copy(value); }

    /// <summary>The effect summed over <see cref="ItsSpec.Cumulative"/>'s window, or null when none was asked for.</summary>
    public CumulativeEffect? Cumulative { get; init; }

    /// <summary>Post-interruption trends (empty for level-only models).</summary>
    public required IReadOnlyList<Trend> PostTrends { get; init => field = ReadOnly.Copy(value); }

    /// <summary>
    /// For a gradual or decay impact, omega / (1 - delta) at each interruption (<c>gradual1 / (1 - rate)</c>):
    /// the change a gradual step reaches, or the sum of a decaying pulse over all periods, by the
    /// delta method in omega and an estimated rate; empty for other impacts.
    /// </summary>
    public IReadOnlyList<Coefficient> LongRun { get; init => field = ReadOnly.Copy(value); } = [];

    /// <summary>Observed, fitted and counterfactual values for every period of the series.</summary>
    public required IReadOnlyList<TrajectoryPoint> Trajectory { get; init => field = ReadOnly.Copy(value); }

    /// <summary>Things the user should know about this fit.</summary>
    public IReadOnlyList<string> Warnings { get; init => field = ReadOnly.Copy(value); } = [];

    /// <summary>Number of coefficients.</summary>
    public int Parameters => Coefficients.Count;

    /// <summary>The coefficient of a term.</summary>
    /// <exception cref="KeyNotFoundException">No such term.</exception>
    public Coefficient this[string term] => Coefficients[term];

    // Contrasts and Wald tests use t on the residual df when the coefficients do (z otherwise);
    // a Satterthwaite fit's per-coefficient df do not carry over to combinations.
    private int? InferenceDf => Coefficients[0].Df is null ? null : DfResidual;

    /// <summary>
    /// The linear contrast sum w_j b_j with its standard error sqrt(w' V w), t (or z) statistic,
    /// two-sided p value and 95% CI, on the residual df (z for count and ARIMA fits).
    /// </summary>
    /// <param name="weights">(term, weight) pairs, e.g. <c>("time", 1), ("slope1", 1)</c> for the post-interruption trend.</param>
    /// <returns>A coefficient row whose term is the combination (<c>time + slope1</c>).</returns>
    /// <exception cref="KeyNotFoundException">A term is not in the model.</exception>
    /// <exception cref="ArgumentException">No weights, or a weight that is not finite.</exception>
    public Coefficient Contrast(params (string Term, double Weight)[] weights) =>
        LinearHypotheses.Contrast(Coefficients, Covariance, InferenceDf, weights);

    /// <summary>The joint Wald test that every named coefficient is 0 (F on (q, df), chi-square under z inference).</summary>
    /// <param name="terms">The terms, e.g. <c>"level1", "slope1"</c>.</param>
    /// <exception cref="KeyNotFoundException">A term is not in the model.</exception>
    /// <exception cref="ArgumentException">No terms, or a term named twice.</exception>
    public WaldTest Wald(params string[] terms) => Wald(LinearHypotheses.EachZero(terms));

    /// <summary>
    /// The joint Wald test of linear restrictions, each sum w_j b_j = 0: W = (Rb)' (R V R')^-1 (Rb),
    /// F = W / q on (q, residual df), or chi-square W on q df for count and ARIMA fits.
    /// </summary>
    /// <param name="restrictions">One list of (term, weight) pairs per restriction.</param>
    /// <exception cref="KeyNotFoundException">A term is not in the model.</exception>
    /// <exception cref="ArgumentException">No restrictions, an empty one, or restrictions that are linearly dependent.</exception>
    public WaldTest Wald(params IReadOnlyList<(string Term, double Weight)>[] restrictions) =>
        LinearHypotheses.Wald(Coefficients, Covariance, InferenceDf, restrictions);
}

/// <summary>Read-only copies of the lists a result is made from.</summary>
internal static class ReadOnly
{
    public static IReadOnlyList<T> Copy<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Array.AsReadOnly(items.ToArray());
    }
}
