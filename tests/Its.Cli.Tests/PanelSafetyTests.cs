using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parquet;
using Xunit.Abstractions;

namespace Its.Cli.Tests;

/// <summary>
/// What <c>its panel</c> leaves when it is killed, raced or pointed at its own input: the real
/// <c>its</c> process is killed (SIGKILL) at points drawn from a seeded sequence across a run and
/// the previous results and summary stay byte for byte; a second run to the same output is
/// refused; a link (symbolic or hard) to an input is never written; a user's own
/// <c>results.csv.partial</c> is never touched; the summary names the results file and its SHA-256.
/// </summary>
public sealed partial class PanelSafetyTests(ITestOutputHelper log) : IDisposable
{
    // Units of the big panel: a run of the real process takes some seconds on a 2-core machine.
    private const int BigUnits = 40_000;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Its => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "its.exe" : "its");

    // Units of 48 months (2016-01 on) around a reform in 2018-01, from a fixed seed.
    private string Panel(string name, int units)
    {
        string path = Path.Combine(_dir.Path, name);
        var rng = new Random(21);
        using var writer = new StreamWriter(path);
        writer.Write("id,month,visits\n");
        for (int u = 0; u < units; u++)
            for (int t = 0; t < 48; t++)
            {
                double v = 100 + u % 50 + 0.4 * t + (t >= 24 ? 6 + 0.2 * (t - 24) : 0) + rng.NextDouble() * 6 - 3;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"u{u:D6},{2016 + t / 12}-{t % 12 + 1:D2},{v:F3}\n"));
            }
        return path;
    }

    private static string[] Args(string input, string results, string? summary, params string[] more) =>
        ["panel", input, "--id", "id", "--outcome", "visits", "--interruption", "2018-01", "--out", results, .. summary is null ? [] : new[] { "--summary", summary }, .. more];

    private static Process Start(string[] args)
    {
        var start = Peers.Start(Its, args);
        start.RedirectStandardOutput = true;
        return Process.Start(start)!;
    }

    private static (int Code, string Output, string Error, double Seconds) RunToEnd(string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "its panel ran past 2 minutes");
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result.Replace("\r", ""), clock.Elapsed.TotalSeconds);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    // The summary's results file and hash.
    private static (string File, string Sha256) Pairing(string summary)
    {
        var results = JsonDocument.Parse(File.ReadAllText(summary)).RootElement.GetProperty("results");
        return (results.GetProperty("file").GetString()!, results.GetProperty("sha256").GetString()!);
    }

    [GeneratedRegex(@"^\.(results\.csv|summary\.json)\.its-[0-9a-f]{32}\.tmp$|^\.results\.csv\.its-lock$")]
    private static partial Regex Hidden();

    [Fact]
    public async Task A_killed_run_leaves_the_previous_results_and_summary_byte_for_byte()
    {
        string input = Panel("panel.csv", BigUnits);
        string results = Path.Combine(_dir.Path, "results.csv"), summary = Path.Combine(_dir.Path, "summary.json");
        var first = RunToEnd(Args(input, results, summary));
        Assert.Equal("", first.Error);
        Assert.Equal(0, first.Code);
        Assert.Equal((results, Sha256(results)), Pairing(summary));
        byte[] olsResults = File.ReadAllBytes(results), goodResults = olsResults, goodSummary = File.ReadAllBytes(summary);

        // Ten kills spread over a run (another error model, so a run that finishes shows); a run that
        // finishes first (the machine got faster) sets the length the later delays spread over.
        var rng = new Random(2026);
        double seconds = first.Seconds;
        int killedRunning = 0, sawTemporary = 0;
        for (int i = 0; i < 10; i++)
        {
            double delay = seconds * (0.05 + 0.9 * (i + rng.NextDouble()) / 10);
            var launched = DateTime.Now;
            using var process = Start(Args(input, results, summary, "--force", "--errors", "hc1"));
            var drained = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
            await Task.Delay(TimeSpan.FromSeconds(delay));
            bool running = !process.HasExited;
            if (running) { process.Kill(); killedRunning++; } // SIGKILL on Linux and macOS
            process.WaitForExit();
            await drained;
            string at = $"kill {i} after {delay:F2} s of a {seconds:F2} s run";
            bool unchanged = goodResults.AsSpan().SequenceEqual(File.ReadAllBytes(results)) && goodSummary.AsSpan().SequenceEqual(File.ReadAllBytes(summary));
            if (running)
            {
                // Killed as it was ending, after it had put the results in place: a whole new pair, or,
                // killed between the two renames (the one moment the files are not one run's pair),
                // the new results with the old summary, which names the old results' SHA-256.
                if (!unchanged)
                {
                    Assert.False(goodResults.AsSpan().SequenceEqual(File.ReadAllBytes(results)), $"{at}: the summary changed, the results did not");
                    if (goodSummary.AsSpan().SequenceEqual(File.ReadAllBytes(summary))) Assert.NotEqual(Sha256(results), Pairing(summary).Sha256);
                    else Assert.Equal((results, Sha256(results)), Pairing(summary));
                    goodResults = File.ReadAllBytes(results);
                    goodSummary = File.ReadAllBytes(summary);
                }
            }
            else
            {
                // Finished before the kill: a new pair, one run's.
                Assert.Equal(0, process.ExitCode);
                Assert.Equal((results, Sha256(results)), Pairing(summary));
                goodResults = File.ReadAllBytes(results);
                goodSummary = File.ReadAllBytes(summary);
                seconds = Math.Min(seconds, (process.ExitTime - launched).TotalSeconds);
            }
            var visible = Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Where(f => !f!.StartsWith('.')).Order(StringComparer.Ordinal);
            Assert.Equal(["panel.csv", "results.csv", "summary.json"], visible);
            foreach (string hidden in Directory.GetFiles(_dir.Path, ".*"))
            {
                Assert.Matches(Hidden(), Path.GetFileName(hidden));
                if (hidden.EndsWith(".tmp", StringComparison.Ordinal)) { sawTemporary++; File.Delete(hidden); } // a killed run's, some MB each
            }
        }
        log.WriteLine($"a run of {BigUnits:N0} units took {first.Seconds:F2} s; {killedRunning} of 10 killed while running, {sawTemporary} temporaries left hidden");
        Assert.True(killedRunning >= 5, $"only {killedRunning} of 10 runs were still running when killed");
        Assert.True(sawTemporary >= 1, "no kill caught a run writing");

        // A later run takes over the killed run's lock and replaces both files together.
        var last = RunToEnd(Args(input, results, summary, "--force", "--errors", "hc1"));
        Assert.Equal("", last.Error);
        Assert.Equal(0, last.Code);
        Assert.Equal((results, Sha256(results)), Pairing(summary));
        Assert.False(olsResults.AsSpan().SequenceEqual(File.ReadAllBytes(results)), "the hc1 results are the ols ones");
        Assert.Equal(["panel.csv", "results.csv", "summary.json"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_run_to_the_same_results_is_refused_and_the_first_writes_them_whole()
    {
        string input = Panel("panel.csv", BigUnits);
        string results = Path.Combine(_dir.Path, "results.csv");
        File.WriteAllText(results, "an earlier file\n");
        string lockFile = Path.Combine(_dir.Path, ".results.csv.its-lock");
        using var first = Start(Args(input, results, null, "--force"));
        var firstStreams = Task.WhenAll(first.StandardOutput.ReadToEndAsync(), first.StandardError.ReadToEndAsync());
        var waited = Stopwatch.StartNew();
        while (!File.Exists(lockFile) && !first.HasExited && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
        Assert.True(File.Exists(lockFile), "the first run took no lock");
        var second = RunToEnd(Args(input, results, null, "--force"));
        Assert.Equal(2, second.Code);
        Assert.Equal($"its: another its panel is writing {results} (pid {first.Id}); wait for it to end, or end it\n", second.Error);
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)));
        first.WaitForExit();
        Assert.Equal("", (await firstStreams)[1]);
        Assert.Equal(0, first.ExitCode);

        // Exactly one header and four rows a unit, every one of 14 fields with a known status.
        var lines = File.ReadAllLines(results);
        Assert.Equal(1 + 4 * BigUnits, lines.Length);
        Assert.Equal(string.Join(',', Data.UnitResultWriter.Columns), lines[0]);
        var ids = new HashSet<string>();
        foreach (string line in lines.Skip(1))
        {
            var fields = line.Split(',');
            Assert.Equal(14, fields.Length);
            Assert.Equal("ok", fields[12]);
            double.Parse(fields[2], CultureInfo.InvariantCulture);
            ids.Add(fields[0]);
        }
        Assert.Equal(BigUnits, ids.Count);
        Assert.Equal(["panel.csv", "results.csv"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_link_makes_an_output_replace_an_input()
    {
        string input = Panel("panel.csv", 20);
        byte[] before = File.ReadAllBytes(input);
        string symlink = Path.Combine(_dir.Path, "link.csv"), hardLink = Path.Combine(_dir.Path, "hard.csv");
        File.CreateSymbolicLink(symlink, input);
        Assert.Equal(0, Peers.Run("/bin/ln", input, hardLink).Code);
        string results = Path.Combine(_dir.Path, "results.csv");
        foreach (var (args, option, path) in new[]
        {
            (Args(input, symlink, null, "--force"), "--out", symlink),
            (Args(input, hardLink, null, "--force"), "--out", hardLink),
            (Args(input, results, symlink, "--force"), "--summary", symlink),
            (Args(input, results, hardLink, "--force"), "--summary", hardLink),
            // The input named through its link, the output by its own name.
            (Args(symlink, input, null, "--force"), "--out", input),
        })
        {
            var run = CliRun.Of(args);
            Assert.Equal(2, run.ExitCode);
            string named = args[1];
            Assert.Equal($"its: {option} {path}: is the input {named} (the same file on disk); give another file name\n", run.Error.Replace("\r", ""));
            Assert.Equal(before, File.ReadAllBytes(input));
            Assert.False(File.Exists(results));
        }

        // Results and summary in one file, through a link to it or to its folder.
        File.WriteAllText(results, "earlier results\n");
        string summaryLink = Path.Combine(_dir.Path, "summary.json");
        File.CreateSymbolicLink(summaryLink, results);
        var same = CliRun.Of(Args(input, results, summaryLink, "--force"));
        Assert.Equal(2, same.ExitCode);
        Assert.Equal($"its: --summary {summaryLink}: --out for {input} writes it too; give each input its own file (two inputs with the same name need {{name}} in different folders, or other names)\n", same.Error.Replace("\r", ""));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "out"));
        string folderLink = Path.Combine(_dir.Path, "out-link");
        Directory.CreateSymbolicLink(folderLink, Path.Combine(_dir.Path, "out"));
        var sameFolder = CliRun.Of(Args(input, Path.Combine(_dir.Path, "out", "r.csv"), Path.Combine(folderLink, "r.csv")));
        Assert.Equal(2, sameFolder.ExitCode);
        Assert.Contains("writes it too", sameFolder.Error);
        Assert.Equal("earlier results\n", File.ReadAllText(results));

        // A file where a folder is expected.
        var underFile = CliRun.Of(Args(input, Path.Combine(input, "results.csv"), null));
        Assert.Equal(2, underFile.ExitCode);
        Assert.Equal($"its: --out {Path.Combine(input, "results.csv")}: {input} is a file, not a folder\n", underFile.Error.Replace("\r", ""));
        Assert.Equal(before, File.ReadAllBytes(input));

        // A link to an earlier results file (not an input) is kept, and the file it leads to replaced.
        string resultsLink = Path.Combine(_dir.Path, "latest.csv");
        File.CreateSymbolicLink(resultsLink, results);
        var linked = CliRun.Of(Args(input, resultsLink, null, "--force"));
        Assert.Equal("", linked.Error);
        Assert.Equal(results, new FileInfo(resultsLink).LinkTarget);
        Assert.StartsWith("id,term,", File.ReadAllText(results), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void A_users_own_partial_file_is_never_read_moved_or_deleted()
    {
        string input = Panel("panel.csv", 20);
        string results = Path.Combine(_dir.Path, "results.csv");
        string partial = _dir.Write("results.csv.partial", "the user's own file\n");
        var run = CliRun.Of(Args(input, results, null));
        Assert.Equal("", run.Error);
        Assert.Equal("the user's own file\n", File.ReadAllText(partial));
        // A failed run (every unit before the interruption) leaves it too.
        var failed = CliRun.Of(["panel", input, "--id", "id", "--outcome", "visits", "--interruption", "2030-01", "--out", results, "--force"]);
        Assert.Equal(2, failed.ExitCode);
        Assert.Equal("the user's own file\n", File.ReadAllText(partial));
        Assert.Equal(["panel.csv", "results.csv", "results.csv.partial"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("results.csv")]
    [InlineData("results.parquet")]
    public async Task The_summary_names_its_results_file_and_its_sha256(string name)
    {
        string input = Panel("panel.csv", 50);
        string results = Path.Combine(_dir.Path, name), summary = Path.Combine(_dir.Path, "summary.json");
        var run = CliRun.Of(Args(input, results, summary, "--chunk", "16"));
        Assert.Equal("", run.Error);
        Assert.Equal((results, Sha256(results)), Pairing(summary));
        if (name.EndsWith(".parquet", StringComparison.Ordinal))
        {
            // The hash is taken as the file is written: the Parquet file must still read whole.
            await using var reader = await ParquetReader.CreateAsync(results);
            Assert.Equal(4 * 50, Enumerable.Range(0, reader.RowGroupCount).Sum(g => { using var group = reader.OpenRowGroupReader(g); return (int)group.RowCount; }));
        }
        // Another run's results beside this summary are told by the hash.
        Assert.Equal(0, CliRun.Of(Args(input, results, null, "--force", "--errors", "hc1")).ExitCode);
        Assert.NotEqual(Sha256(results), Pairing(summary).Sha256);
    }
}
