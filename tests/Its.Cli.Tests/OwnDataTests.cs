using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// Users' own files as their tools write them (OwnData/README.md: Excel, European and Chinese
/// Excel CSV, R, Stata, pandas) fit exactly as the plain CSV of the same series does, with the
/// options a user of each would give; hostile files are refused with one clear line.
/// </summary>
public sealed class OwnDataTests
{
    private static string OwnData(string file) => Path.Combine(AppContext.BaseDirectory, "OwnData", file);

    /// <summary>The fits every file is compared with: the plain monthly CSV, its quarterly sums,
    /// and the plain CSV without the month whose outcome is missing elsewhere.</summary>
    private static readonly Dictionary<string, string[]> References = new()
    {
        ["plain.csv"] = ["--outcome", "admissions", "--covariate", "population", "--interruption", "2018-01"],
        ["quarterly-plain.csv"] = ["--date", "quarter", "--outcome", "admissions", "--covariate", "population", "--interruption", "2018-Q1"],
        ["plain-gap.csv"] = ["--outcome", "admissions", "--covariate", "population", "--interruption", "2018-01", "--allow-gaps"],
    };

    private static readonly string[] English = ["--outcome", "admissions", "--covariate", "population"];
    private static readonly string[] German = ["--delimiter", ";", "--decimal", ",", "--encoding", "windows-1252", "--date-format", "dd.MM.yyyy", "--date", "Monat", "--outcome", "Aufnahmen", "--covariate", "Bevölkerung", "--interruption", "01.01.2018"];
    private static readonly string[] Chinese = ["--date", "月份", "--outcome", "总费用", "--covariate", "常住人口", "--date-format", "yyyy/MM", "--interruption", "2018/01"];

