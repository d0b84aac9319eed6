namespace Its.Estimation;

/// <summary>
/// R's <c>optimize(f, c(a, b), tol)</c>: Brent's (1973) minimisation without derivatives, golden
/// section with parabolic interpolation, ported step for step from the algorithm R runs
/// (<c>Brent_fmin</c>), so a search R makes over the same interval evaluates the same points. As
/// R's, it never evaluates f at a or b.
/// </summary>
internal static class BrentMinimizer
{
    /// <summary>The point of [a, b] where f is least, to within about <paramref name="tolerance"/>.</summary>
    public static double Minimize(Func<double, double> f, double a, double b, double tolerance)
    {
        double c = (3 - Math.Sqrt(5)) * 0.5;
        double eps = Math.Sqrt(Math.Pow(2, -52)); // sqrt(DBL_EPSILON)
        double v = a + c * (b - a), w = v, x = v, d = 0, e = 0;
        double fx = f(x), fv = fx, fw = fx;
        double tol3 = tolerance / 3;
        while (true)
        {
            double xm = (a + b) * 0.5, tol1 = eps * Math.Abs(x) + tol3, t2 = tol1 * 2;
            if (Math.Abs(x - xm) <= t2 - (b - a) * 0.5) return x;
            double p = 0, q = 0, r = 0;
            if (Math.Abs(e) > tol1)
            {
                // A parabola through x, w and v.
                r = (x - w) * (fx - fv);
                q = (x - v) * (fx - fw);
                p = (x - v) * q - (x - w) * r;
                q = (q - r) * 2;
                if (q > 0) p = -p; else q = -q;
                r = e;
                e = d;
            }
            double u;
            if (Math.Abs(p) >= Math.Abs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x))
            {
                // A golden-section step.
                e = x < xm ? b - x : a - x;
                d = c * e;
            }
            else
            {
                // A parabolic step, not too close to a or b.
                d = p / q;
                u = x + d;
                if (u - a < t2 || b - u < t2) d = x >= xm ? -tol1 : tol1;
            }
            // Never closer to x than tol1.
            u = Math.Abs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
            double fu = f(u);
            if (fu <= fx)
            {
                if (u < x) b = x; else a = x;
                v = w; w = x; x = u;
                fv = fw; fw = fx; fx = fu;
            }
            else
            {
                if (u < x) a = u; else b = u;
                if (fu <= fw || w == x)
                {
                    v = w; fv = fw;
                    w = u; fw = fu;
                }
                else if (fu <= fv || v == x || v == w)
                {
                    v = u; fv = fu;
                }
            }
        }
    }
}
