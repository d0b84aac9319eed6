using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>Why <see cref="NumericalDerivatives.NewtonPolish"/> stopped.</summary>
internal enum NewtonStop
{
    /// <summary>max |gradient| fell below the gradient tolerance before a step.</summary>
    GradientVanished,

    /// <summary>An accepted step was below the step tolerance in every coordinate.</summary>
    StepVanished,

    /// <summary>No halving of the Newton step lowered the objective.</summary>
    NoDescent,

    /// <summary>The Hessian was not positive definite, so there is no Newton step to a minimum.</summary>
    NotPositiveDefinite,

    /// <summary>The step limit was reached.</summary>
    StepLimit,
}

/// <summary>The point <see cref="NumericalDerivatives.NewtonPolish"/> ended at, the steps it took and why it stopped.</summary>
/// <param name="Point">The last accepted point.</param>
/// <param name="Steps">Newton steps taken (the one that stopped counted when it was tried).</param>
/// <param name="Stop">The stopping rule that ended it.</param>
/// <param name="LastStep">max |step| of the last step tried, after its halvings.</param>
internal readonly record struct NewtonOutcome(double[] Point, int Steps, NewtonStop Stop, double LastStep);

/// <summary>
/// Finite-difference derivatives of a scalar function and the Newton polish that uses them, for the
/// likelihood maximisations of <see cref="GlsArma"/> and <see cref="ArimaRegression"/> (after BFGS,
/// so the polish starts near the optimum).
/// </summary>
internal static class NumericalDerivatives
{
    /// <summary>
    /// Central differences g_i = (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i), error O(h^2)
    /// (Nocedal and Wright 2006, eq. 8.7).
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="steps">h_i, one per coordinate.</param>
    public static double[] Gradient(Func<double[], double> f, double[] x, ReadOnlySpan<double> steps)
    {
        var gradient = new double[x.Length];
        var v = (double[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            double h = steps[i];
            v[i] = x[i] + h;
            double plus = f(v);
            v[i] = x[i] - h;
            double minus = f(v);
            v[i] = x[i];
            gradient[i] = (plus - minus) / (2 * h);
        }
        return gradient;
    }

    /// <summary>Central-difference gradient with the same step h in every coordinate.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x, double step) =>
        Gradient(f, x, Uniform(step, x.Length));

    /// <summary>
    /// Hessian by central second differences: H_ii = (f(x + h_i e_i) - 2 f(x) + f(x - h_i e_i)) / h_i^2
    /// and, off the diagonal, the four-point formula H_ij = (f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j)
    /// with f(+-) = f(x + h_i e_i - h_j e_j) (Abramowitz and Stegun 1964, 25.3.23 and 25.3.26).
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="steps">h_i, one per coordinate.</param>
    public static Matrix<double> Hessian(Func<double[], double> f, double[] x, ReadOnlySpan<double> steps)
    {
        int d = x.Length;
        var h = steps.ToArray();
        double At(params (int Index, double Sign)[] moves)
        {
            var v = (double[])x.Clone();
            foreach (var (i, s) in moves) v[i] += s * h[i];
            return f(v);
        }
        double f0 = f(x);
        var hessian = Matrix<double>.Build.Dense(d, d);
        for (int i = 0; i < d; i++)
        {
            hessian[i, i] = (At((i, 1)) - 2 * f0 + At((i, -1))) / (h[i] * h[i]);
            for (int j = i + 1; j < d; j++)
                hessian[i, j] = hessian[j, i] = (At((i, 1), (j, 1)) - At((i, 1), (j, -1))
                    - At((i, -1), (j, 1)) + At((i, -1), (j, -1))) / (4 * h[i] * h[j]);
        }
        return hessian;
    }

    /// <summary>Hessian by central second differences with the same step h in every coordinate.</summary>
    public static Matrix<double> Hessian(Func<double[], double> f, double[] x, double step) =>
        Hessian(f, x, Uniform(step, x.Length));

    /// <summary>
    /// Hessian by the four-point formula in every entry, the diagonal included:
    /// H_ij = (f(x + h e_i + h e_j) - f(x + h e_i - h e_j) - f(x - h e_i + h e_j) + f(x - h e_i - h e_j)) / (4 h^2),
    /// so H_ii = (f(x + 2h e_i) - 2 f(x) + f(x - 2h e_i)) / (4 h^2), a second difference with step 2h
    /// (with x_i + h + h formed by two additions).
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="x">The point.</param>
    /// <param name="step">h.</param>
    public static Matrix<double> FourPointHessian(Func<double[], double> f, double[] x, double step)
    {
        int d = x.Length;
        var hessian = Matrix<double>.Build.Dense(d, d);
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                double Shift(double si, double sj)
                {
                    var v = (double[])x.Clone();
                    v[i] += si * step;
                    v[j] += sj * step;
                    return f(v);
                }
                hessian[i, j] = hessian[j, i] = (Shift(1, 1) - Shift(1, -1) - Shift(-1, 1) + Shift(-1, -1)) / (4 * step * step);
            }
        return hessian;
    }

