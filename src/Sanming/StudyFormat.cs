using Its.Reporting;
using Its.Results;

namespace Sanming;

/// <summary>
/// How the study's tables write their numbers, by <see cref="NumberFormat"/>'s policy: percents and
/// percentage points to two decimals with their CIs, p values, test statistics to two decimals,
/// counts and money as grouped integers.
/// </summary>
internal static class StudyFormat
{
    /// <summary>A percent or percentage point, two decimals (-0.004 prints as 0.00, not -0.00).</summary>
    public static string F(double x) => NumberFormat.Percent(x);

    /// <summary>A test statistic or correlation, two decimals.</summary>
    public static string S(double x) => NumberFormat.Statistic(x);

    /// <summary>A count or an amount of money: an integer with thousands separators.</summary>
    public static string N(double x) => NumberFormat.Count(x);

    /// <summary>A log-scale coefficient as a percent with its CI, 100(exp(b) - 1).</summary>
    public static string Percent(Coefficient c) => Percent(c.PercentChange);

    /// <summary>A percent with its CI, both already on the percent scale: <c>-1.83 (-2.08 to -1.58)</c>.</summary>
    public static string Percent(IntervalEstimate percent) => $"{F(percent.Value)} ({F(percent.Ci.Lower)} to {F(percent.Ci.Upper)})";

    /// <summary>A coefficient on its own scale with its CI.</summary>
    public static string Plain(Coefficient c) => $"{F(c.Estimate)} ({F(c.Ci.Lower)} to {F(c.Ci.Upper)})";

    /// <summary>The pre-period slope, level change and slope change, each written by <paramref name="write"/> and followed by its p value.</summary>
    public static IEnumerable<string> ChangeCells(ItsResult result, Func<Coefficient, string> write) =>
        new[] { "time", "level1", "slope1" }.SelectMany(t => new[] { write(result[t]), NumberFormat.PValue(result[t].PValue) });
}
