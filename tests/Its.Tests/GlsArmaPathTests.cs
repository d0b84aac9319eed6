using Its.Estimation;
using Its.Tests.Reference;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>
/// GlsArma evaluates AR(p) likelihoods by the exact prewhitening filter (Lambda^-1 = L'L, O(n)) and ARMA
/// likelihoods by the Kalman filter's innovations (the inverse Cholesky factor of Lambda, also O(n)). Both are exact, so for AR errors
/// they must agree to rounding: the profiled log-likelihood and the coefficients at given correlation
/// parameters, and the whole fit.
/// </summary>
public sealed class GlsArmaPathTests
{
    // The same quantity by two exact algebraic routes: rounding only.
    private const double SamePath = 1e-10;

    // Whole fits: each path's optimiser stops within about 1e-10 of the optimum in u (Newton polish),
    // along its own rounding-level trajectory.
    private const double SameFit = 1e-7;

    private static readonly string[] Terms = AutoregressiveCase.Terms;

    private static (Matrix<double> X, Vector<double> Y) Case(int n, double[] phi) => AutoregressiveCase.Make(n, phi);

    // Near the edge of the fitted range (u = 14.51 is phi = 1 - 1e-6) the Kalman path loses digits to
    // 1 - phi^2 = 2e-6 in its variances (about 1e-16 / 2e-6 each) while the filter takes 1 - r^2 = sech^2(u/2)
    // exactly, so there the paths agree to 1e-8 only.
    private const double NearEdge = 1e-8;

    public static TheoryData<int, double[], int, double> Points() => new()
    {
        // AR(1): u = 2 atanh(phi).
        { 1, [0], 24, SamePath }, { 1, [1.2], 48, SamePath }, { 1, [-0.7], 100, SamePath }, { 1, [4.5], 100, SamePath },
        { 1, [14.5], 36, NearEdge },
        // AR(2).
        { 2, [0, 0], 24, SamePath }, { 2, [1.4, -0.6], 48, SamePath }, { 2, [-0.3, 0.9], 100, SamePath }, { 2, [3, -2.5], 60, SamePath },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void The_AR_filter_and_the_Cholesky_path_give_the_same_likelihood(int p, double[] u, int n, double tolerance)
    {
        var (x, y) = Case(n, p == 1 ? [0.5] : [0.6, -0.3]);
        foreach (var method in new[] { LikelihoodMethod.Reml, LikelihoodMethod.Ml })
        {
            var (fastLogLik, fastBeta) = GlsArma.ProfiledAt(x, y, p, 0, method, u, general: false);
            var (generalLogLik, generalBeta) = GlsArma.ProfiledAt(x, y, p, 0, method, u, general: true);
            Close.Equal(generalLogLik, fastLogLik, tolerance, $"{method} log-likelihood");
            for (int j = 0; j < 4; j++)
                Close.Equal(generalBeta![j], fastBeta![j], tolerance, $"{method} {Terms[j]}", floor: 1);
        }
    }

    [Theory]
    [InlineData(1, 24)]
    [InlineData(1, 100)]
    [InlineData(2, 48)]
    [InlineData(2, 100)]
    public void The_AR_filter_and_the_Cholesky_path_give_the_same_fit(int p, int n)
    {
        var (x, y) = Case(n, p == 1 ? [0.5] : [0.6, -0.3]);
        foreach (var method in new[] { LikelihoodMethod.Reml, LikelihoodMethod.Ml })
        {
            var fast = GlsArma.FitCore(x, y, p, 0, method, general: false);
            var general = GlsArma.FitCore(x, y, p, 0, method, general: true);
            Close.Equal(general.LogLikelihood, fast.LogLikelihood, SamePath, $"{method} log-likelihood");
            for (int j = 0; j < p; j++) Close.Equal(general.ArCoefficients[j], fast.ArCoefficients[j], SameFit, $"{method} phi[{j + 1}]", floor: 0.1);
            for (int j = 0; j < 4; j++)
            {
                Close.Equal(general.Coefficients[j], fast.Coefficients[j], SameFit, $"{method} {Terms[j]}", floor: 1);
                Close.Equal(Math.Sqrt(general.Covariance[j, j]), Math.Sqrt(fast.Covariance[j, j]), SameFit, $"{method} {Terms[j]} SE");
            }
            Close.Equal(general.Sigma, fast.Sigma, SameFit, $"{method} sigma");
            if (method == LikelihoodMethod.Reml)
            {
                var c = Vector<double>.Build.Dense(4, i => i == 3 ? 1 : 0);
                Close.Equal(general.SatterthwaiteDf(c), fast.SatterthwaiteDf(c), 1e-6, "Satterthwaite df of slope1");
            }
        }
    }

    [Theory]
    [InlineData(new[] { 0.5, -0.2 }, new[] { 0.3, 0.1 })]
    [InlineData(new[] { 1.029, -0.4623 }, new[] { -0.2122, -0.1162 })]
    [InlineData(new double[0], new[] { -0.6 })]
    [InlineData(new[] { 0.9 }, new double[0])]
    public void Nlme_s_parameters_and_the_ARMA_coefficients_map_back_and_forth(double[] phi, double[] theta)
    {
        var u = ArmaCorrelation.ToUnconstrained(phi, theta)!;
        var (phiBack, thetaBack) = ArmaCorrelation.FromUnconstrained(u, phi.Length, theta.Length);
        Assert.Equal(phi, phiBack, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(theta, thetaBack, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void A_non_stationary_AR_part_has_no_unconstrained_parameters() =>
        Assert.Null(ArmaCorrelation.ToUnconstrained([1.2], []));
}
