using Its.Results;

namespace Its.Tests;

/// <summary>t quantiles for any positive df, as R's qt(0.975, df), including the tiny fractional df Satterthwaite can give.</summary>
public sealed class CriticalValueTests
{
    [Theory]
    [InlineData(0.05, 1.19583375854749e+25)]
    [InlineData(0.3, 6.58203569940080e+03)]
    [InlineData(1, 1.27062047361747e+01)]
    [InlineData(2.5, 3.57465484200369e+00)]
    [InlineData(27, 2.05183051648029e+00)]
    [InlineData(2e5, 1.95997584596677e+00)]
    [InlineData(1e8, 1.95996400826277e+00)]
    public void Matches_qt(double df, double expected)
    {
        // R prints 15 digits; the bisection for tiny df stops at 1e-12 relative.
        Assert.Equal(expected, CriticalValue.T(df), expected * 1e-9);
    }
}
