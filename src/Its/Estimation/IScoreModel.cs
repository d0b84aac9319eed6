using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>
/// What a sandwich covariance B M B needs from a fitted model (R <c>sandwich</c>'s <c>estfun</c>
/// and <c>bread</c>): the scores, the bread, and the leverages. OLS and the count GLMs provide it.
/// </summary>
public interface IScoreModel
{
    /// <summary>Estimating functions u_i, n x k: e_i x_i for OLS, working residual x working weight x x_i for a GLM.</summary>
    Matrix<double> Scores { get; }

    /// <summary>The bread B: (X'X)^-1 for OLS, (X'WX)^-1 for a GLM.</summary>
    Matrix<double> Bread { get; }

    /// <summary>Hat values of the (weighted) design.</summary>
    Vector<double> Leverage { get; }

    /// <summary>Number of observations.</summary>
    int N { get; }

    /// <summary>Number of coefficients.</summary>
    int K { get; }
}
