using System.Globalization;
using Its.Reporting;
using Its.Results;

namespace Sanming;

/// <summary>How the study's tables write their numbers: two decimals, percents with their CIs.</summary>
internal static class StudyFormat
{
    // Rounded before formatting so that -0.004 prints as 0.00, not -0.00.
    public static string F(double x) => (Math.Round(x, 2) + 0.0).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A log-scale coefficient as a percent with its CI, 100(exp(b) - 1).</summary>
    public static string Percent(Coefficient c) => $"{F(LogScale.Percent(c.Estimate))} ({F(LogScale.Percent(c.Ci.Lower))} to {F(LogScale.Percent(c.Ci.Upper))})";

    /// <summary>A coefficient on its own scale with its CI.</summary>
    public static string Plain(Coefficient c) => $"{F(c.Estimate)} ({F(c.Ci.Lower)} to {F(c.Ci.Upper)})";

    /// <summary>The pre-period slope, level change and slope change, each written by <paramref name="write"/> and followed by its p value.</summary>
    public static IEnumerable<string> ChangeCells(ItsResult result, Func<Coefficient, string> write) =>
        new[] { "time", "level1", "slope1" }.SelectMany(t => new[] { write(result[t]), NumberFormat.PValue(result[t].PValue) });
}
