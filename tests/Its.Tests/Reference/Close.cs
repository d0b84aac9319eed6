using Xunit.Sdk;

namespace Its.Tests.Reference;

/// <summary>Comparison of a computed number with a reference number at a stated relative tolerance.</summary>
public static class Close
{
    /// <summary>
    /// Asserts |actual - expected| &lt;= rtol * max(|expected|, floor). The floor keeps numbers that are
    /// zero up to rounding (an intercept's ACF-like quantities, a p value of 1e-12) from demanding
    /// more digits than the reference printed; it is the same small absolute scale for every field.
    /// </summary>
    public static void Equal(double expected, double actual, double rtol, string what, double floor = 1e-6)
    {
        double tolerance = rtol * Math.Max(Math.Abs(expected), floor);
        if (!(Math.Abs(actual - expected) <= tolerance))
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):G3}, allowed {tolerance:G3})");
    }
}
