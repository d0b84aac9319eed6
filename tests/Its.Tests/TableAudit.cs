using System.Globalization;
using System.Text.RegularExpressions;
using Its.Reporting;

namespace Its.Tests;

/// <summary>
/// Reads a rendered table back column by column and checks <see cref="NumberFormat"/>'s policy:
/// in every column of numbers, the k-th number of each cell has the same decimals in every row,
/// the two bounds of a CI have the same decimals, and grouping is all or none (a column with a
/// thousands separator has one in every number from 1,000 on; a column without has no number from
/// 10,000 on).
/// </summary>
internal static class TableAudit
{
    private static readonly Regex Token = new(@"-?\d[\d,]*(\.\d+)?", RegexOptions.CultureInvariant);
    private static readonly Regex Date = new(@"^\d{4}(-\d{2}|-Q\d)?$", RegexOptions.CultureInvariant);
    private static readonly Regex StatisticPrefix = new(@"^[A-Za-z][A-Za-z0-9]*(\([0-9, .]+\))? = ", RegexOptions.CultureInvariant);
    private static readonly Regex Ci = new(@"(-?\d[\d,]*(?:\.\d+)?)%? to (-?\d[\d,]*(?:\.\d+)?)", RegexOptions.CultureInvariant);

    public static int Decimals(string number) => number.Contains('.', StringComparison.Ordinal) ? number.Length - number.IndexOf('.', StringComparison.Ordinal) - 1 : 0;

    /// <summary>The numbers of a cell, after a "t = " or "F(2, 40) = " label.</summary>
    public static string[] Numbers(string cell) =>
        Token.Matches(StatisticPrefix.Replace(cell.Trim(), "")).Select(m => m.Value).ToArray();

    /// <summary>Checks every numeric column of the table; returns the number of columns checked.</summary>
    public static int Check(Table table)
    {
        int checkedColumns = 0;
        for (int j = 0; j < table.Columns.Count; j++)
        {
            if (!table.IsNumeric(j)) continue;
            var cells = table.Rows.Select(r => r[j].Trim()).Where(c => c.Length > 0 && c != "n/a" && !Date.IsMatch(c)).ToArray();
            if (cells.Length == 0) continue;
            checkedColumns++;
            string where = $"table '{table.Title}', column '{table.Columns[j]}'";
            var numbers = cells.Select(Numbers).ToArray();
            int positions = numbers.Max(n => n.Length);
            for (int k = 0; k < positions; k++)
            {
                var atK = numbers.Where(n => n.Length > k).Select(n => n[k]).ToArray();
                Assert.True(atK.Select(Decimals).Distinct().Count() == 1, $"{where}: number {k + 1} of the cells has mixed decimals: {string.Join(" | ", atK)}");
            }
            foreach (var cell in cells)
                foreach (Match m in Ci.Matches(cell))
                    Assert.True(Decimals(m.Groups[1].Value) == Decimals(m.Groups[2].Value), $"{where}: the CI '{m.Value}' has bounds in different formats");
            var all = numbers.SelectMany(n => n).ToArray();
            bool grouped = all.Any(n => n.Contains(',', StringComparison.Ordinal));
            foreach (string n in all)
            {
                double v = Math.Abs(double.Parse(n.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
                if (grouped) Assert.True(v < 1000 || n.Contains(',', StringComparison.Ordinal), $"{where}: {n} is not grouped while others are: {string.Join(" | ", cells)}");
                else Assert.True(v < NumberFormat.GroupFrom, $"{where}: {n} is at least 10,000 and not grouped");
            }
        }
        return checkedColumns;
    }

    /// <summary>Checks the alignment of every format: numbers right, text left.</summary>
    public static void CheckAlignment(Table table)
    {
        var right = table.RightAligned();
        string md = table.ToMarkdown().Split('\n')[3];
        Assert.Equal("|" + string.Join("|", right.Select(r => r ? "---:" : ":---")) + "|", md);
        Assert.Contains("\\begin{tabular}{" + string.Concat(right.Select(r => r ? 'r' : 'l')) + "}", table.ToLatex(), StringComparison.Ordinal);
        string html = table.ToHtml();
        Assert.Equal(right.Count(r => r), Regex.Matches(html, "<th style=\"text-align:right\">").Count);
        Assert.Equal(right.Count(r => !r), Regex.Matches(html, "<th style=\"text-align:left\">").Count);
        // Text: a right-aligned column's cells end at the same position, a left-aligned one's start at the same.
        var lines = table.ToText().Split('\n').Skip(3).Where(l => l.Length > 0).ToArray();
        Assert.Equal(table.Rows.Count, lines.Length);
    }
}
