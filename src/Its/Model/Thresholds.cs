namespace Its.Model;

/// <summary>
/// The thresholds that decide when a fit is refused or warned about, and the texts that say so, shared
/// by the single-series path (<see cref="ItsModel"/>) and the batch path (<see cref="Batch.SharedDesign"/>)
/// so that both refuse the same inputs in the same words.
/// </summary>
internal static class Thresholds
{
    /// <summary>
    /// A column whose part orthogonal to the columns before it, |R_jj|, is at most this fraction of its
    /// own norm is taken as their linear combination: R's lm (dqrdc2) uses the same 1e-7 tolerance
    /// relative to each column's norm, so a covariate's scale does not matter.
    /// </summary>
    public const double RankTolerance = 1e-7;

    /// <summary>|rho| above this is reported: the AR(1) model is then close to a random walk.</summary>
    public const double NearBoundaryRho = 0.9;

    /// <summary>Whether an AR(1) coefficient is beyond <see cref="NearBoundaryRho"/>.</summary>
    public static bool IsNearBoundary(double rho) => Math.Abs(rho) > NearBoundaryRho;

    /// <summary>What to do when a number overflows or underflows the arithmetic.</summary>
    public const string Rescale = "the outcome or a covariate is too large or too small for the arithmetic; rescale it (e.g. thousands instead of units)";

    /// <summary>The refusal of a fit whose residuals vanish.</summary>
    public const string ExactFit = "the model fits the data exactly (residuals are all 0), so standard errors are undefined";

    /// <summary>The refusal of a fit whose residual sum of squares is not finite.</summary>
    public const string ResidualSumOfSquaresOverflows = $"the residual sum of squares overflows: {Rescale}";

    /// <summary>The refusal of a coefficient whose variance is infinite.</summary>
    public static string VarianceOverflows(string term) => $"the variance of {term} overflows: {Rescale}";

    /// <summary>The refusal of an AR(1) coefficient of the residuals outside (-1, 1).</summary>
    public static string RhoOutsideUnitInterval(double rho, string errors) =>
        $"the AR(1) coefficient of the residuals is {rho:G6}, outside (-1, 1): the {errors} transformation is undefined; try newey:L errors";

    /// <summary>The warning of an AR(1) coefficient beyond <see cref="NearBoundaryRho"/>.</summary>
    public static string RhoNearBoundary(double rho) =>
        $"rho = {rho:F4} is close to {Math.Sign(rho)}: the AR(1) model is near its stationarity boundary (often a misspecified trend); compare with newey:L errors and check the model";

    /// <summary>The warning of an AR(1) iteration stopped by its limit.</summary>
    public static string RhoNotConverged(string errors, int iterations, double rho) =>
        $"{errors} did not converge in {iterations} iterations (rho {rho:G6}); the estimates are from the last iteration";
}
