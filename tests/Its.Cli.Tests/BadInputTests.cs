using System.Globalization;
using System.Text;

namespace Its.Cli.Tests;

/// <summary>
/// Every kind of bad input of DESIGN.md is refused with exit code 2 and one line on stderr that
/// names the file and, where there is one, the row and the column; nothing reaches stdout.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>24 months from 2016-01 of a noisy trend with a covariate; valid as it is.</summary>
    private static List<string[]> GoodRows()
    {
        var rows = new List<string[]> { new[] { "month", "visits", "x", "unit" } };
        for (int t = 0; t < 24; t++)
            rows.Add([
                $"{2016 + t / 12}-{t % 12 + 1:D2}",
                (100 + 2 * t + 3 * Math.Sin(1.7 * t)).ToString("F3", CultureInfo.InvariantCulture),
                Math.Cos(0.9 * t).ToString("F3", CultureInfo.InvariantCulture),
                "A",
            ]);
        return rows;
    }

    private static string Csv(IEnumerable<string[]> rows) => string.Join("\n", rows.Select(r => string.Join(",", r))) + "\n";

    private static string With(Action<List<string[]>> edit)
    {
        var rows = GoodRows();
        edit(rows);
        return Csv(rows);
    }

    private static readonly string[] Basic = ["--outcome", "visits", "--interruption", "2017-01"];

    /// <summary>Case name, file content, extra arguments, fragments the message must hold.</summary>
    public static TheoryData<string, string, string[], string[]> Cases() => new()
    {
        { "unparseable month", With(r => r[3][0] = "2016-13"), Basic, ["row 4", "column month", "2016-13"] },
        { "not a date", With(r => r[5][0] = "soon"), Basic, ["row 6", "column month", "'soon' is not a date"] },
        { "mixed frequencies", With(r => r[2][0] = "2016-Q1"), Basic, ["row 3", "column month", "quarter"] },
        { "duplicate month", With(r => r[7][0] = "2016-03"), Basic, ["rows 4 and 8", "column month", "2016-03 appears twice"] },
        { "gap", With(r => r.RemoveAt(10)), Basic, ["column month", "missing between 2016-09", "--allow-gaps"] },
        { "non-numeric outcome", With(r => r[9][1] = "abc"), Basic, ["row 10", "column visits", "'abc' is not a number"] },
        { "missing outcome", With(r => r[9][1] = ""), Basic, ["row 10", "column visits", "missing value"] },
        { "NA outcome", With(r => r[9][1] = "NA"), Basic, ["row 10", "column visits", "missing value"] },
        { "infinite outcome", With(r => r[9][1] = "Infinity"), Basic, ["row 10", "column visits", "not a finite number"] },
        { "zero with log", With(r => r[4][1] = "0"), [.. Basic, "--transform", "log"], ["row 5", "column visits", "not positive", "--transform log"] },
        { "negative with log", With(r => r[4][1] = "-3"), [.. Basic, "--transform", "log"], ["row 5", "column visits", "not positive"] },
        { "missing covariate value", With(r => r[12][2] = ""), [.. Basic, "--covariate", "x"], ["row 13", "column x", "missing value"] },
        { "unknown outcome column", Csv(GoodRows()), ["--outcome", "vists", "--interruption", "2017-01"], ["no column 'vists'", "--outcome", "month, visits, x, unit"] },
        { "unknown covariate column", Csv(GoodRows()), [.. Basic, "--covariate", "z"], ["no column 'z'", "--covariate"] },
        { "no date column", Csv(GoodRows().Select(r => new[] { r[1], r[2] })), Basic, ["no column 'month'", "--date"] },
        { "semicolon separated, read as commas", Csv(GoodRows()).Replace(',', ';'), [.. Basic, "--delimiter", ","], ["no column 'visits'", "read as CSV, ','-separated"] },
        { "ragged row", With(r => r[6] = ["2016-06", "101"]), Basic, ["row 7", "2 fields", "4 columns"] },
        { "duplicate header", With(r => r[0][2] = "visits"), Basic, ["row 1", "'visits' appears twice"] },
        { "empty header name", With(r => r[0][2] = ""), Basic, ["row 1", "column 3", "empty column name"] },
        { "empty file", "", Basic, ["the file is empty"] },
        { "header only", "month,visits\n", Basic, ["no data rows"] },
        { "interruption outside", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "2019-01"], ["interruption 2019-01 is outside the series 2016-01 to 2017-12"] },
        { "interruption at the start", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "2016-01"], ["interruption 2016-01 is outside"] },
        { "too few points after", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "2017-11"], ["only 2 fitted month(s) from interruption 2017-11 on", "at least 3"] },
        { "too few points before", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "2016-03"], ["only 2 fitted month(s) before interruption 2016-03"] },
        { "interruption not a date", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "March"], ["--interruption March", "not a date"] },
        { "interruption of another frequency", Csv(GoodRows()), ["--outcome", "visits", "--interruption", "2017"], ["--interruption 2017", "year", "monthly"] },
        { "more parameters than observations", Csv(GoodRows().Take(11)), ["--outcome", "visits", "--interruption", "2016-05", "--seasonality", "month"], ["15 parameters", "only 10 observations"] },
        { "singular design", With(r => { for (int i = 1; i < r.Count; i++) r[i][2] = "1"; }), [.. Basic, "--covariate", "x"], ["singular", "term x"] },
        { "perfect fit", With(r => { for (int i = 1; i < r.Count; i++) r[i][1] = (50 + 2 * i).ToString(CultureInfo.InvariantCulture); }), Basic, ["fits the data exactly"] },
        { "where without match", Csv(GoodRows()), [.. Basic, "--where", "unit=B"], ["no row has unit=B"] },
        { "where unknown column", Csv(GoodRows()), [.. Basic, "--where", "state=A"], ["no column 'state'", "--where"] },
        { "where without equals", Csv(GoodRows()), [.. Basic, "--where", "unit"], ["--where unit", "COL=VALUE"] },
        { "long file without where", Csv(GoodRows().Concat(GoodRows().Skip(1).Select(r => new[] { r[0], r[1], r[2], "B" }))), Basic, ["appears twice", "--where"] },
        { "month seasonality on annual data", Csv(new[] { new[] { "year", "y" } }.Concat(Enumerable.Range(0, 12).Select(t => new[] { (2000 + t).ToString(CultureInfo.InvariantCulture), (t * t % 7 + t).ToString(CultureInfo.InvariantCulture) }))), ["--date", "year", "--outcome", "y", "--interruption", "2005", "--seasonality", "month"], ["needs monthly data"] },
        { "bad month in year/month columns", "y,m,v\n2016,1,3\n2016,13,4\n", ["--year", "y", "--month", "m", "--outcome", "v", "--interruption", "2016-02"], ["row 3", "column m", "not a whole number from 1 to 12"] },
        { "effect horizon beyond the series", Csv(GoodRows()), [.. Basic, "--effects-at", "0,30"], ["effect horizon 30", "0 to 11"] },
        { "bad effect horizon", Csv(GoodRows()), [.. Basic, "--effects-at", "soon"], ["--effects-at soon"] },
        { "bad error model", Csv(GoodRows()), [.. Basic, "--errors", "newey:x"], ["--errors", "Newey-West lag"] },
        { "unknown error model", Csv(GoodRows()), [.. Basic, "--errors", "robust"], ["--errors", "'robust' is not an error model"] },
        { "bad gls order", Csv(GoodRows()), [.. Basic, "--errors", "gls-ar:x"], ["--errors", "gls-ar:P"] },
        { "satterthwaite with ml", Csv(GoodRows()), [.. Basic, "--errors", "gls-ar:1:ml:satterthwaite"], ["--errors", "Satterthwaite", "REML"] },
        { "bad arima order", Csv(GoodRows()), [.. Basic, "--errors", "arima:1,0"], ["--errors", "arima:p,d,q"] },
        { "robust Box-Pierce", Csv(GoodRows()), [.. Basic, "--cumby-huizinga", "bp,robust"], ["--cumby-huizinga", "bp (Box-Pierce) is a homoskedastic form"] },
        { "unknown Cumby-Huizinga variant", Csv(GoodRows()), [.. Basic, "--cumby-huizinga", "hac"], ["--cumby-huizinga", "'hac' is not a Cumby-Huizinga option"] },
        { "cumulative window backwards", Csv(GoodRows()), [.. Basic, "--cumulative", "5:2"], ["--cumulative", "not a window"] },
        { "washout hiding a differenced level change", Csv(GoodRows()), [.. Basic, "--errors", "arima:0,1,1", "--transition", "2"], ["level1 changes only in the transition periods", "use fewer transition periods"] },
        { "bad seasonality", Csv(GoodRows()), [.. Basic, "--seasonality", "fourier:9"], ["--seasonality", "fourier:9"] },
        { "bad impact", Csv(GoodRows()), [.. Basic, "--impact", "jump"], ["--impact", "'jump'"] },
        { "rate out of range", Csv(GoodRows()), [.. Basic, "--impact", "gradual:1.5"], ["--impact", "the rate must be a number from 0 up to (not including) 1"] },
        { "estimated rate under GLS", Csv(GoodRows()), [.. Basic, "--impact", "decay", "--errors", "gls-ar:1"], ["an estimated decay rate", "not gls-ar:1", "decay:0.5"] },
        { "bad transform", Csv(GoodRows()), [.. Basic, "--transform", "sqrt"], ["--transform", "'sqrt'"] },
        { "bad format", Csv(GoodRows()), [.. Basic, "--format", "xml"], ["--format xml"] },
        { "bad period", Csv(GoodRows()), [.. Basic, "--period", "week"], ["--period week"] },
        { "negative transition", Csv(GoodRows()), [.. Basic, "--transition", "-1"], ["--transition -1"] },
        { "malformed quoting", With(r => r[3][1] = "\"1\"2"), Basic, ["row 4", "a quote inside a field"] },
        { "unclosed quote", With(r => r[5][1] = "\"105"), Basic, ["row 6", "a quote opened in this row is never closed"] },
        { "covariate given twice", Csv(GoodRows()), [.. Basic, "--covariate", "x", "--covariate", "x"], ["--covariate x is given twice"] },
        { "unknown family", Csv(GoodRows()), [.. Basic, "--family", "binomial"], ["--family", "'binomial' is not a family"] },
        { "fractional count", Csv(GoodRows()), [.. Basic, "--family", "poisson"], ["row 3", "column visits", "is not a count", "--family poisson"] },
        { "negative count", With(r => { for (int i = 1; i < r.Count; i++) r[i][1] = (100 + i).ToString(CultureInfo.InvariantCulture); r[4][1] = "-2"; }), [.. Basic, "--family", "negbin"], ["row 5", "column visits", "-2 is not a count"] },
        { "zero offset", With(r => { for (int i = 1; i < r.Count; i++) { r[i][1] = (100 + i).ToString(CultureInfo.InvariantCulture); r[i][2] = "1000"; } r[7][2] = "0"; }), [.. Basic, "--family", "poisson", "--offset", "x"], ["row 8", "column x", "not positive", "--offset"] },
        { "missing offset value", With(r => { for (int i = 1; i < r.Count; i++) { r[i][1] = (100 + i).ToString(CultureInfo.InvariantCulture); r[i][2] = "1000"; } r[7][2] = ""; }), [.. Basic, "--family", "poisson", "--offset", "x"], ["row 8", "column x", "missing value"] },
        { "offset without a count family", Csv(GoodRows()), [.. Basic, "--offset", "x"], ["--offset needs --family"] },
        { "log transform with a count family", Csv(GoodRows()), [.. Basic, "--family", "poisson", "--transform", "log"], ["--transform log", "log link"] },
        { "prais with a count family", With(r => { for (int i = 1; i < r.Count; i++) r[i][1] = (100 + i % 7 * i).ToString(CultureInfo.InvariantCulture); }), [.. Basic, "--family", "poisson", "--errors", "prais"], ["prais is not available for a poisson model"] },
        { "bad test lag", Csv(GoodRows()), [.. Basic, "--test-lag", "0"], ["--test-lag 0"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Is_refused_with_one_clear_line(string name, string content, string[] args, string[] fragments)
    {
        string file = _folder.Write("data.csv", content);
        var run = CliRun.Of(["fit", file, .. args]);
        Assert.True(run.ExitCode == 2, $"{name}: exit code {run.ExitCode}, stderr: {run.Error}, stdout: {run.Output}");
        Assert.Equal("", run.Output);
        string line = run.Error.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("its: ", line);
        Assert.DoesNotContain("   at ", line);
        if (!fragments.Any(f => f.StartsWith("--", StringComparison.Ordinal)) || fragments.Any(f => f.StartsWith("row", StringComparison.Ordinal)))
            Assert.Contains("data.csv", line);
        foreach (string fragment in fragments) Assert.Contains(fragment, line);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var run = CliRun.Of("fit", "/nonexistent/visits.csv", "--outcome", "visits", "--interruption", "2017-01");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("its: /nonexistent/visits.csv: file not found\n", run.Error.Replace("\r", ""));
    }

    [Fact]
    public void A_directory_is_not_a_file()
    {
        var run = CliRun.Of("fit", _folder.Path, "--outcome", "visits", "--interruption", "2017-01");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is a directory", run.Error);
    }

    [Theory]
    [InlineData("--outcome")]
    [InlineData("--interruption")]
    public void A_missing_required_option_is_exit_2(string option)
    {
        string file = _folder.Write("data.csv", Csv(GoodRows()));
        var args = new List<string> { "fit", file, "--outcome", "visits", "--interruption", "2017-01" };
        int at = args.IndexOf(option);
        args.RemoveRange(at, 2);
        var run = CliRun.Of([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void No_command_names_the_commands()
    {
        var run = CliRun.Of();
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("its: give a command: reproduce, fit, compare, placebo, sensitivity, breaks, synth, sdid, multilevel, power, panel, notebook, kernel, data, sanming (its --help describes them)\n", run.Error.Replace("\r", ""));
    }

    [Fact]
    public void An_unknown_option_is_exit_2()
    {
        var run = CliRun.Of("fit", "x.csv", "--outcome", "v", "--interruption", "2017-01", "--colour", "red");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--colour", run.Error);
    }

    [Fact]
    public void The_test_lag_sets_the_portmanteau_lag_and_the_correlogram()
    {
        string file = _folder.Write("data.csv", Csv(GoodRows()));
        var run = CliRun.Of(["fit", file, .. Basic, "--test-lag", "6", "--family", "gaussian", "--format", "json"]);
        Assert.Equal(0, run.ExitCode);
        var diagnostics = System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("diagnostics");
        Assert.Equal(6, diagnostics.GetProperty("ljung_box").GetProperty("lag").GetInt32());
        Assert.Equal(6, diagnostics.GetProperty("acf").GetArrayLength());
    }

    [Theory]
    [InlineData("gls-ar:1", "phi1")]
    [InlineData("gls-arma:1,1:ml", "theta1")]
    [InlineData("arima:1,0,1", "theta1")]
    public void Gls_and_arima_errors_report_their_parameters(string errors, string parameter)
    {
        string file = _folder.Write("data.csv", Csv(GoodRows()));
        var run = CliRun.Of(["fit", file, .. Basic, "--errors", errors, "--format", "json"]);
        Assert.Equal("", run.Error);
        var root = System.Text.Json.JsonDocument.Parse(run.Output).RootElement;
        Assert.True(root.GetProperty("ar").TryGetProperty(parameter, out _));
        Assert.Equal(errors.Contains("arima", StringComparison.Ordinal), root.GetProperty("coefficients")[0].GetProperty("df").ValueKind == System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public void Gaps_are_fitted_when_allowed_with_a_warning()
    {
        string file = _folder.Write("data.csv", With(r => r.RemoveAt(10)));
        var run = CliRun.Of("fit", file, "--outcome", "visits", "--interruption", "2017-01", "--allow-gaps", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 missing month(s)", run.Output);
        Assert.Contains("\"n\": 23", run.Output);
    }

    [Fact]
    public void Windows_line_endings_a_byte_order_mark_and_quotes_are_read()
    {
        string plain = _folder.Write("plain.csv", Csv(GoodRows()));
        string windows = System.IO.Path.Combine(_folder.Path, "windows.csv");
        var rows = GoodRows().Select(r => new[] { r[0], $"\"{r[1]}\"", r[2], r[3] });
        File.WriteAllText(windows, Csv(rows).Replace("\n", "\r\n"), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var a = CliRun.Of(["fit", plain, .. Basic, "--format", "csv"]);
        var b = CliRun.Of(["fit", windows, .. Basic, "--format", "csv"]);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(a.Output, b.Output);
    }

    [Fact]
    public void Unsorted_rows_are_sorted_by_month()
    {
        var rows = GoodRows();
        string sorted = _folder.Write("sorted.csv", Csv(rows));
        rows.Reverse(1, rows.Count - 1);
        string reversed = _folder.Write("reversed.csv", Csv(rows));
        var a = CliRun.Of(["fit", sorted, .. Basic, "--format", "json"]);
        var b = CliRun.Of(["fit", reversed, .. Basic, "--format", "json"]);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Output, b.Output);
    }

    [Fact]
    public void Text_from_the_data_is_escaped_in_html()
    {
        var rows = GoodRows();
        rows[0][2] = "<b>x</b>";
        string file = _folder.Write("data.csv", Csv(rows));
        var run = CliRun.Of(["fit", file, .. Basic, "--covariate", "<b>x</b>", "--format", "html"]);
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("<b>x</b>", run.Output);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", run.Output);
        Assert.Equal(Encoding.UTF8.GetByteCount(run.Output), Encoding.UTF8.GetByteCount(run.Output.Normalize()));
    }
}
