using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Tests;

/// <summary>
/// The triangular solves on the in-place QR layout against MathNet's QR on random designs: the
/// least-squares coefficients and (X'X)^-1.
/// </summary>
public sealed class TriangularTests
{
    // Two exact routes through well-conditioned random designs: rounding only.
    private const double Rounding = 1e-10;

    private static (double[] Buffer, double[] Diagonal, Matrix<double> X, Vector<double> Y) Factored(int n, int k, int seed)
    {
        var random = new Random(seed);
        var x = Matrix<double>.Build.Dense(n, k, (_, _) => random.NextDouble() * 2 - 1);
        var y = Vector<double>.Build.Dense(n, _ => random.NextDouble() * 10);
        var buffer = new double[n * (k + 1)];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < n; i++) buffer[j * n + i] = x[i, j];
        for (int i = 0; i < n; i++) buffer[k * n + i] = y[i];
        var diagonal = new double[k];
        Assert.True(InPlaceQr.Factor(buffer, n, n, k, diagonal));
        return (buffer, diagonal, x, y);
    }

    [Theory]
    [InlineData(10, 1, 1)]
    [InlineData(30, 4, 2)]
    [InlineData(50, 7, 3)]
    public void SolveUpperGivesTheLeastSquaresCoefficients(int n, int k, int seed)
    {
        var (buffer, diagonal, x, y) = Factored(n, k, seed);
        var coefficients = new double[k];
        Triangular.SolveUpper(buffer, n, diagonal, coefficients);
        var expected = x.QR().Solve(y);
        for (int j = 0; j < k; j++) Assert.Equal(expected[j], coefficients[j], Rounding * Math.Max(1, Math.Abs(expected[j])));
    }

    [Theory]
    [InlineData(10, 1, 4)]
    [InlineData(30, 4, 5)]
    [InlineData(50, 7, 6)]
    public void InverseCrossProductIsTheInverseOfXTransposeX(int n, int k, int seed)
    {
        var (buffer, diagonal, x, _) = Factored(n, k, seed);
        var inverse = new double[k * k];
        Triangular.InvertUpper(buffer, n, diagonal, k, inverse);
        var product = Triangular.InverseCrossProduct(inverse, k);
        var expected = (x.TransposeThisAndMultiply(x)).Inverse();
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                Assert.Equal(expected[i, j], product[i, j], Rounding * Math.Max(1, Math.Abs(expected[i, j])));
    }

    [Fact]
    public void InvertUpperTimesRIsTheIdentity()
    {
        const int n = 20, k = 5;
        var (buffer, diagonal, _, _) = Factored(n, k, 7);
        var inverse = new double[k * k];
        Triangular.InvertUpper(buffer, n, diagonal, k, inverse);
        var r = Matrix<double>.Build.Dense(k, k, (i, j) => i == j ? diagonal[i] : i < j ? buffer[j * n + i] : 0);
        var rInverse = Matrix<double>.Build.Dense(k, k, (i, j) => i <= j ? inverse[i * k + j] : 0);
        var identity = r * rInverse;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) Assert.Equal(i == j ? 1 : 0, identity[i, j], Rounding);
    }
}
