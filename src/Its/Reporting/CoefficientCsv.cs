using System.Globalization;
using Its.Results;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// Machine-readable coefficient rows for CSV output: long form, one coefficient per row after the
/// columns that identify it, every number at full precision and each CI limit in its own column.
/// </summary>
public static class CoefficientCsv
{
    /// <summary>The inference columns, after the identifying ones.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["estimate", "std_error", "statistic", "df", "p_value", "ci_lower", "ci_upper"];

    /// <summary>The inference cells of a coefficient.</summary>
    public static IReadOnlyList<string> Cells(Coefficient c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return [Exact(c.Estimate), Exact(c.StdError), Exact(c.Statistic), Df(c.Df), Exact(c.PValue), Exact(c.Ci.Lower), Exact(c.Ci.Upper)];
    }

    /// <summary>Empty inference cells, for a row without a coefficient.</summary>
    public static IReadOnlyList<string> Empty { get; } = ["", "", "", "", "", "", ""];

    /// <summary>A table of identifying columns followed by the inference columns, as CSV.</summary>
    public static string Render(IReadOnlyList<string> keys, IEnumerable<(IReadOnlyList<string> Keys, IReadOnlyList<string> Cells)> rows, IReadOnlyList<string>? extra = null) =>
        new Table("", [.. keys, .. Columns, .. extra ?? []], rows.Select(r => (IReadOnlyList<string>)[.. r.Keys, .. r.Cells]).ToArray()).ToCsv();

    /// <summary>Degrees of freedom as written in CSV: empty for z inference, whole numbers without decimals.</summary>
    public static string Df(double? df) => df is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
}
