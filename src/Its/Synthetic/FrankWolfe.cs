using MathNet.Numerics.LinearAlgebra;

namespace Its.Synthetic;

/// <summary>
/// synthdid's <c>sc.weight.fw</c>: weights x on the simplex minimising
/// zeta^2 |x|^2 + |A x - b|^2 / n, where A is the first columns of a matrix of n rows and b its
/// last (both centred by column with an intercept), by Frank-Wolfe steps with exact line search
/// (<c>fw.step</c>), until the objective falls by less than minDecrease^2 or the iterations run out.
/// </summary>
internal static class FrankWolfe
{
    public static Vector<double> Minimize(Matrix<double> m, double zeta, bool intercept, Vector<double>? start, double minDecrease, int maxIterations)
    {
        int n = m.RowCount, k = m.ColumnCount - 1;
        var y = intercept ? Centred(m) : m;
        var a = y.SubMatrix(0, n, 0, k);
        var b = y.Column(k);
        double eta = n * zeta * zeta;
        var x = start?.Clone() ?? Vector<double>.Build.Dense(k, 1.0 / k);
        double previous = double.NaN, last = double.NaN;
        for (int t = 0; t < maxIterations && (t < 2 || previous - last > minDecrease * minDecrease); t++)
        {
            x = Step(a, x, b, eta);
            var err = a * x - b;
            previous = last;
            last = zeta * zeta * x.DotProduct(x) + err.DotProduct(err) / n;
        }
        return x;
    }

    // One step towards the vertex of the smallest gradient coordinate, as far as the quadratic's minimum along it.
    private static Vector<double> Step(Matrix<double> a, Vector<double> x, Vector<double> b, double eta)
    {
        var ax = a * x;
        var halfGradient = (ax - b) * a + eta * x;
        int i = halfGradient.MinimumIndex();
        var dx = -x;
        dx[i] = 1 - x[i];
        if (dx.All(v => v == 0)) return x;
        var dErr = a.Column(i) - ax;
        double step = -halfGradient.DotProduct(dx) / (dErr.DotProduct(dErr) + eta * dx.DotProduct(dx));
        return x + Math.Clamp(step, 0, 1) * dx;
    }

    private static Matrix<double> Centred(Matrix<double> m)
    {
        var c = m.Clone();
        for (int j = 0; j < c.ColumnCount; j++)
        {
            double mean = c.Column(j).Average();
            for (int i = 0; i < c.RowCount; i++) c[i, j] -= mean;
        }
        return c;
    }
}