    /// <summary>
    /// Minimises f by Newton steps x &lt;- x - H^-1 g from a point near the minimum, halving a step
    /// until f does not rise (Nocedal and Wright 2006, section 3.5, backtracking). Each iteration
    /// stops the polish when max |g| &lt; <paramref name="gradientTolerance"/>, when H is not positive
    /// definite, when no halving lowers f, or when the accepted step is below
    /// <paramref name="stepTolerance"/>.
    /// </summary>
    /// <param name="f">The objective.</param>
    /// <param name="start">The start, typically a quasi-Newton optimum.</param>
    /// <param name="gradient">g(x).</param>
    /// <param name="hessian">H(x).</param>
    /// <param name="maxSteps">Newton steps at most.</param>
    /// <param name="gradientTolerance">0 for no gradient test.</param>
    /// <param name="stepTolerance">An accepted step smaller than this in every coordinate ends the polish.</param>
    /// <param name="halvings">Halvings tried per step.</param>
    /// <param name="project">Maps a trial point into the parameter space (identity when null).</param>
    public static NewtonOutcome NewtonPolish(Func<double[], double> f, double[] start,
        Func<double[], double[]> gradient, Func<double[], Matrix<double>> hessian,
        int maxSteps, double gradientTolerance, double stepTolerance, int halvings, Func<double[], double[]>? project = null)
    {
        var x = start;
        double value = f(x);
        double lastStep = double.NaN;
        for (int step = 1; step <= maxSteps; step++)
        {
            var g = Vector<double>.Build.DenseOfArray(gradient(x));
            if (g.AbsoluteMaximum() < gradientTolerance) return new(x, step - 1, NewtonStop.GradientVanished, lastStep);
            var h = hessian(x);
            Vector<double> delta;
            try { delta = -h.Cholesky().Solve(g); }
            catch (ArgumentException) { return new(x, step - 1, NewtonStop.NotPositiveDefinite, lastStep); }
            bool improved = false;
            for (int halving = 0; halving < halvings; halving++, delta /= 2)
            {
                var next = new double[x.Length];
                for (int i = 0; i < x.Length; i++) next[i] = x[i] + delta[i];
                if (project is not null) next = project(next);
                double nextValue = f(next);
                if (nextValue <= value)
                {
                    x = next;
                    value = nextValue;
                    improved = true;
                    break;
                }
            }
            lastStep = delta.AbsoluteMaximum();
            if (!improved) return new(x, step, NewtonStop.NoDescent, lastStep);
            if (lastStep < stepTolerance) return new(x, step, NewtonStop.StepVanished, lastStep);
        }
        return new(x, maxSteps, NewtonStop.StepLimit, lastStep);
    }

    private static double[] Uniform(double step, int length)
    {
        var steps = new double[length];
        Array.Fill(steps, step);
        return steps;
    }
}