    /// <summary>File, the reference it must fit as, and the options its user would give.</summary>
    public static TheoryData<string, string, string[]> Files() => new()
    {
        { "excel.xlsx", "plain.csv", [.. English, "--interruption", "2018-01"] },
        { "excel.xlsx", "plain.csv", [.. English, "--sheet", "Data", "--interruption", "2018-01"] },
        { "excel-second-sheet.xlsx", "plain.csv", [.. English, "--sheet", "Series", "--interruption", "2018-01"] },
        { "excel.xls", "plain.csv", [.. English, "--interruption", "2018-01"] },
        { "european.csv", "plain.csv", German },
        { "european-thousands.csv", "plain.csv", German },
        // The same, with the delimiter, the decimal comma and the encoding detected.
        { "european.csv", "plain.csv", German[6..] },
        { "european-thousands.csv", "plain.csv", German[6..] },
        { "gb18030.csv", "plain.csv", ["--encoding", "gb18030", .. Chinese] },
        { "gb18030.csv", "plain.csv", Chinese },
        { "gb18030-thousands.csv", "plain.csv", ["--encoding", "gb18030", .. Chinese] },
        { "r-write-csv.csv", "plain.csv", [.. English, "--interruption", "2018-01-01"] },
        { "stata.csv", "plain.csv", [.. English, "--interruption", "2018m1"] },
        { "pandas.csv", "plain.csv", [.. English, "--interruption", "2018-01-01"] },
        { "pandas-tsv.tsv", "plain.csv", [.. English, "--interruption", "2018-01-01"] },
        { "quarterly-year-quarter.csv", "quarterly-plain.csv", ["--year", "year", "--quarter", "quarter", .. English, "--interruption", "2018-Q1"] },
        { "r-write-csv-na.csv", "plain-gap.csv", ["--na", "NA", "--allow-gaps", .. English, "--interruption", "2018-01-01"] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Fits_as_the_plain_file_of_the_same_series(string file, string reference, string[] options)
    {
        using var expected = Fit(reference, References[reference]);
        using var actual = Fit(file, options);
        var e = expected.RootElement;
        var a = actual.RootElement;
        Assert.Equal(e.GetProperty("frequency").GetString(), a.GetProperty("frequency").GetString());
        Assert.Equal(e.GetProperty("n").GetInt32(), a.GetProperty("n").GetInt32());
        Assert.Equal(e.GetProperty("df_residual").GetDouble(), a.GetProperty("df_residual").GetDouble());

        var expectedTerms = e.GetProperty("coefficients").EnumerateArray().ToList();
        var actualTerms = a.GetProperty("coefficients").EnumerateArray().ToList();
        Assert.Equal(expectedTerms.Count, actualTerms.Count);
        for (int i = 0; i < expectedTerms.Count; i++)
        {
            string term = expectedTerms[i].GetProperty("term").GetString()!;
            // The covariate's term takes the column's name, which each file writes in its own language.
            if (term != "population") Assert.Equal(term, actualTerms[i].GetProperty("term").GetString());
            AssertClose(file, reference, term, "estimate", expectedTerms[i], actualTerms[i]);
            AssertClose(file, reference, term, "std_error", expectedTerms[i], actualTerms[i]);
        }
    }

    /// <summary>File, options, fragments the one line on stderr must hold.</summary>
    public static TheoryData<string, string[], string[]> Hostile() => new()
    {
        { "binary.csv", [.. English, "--interruption", "2018-01"], ["not a text file"] },
        { "stray-quote-header.csv", [.. English, "--interruption", "2018-01"], ["row 1", "a quote inside a field"] },
        { "unterminated-quote.csv", [.. English, "--interruption", "2018-01"], ["row 145", "a quote opened in this row is never closed"] },
        { "escape-sequence.csv", [.. English, "--interruption", "2018-01"], ["row 6", "column admissions", "is not a number"] },
        { "r-write-csv-na.csv", [.. English, "--interruption", "2018-01-01"], ["row 11", "column admissions", "missing value"] },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_file_is_refused_with_one_clear_line(string file, string[] options, string[] fragments)
    {
        var run = CliRun.Of(["fit", OwnData(file), .. options, "--format", "json"]);
        Assert.True(run.ExitCode == 2, $"{file}: exit code {run.ExitCode}, stderr: {run.Error}");
        Assert.Equal("", run.Output);
        string line = run.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("its: ", line);
        Assert.Contains(file, line);
        // The file's bytes are shown escaped: raw control characters would drive the terminal.
        Assert.DoesNotContain(line, c => char.IsControl(c));
        foreach (string fragment in fragments) Assert.Contains(fragment, line);
    }

    [Fact]
    public void Panel_reads_a_european_export_as_the_plain_file()
    {
        using var folder = new TempFolder();
        // One unit: an id column put in front of every line, in the file's own bytes.
        string Unit(string file, string delimiter)
        {
            string path = Path.Combine(folder.Path, "unit-" + file);
            var lines = File.ReadAllBytes(OwnData(file)).AsSpan();
            using var output = new FileStream(path, FileMode.Create);
            bool first = true;
            foreach (var line in System.Text.Encoding.Latin1.GetString(lines).Split('\n').Where(l => l.Length > 0))
            {
                output.Write(System.Text.Encoding.Latin1.GetBytes((first ? "id" : "A") + delimiter + line + "\n"));
                first = false;
            }
            return path;
        }
        string Results(string input, params string[] options)
        {
            string results = Path.Combine(folder.Path, Path.GetFileNameWithoutExtension(input) + "-results.csv");
            var run = CliRun.Of(["panel", input, "--id", "id", .. options, "--out", results]);
            Assert.True(run.ExitCode == 0, run.Error);
            return results;
        }
        var plain = File.ReadAllLines(Results(Unit("plain.csv", ","), "--outcome", "admissions", "--interruption", "2018-01"));
        var european = File.ReadAllLines(Results(Unit("european.csv", ";"), "--date", "Monat", "--date-format", "dd.MM.yyyy", "--outcome", "Aufnahmen", "--interruption", "01.01.2018"));
        Assert.Equal(plain.Length, european.Length);
        int estimate = Array.IndexOf(plain[0].Split(','), "estimate");
        for (int i = 1; i < plain.Length; i++)
        {
            double expected = double.Parse(plain[i].Split(',')[estimate], System.Globalization.CultureInfo.InvariantCulture);
            double actual = double.Parse(european[i].Split(',')[estimate], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, actual, 1e-9 * Math.Max(1, Math.Abs(expected)));
        }
    }

    private static JsonDocument Fit(string file, string[] options)
    {
        var run = CliRun.Of(["fit", OwnData(file), .. options, "--format", "json"]);
        Assert.True(run.ExitCode == 0, $"{file} {string.Join(' ', options)}: exit code {run.ExitCode}, stderr: {run.Error}");
        return JsonDocument.Parse(run.Output);
    }

    /// <summary>1e-9 relative: every file holds the same decimal numbers, so the fits differ at
    /// most by rounding in the arithmetic, not in the data.</summary>
    private static void AssertClose(string file, string reference, string term, string field, JsonElement expected, JsonElement actual)
    {
        double e = expected.GetProperty(field).GetDouble();
        double a = actual.GetProperty(field).GetDouble();
        Assert.True(Math.Abs(a - e) <= 1e-9 * Math.Max(Math.Abs(e), Math.Abs(a)),
            $"{file}: {term} {field} {a:R}, {reference} {e:R}");
    }
}
