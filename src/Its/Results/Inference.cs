using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Results;

/// <summary>A closed interval [Lower, Upper].</summary>
/// <param name="Lower">Lower end.</param>
/// <param name="Upper">Upper end.</param>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>Applies an increasing function to both ends.</summary>
    public Interval Map(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f(Lower), f(Upper));
    }
}

/// <summary>One row of a coefficient table, with t inference on <paramref name="Df"/> degrees of freedom, or z when it is null.</summary>
/// <param name="Term">Term name (<c>intercept</c>, <c>time</c>, <c>level1</c>, ...).</param>
/// <param name="Estimate">Coefficient.</param>
/// <param name="StdError">Standard error under the fit's error model.</param>
/// <param name="Statistic">t (or z) = estimate / standard error.</param>
/// <param name="Df">Degrees of freedom of the t distribution; null for Wald z inference.</param>
/// <param name="PValue">Two-sided p value.</param>
/// <param name="Ci">95% confidence interval, estimate +/- t(0.975, df) SE (or z(0.975) SE).</param>
public sealed record Coefficient(string Term, double Estimate, double StdError, double Statistic, double? Df, double PValue, Interval Ci);

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
        Critical = df is { } d ? CriticalValue.T(d) : Normal.InvCDF(0, 1, 0.975);
    }

    public int? Df { get; }

    /// <summary>t(0.975, df) or z(0.975).</summary>
    public double Critical { get; }

    public double Estimate(Vector<double> g) => g.DotProduct(_b);

    public double StdError(Vector<double> g) => Math.Sqrt(Math.Max(0, g.DotProduct(_v * g)));

    public Interval Ci(double estimate, double se) => new(estimate - Critical * se, estimate + Critical * se);

    public double PValue(double t) => 2 * (Df is { } d ? StudentT.CDF(0, 1, d, -Math.Abs(t)) : Normal.CDF(0, 1, -Math.Abs(t)));

    public Coefficient Coefficient(string term, int j)
    {
        double est = _b[j], se = Math.Sqrt(_v[j, j]), t = est / se;
        return new Coefficient(term, est, se, t, Df, PValue(t), Ci(est, se));
    }

    /// <summary>A coefficient tested on its own (e.g. Satterthwaite) degrees of freedom.</summary>
    public Coefficient Coefficient(string term, int j, double df)
    {
        double est = _b[j], se = Math.Sqrt(_v[j, j]), t = est / se, q = CriticalValue.T(df);
        return new Coefficient(term, est, se, t, df, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)), new Interval(est - q * se, est + q * se));
    }
}

/// <summary>Reading coefficients of a log-outcome model.</summary>
public static class LogScale
{
    /// <summary>Whether the model's coefficients are on a log scale: a log outcome or a count family's log link.</summary>
    public static bool Applies(Model.ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Transform == Model.OutcomeTransform.Log || Model.FamilyNames.IsCount(spec.Family);
    }

    /// <summary>100 (exp(b) - 1): the percent change that a change of b in log units means.</summary>
    public static double Percent(double logChange) => 100 * (Math.Exp(logChange) - 1);
}

/// <summary>Two-sided 95% critical values.</summary>
public static class CriticalValue
{
    /// <summary>
    /// t(0.975, df) for any positive df, including the fractional ones of Satterthwaite: MathNet's
    /// root finder gives up for very small df, where the quantile is huge, so the answer is then
    /// found by bisection on the CDF in log space.
    /// </summary>
    public static double T(double df)
    {
        if (!(df > 0)) throw new ArgumentOutOfRangeException(nameof(df), df, "degrees of freedom must be positive");
        if (df > 1e5)
        {
            // Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5): error O(df^-4), below
            // 1e-20 here, where MathNet's t CDF has lost digits.
            double z = Normal.InvCDF(0, 1, 0.975), z2 = z * z;
            return z + z * (z2 + 1) / (4 * df) + z * ((5 * z2 + 16) * z2 + 3) / (96 * df * df)
                + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * df * df * df);
        }
        double q;
        try
        {
            q = StudentT.InvCDF(0, 1, df, 0.975);
        }
        catch (MathNet.Numerics.NonConvergenceException)
        {
            double lo = 0, hi = 1;
            while (StudentT.CDF(0, 1, df, hi) < 0.975 && hi < 1e300) { lo = hi; hi *= 16; }
            for (int i = 0; i < 2000 && hi - lo > 1e-12 * hi; i++)
            {
                double mid = lo < 1 ? (lo + hi) / 2 : Math.Sqrt(lo * hi);
                if (StudentT.CDF(0, 1, df, mid) < 0.975) lo = mid; else hi = mid;
            }
            return hi;
        }
        // MathNet's root finder stops near 1e-9 relative; Newton steps on the CDF finish the job.
        for (int i = 0; i < 3; i++) q -= (StudentT.CDF(0, 1, df, q) - 0.975) / StudentT.PDF(0, 1, df, q);
        return q;
    }

}
