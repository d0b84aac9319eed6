using Its.Estimation;
using Its.Tests.Reference;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>
/// ArimaKalman evaluates pure AR(p) likelihoods with d = 0 by the Durbin-Levinson prewhitening filter
/// (O(n p)) and everything else by the Kalman filter. Both give the exact innovations and their
/// variances, so for AR errors they must agree to rounding: the standardised innovations, sum log F_t,
/// the concentrated log-likelihood, and the whole fit.
/// </summary>
public sealed class ArimaKalmanPathTests
{
    // The same quantity by two exact algebraic routes: rounding only.
    private const double SamePath = 1e-10;

    // Whole fits: each path's optimiser stops near the optimum along its own rounding-level trajectory
    // (the ARIMA reference tests allow 1e-5 against R).
    private const double SameFit = 1e-6;

    private static readonly string[] Terms = AutoregressiveCase.Terms;

    private static (Matrix<double> X, Vector<double> Y) Case(int n, double[] phi) => AutoregressiveCase.Make(n, phi);

    // -log L concentrated over sigma^2 (R's armafn) of the first column, and the filter output.
    private static (double Objective, Matrix<double> Whitened, double SumLog) Evaluate(double[] phi, Matrix<double> columns, bool general)
    {
        var kalman = new ArimaKalman(phi.Length, 0, 0, general);
        var (w, sumLog) = kalman.Filter(phi, [], columns);
        int m = w.RowCount;
        double ssq = w.Column(0).DotProduct(w.Column(0));
        return (0.5 * (Math.Log(ssq / m) + sumLog / m), w, sumLog);
    }

    [Theory]
    [InlineData(new[] { 0.6 })]
    [InlineData(new[] { -0.85 })]
    [InlineData(new[] { 0.5, -0.3 })]
    [InlineData(new[] { 1.2, -0.5 })]
    // 1 - phi^2 = 2e-5: the first innovation's variance 5e4 is over R's 1e4, so both paths leave it out.
    [InlineData(new[] { 0.99999 })]
    public void Prewhitening_equals_the_Kalman_filter(double[] phi)
    {
        var (x, y) = Case(60, phi);
        var b = Vector<double>.Build.DenseOfArray([9.5, 0.12, 0.8, 0.05]);
        var columns = Matrix<double>.Build.Dense(60, 5);
        columns.SetColumn(0, y - x * b);
        columns.SetSubMatrix(0, 1, x);
        var fast = Evaluate(phi, columns, general: false);
        var kalman = Evaluate(phi, columns, general: true);

        Assert.Equal(kalman.Whitened.RowCount, fast.Whitened.RowCount);
        Close.Equal(kalman.Objective, fast.Objective, SamePath, "concentrated objective");
        double n = fast.Whitened.RowCount;
        double LogLik(double f) => -0.5 * (2 * n * f + n + n * Math.Log(2 * Math.PI));
        Close.Equal(LogLik(kalman.Objective), LogLik(fast.Objective), SamePath, "log-likelihood");
        Assert.True(Math.Abs(kalman.SumLog - fast.SumLog) <= SamePath * Math.Max(1, Math.Abs(kalman.SumLog)), $"sum log F: {kalman.SumLog} vs {fast.SumLog}");
        double scale = kalman.Whitened.Enumerate().Max(Math.Abs);
        Assert.True((kalman.Whitened - fast.Whitened).Enumerate().Max(Math.Abs) <= SamePath * scale, "whitened columns");
    }

    [Theory]
    [InlineData(1, 0.6)]
    [InlineData(2, 0.5)]
    public void Whole_fit_is_the_same_on_both_paths(int p, double phi1)
    {
        var (x, y) = Case(48, p == 1 ? [phi1] : [phi1, -0.3]);
        var fast = ArimaRegression.FitCore(x, y, Terms, p, 0, 0, general: false);
        var kalman = ArimaRegression.FitCore(x, y, Terms, p, 0, 0, general: true);

        Close.Equal(kalman.LogLikelihood, fast.LogLikelihood, SamePath, "log-likelihood at the optimum");
        for (int j = 0; j < p; j++) Close.Equal(kalman.ArCoefficients[j], fast.ArCoefficients[j], SameFit, $"phi[{j + 1}]");
        for (int j = 0; j < Terms.Length; j++)
        {
            Close.Equal(kalman.Coefficients[j], fast.Coefficients[j], SameFit, $"{Terms[j]} estimate");
            Close.Equal(Math.Sqrt(kalman.Covariance[j, j]), Math.Sqrt(fast.Covariance[j, j]), SameFit, $"{Terms[j]} SE");
        }
    }

    // Q0 = T Q0 T' + R R' of the state space (R's getQ0): the O(r^2) recursion must solve it to rounding,
    // also for long seasonal polynomials and MA roots near the unit circle.
    [Theory]
    [InlineData(new[] { 0.5 }, new double[0])]
    [InlineData(new double[0], new[] { 0.4, -0.3 })]
    [InlineData(new[] { 1.3, -0.4 }, new[] { -0.55, -0.45 })]
    [InlineData(new[] { 0.4, -0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6, -0.24, 0.12 }, new[] { 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.6, -0.18 })]
    public void The_stationary_state_covariance_solves_its_Lyapunov_equation(double[] phi, double[] theta)
    {
        int r = Math.Max(phi.Length, theta.Length + 1);
        var q = Matrix<double>.Build.DenseOfArray(ArimaKalman.StationaryCovariance(phi, theta, r));
        var t = Matrix<double>.Build.Dense(r, r);
        for (int i = 0; i < phi.Length; i++) t[i, 0] = phi[i];
        for (int i = 0; i < r - 1; i++) t[i, i + 1] = 1;
        var rv = Vector<double>.Build.Dense(r);
        rv[0] = 1;
        for (int k = 0; k < theta.Length; k++) rv[k + 1] = theta[k];
        var residual = q - t * q * t.Transpose() - rv.OuterProduct(rv);
        Assert.True(residual.InfinityNorm() < SamePath * q.InfinityNorm(), $"|Q - T Q T' - R R'| = {residual.InfinityNorm():G3}");
        Assert.Equal(ArmaCorrelation.Autocovariances(phi, theta, 1)[0], q[0, 0], 1e-10 * q[0, 0]);
    }
}
