using Its.Results;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// What an error process's fit hands to the common part of <see cref="ItsModel.Fit"/>: coefficients,
/// covariance, fit statistics, what it estimated besides (lag, rho, ARMA terms, theta) and the
/// residual diagnostics.
/// </summary>
internal sealed record ProcessEstimate(Vector<double> B, Matrix<double> V, int Df, int N, double Sigma, double? LogLik, double? Aic,
    ResidualDiagnostics Diagnostics)
{
    public int? Lag { get; init; }
    public int? Iterations { get; init; }
    public ErrorParameter[] Ar { get; init; } = [];
    public ErrorParameter[] FamilyParameters { get; init; } = [];

    /// <summary>The design columns estimated (B's order), or null for all of them.</summary>
    public int[]? Columns { get; init; }

    /// <summary>The level of a model with differenced errors, or null when x'b has one.</summary>
    public Effects.LevelAnchor? Anchor { get; init; }

    /// <summary>Degrees of freedom of each coefficient's test (Satterthwaite), or null for <see cref="Df"/>.</summary>
    public double[]? CoefficientDf { get; init; }

    /// <summary>The order search of <c>arima:auto</c>, or null.</summary>
    public Estimation.ArimaOrderSearch? OrderSearch { get; init; }

    /// <summary>Wald z inference instead of t (count models, ARIMA fits; as R's coeftest on glm and arima fits).</summary>
    public bool ZTests { get; init; }

    /// <summary>This estimate with the covariance of an estimator applied to the fit it came from.</summary>
    public ProcessEstimate With(CovarianceEstimator covariance, Estimation.IScoreModel fit, List<string> warnings)
    {
        if (covariance is ClassicalCovariance) return this;
        var estimate = covariance.Estimate(fit, V, blocks: null);
        if (estimate.Warning is { } w) warnings.Add(w);
        return this with { V = estimate.Covariance, Lag = estimate.Lag };
    }
}
