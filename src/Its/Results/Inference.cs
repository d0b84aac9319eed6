using Its.Diagnostics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Results;

/// <summary>Inference for linear combinations of coefficients: t on <c>Df</c> degrees of freedom, or z when it is null.</summary>
internal sealed class Inference
{
    private readonly Vector<double> _b;
    private readonly Matrix<double> _v;

    public Inference(Vector<double> b, Matrix<double> v, int? df)
    {
        _b = b;
        _v = v;
        Df = df;
        Critical = df is { } d ? CriticalValue.T(d) : CriticalValue.Z(0.95);
    }

    public int? Df { get; }

    /// <summary>t(0.975, df) or z(0.975).</summary>
    public double Critical { get; }

    public double Estimate(Vector<double> g) => g.DotProduct(_b);

    /// <summary>The estimate of coefficient j.</summary>
    public double Estimate(int j) => _b[j];

    public double StdError(Vector<double> g) => Math.Sqrt(Math.Max(0, g.DotProduct(_v * g)));

    public Interval Ci(double estimate, double se) => new(estimate - Critical * se, estimate + Critical * se);

    public double PValue(double t) => 2 * (Df is { } d ? StudentT.CDF(0, 1, d, -Math.Abs(t)) : Normal.CDF(0, 1, -Math.Abs(t)));

    public Coefficient Coefficient(string term, int j) => Row(term, _b[j], Math.Sqrt(_v[j, j]));

    /// <summary>A coefficient tested on its own (e.g. Satterthwaite) degrees of freedom.</summary>
    public Coefficient Coefficient(string term, int j, double df) =>
        Results.Coefficient.TTest(term, _b[j], Math.Sqrt(_v[j, j]), df, CriticalValue.T(df));

    /// <summary>A function of the coefficients with value <paramref name="estimate"/> and gradient <paramref name="gradient"/> in them, by the delta method.</summary>
    public Coefficient Delta(string label, double estimate, Vector<double> gradient) => Row(label, estimate, StdError(gradient));

    /// <summary>A coefficient moved by <paramref name="shift"/>, with its standard error, and tested and bounded anew.</summary>
    public Coefficient Shifted(Coefficient c, double shift) => Row(c.Term, c.Estimate + shift, c.StdError);

    /// <summary>The linear combination g'b with its t (or z) test and 95% CI, labelled <paramref name="label"/>.</summary>
    public Coefficient Contrast(string label, Vector<double> g) => Row(label, Estimate(g), StdError(g));

    /// <summary>
    /// The joint Wald test of the restrictions R b = 0 (one row of R each): W = (Rb)' (R V R')^-1 (Rb),
    /// referred as W / q to F(q, df) under t inference, as W to chi-square(q) under z inference.
    /// </summary>
    /// <exception cref="ArgumentException">The restrictions are linearly dependent (R V R' is singular).</exception>
    public WaldTest Wald(IReadOnlyList<Vector<double>> restrictions)
    {
        var r = Matrix<double>.Build.DenseOfRowVectors(restrictions);
        var rb = r * _b;
        var rvr = r * _v * r.Transpose();
        // A pivot that loses all but 1e-12 of its variance to the restrictions before it means that
        // restriction repeats them (rounding keeps the factorisation from failing outright).
        const string dependent = "the restrictions are linearly dependent (their covariance is singular)";
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try
        {
            cholesky = rvr.Cholesky();
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(dependent, nameof(restrictions));
        }
        for (int i = 0; i < rvr.RowCount; i++)
            if (!(cholesky.Factor[i, i] * cholesky.Factor[i, i] > 1e-12 * rvr[i, i])) throw new ArgumentException(dependent, nameof(restrictions));
        double wald = rb.DotProduct(cholesky.Solve(rb));
        int q = restrictions.Count;
        return Df is { } d
            ? new WaldTest(q, wald / q, d, UpperTail.F(q, d, wald / q))
            : new WaldTest(q, wald, null, UpperTail.ChiSquare(q, wald));
    }

    private Coefficient Row(string term, double est, double se)
    {
        double t = est / se;
        return new Coefficient(term, est, se, t, Df, PValue(t), Ci(est, se));
    }
}

/// <summary>
/// A joint Wald test of q linear restrictions on the coefficients, R b = 0: F = W / q on (q, df)
/// under t inference, chi-square = W on q df under z inference, W = (Rb)' (R V R')^-1 (Rb).
/// </summary>
/// <param name="Restrictions">q, the number of restrictions (the numerator df).</param>
/// <param name="Statistic">F under t inference, chi-square under z inference.</param>
/// <param name="DfResidual">Denominator df of the F test; null for the chi-square test.</param>
/// <param name="PValue">Upper-tail p value.</param>
public sealed record WaldTest(int Restrictions, double Statistic, double? DfResidual, double PValue)
{
    /// <summary>Whether the statistic is F (t inference) rather than chi-square (z inference).</summary>
    public bool IsF => DfResidual is not null;
}

/// <summary>Reading coefficients of a log-outcome model.</summary>
public static class LogScale
{
    /// <summary>
    /// Whether a coefficient of a log-scale model reads as a change in log units (a percent change
    /// or a rate ratio): every term but the intercept and a transfer function's rate.
    /// </summary>
    public static bool IsChange(string term) => term != "intercept" && term != Model.Design.RateTerm;

    /// <summary>Whether the model's coefficients are on a log scale: a log outcome or a count family's log link.</summary>
    public static bool Applies(Model.ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Transform == Model.OutcomeTransform.Log || Model.FamilyNames.IsCount(spec.Family);
    }

    /// <summary>100 (exp(b) - 1): the percent change that a change of b in log units means.</summary>
    public static double Percent(double logChange) => 100 * (Math.Exp(logChange) - 1);

