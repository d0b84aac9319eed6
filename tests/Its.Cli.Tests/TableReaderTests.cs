using System.Text;
using Its.Data;

namespace Its.Cli.Tests;

/// <summary>
/// The one reader of table files: dialects, encodings, row names, numbers as tables write them, and
/// hostile files refused with one line naming the row.
/// </summary>
public sealed class TableReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, string text, Encoding? encoding = null)
    {
        string path = Path.Combine(_folder.Path, name);
        encoding ??= new UTF8Encoding(false);
        File.WriteAllBytes(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);
        return path;
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // The refusal as the command line shows it, with its settings as options.
    private static string Refused(string path, TableOptions? options = null) =>
        SettingFlags.Message(Assert.Throws<InputError>(() => TextTable.Read(path, options)));

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void The_delimiter_is_detected(string delimiter)
    {
        string path = Write("t.csv", $"month{delimiter}y{delimiter}x\n2016-01{delimiter}1{delimiter}2\n2016-02{delimiter}3{delimiter}4\n");
        var table = TextTable.Read(path);
        Assert.Equal(["month", "y", "x"], table.Header);
        Assert.Equal(["2016-02", "3", "4"], table.Rows[1].Fields);
        Assert.Contains(delimiter == "\t" ? "tab-separated" : $"'{delimiter}'-separated", table.Dialect);
    }

    [Fact]
    public void A_given_delimiter_is_used_as_given()
    {
        string path = Write("t.csv", "a;b,c\n1;2,3\n");
        Assert.Equal(["a;b", "c"], TextTable.Read(path, new TableOptions { Delimiter = ',' }).Header);
        Assert.Equal(["a", "b,c"], TextTable.Read(path, new TableOptions { Delimiter = ';' }).Header);
    }

    [Fact]
    public void A_decimal_comma_is_detected_in_a_semicolon_file_and_not_in_a_comma_file()
    {
        string european = Write("eu.csv", "Monat;Aufnahmen\r\n2016-01;454086,25\r\n2016-02;1,5\r\n");
        Assert.Equal(',', TextTable.Read(european).Options.Decimal);
        string points = Write("pt.csv", "month;y\n2016-01;454086.25\n2016-02;1.5\n");
        Assert.Equal('.', TextTable.Read(points).Options.Decimal);
        // Thousands separators alone (three digits after the point) do not make it a decimal-point file.
        string thousands = Write("th.csv", "Monat;Aufnahmen\n2016-01;454.086,25\n2016-02;1.234\n");
        Assert.Equal(',', TextTable.Read(thousands).Options.Decimal);
        string comma = Write("c.csv", "month,y\n2016-01,\"1,5\"\n");
        Assert.Equal('.', TextTable.Read(comma).Options.Decimal);
        // Given, it is used as given.
        Assert.Equal('.', TextTable.Read(european, new TableOptions { Decimal = '.' }).Options.Decimal);
    }

    [Theory]
    [InlineData("454086.25", '.', 454086.25)]
    [InlineData("454,086.25", '.', 454086.25)]
    [InlineData("454,086", '.', 454086)]
    [InlineData("1,234,567", '.', 1234567)]
    [InlineData("-1,234.5", '.', -1234.5)]
    [InlineData("1.5e3", '.', 1500)]
    [InlineData("454086,25", ',', 454086.25)]
    [InlineData("454.086,25", ',', 454086.25)]
    [InlineData("454 086,25", ',', 454086.25)]
    [InlineData("454\u00a0086,25", ',', 454086.25)]
    [InlineData("-0,5", ',', -0.5)]
    [InlineData("1,5E-2", ',', 0.015)]
    public void Numbers_are_read_with_their_decimal_and_thousands_separators(string text, char separator, double expected)
    {
        Assert.True(NumberText.TryParse(text, separator, out double value), text);
        Assert.Equal(expected, value, 1e-12);
    }

    [Theory]
    [InlineData("1,5", '.')]
    [InlineData("1,23,456", '.')]
    [InlineData("12.5", ',')]
    [InlineData("1.2.3", ',')]
    [InlineData("abc", '.')]
    [InlineData("", '.')]
    [InlineData(",", ',')]
    public void A_separator_between_groups_other_than_thousands_is_not_a_number(string text, char separator)
    {
        Assert.False(NumberText.TryParse(text, separator, out _), text);
    }

    [Fact]
    public void Encodings_are_detected_from_the_byte_order_mark_utf8_validity_and_the_text()
    {
        const string header = "Monat;Bevölkerung;Décès";
        string body = $"{header}\r\n2016-01;1;2\r\n";
        Assert.Equal("Bevölkerung", TextTable.Read(Write("bom.csv", body, new UTF8Encoding(true))).Header[1]);
        Assert.Equal("Bevölkerung", TextTable.Read(Write("utf8.csv", body)).Header[1]);
        Assert.Equal("Décès", TextTable.Read(Write("utf16.csv", body, Encoding.Unicode)).Header[2]);
        var latin = TextTable.Read(Write("latin.csv", body, Encoding.Latin1));
        Assert.Equal(["Monat", "Bevölkerung", "Décès"], latin.Header);
        Assert.Contains("windows-1252", latin.Dialect);

        TableOptions.EncodingNamed("gb18030");
        var gb = Encoding.GetEncoding("gb18030");
        string chinese = "月份,门诊人次,住院人次,总费用\r\n2016/01,1,2,3\r\n2016/02,4,5,6\r\n";
        var detected = TextTable.Read(Write("gb.csv", chinese, gb));
        Assert.Equal(["月份", "门诊人次", "住院人次", "总费用"], detected.Header);
        Assert.Contains("gb18030", detected.Dialect);
    }

    [Fact]
    public void A_given_encoding_is_used_and_an_unknown_one_is_refused_naming_it()
    {
        string path = Write("latin.csv", "Décès,y\n2016-01,1\n", Encoding.Latin1);
        Assert.Equal("Décès", TextTable.Read(path, new TableOptions { Encoding = "latin1" }).Header[0]);
        Assert.Equal("Décès", TextTable.Read(path, new TableOptions { Encoding = "windows-1252" }).Header[0]);
        string message = Refused(path, new TableOptions { Encoding = "klingon-8" });
        Assert.Contains("--encoding klingon-8", message);
    }

    [Fact]
    public void The_unnamed_first_column_of_r_and_pandas_is_taken_as_row_names()
    {
        string r = Write("r.csv", "\"\",\"month\",\"y\"\n\"1\",\"2016-01\",3\n\"2\",\"2016-02\",4\n");
        var table = TextTable.Read(r);
        Assert.Equal(["month", "y"], table.Header);
        Assert.Equal(["2016-02", "4"], table.Rows[1].Fields);
        string pandas = Write("pd.csv", ",month,y\n0,2016-01-01,3\n1,2016-02-01,4\n");
        Assert.Equal(["month", "y"], TextTable.Read(pandas).Header);
        // An empty name elsewhere is still refused.
        Assert.Contains("column 2: the header has an empty column name", Refused(Write("e.csv", "month,,y\n1,2,3\n")));
    }

    [Fact]
    public void A_ragged_row_is_refused_naming_it_and_how_the_file_was_read()
    {
        string message = Refused(Write("r.csv", "month;y\n2016-01;1;5\n"));
        Assert.Contains("row 2: 3 fields, but the header has 2 columns", message);
        Assert.Contains("';'-separated", message);
    }

    [Fact]
    public void A_missing_column_is_refused_with_the_columns_and_the_dialect()
    {
        var table = TextTable.Read(Write("t.csv", "month;y\n2016-01;1\n"));
        string message = Assert.Throws<InputError>(() => table.Column("x", "--outcome")).Message;
        Assert.Contains("no column 'x' (asked for by --outcome); the columns are month, y", message);
        Assert.Contains("read as CSV, ';'-separated, UTF-8", message);
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D }, "not a text file (a zero byte at offset 8)")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0 }, "ZIP archive")]
    [InlineData(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1 }, "named .xls")]
    [InlineData(new byte[] { 0x50, 0x41, 0x52, 0x31, 0x15, 0x04 }, "Parquet file")]
    public void A_file_that_is_not_text_is_refused_in_one_line(byte[] head, string expected)
    {
        var bytes = head.Concat(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))).ToArray();
        string message = Refused(WriteBytes("data.csv", bytes));
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void A_line_beyond_the_limit_is_refused_naming_its_row_without_reading_the_rest()
    {
        var options = new TableOptions { MaxLineLength = 1000 };
        string path = Write("long.csv", "month,y\n2016-01,1\n2016-02," + new string('9', 5000) + "\n2016-03,3\n");
        string message = Refused(path, options);
        Assert.Contains("row 3: a line longer than 1,000 characters", message);
        // A quoted field spanning lines is bounded too, at the row where it starts.
        string quoted = Write("quoted.csv", "month,y\n2016-01,\"" + string.Concat(Enumerable.Repeat(new string('x', 100) + "\n", 30)) + "\"\n");
        Assert.Contains("row 2: a field longer than 1,000 characters", Refused(quoted, options));
    }

    [Fact]
    public void Malformed_quoting_is_refused_at_the_row_where_it_is()
    {
        Assert.Contains("row 1: a quote inside a field", Refused(Write("h.csv", "month,adm\"issions\n2016-01,1\n")));
        var lines = Enumerable.Range(1, 143).Select(i => $"{2016 + (i - 1) / 12}-{(i - 1) % 12 + 1:00},{i}");
        string unterminated = Write("u.csv", "month,y\n" + string.Join("\n", lines) + "\n2028-01,\"144\n");
        Assert.Equal(145, File.ReadAllLines(unterminated).Length);
        Assert.Contains("row 145: a quote opened in this row is never closed", Refused(unterminated));
    }

    [Fact]
    public void Excel_options_on_a_csv_file_and_csv_options_on_a_workbook_are_refused()
    {
        string csv = Write("t.csv", "month,y\n2016-01,1\n");
        Assert.Contains("--sheet is for Excel workbooks", Refused(csv, new TableOptions { Sheet = "Data" }));
        string book = WriteBytes("t.xlsx", [0x50, 0x4B, 0x03, 0x04]);
        Assert.Contains("--delimiter and --encoding are for CSV files", Refused(book, new TableOptions { Delimiter = ';' }));
        Assert.Contains("not a readable Excel workbook", Refused(book));
    }

    [Fact]
    public void Blank_lines_are_skipped_and_rows_keep_their_lines()
    {
        var table = TextTable.Read(Write("b.csv", "month,y\n\n2016-01,1\n  \n2016-02,2\n"));
        Assert.Equal([3, 5], table.Rows.Select(r => r.Line));
    }
}
