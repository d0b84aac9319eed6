using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Its.Reporting;

/// <summary>
/// A titled table of text cells. Columns of numbers are right-aligned and columns of text
/// left-aligned in every format (<see cref="IsNumeric"/>): padded in text, <c>:---</c> and
/// <c>---:</c> in Markdown, <c>l</c> and <c>r</c> in LaTeX, <c>text-align</c> in HTML. Numbers
/// are written by <see cref="NumberFormat"/>'s policy.
/// </summary>
/// <param name="Title">Caption.</param>
/// <param name="Columns">Column headers.</param>
/// <param name="Rows">Cells, one array per row, as long as <paramref name="Columns"/>.</param>
public sealed record Table(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>
    /// Whether column <paramref name="j"/> holds numbers: every nonempty cell is a number, a CI
    /// ("a to b"), a number with its CI or p in parentheses, a rank ("3 of 24"), "n/a", or a
    /// statistic written "t = 1.23" or "F(2, 40) = 3.10"; and at least one cell is not empty.
    /// </summary>
    public bool IsNumeric(int j)
    {
        bool any = false;
        foreach (var row in Rows)
        {
            string cell = row[j];
            if (cell.Length == 0) continue;
            if (!NumericCell(cell)) return false;
            any = true;
        }
        return any;
    }

    /// <summary>Whether each column is right-aligned (<see cref="IsNumeric"/>).</summary>
    public IReadOnlyList<bool> RightAligned() => Columns.Select((_, j) => IsNumeric(j)).ToArray();

    private static readonly Regex StatisticPrefix = new(@"^[A-Za-z][A-Za-z0-9]*(\([0-9, .]+\))? = ", RegexOptions.CultureInvariant);
    private static readonly Regex Words = new(@"\b(to|of|n/a|lag|bound)\b", RegexOptions.CultureInvariant);

    private static bool NumericCell(string cell)
    {
        string s = Words.Replace(StatisticPrefix.Replace(cell.Trim(), ""), "");
        if (s.Any(char.IsLetter)) return false;
        return s.Any(char.IsDigit) || cell.Trim() == "n/a";
    }

    /// <summary>Fixed-width plain text.</summary>
    public string ToText()
    {
        var widths = Columns.Select((c, j) => Rows.Select(r => r[j].Length).Append(c.Length).Max()).ToArray();
        var right = RightAligned();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, j) => right[j] ? c.PadLeft(widths[j]) : c.PadRight(widths[j]))).TrimEnd();
        var sb = new StringBuilder();
        sb.Append(Title).Append('\n');
        sb.Append(Line(Columns)).Append('\n');
        sb.Append(new string('-', widths.Sum() + 2 * (widths.Length - 1))).Append('\n');
        foreach (var row in Rows) sb.Append(Line(row)).Append('\n');
        return sb.ToString();
    }

    /// <summary>A GitHub-flavoured Markdown table under a bold title; cells are HTML-escaped (Markdown passes HTML through) and pipes escaped.</summary>
    public string ToMarkdown()
    {
        static string Cell(string s) => WebUtility.HtmlEncode(s).Replace("|", "\\|", StringComparison.Ordinal);
        var right = RightAligned();
        var sb = new StringBuilder();
        sb.Append("**").Append(Cell(Title)).Append("**\n\n");
        sb.Append("| ").Append(string.Join(" | ", Columns.Select(Cell))).Append(" |\n");
        sb.Append('|').Append(string.Join("|", Columns.Select((_, j) => right[j] ? "---:" : ":---"))).Append("|\n");
        foreach (var row in Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>An HTML table with a caption; every cell is HTML-escaped; headers and cells of a column of numbers are right-aligned, of text left-aligned.</summary>
    public string ToHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var right = RightAligned();
        string Align(int j) => right[j] ? " style=\"text-align:right\"" : " style=\"text-align:left\"";
        var sb = new StringBuilder();
        sb.Append("<table class=\"its-table\">\n<caption>").Append(E(Title)).Append("</caption>\n<thead><tr>");
        for (int j = 0; j < Columns.Count; j++) sb.Append("<th").Append(Align(j)).Append('>').Append(E(Columns[j])).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows)
        {
            sb.Append("<tr>");
            for (int j = 0; j < row.Count; j++)
                sb.Append(right[j] ? "<td style=\"text-align:right\">" : "<td>").Append(E(row[j])).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        return sb.ToString();
    }

    /// <summary>A LaTeX <c>table</c> with <c>booktabs</c> rules; special characters escaped.</summary>
    public string ToLatex()
    {
        var sb = new StringBuilder();
        sb.Append("\\begin{table}[htbp]\n\\centering\n\\caption{").Append(Latex(Title)).Append("}\n");
        sb.Append("\\begin{tabular}{").Append(string.Concat(RightAligned().Select(r => r ? 'r' : 'l'))).Append("}\n\\toprule\n");
        sb.Append(string.Join(" & ", Columns.Select(Latex))).Append(" \\\\\n\\midrule\n");
        foreach (var row in Rows) sb.Append(string.Join(" & ", row.Select(Latex))).Append(" \\\\\n");
        sb.Append("\\bottomrule\n\\end{tabular}\n\\end{table}\n");
        return sb.ToString();
    }

    /// <summary>RFC 4180 CSV with a header row (the title is not written).</summary>
    public string ToCsv()
    {
        static string Cell(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        var sb = new StringBuilder();
        sb.Append(string.Join(",", Columns.Select(Cell))).Append('\n');
        foreach (var row in Rows) sb.Append(string.Join(",", row.Select(Cell))).Append('\n');
        return sb.ToString();
    }

    /// <summary>Escapes the characters LaTeX treats specially.</summary>
    public static string Latex(string s)
    {
        var sb = new StringBuilder();
        foreach (char ch in s)
            sb.Append(ch switch
            {
                '\\' => "\\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + ch,
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                '<' => "\\textless{}",
                '>' => "\\textgreater{}",
                _ => ch.ToString(),
            });
        return sb.ToString();
    }
}
