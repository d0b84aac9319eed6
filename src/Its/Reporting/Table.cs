using System.Globalization;
using System.Net;
using System.Text;

namespace Its.Reporting;

/// <summary>A titled table of text cells; the first column is left-aligned, the others right-aligned.</summary>
/// <param name="Title">Caption.</param>
/// <param name="Columns">Column headers.</param>
/// <param name="Rows">Cells, one array per row, as long as <paramref name="Columns"/>.</param>
public sealed record Table(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>Fixed-width plain text.</summary>
    public string ToText()
    {
        var widths = Columns.Select((c, j) => Rows.Select(r => r[j].Length).Append(c.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, j) => j == 0 ? c.PadRight(widths[j]) : c.PadLeft(widths[j]))).TrimEnd();
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
        var sb = new StringBuilder();
        sb.Append("**").Append(Cell(Title)).Append("**\n\n");
        sb.Append("| ").Append(string.Join(" | ", Columns.Select(Cell))).Append(" |\n");
        sb.Append('|').Append(string.Join("|", Columns.Select((_, j) => j == 0 ? "---" : "---:"))).Append("|\n");
        foreach (var row in Rows) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>An HTML table with a caption; every cell is HTML-escaped.</summary>
    public string ToHtml()
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<table class=\"its-table\">\n<caption>").Append(E(Title)).Append("</caption>\n<thead><tr>");
        foreach (var c in Columns) sb.Append("<th>").Append(E(c)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows)
        {
            sb.Append("<tr>");
            for (int j = 0; j < row.Count; j++)
                sb.Append(j == 0 ? "<td>" : "<td style=\"text-align:right\">").Append(E(row[j])).Append("</td>");
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
        sb.Append("\\begin{tabular}{l").Append(new string('r', Columns.Count - 1)).Append("}\n\\toprule\n");
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

/// <summary>How numbers are written in tables.</summary>
public static class NumberFormat
{
    /// <summary>Four decimals for ordinary magnitudes, four significant digits for small ones, scientific beyond.</summary>
    public static string Number(double x)
    {
        double a = Math.Abs(x);
        if (x == 0) return "0";
        if (a >= 1e7 || a < 1e-4) return x.ToString("0.000e+00", CultureInfo.InvariantCulture);
        if (a >= 1) return x.ToString(a >= 1e4 ? "N1" : "F4", CultureInfo.InvariantCulture);
        return x.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>A p value to three decimals, or "&lt;0.001".</summary>
    public static string PValue(double p) => p < 0.001 ? "<0.001" : p.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>"= 0.123" or "&lt; 0.001": a p value to follow "p" in a sentence.</summary>
    public static string PClause(double p) => p < 0.001 ? "< 0.001" : "= " + PValue(p);

    /// <summary>Full round-trip precision, for machine-readable output.</summary>
    public static string Exact(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