    /// <summary>A log-scale change and its CI read as a percent change, each end mapped by <see cref="Percent(double)"/> (exact, as the map is increasing).</summary>
    public static IntervalEstimate Percent(IntervalEstimate logChange) => new(Percent(logChange.Value), logChange.Ci.Map(Percent));
}

/// <summary>Two-sided critical values: 95% unless a level is given.</summary>
public static class CriticalValue
{
    /// <summary>
    /// t(0.975, df) for any positive df, including the fractional ones of Satterthwaite: MathNet's
    /// root finder gives up for very small df, where the quantile is huge, so the answer is then
    /// found by bisection on the CDF in log space.
    /// </summary>
    public static double T(double df) => T(df, 0.95);

    /// <summary>t((1 + level) / 2, df), the critical value of a two-sided interval at <paramref name="level"/>, as <see cref="T(double)"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="df"/> is not positive, or <paramref name="level"/> is not in (0, 1).</exception>
    public static double T(double df, double level)
    {
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be positive");
        double p = UpperQuantile(level);
        if (df > 1e5)
        {
            // Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5): error O(df^-4), below
            // 1e-20 here, where MathNet's t CDF has lost digits.
            double z = Normal.InvCDF(0, 1, p), z2 = z * z;
            return z + z * (z2 + 1) / (4 * df) + z * ((5 * z2 + 16) * z2 + 3) / (96 * df * df)
                + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * df * df * df);
        }
        double q;
        try
        {
            q = StudentT.InvCDF(0, 1, df, p);
        }
        catch (MathNet.Numerics.NonConvergenceException)
        {
            double lo = 0, hi = 1;
            while (StudentT.CDF(0, 1, df, hi) < p && hi < 1e300) { lo = hi; hi *= 16; }
            for (int i = 0; i < 2000 && hi - lo > 1e-12 * hi; i++)
            {
                double mid = lo < 1 ? (lo + hi) / 2 : Math.Sqrt(lo * hi);
                if (StudentT.CDF(0, 1, df, mid) < p) lo = mid; else hi = mid;
            }
            return hi;
        }
        // MathNet's root finder stops near 1e-9 relative; Newton steps on the CDF finish the job.
        for (int i = 0; i < 3; i++) q -= (StudentT.CDF(0, 1, df, q) - p) / StudentT.PDF(0, 1, df, q);
        return q;
    }

    /// <summary>z((1 + level) / 2), the normal critical value of a two-sided interval at <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not in (0, 1).</exception>
    public static double Z(double level) => Normal.InvCDF(0, 1, UpperQuantile(level));

    // (1 + level) / 2 is exactly 0.975 at level 0.95.
    private static double UpperQuantile(double level) => level is > 0 and < 1
        ? (1 + level) / 2
        : throw new ArgumentOutOfRangeException(nameof(level), level, "the confidence level must be between 0 and 1 (0.95 for 95%)");

}

/// <summary>Contrasts and joint Wald tests on a fit's coefficient table and covariance.</summary>
internal static class LinearHypotheses
{
    public static Coefficient Contrast(CoefficientTable table, CovarianceMatrix covariance, int? df, IReadOnlyList<(string Term, double Weight)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("a contrast needs at least one (term, weight)", nameof(weights));
        return Of(table, covariance, df).Contrast(Label(weights), Row(table, weights));
    }

    public static WaldTest Wald(CoefficientTable table, CovarianceMatrix covariance, int? df, IReadOnlyList<IReadOnlyList<(string Term, double Weight)>> restrictions)
    {
        ArgumentNullException.ThrowIfNull(restrictions);
        if (restrictions.Count == 0) throw new ArgumentException("a Wald test needs at least one restriction", nameof(restrictions));
        if (restrictions.Any(r => r is null || r.Count == 0)) throw new ArgumentException("every restriction needs at least one (term, weight)", nameof(restrictions));
        return Of(table, covariance, df).Wald(restrictions.Select(r => Row(table, r)).ToArray());
    }

    /// <summary>The restrictions b_j = 0, one per term.</summary>
    public static IReadOnlyList<(string Term, double Weight)>[] EachZero(string[] terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return terms.Select(t => (IReadOnlyList<(string, double)>)[(t, 1.0)]).ToArray();
    }

    private static Inference Of(CoefficientTable table, CovarianceMatrix covariance, int? df) =>
        new(Vector<double>.Build.DenseOfEnumerable(table.Select(c => c.Estimate)), covariance.ToMatrix(), df);

    // The weights as a row over the table's terms; a term named twice adds its weights.
    private static Vector<double> Row(CoefficientTable table, IReadOnlyList<(string Term, double Weight)> weights)
    {
        var g = Vector<double>.Build.Dense(table.Count);
        foreach (var (term, weight) in weights)
        {
            if (!double.IsFinite(weight)) throw new ArgumentException($"the weight of {term} is {weight}, not a finite number", nameof(weights));
            g[table.IndexOf(term) is >= 0 and var j ? j : throw new KeyNotFoundException($"no term {term} in the model (its terms: {string.Join(", ", table.Terms)})")] += weight;
        }
        return g;
    }

    // "time + slope1", "level1 + 12 slope1", "level1 - slope1".
    private static string Label(IReadOnlyList<(string Term, double Weight)> weights) =>
        string.Concat(weights.Select((w, i) =>
        {
            string sign = w.Weight < 0 ? (i == 0 ? "-" : " - ") : (i == 0 ? "" : " + ");
            double size = Math.Abs(w.Weight);
            return sign + (size == 1 ? "" : size.ToString("G", System.Globalization.CultureInfo.InvariantCulture) + " ") + w.Term;
        }));
}
