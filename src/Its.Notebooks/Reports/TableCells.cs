using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Its.Notebooks.Reports;

/// <summary>
/// Marks the cells of the tables in an output's HTML by what they hold, so that the page's CSS
/// aligns them whatever alignment the table was made with: <c>class="num"</c> on a cell whose
/// text is a number (or numbers: an interval, an estimate with its interval, <c>&lt;0.001</c>,
/// a percentage), right-aligned and on one line (<c>class="num long"</c>, wrapping, when it is a
/// long list of numbers); <c>class="text"</c> on any other, left-aligned and wrapping. A
/// header cell takes the class of its column when every body cell of the column is a number.
/// Cells that already have a class are left as they are; nothing else in the HTML changes.
/// </summary>
internal static partial class TableCells
{
    // Numbers longer than this (a list of values rather than an estimate with its interval) may wrap; shorter ones keep to one line.
    private const int LongNumbers = 28;

    /// <summary>The HTML with its table cells marked.</summary>
    public static string Classify(string html)
    {
        if (!html.Contains("<table", StringComparison.Ordinal)) return html;
        return TableElement().Replace(html, m => Table(m.Value));
    }

    /// <summary>Whether a cell's text (HTML-decoded) reads as a number or numbers.</summary>
    public static bool IsNumeric(string text)
    {
        text = text.Replace('\u00a0', ' ').Trim();
        if (text.Length == 0 || !text.Any(char.IsAsciiDigit)) return false;
        if (DateLike().IsMatch(text)) return false;
        string rest = To().Replace(Number().Replace(text, " "), " ");
        return rest.All(c => char.IsWhiteSpace(c) || Connectors.Contains(c));
    }

    private static string Table(string table)
    {
        // A table with merged cells keeps its header as it is: its columns are not one per cell.
        bool merged = table.Contains("colspan", StringComparison.OrdinalIgnoreCase) || table.Contains("rowspan", StringComparison.OrdinalIgnoreCase);
        var numeric = new List<bool?>();
        foreach (Match row in Row().Matches(table))
        {
            int column = 0;
            foreach (Match cell in Cell().Matches(row.Value))
            {
                if (cell.Groups["tag"].Value == "td")
                {
                    while (numeric.Count <= column) numeric.Add(null);
                    string text = Text(cell.Groups["content"].Value);
                    if (text.Trim().Length > 0) numeric[column] = (numeric[column] ?? true) && IsNumeric(text);
                }
                column++;
            }
        }
        var result = new StringBuilder(table.Length + 256);
        int last = 0;
        foreach (Match row in Row().Matches(table))
        {
            result.Append(table, last, row.Index - last);
            int column = 0;
            result.Append(Cell().Replace(row.Value, cell =>
            {
                int index = column++;
                string attributes = cell.Groups["attributes"].Value;
                if (attributes.Contains("class=", StringComparison.OrdinalIgnoreCase)) return cell.Value;
                string tag = cell.Groups["tag"].Value;
                string text = Text(cell.Groups["content"].Value).Trim();
                string? kind = tag == "td"
                    ? IsNumeric(text) ? (text.Length > LongNumbers ? "num long" : "num") : text.Length == 0 && index < numeric.Count && numeric[index] == true ? "num" : "text"
                    : !merged && index < numeric.Count && numeric[index] == true ? "num" : null;
                return kind is null ? cell.Value : $"<{tag} class=\"{kind}\"{attributes}>{cell.Groups["content"].Value}</{tag}>";
            }));
            last = row.Index + row.Length;
        }
        return result.Append(table, last, table.Length - last).ToString();
    }

    private static string Text(string html) => WebUtility.HtmlDecode(Tag().Replace(html, ""));

    [GeneratedRegex(@"<table\b.*?</table>", RegexOptions.Singleline)]
    private static partial Regex TableElement();

    [GeneratedRegex(@"<tr\b[^>]*>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex(@"<(?<tag>td|th)(?<attributes>(\s[^>]*)?)>(?<content>.*?)</\k<tag>>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    // A number as tables write it: a sign (also the Unicode minus), digits with thousands separators, decimals, an exponent, a percent sign.
    [GeneratedRegex(@"[+\-\u2212\u2013]?(?=\.?\d)(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?\d*([eE][+\-\u2212]?\d+)?\s*%?")]
    private static partial Regex Number();

    // What may stand between numbers in one cell: intervals (a to b, a - b, [a, b]), comparisons (<0.001), stars.
    private const string Connectors = "()[],;:<>=~*/-\u2212\u2013\u2264\u2265\u00b1\u00d7";

    [GeneratedRegex(@"\bto\b")]
    private static partial Regex To();

    // A date or period (2017-10, 2017-10-01, 2018-Q1) is a label, not a quantity.
    [GeneratedRegex(@"^\d{4}-(\d{2}|Q\d)(-\d{2})?$|^\d{4}-\d{2}\s*(to|-|\u2013)\s*\d{4}-\d{2}$")]
    private static partial Regex DateLike();
}
