using System.Globalization;
using Its.Results;

namespace Its.Reporting;

/// <summary>
/// The one policy for writing numbers in the kit's text, Markdown, HTML and LaTeX tables (CSV and
/// JSON keep full precision, <see cref="Exact"/>). A column never mixes formats: its format is
/// chosen once from all its values (a <see cref="ColumnFormat"/>) and every value of the column,
/// CI bounds included, is written with it.
/// <list type="bullet">
/// <item><description>Estimates with standard errors (coefficients, differences, trends, absolute
/// effects), their SEs and CI bounds: the decimals that show <see cref="SignificantDigits"/> (4)
/// significant digits of the smallest nonzero standard error of the column, at most
/// <see cref="MaxDecimals"/> (6), so that each estimate is given to the precision of its SE
/// (<see cref="Estimates"/>).</description></item>
/// <item><description>Other measured values (quantiles, means, SDs, F statistics of a search):
/// the decimals that show 4 significant digits of the column's median nonzero |x|, at most 6
/// (<see cref="Column"/>).</description></item>
/// <item><description>Grouping: every number of a column is written with thousands separators
/// when any of its |x| is at least 10,000 (<see cref="GroupFrom"/>), none otherwise.</description></item>
/// <item><description>A CI is "lower to upper", both bounds in the column's format.</description></item>
/// <item><description>p values: "&lt;0.001", else three decimals (<see cref="PValue"/>).</description></item>
/// <item><description>Percents (percent change, relative change, shares): two decimals
/// (<see cref="Percents"/>, <see cref="Percent"/>).</description></item>
/// <item><description>Counts and money (fitted values, counterfactuals and absolute effects of
/// count models, or of any column whose median |x| is at least 1,000; n, units): integers with
/// thousands separators (<see cref="Counts"/>, <see cref="Measured"/>).</description></item>
/// <item><description>Rate ratios exp(b): four decimals (<see cref="RateRatios"/>).</description></item>
/// <item><description>Test statistics (t, z, F, chi-square, Durbin-Watson, Q) and correlations:
/// two decimals (<see cref="Statistic"/>).</description></item>
/// </list>
/// A value that rounds to zero is written without a minus sign; a value that is not finite is "n/a".
/// Single numbers in sentences use <see cref="Number"/> (4 significant digits).
/// </summary>
public static class NumberFormat
{
    /// <summary>Significant digits of estimates and measured values.</summary>
    public const int SignificantDigits = 4;

    /// <summary>The most decimals a column gets.</summary>
    public const int MaxDecimals = 6;

    /// <summary>Decimals of percents.</summary>
    public const int PercentDecimals = 2;

    /// <summary>Decimals of rate ratios.</summary>
    public const int RateRatioDecimals = 4;

    /// <summary>Decimals of test statistics and correlations.</summary>
    public const int StatisticDecimals = 2;

    /// <summary>A column with any |x| at least this large is grouped in thousands throughout.</summary>
    public const double GroupFrom = 10_000;

    /// <summary>A column of measured values whose median |x| is at least this large is written as integers (<see cref="Measured"/>).</summary>
    public const double IntegersFrom = 1_000;

    /// <summary>
    /// The format of a column of estimates, their standard errors and CI bounds: the decimals that
    /// show 4 significant digits of the smallest nonzero standard error (at most 6), grouped when
    /// any value is at least 10,000 in absolute value.
    /// </summary>
    /// <param name="standardErrors">The standard errors of the column's estimates.</param>
    /// <param name="values">Every value the column writes (estimates, SEs, CI bounds).</param>
    public static ColumnFormat Estimates(IEnumerable<double> standardErrors, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(standardErrors);
        ArgumentNullException.ThrowIfNull(values);
        var ses = Magnitudes(standardErrors);
        var all = Magnitudes(values);
        double reference = ses.Count > 0 ? ses.Min() : all.Count > 0 ? all.Min() : 1;
        return new ColumnFormat(DecimalsFor(reference), Grouped(all));
    }

