using Its.Diagnostics;

namespace Its.Robustness;

/// <summary>
/// Asymptotic p values of the sup-F (Andrews 1993) test for one break at an unknown date, by the
/// response-surface approximation of Hansen (1997), exactly as R <c>strucchange:::pvalue.Fstats(x,
/// type = "supF", k, lambda)</c> computes them.
/// </summary>
/// <remarks>
/// Andrews DWK. Tests for parameter instability and structural change with unknown change point.
/// <i>Econometrica</i> 1993;61(4):821-856. Hansen BE. Approximate asymptotic p values for
/// structural-change tests. <i>Journal of Business &amp; Economic Statistics</i> 1997;15(1):60-67.
/// </remarks>
public static class SupFPValue
{
    /// <summary>The largest number of restrictions <see cref="Hansen"/> has coefficients for.</summary>
    public const int MaxRestrictions = 2;

    /// <summary>
    /// P(sup F &gt; <paramref name="statistic"/>) under no break, for <paramref name="restrictions"/>
    /// coefficients that break and the trimming <paramref name="lambda"/>.
    /// </summary>
    /// <param name="statistic">The sup F, on strucchange's scale (not divided by the restrictions).</param>
    /// <param name="restrictions">Number of coefficients that break, 1 or 2.</param>
    /// <param name="lambda">((n - from) to) / (from (n - to)) of the candidate range, as strucchange's <c>Fstats</c>.</param>
    /// <returns>
    /// With tau = lambda when lambda &lt; 1, else 1 / (1 + sqrt(lambda)) (the trimmed share: tau = pi0
    /// for a symmetric trim pi0), the upper chi-square tail P(chi2(c) &gt; max(0, a + b x)) of the row of
    /// Hansen's table for tau, interpolated linearly between rows tau = 0.01, 0.03, ..., 0.49; at tau =
    /// 0.5 (a single candidate) the chi-square(restrictions) tail, between 0.49 and 0.5 interpolated
    /// towards it. The tails are computed directly where strucchange takes 1 - pchisq, so p values
    /// below about 1e-8 keep their digits here and strucchange's are 0 below 1e-16.
    /// </returns>
    public static double Hansen(double statistic, int restrictions, double lambda)
    {
        if (!double.IsFinite(statistic)) throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "the statistic must be a finite number");
        if (restrictions is < 1 or > MaxRestrictions)
            throw new ArgumentOutOfRangeException(nameof(restrictions), restrictions, $"Hansen's coefficients are embedded for 1 to {MaxRestrictions} restrictions");
        if (!(lambda > 0) || !double.IsFinite(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be positive");
        var rows = SupFCoefficients[restrictions - 1];
        double Row(int row)
        {
            var (a, b, df) = rows[row - 1];
            return UpperTail.ChiSquare(df, Math.Max(0, a + b * statistic));
        }
        // The branches and their arithmetic are strucchange's, so that the interpolation weights agree to the last bit.
        double tau = lambda < 1 ? lambda : 1 / (1 + Math.Sqrt(lambda));
        if (tau == 0.5) return UpperTail.ChiSquare(restrictions, statistic);
        if (tau <= 0.01) return Row(25);
        if (tau >= 0.49) return ((0.5 - tau) * Row(1) + (tau - 0.49) * UpperTail.ChiSquare(restrictions, statistic)) * 100;
        double taua = (0.51 - tau) * 50;
        int tau1 = (int)Math.Floor(taua);
        return (tau1 + 1 - taua) * Row(tau1) + (taua - tau1) * Row(tau1 + 1);
    }

    // Hansen (1997) supF response surface, as strucchange's sc.beta.sup (rows 1-25 for k = 1,
    // 26-50 for k = 2): for rows tau = 0.49, 0.47, ..., 0.01, the coefficients a, b of
    // a + b x and the chi-square df c.
    private static readonly (double A, double B, double Df)[][] SupFCoefficients =
    [
        [
            (-0.06484670, 0.99671156, 1.25732410), (-0.15305667, 0.96757645, 1.43651315), (-0.23071675, 0.95825013, 1.56531261),
            (-0.29247661, 0.95715782, 1.68851898), (-0.35706588, 0.95237505, 1.77889686), (-0.40514715, 0.96055795, 1.89761322),
            (-0.45248386, 0.95810999, 1.98370422), (-0.50458517, 0.96149538, 2.07086519), (-0.55009159, 0.96684273, 2.17244338),
            (-0.60241623, 0.96518399, 2.23509053), (-0.64308746, 0.97354902, 2.33722161), (-0.68833676, 0.97829106, 2.42776524),
            (-0.73136161, 0.98206870, 2.50833918), (-0.78078198, 0.99475319, 2.62095510), (-0.82894221, 1.00023473, 2.70286643),
            (-0.88430133, 1.00162529, 2.77835798), (-0.94992650, 1.00384268, 2.84325795), (-0.98828874, 1.01604712, 2.96752918),
            (-1.04892713, 1.02570939, 3.08442682), (-1.11527783, 1.03526033, 3.19770394), (-1.14992644, 1.06643436, 3.44739573),
            (-1.24010871, 1.06929468, 3.54993605), (-1.38522113, 1.06808543, 3.61667211), (-1.48296473, 1.12839690, 4.07202473),
            (-1.78738608, 1.17220925, 4.47267010),
        ],
        [
            (-0.03933112, 0.99525784, 2.44239332), (-0.14650989, 0.99386540, 2.78837829), (-0.28765583, 0.98139359, 2.93724618),
            (-0.35528752, 0.99427390, 3.18187129), (-0.49538961, 0.96923268, 3.19484388), (-0.58780544, 0.97339124, 3.32763253),
            (-0.66900489, 0.97444133, 3.44170617), (-0.77825803, 0.96678414, 3.48652761), (-0.87260977, 0.97626434, 3.61709836),
            (-0.96782445, 0.97636983, 3.67795020), (-1.07358977, 0.97407744, 3.71945379), (-1.12531079, 0.99897105, 3.95114475),
            (-1.16041007, 1.01629918, 4.14932643), (-1.29757970, 1.01526800, 4.17103882), (-1.36743697, 1.03004743, 4.32238040),
            (-1.43012785, 1.05139461, 4.53836755), (-1.53311747, 1.05280599, 4.61175851), (-1.65273586, 1.05932633, 4.69340428),
            (-1.79350728, 1.04936541, 4.68380985), (-1.91177470, 1.05884590, 4.80733540), (-2.02659329, 1.07200268, 4.97772701),
            (-2.18499383, 1.08674781, 5.14231666), (-2.37658580, 1.11342895, 5.40268693), (-2.51267262, 1.15305027, 5.88573096),
            (-3.05559851, 1.17629253, 6.11067794),
        ],
    ];
}
