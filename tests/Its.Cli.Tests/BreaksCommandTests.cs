using System.Globalization;
using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// `its breaks`: the sup-F search on Linden (2015)'s California series gives strucchange's numbers
/// (tests/reference/breaks.json, case california_full) in every format; bad options and models the
/// search cannot take are refused with exit code 2 and one line.
/// </summary>
public sealed class BreaksCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // R: sctest(Fstats(cigsale ~ t, from = 0.15), type = "supF") on California 1970-2000.
    private const double SupF = 185.641084388858;
    private const double F1989 = 53.4945210776418;
    // A closed form: least squares by QR on both sides, compared at 1e-8 relative.
    private const double ClosedForm = 1e-8;

    private static string[] California(params string[] extra) =>
        ["breaks", ReferenceData.Path("prop99_smoking.csv"), "--where", "state=California", "--date", "year",
            "--outcome", "cigsale", "--interruption", "1989", .. extra];

    [Fact]
    public void California_json_matches_strucchange()
    {
        var run = CliRun.Of(California("--format", "json"));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        Assert.Equal(SupF, root.GetProperty("sup_f").GetDouble(), SupF * ClosedForm);
        Assert.Equal("1979", root.GetProperty("break_period").GetString());
        Assert.Equal(9, root.GetProperty("break_index").GetInt32());
        Assert.Equal(2, root.GetProperty("restrictions").GetInt32());
        Assert.Equal(0.15, root.GetProperty("trim").GetDouble());
        Assert.Equal(45.5625, root.GetProperty("lambda").GetDouble(), 1e-12);
        // strucchange's 1 - pchisq prints 0; the upper tail is about 5e-40.
        Assert.InRange(root.GetProperty("p_value").GetDouble(), 1e-41, 1e-38);
        var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(24, candidates.Length);
        Assert.Equal(["1974", "1997"], new[] { candidates[0], candidates[^1] }.Select(c => c.GetProperty("period").GetString()));
        var pre = root.GetProperty("prespecified");
        Assert.Equal("1989", pre.GetProperty("period").GetString());
        Assert.Equal(F1989, pre.GetProperty("f").GetDouble(), F1989 * ClosedForm);
        Assert.Equal(16, pre.GetProperty("rank").GetInt32());
    }

    [Fact]
    public void The_text_report_names_the_sup_F_date_the_p_value_and_the_pre_specified_rank()
    {
        var run = CliRun.Of(California());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("sup F = 185.64 at 1979, p < 0.001", run.Output);
        Assert.Contains("q = 2 restriction(s)", run.Output);
        Assert.Contains("trim 0.15: 24 candidate years, 1974 to 1997", run.Output);
        Assert.Contains("pre-specified 1989: F = 53.49, rank 16 of 24", run.Output);
        Assert.Matches(@"\n1979 +9 +185\.64 +sup F\n", run.Output);
    }

    [Fact]
    public void Csv_is_the_candidate_table_at_full_precision()
    {
        var run = CliRun.Of(California("--format", "csv", "--trim", "0.1"));
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal("period,index,f,note", lines[0]);
        // trim 0.10 of 31: break indices 3 to 28, 26 candidates.
        Assert.Equal(27, lines.Length);
        var best = lines.Single(l => l.EndsWith(",sup F", StringComparison.Ordinal)).Split(',');
        Assert.Equal("1979", best[0]);
        Assert.Equal(SupF, double.Parse(best[2], CultureInfo.InvariantCulture), SupF * ClosedForm);
    }

    [Theory]
    [InlineData("markdown", "| 1979 | 9 | 185.64 | sup F |")]
    [InlineData("html", "<caption>F statistic by candidate break date (24 candidates)</caption>")]
    [InlineData("latex", "% sup F = 185.64 at 1979")]
    public void Other_formats_render_the_report(string format, string fragment)
    {
        var run = CliRun.Of(California("--format", format));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(fragment, run.Output);
    }

    /// <summary>Arguments after the file, fragments the one-line message must hold.</summary>
    public static TheoryData<string, string[], string[]> Refusals() => new()
    {
        { "trim 0.5", ["--trim", "0.5"], ["--trim 0.5", "between 0 and 0.5"] },
        { "trim 0", ["--trim", "0"], ["--trim 0", "between 0 and 0.5"] },
        { "negative trim", ["--trim", "-0.1"], ["--trim -0.1"] },
        { "trim not a number", ["--trim", "some"], ["some"] },
        { "two interruptions", ["--interruption", "1995"], ["prop99_smoking.csv", "at most one interruption"] },
        { "transition periods", ["--transition", "1"], ["prop99_smoking.csv", "transition"] },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Is_refused_with_one_clear_line(string name, string[] extra, string[] fragments)
    {
        var run = CliRun.Of(California(extra));
        AssertRefused(run, name, fragments);
    }

    [Fact]
    public void A_count_family_is_refused()
    {
        var rows = Enumerable.Range(0, 36).Select(t => $"{2016 + t / 12}-{t % 12 + 1:D2},{20 + t + t * t % 7}");
        string file = _folder.Write("counts.csv", "month,visits\n" + string.Join("\n", rows) + "\n");
        var run = CliRun.Of("breaks", file, "--outcome", "visits", "--interruption", "2017-06", "--family", "poisson");
        AssertRefused(run, "poisson", ["counts.csv", "gaussian family, not poisson"]);
    }

    [Fact]
    public void A_series_too_short_for_any_candidate_is_refused()
    {
        string file = _folder.Write("short.csv", "year,y\n2000,3.1\n2001,4.0\n2002,4.4\n2003,6.2\n2004,6.1\n");
        var run = CliRun.Of("breaks", file, "--date", "year", "--outcome", "y", "--interruption", "2003");
        AssertRefused(run, "five years", ["short.csv", "too few for a break search"]);
    }

    private static void AssertRefused(CliRun run, string name, string[] fragments)
    {
        Assert.True(run.ExitCode == 2, $"{name}: exit code {run.ExitCode}, stderr: {run.Error}, stdout: {run.Output}");
        Assert.Equal("", run.Output);
        string line = run.Error.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("its: ", line);
        foreach (string fragment in fragments) Assert.Contains(fragment, line);
    }
}
