using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Multilevel;

/// <summary>One unit's rows of a mixed model: fixed design X, random design Z, outcome y, and the integer time of each row.</summary>
internal sealed record MixedUnit(Matrix<double> X, Matrix<double> Z, Vector<double> Y, int[] Time);

/// <summary>
/// The likelihood of the linear mixed model y_i = X_i beta + Z_i b_i + e_i, b_i ~ N(0, sigma^2 Psi),
/// e_i ~ N(0, sigma^2 Lambda_i), with Lambda_i = I or the AR(1) correlation phi^|t - s| of the rows'
/// times (nlme's <c>corAR1(form = ~ time | unit)</c>), as a function of the factor L of the relative
/// covariance Psi = L L' and of phi, with beta and sigma^2 profiled out (Pinheiro and Bates 2000,
/// section 2.2). Each unit is whitened by Lambda_i (Z* = P Z, P' P = Lambda_i^-1) and V_i = Z Psi Z' + Lambda_i
/// is handled through the q x q matrix M_i = I + L' Z*' Z* L: x' V_i^-1 w = x*' w* - (L' Z*' x*)' M_i^-1 (L' Z*' w*)
/// and log |V_i| = log |Lambda_i| + log |M_i| (Woodbury), so an evaluation costs O(n q^2).
/// </summary>
internal sealed class MixedLikelihood
{
    private readonly MixedUnit[] _units;

    public MixedLikelihood(IReadOnlyList<MixedUnit> units, bool ar1, LikelihoodMethod method)
    {
        _units = [.. units];
        Ar1 = ar1;
        Method = method;
        P = units[0].X.ColumnCount;
        Q = units[0].Z.ColumnCount;
        N = units.Sum(u => u.Y.Count);
    }

    public bool Ar1 { get; }

    public LikelihoodMethod Method { get; }

    /// <summary>Fixed-effect columns.</summary>
    public int P { get; }

    /// <summary>Random-effect columns.</summary>
    public int Q { get; }

    /// <summary>Observations.</summary>
    public int N { get; }

    /// <summary>The divisor of sigma^2: N - p for REML, N for ML.</summary>
    public int M => Method == LikelihoodMethod.Reml ? N - P : N;

    public IReadOnlyList<MixedUnit> Units => _units;

    /// <summary>The profiled fit at (L, phi), with the units' predictions when asked; null when a matrix is not numerically positive definite.</summary>
    public Evaluation? Evaluate(Matrix<double> factor, double phi, bool predictions = false)
    {
        var a = Matrix<double>.Build.Dense(P, P);
        var c = Vector<double>.Build.Dense(P);
        double logDet = 0;
        var whitened = new (Matrix<double> X, Vector<double> Y, Matrix<double> W, MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> M)[_units.Length];
        try
        {
            for (int i = 0; i < _units.Length; i++)
            {
                var u = _units[i];
                var (x, z, y, logDetLambda) = Whiten(u, phi);
                var w = z * factor;
                var m = w.TransposeThisAndMultiply(w) + Matrix<double>.Build.DenseIdentity(Q);
                var cm = m.Cholesky();
                var wx = w.TransposeThisAndMultiply(x);
                var wy = w.TransposeThisAndMultiply(y);
                a += x.TransposeThisAndMultiply(x) - wx.TransposeThisAndMultiply(cm.Solve(wx));
                c += x.TransposeThisAndMultiply(y) - wx.TransposeThisAndMultiply(cm.Solve(wy));
                logDet += logDetLambda + cm.DeterminantLn;
                whitened[i] = (x, y, w, cm);
            }
            var ca = a.Cholesky();
            var beta = ca.Solve(c);
            // The quadratic form from the residuals themselves (not y'V^-1y - c'beta), which cancels digits.
            double rss = 0;
            var blups = new Vector<double>[_units.Length];
            var conditional = new Matrix<double>[_units.Length];
            foreach (var (i, (x, y, w, cm)) in whitened.Index())
            {
                var r = y - x * beta;
                var wr = w.TransposeThisAndMultiply(r);
                var mwr = cm.Solve(wr);
                rss += r.DotProduct(r) - wr.DotProduct(mwr);
                if (!predictions) continue;
                blups[i] = factor * mwr;
                conditional[i] = factor * cm.Solve(factor.Transpose());
            }
            if (!(rss > 0) || !double.IsFinite(logDet)) return null;
            return new Evaluation(this, beta, ca.Solve(Matrix<double>.Build.DenseIdentity(P)), rss, logDet, ca.DeterminantLn, blups, conditional);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // The unit's rows premultiplied by P (P' P = Lambda^-1): x*_0 = x_0 and, for a row d periods after
    // the one before, (x_k - phi^d x_{k-1}) / sqrt(1 - phi^2d); log |Lambda| = sum log(1 - phi^2d).
    private (Matrix<double> X, Matrix<double> Z, Vector<double> Y, double LogDet) Whiten(MixedUnit u, double phi)
    {
        if (!Ar1 || phi == 0) return (u.X, u.Z, u.Y, 0);
        int n = u.Y.Count;
        var x = u.X.Clone();
        var z = u.Z.Clone();
        var y = u.Y.Clone();
        double logDet = 0;
        for (int k = n - 1; k >= 1; k--)
        {
            double rho = Math.Pow(phi, u.Time[k] - u.Time[k - 1]);
            double s = Math.Sqrt(1 - rho * rho);
            logDet += 2 * Math.Log(s);
            for (int j = 0; j < x.ColumnCount; j++) x[k, j] = (x[k, j] - rho * x[k - 1, j]) / s;
            for (int j = 0; j < z.ColumnCount; j++) z[k, j] = (z[k, j] - rho * z[k - 1, j]) / s;
            y[k] = (y[k] - rho * y[k - 1]) / s;
        }
        return (x, z, y, logDet);
    }

    /// <summary>The profiled quantities at one (L, phi).</summary>
    /// <param name="Problem">The likelihood evaluated.</param>
    /// <param name="Beta">GLS estimate of the fixed effects.</param>
    /// <param name="Unscaled">(X' V^-1 X)^-1, V relative to sigma^2.</param>
    /// <param name="Rss">r' V^-1 r at beta.</param>
    /// <param name="LogDetV">sum of log |V_i|.</param>
    /// <param name="LogDetInformation">log |X' V^-1 X|.</param>
    /// <param name="Blups">The units' predicted random effects, Psi Z_i' V_i^-1 r_i (null entries without predictions).</param>
    /// <param name="Conditional">Their conditional covariances given y, relative to sigma^2: L M_i^-1 L' (null entries without predictions).</param>
    internal sealed record Evaluation(MixedLikelihood Problem, Vector<double> Beta, Matrix<double> Unscaled, double Rss, double LogDetV,
        double LogDetInformation, Vector<double>[] Blups, Matrix<double>[] Conditional)
    {
        /// <summary>
        /// The log-likelihood at sigma^2, as nlme's <c>logLik(lme)</c>:
        /// -1/2 [m log(2 pi sigma^2) + log |V| + RSS / sigma^2 (+ log |X' V^-1 X| for REML)], m = N - p for REML, N for ML.
        /// </summary>
        public double LogLikelihood(double sigma2) =>
            -0.5 * (Problem.M * Math.Log(2 * Math.PI * sigma2) + LogDetV + Rss / sigma2
                + (Problem.Method == LikelihoodMethod.Reml ? LogDetInformation : 0));

        /// <summary>The profiled sigma^2 = RSS / m.</summary>
        public double Sigma2 => Rss / Problem.M;
    }
}
