using MathNet.Numerics;

namespace Its.Diagnostics;

/// <summary>Upper-tail probabilities computed directly, not as 1 - CDF, so small p values keep their digits.</summary>
internal static class UpperTail
{
    /// <summary>P(X > x) for X chi-square with <paramref name="df"/> df: Q(df/2, x/2).</summary>
    public static double ChiSquare(double df, double x) => x <= 0 ? 1 : SpecialFunctions.GammaUpperRegularized(df / 2, x / 2);

    /// <summary>P(X > x) for X ~ F(d1, d2): I_{d2/(d2 + d1 x)}(d2/2, d1/2).</summary>
    public static double F(double d1, double d2, double x) =>
        x <= 0 ? 1 : SpecialFunctions.BetaRegularized(d2 / 2, d1 / 2, d2 / (d2 + d1 * x));
}