    /// <summary>The format of a column of measured values: 4 significant digits of the median nonzero |x| (at most 6 decimals).</summary>
    public static ColumnFormat Column(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = Magnitudes(values);
        return new ColumnFormat(all.Count > 0 ? DecimalsFor(Median(all)) : 0, Grouped(all));
    }

    /// <summary>
    /// Values in the outcome's units (fitted values, counterfactuals): <see cref="Counts"/> when
    /// <paramref name="counts"/> or the column's median |x| is at least 1,000, else <see cref="Column"/>.
    /// </summary>
    public static ColumnFormat Measured(IEnumerable<double> values, bool counts = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = Magnitudes(values);
        return counts || (all.Count > 0 && Median(all) >= IntegersFrom) ? Counts : Column(all);
    }

    /// <summary>Counts and money: integers with thousands separators.</summary>
    public static ColumnFormat Counts => new(0, true);

    /// <summary>Percents: two decimals, grouped when any |x| is at least 10,000.</summary>
    public static ColumnFormat Percents(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ColumnFormat(PercentDecimals, Grouped(Magnitudes(values)));
    }

    /// <summary>Rate ratios: four decimals.</summary>
    public static ColumnFormat RateRatios => new(RateRatioDecimals, false);

    /// <summary>Test statistics and correlations: two decimals.</summary>
    public static ColumnFormat Statistics => new(StatisticDecimals, false);

    /// <summary>A test statistic (t, z, F, chi-square, d, Q) or a correlation, two decimals.</summary>
    public static string Statistic(double x) => Statistics.Format(x);

    /// <summary>A percent, two decimals (no % sign).</summary>
    public static string Percent(double x) => new ColumnFormat(PercentDecimals, Math.Abs(x) >= GroupFrom).Format(x);

    /// <summary>A count, with thousands separators.</summary>
    public static string Count(double n) => Counts.Format(n);

    /// <summary>A single number in a sentence: 4 significant digits (at most 6 decimals).</summary>
    public static string Number(double x) => Column([x]).Format(x);

    /// <summary>A p value to three decimals, or "&lt;0.001".</summary>
    public static string PValue(double p) => !double.IsFinite(p) ? "n/a" : p < 0.001 ? "<0.001" : (Math.Round(p, 3) + 0.0).ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>"= 0.123" or "&lt; 0.001": a p value to follow "p" in a sentence.</summary>
    public static string PClause(double p) => p < 0.001 ? "< 0.001" : "= " + PValue(p);

    /// <summary>Full round-trip precision, for machine-readable output.</summary>
    public static string Exact(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The decimals that show 4 significant digits of <paramref name="magnitude"/>, between 0 and 6.</summary>
    public static int DecimalsFor(double magnitude)
    {
        if (!(magnitude > 0) || !double.IsFinite(magnitude)) return 0;
        // Round first, so that 9.99996 counts as 10.00.
        double rounded = double.Parse(magnitude.ToString("G" + SignificantDigits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int exponent = (int)Math.Floor(Math.Log10(rounded));
        return Math.Clamp(SignificantDigits - 1 - exponent, 0, MaxDecimals);
    }

    private static List<double> Magnitudes(IEnumerable<double> values) => values.Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToList();

    private static bool Grouped(List<double> magnitudes) => magnitudes.Any(a => a >= GroupFrom);

    private static double Median(List<double> magnitudes)
    {
        var sorted = magnitudes.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>The format of one table column: a fixed number of decimals, with or without thousands separators.</summary>
/// <param name="Decimals">Decimals of every value.</param>
/// <param name="Grouped">Whether thousands are separated by commas.</param>
public readonly record struct ColumnFormat(int Decimals, bool Grouped)
{
    /// <summary>A value in this format; "n/a" when it is not finite; no minus sign on a value that rounds to zero.</summary>
    public string Format(double x)
    {
        if (!double.IsFinite(x)) return "n/a";
        double r = Math.Round(x, Decimals, MidpointRounding.AwayFromZero) + 0.0;
        if (r == 0) r = 0;
        return r.ToString((Grouped ? "N" : "F") + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A CI as "lower to upper", both bounds in this format.</summary>
    public string Ci(Interval ci) => $"{Format(ci.Lower)} to {Format(ci.Upper)}";
}
