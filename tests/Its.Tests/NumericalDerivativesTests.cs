using Its.Estimation;

namespace Its.Tests;

/// <summary>The finite-difference derivatives and the Newton polish against analytic derivatives and minima.</summary>
public sealed class NumericalDerivativesTests
{
    // f(x, y) = exp(x) sin(y) + x^2 y^3, smooth with nonzero third derivatives.
    private static double F(double[] v) => Math.Exp(v[0]) * Math.Sin(v[1]) + v[0] * v[0] * Math.Pow(v[1], 3);

    private static readonly double[] Point = [0.3, -0.7];

    private static double[] AnalyticGradient(double x, double y) =>
        [Math.Exp(x) * Math.Sin(y) + 2 * x * y * y * y, Math.Exp(x) * Math.Cos(y) + 3 * x * x * y * y];

    private static double[,] AnalyticHessian(double x, double y) => new[,]
    {
        { Math.Exp(x) * Math.Sin(y) + 2 * y * y * y, Math.Exp(x) * Math.Cos(y) + 6 * x * y * y },
        { Math.Exp(x) * Math.Cos(y) + 6 * x * y * y, -Math.Exp(x) * Math.Sin(y) + 6 * x * x * y },
    };

    // Central differences err by O(h^2) times third derivatives of order 1 (plus rounding eps / h^2 for Hessians).
    [Fact]
    public void GradientMatchesTheAnalyticGradient()
    {
        var g = NumericalDerivatives.Gradient(F, Point, 1e-5);
        var expected = AnalyticGradient(Point[0], Point[1]);
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], g[i], 1e-8);
    }

    [Fact]
    public void GradientWithPerCoordinateStepsMatchesTheAnalyticGradient()
    {
        var g = NumericalDerivatives.Gradient(F, Point, [1e-4, 1e-6]);
        var expected = AnalyticGradient(Point[0], Point[1]);
        for (int i = 0; i < 2; i++) Assert.Equal(expected[i], g[i], 1e-7);
    }

    [Fact]
    public void HessiansMatchTheAnalyticHessian()
    {
        var expected = AnalyticHessian(Point[0], Point[1]);
        var central = NumericalDerivatives.Hessian(F, Point, 1e-4);
        var steps = NumericalDerivatives.Hessian(F, Point, [1e-4, 2e-4]);
        var fourPoint = NumericalDerivatives.FourPointHessian(F, Point, 1e-4);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(expected[i, j], central[i, j], 1e-6);
                Assert.Equal(expected[i, j], steps[i, j], 1e-6);
                Assert.Equal(expected[i, j], fourPoint[i, j], 1e-6);
            }
        Assert.Equal(central[0, 1], central[1, 0]);
    }

    [Fact]
    public void NewtonPolishFindsTheMinimumOfAConvexFunction()
    {
        // Minimum at (1, -2): f = (x - 1)^4 + (x - 1)^2 + cosh(y + 2).
        static double G(double[] v) => Math.Pow(v[0] - 1, 4) + Math.Pow(v[0] - 1, 2) + Math.Cosh(v[1] + 2);
        var outcome = NumericalDerivatives.NewtonPolish(G, [0.5, -1.0],
            v => NumericalDerivatives.Gradient(G, v, 1e-5), v => NumericalDerivatives.Hessian(G, v, 1e-4),
            maxSteps: 50, gradientTolerance: 1e-10, stepTolerance: 1e-10, halvings: 30);
        Assert.Equal(1, outcome.Point[0], 1e-6);
        Assert.Equal(-2, outcome.Point[1], 1e-6);
        Assert.NotEqual(NewtonStop.StepLimit, outcome.Stop);
        Assert.NotEqual(NewtonStop.NotPositiveDefinite, outcome.Stop);
    }

    [Fact]
    public void NewtonPolishStopsWhereTheHessianIsNotPositiveDefinite()
    {
        static double Saddle(double[] v) => v[0] * v[0] - v[1] * v[1];
        var outcome = NumericalDerivatives.NewtonPolish(Saddle, [0.5, 0.5],
            v => NumericalDerivatives.Gradient(Saddle, v, 1e-5), v => NumericalDerivatives.Hessian(Saddle, v, 1e-4),
            maxSteps: 50, gradientTolerance: 0, stepTolerance: 1e-10, halvings: 30);
        Assert.Equal(NewtonStop.NotPositiveDefinite, outcome.Stop);
        Assert.Equal(0, outcome.Steps);
        Assert.Equal([0.5, 0.5], outcome.Point);
    }

    [Fact]
    public void NewtonPolishKeepsTrialPointsInsideTheProjection()
    {
        // Unconstrained minimum at x = 3, clamped to x <= 2: every accepted point stays at or below 2.
        static double H(double[] v) => (v[0] - 3) * (v[0] - 3);
        var outcome = NumericalDerivatives.NewtonPolish(H, [0.0],
            v => NumericalDerivatives.Gradient(H, v, 1e-5), v => NumericalDerivatives.Hessian(H, v, 1e-4),
            maxSteps: 50, gradientTolerance: 0, stepTolerance: 1e-10, halvings: 30,
            project: v => [Math.Min(v[0], 2)]);
        Assert.Equal(2, outcome.Point[0], 1e-12);
    }
}
