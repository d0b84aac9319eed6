namespace Its.Estimation;

/// <summary>
/// R's <c>optim(par, fn, method = "BFGS")</c> without a gradient function: Nash's variable-metric
/// method (<c>vmmin</c>, Nash 1990, Algorithm 21) on the parameters divided by <c>parscale</c>,
/// with optim's central-difference gradient (steps <c>ndeps</c> = 1e-3 on that scale). Ported step
/// for step, so that a search R makes from the same start ends where R's ends, local optimum
/// included (what choosing among ARIMA fits as R does needs).
/// </summary>
internal static class OptimBfgs
{
    private const double StepReduction = 0.2, AcceptanceTolerance = 1e-4, RelativeTest = 10, Ndeps = 1e-3;

    /// <summary>The end point, the value there and whether vmmin converged (R's convergence 0) before <paramref name="maxIterations"/>.</summary>
    /// <exception cref="ArithmeticException">The value at the start, or a finite-difference gradient, is not finite (R stops with an error).</exception>
    public static (double[] Point, double Value, bool Converged) Minimize(Func<double[], double> f, double[] start, double[] parscale, double relativeTolerance, int maxIterations)
    {
        int n = start.Length;
        double Scaled(double[] x)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = x[i] * parscale[i];
            return f(v);
        }
        void Gradient(double[] x, double[] g)
        {
            for (int i = 0; i < n; i++)
            {
                double keep = x[i];
                x[i] = keep + Ndeps;
                double up = Scaled(x);
                x[i] = keep - Ndeps;
                double down = Scaled(x);
                x[i] = keep;
                g[i] = (up - down) / (2 * Ndeps);
                if (!double.IsFinite(g[i])) throw new ArithmeticException($"non-finite finite-difference value [{i + 1}]");
            }
        }

        var b = new double[n];
        for (int i = 0; i < n; i++) b[i] = start[i] / parscale[i];
        double value = Scaled(b);
        if (!double.IsFinite(value)) throw new ArithmeticException("initial value in 'vmmin' is not finite");
        if (maxIterations <= 0) return (start.ToArray(), value, true);
        var g = new double[n];
        var t = new double[n];
        var x = new double[n];
        var c = new double[n];
        var h = new double[n, n];
        double fmin = value;
        int gradients = 1, iterations = 1, last = gradients, count;
        Gradient(b, g);
        do
        {
            if (last == gradients)
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < i; j++) h[i, j] = 0;
                    h[i, i] = 1;
                }
            for (int i = 0; i < n; i++)
            {
                x[i] = b[i];
                c[i] = g[i];
            }
            double slope = 0;
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j <= i; j++) s -= h[i, j] * g[j];
                for (int j = i + 1; j < n; j++) s -= h[j, i] * g[j];
                t[i] = s;
                slope += s * g[i];
            }
            if (slope < 0)
            {
                double step = 1;
                bool accepted = false;
                do
                {
                    count = 0;
                    for (int i = 0; i < n; i++)
                    {
                        b[i] = x[i] + step * t[i];
                        if (RelativeTest + x[i] == RelativeTest + b[i]) count++;
                    }
                    if (count < n)
                    {
                        value = Scaled(b);
                        accepted = double.IsFinite(value) && value <= fmin + slope * step * AcceptanceTolerance;
                        if (!accepted) step *= StepReduction;
                    }
                }
                while (!(count == n || accepted));
                bool enough = value > double.NegativeInfinity && Math.Abs(value - fmin) > relativeTolerance * (Math.Abs(fmin) + relativeTolerance);
                if (!enough)
                {
                    count = n;
                    fmin = value;
                }
                if (count < n)
                {
                    fmin = value;
                    Gradient(b, g);
                    gradients++;
                    iterations++;
                    double d1 = 0;
                    for (int i = 0; i < n; i++)
                    {
                        t[i] *= step;
                        c[i] = g[i] - c[i];
                        d1 += t[i] * c[i];
                    }
                    if (d1 > 0)
                    {
                        double d2 = 0;
                        for (int i = 0; i < n; i++)
                        {
                            double s = 0;
                            for (int j = 0; j <= i; j++) s += h[i, j] * c[j];
                            for (int j = i + 1; j < n; j++) s += h[j, i] * c[j];
                            x[i] = s;
                            d2 += s * c[i];
                        }
                        d2 = 1 + d2 / d1;
                        for (int i = 0; i < n; i++)
                            for (int j = 0; j <= i; j++) h[i, j] += (d2 * t[i] * t[j] - x[i] * t[j] - t[i] * x[j]) / d1;
                    }
                    else last = gradients;
                }
                else if (last < gradients)
                {
                    count = 0;
                    last = gradients;
                }
            }
            else
            {
                count = 0;
                if (last == gradients) count = n;
                else last = gradients;
            }
            if (iterations >= maxIterations) break;
            if (gradients - last > 2 * n) last = gradients;
        }
        while (count != n || last != gradients);
        var point = new double[n];
        for (int i = 0; i < n; i++) point[i] = b[i] * parscale[i];
        return (point, fmin, iterations < maxIterations);
    }
}
