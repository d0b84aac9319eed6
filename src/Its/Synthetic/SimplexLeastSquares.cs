using MathNet.Numerics.LinearAlgebra;

namespace Its.Synthetic;

/// <summary>
/// min |A w - b|^2 over the simplex (w &gt;= 0, sum w = 1), exactly: Lawson and Hanson's (1974)
/// active-set method for non-negative least squares, with the sum constraint kept on the passive
/// set by eliminating its first weight. Synth solves the same problem with an interior-point
/// method (kernlab's ipop) to 5 significant digits; this one ends at a vertex of the optimal face,
/// with at most rank(A) + 1 weights above zero.
/// </summary>
internal static class SimplexLeastSquares
{
    public static Vector<double> Solve(Matrix<double> a, Vector<double> b)
    {
        int n = a.ColumnCount;
        var w = Vector<double>.Build.Dense(n);
        // The best single column is the starting vertex.
        int start = Enumerable.Range(0, n).MinBy(j => (a.Column(j) - b).L2Norm());
        w[start] = 1;
        var passive = new List<int> { start };
        double scale = Math.Max(1, a.FrobeniusNorm() * (a.FrobeniusNorm() + b.L2Norm()));
        // The gradient A'(Aw - b) is computed to about 1e-16 of scale: a hundred times that is optimal.
        double tolerance = 1e-14 * scale;
        for (int outer = 0; outer < 10 * n + 10; outer++)
        {
            var gradient = a.TransposeThisAndMultiply(a * w - b);
            double level = passive.Average(j => gradient[j]);
            int enter = Enumerable.Range(0, n).Where(j => !passive.Contains(j)).DefaultIfEmpty(-1).MinBy(j => j < 0 ? 0 : gradient[j]);
            if (enter < 0 || gradient[enter] >= level - tolerance) break;
            passive.Add(enter);
            for (int inner = 0; inner <= n; inner++)
            {
                var z = Restricted(a, b, passive);
                if (passive.All(j => z[j] > 0))
                {
                    w = z;
                    break;
                }
                // Step from w toward z until a weight reaches 0; those leave the passive set.
                double alpha = passive.Where(j => z[j] <= 0).Min(j => w[j] / (w[j] - z[j]));
                w += alpha * (z - w);
                passive.RemoveAll(j => w[j] <= 1e-15);
                foreach (int j in Enumerable.Range(0, n).Where(j => !passive.Contains(j))) w[j] = 0;
                if (passive.Count == 0) throw new InvalidOperationException("the active-set search lost every weight");
            }
        }
        return w / w.Sum();
    }

    // Least squares on the passive columns with their weights summing to 1 (signs free).
    private static Vector<double> Restricted(Matrix<double> a, Vector<double> b, List<int> passive)
    {
        var z = Vector<double>.Build.Dense(a.ColumnCount);
        int first = passive[0];
        if (passive.Count == 1)
        {
            z[first] = 1;
            return z;
        }
        var anchor = a.Column(first);
        var d = Matrix<double>.Build.Dense(a.RowCount, passive.Count - 1, (r, c) => a[r, passive[c + 1]] - anchor[r]);
        var y = d.Svd(computeVectors: true).Solve(b - anchor);
        for (int c = 0; c < y.Count; c++) z[passive[c + 1]] = y[c];
        z[first] = 1 - y.Sum();
        return z;
    }
}
