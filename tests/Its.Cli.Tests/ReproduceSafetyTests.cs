using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Its.Cli.Tests;

/// <summary>
/// The built <c>its reproduce</c>, as a child process, on a scratch repository of two tiny
/// notebooks, killed at many moments and pointed at folders it must not write: the previous
/// report is always whole, the user's files are never lost, and no link makes it write the inputs.
/// </summary>
public sealed class ReproduceSafetyTests : IDisposable
{
    // Generous: a run of these notebooks takes a few seconds; past this the process did not end.
    private static readonly TimeSpan limit = TimeSpan.FromMinutes(2);

    private static readonly string program = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "its.exe" : "its");

    private readonly TempFolder _folder = new();
    private readonly ITestOutputHelper _log;

    public ReproduceSafetyTests(ITestOutputHelper log)
    {
        _log = log;
        File.WriteAllText(Path.Combine(_folder.Path, "Research.sln"), "");
        Notebook("01-first.ipynb", "var x = 40;", "x + 2");
        Notebook("02-second.ipynb", "var y = 2;", "Enumerable.Range(0, 5).Select(i => i * y).ToArray()");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data"));
        File.WriteAllText(Path.Combine(_folder.Path, "data", "sanming_monthly.csv"), "year,month,visits\n2010,1,5\n");
    }

    private string Reports => Path.Combine(_folder.Path, "reports");

    private string Notebook(string name, params string[] cells)
    {
        string path = Path.Combine(_folder.Path, "notebooks", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, FreshMachineTests.NotebookJson(cells));
        return path;
    }

    private ProcessStartInfo Start(string[] args)
    {
        var start = Peers.Start(program, args);
        start.WorkingDirectory = _folder.Path;
        return start;
    }

    private (int Code, string Output) Its(params string[] args) => Peers.Run(Start(args), limit);

    // Starts a run and SIGKILLs the its process (not its worker: the worker sees its supervisor gone and ends) after the delay.
    private void KillAfter(TimeSpan delay)
    {
        using var process = Process.Start(Start(["reproduce"]))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Thread.Sleep(delay);
        try { process.Kill(entireProcessTree: false); }
        catch (InvalidOperationException) { /* it had ended */ }
        process.WaitForExit();
        // The pipes close when the worker has ended too.
        Assert.True(Task.WaitAll([output, error], limit), "the worker did not end after its supervisor was killed");
    }

    // Every file under a folder (hidden ones too) by relative path, with its SHA-256.
    private static SortedDictionary<string, string> Snapshot(string folder) => new(
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    // The report's files are exactly those its manifest lists, with their sizes and hashes.
    private static void MatchesItsManifest(string folder)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ".its-manifest.json")))!;
        Assert.Equal("its reproduce", (string?)manifest["written_by"]);
        var listed = manifest["files"]!.AsArray().ToDictionary(f => (string)f!["path"]!, f => ((long)f!["size"]!, (string)f!["sha256"]!));
        var files = Snapshot(folder);
        files.Remove(".its-manifest.json");
        Assert.Equal(listed.Keys.Order(StringComparer.Ordinal), files.Keys);
        foreach (var (path, (size, sha)) in listed)
        {
            Assert.Equal(size, new FileInfo(Path.Combine(folder, path)).Length);
            Assert.True(files[path] == sha, $"{path} differs from the manifest");
        }
    }

    private string[] Leftovers() => Directory.GetFileSystemEntries(_folder.Path, ".reports.its-*").Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void A_kill_at_any_moment_leaves_the_previous_report_whole()
    {
        var clock = Stopwatch.StartNew();
        var (code, output) = Its("reproduce");
        var run = clock.Elapsed;
        Assert.True(code == 0, output);
        MatchesItsManifest(Reports);
        var before = Snapshot(Reports);
        _log.WriteLine($"a whole run: {run.TotalSeconds:F1} s, {before.Count} files");
        // The new runs would write a different report, so a kill after the swap shows as the new one.
        Notebook("02-second.ipynb", "var y = 3;", "Enumerable.Range(0, 5).Select(i => i * y).ToArray()");
        var seeded = new Random(20261203);
        var states = new List<(TimeSpan Delay, SortedDictionary<string, string> Report)>();
        for (int kill = 0; kill < 8; kill++)
        {
            // Spread over the run and a third past its end (the swap comes last, and a run here may be slower than the first).
            var delay = TimeSpan.FromSeconds(run.TotalSeconds * (kill + seeded.NextDouble()) / 6);
            KillAfter(delay);
            MatchesItsManifest(Reports);
            states.Add((delay, Snapshot(Reports)));
            Assert.DoesNotContain(states[^1].Report.Keys, f => f.Contains(".its-", StringComparison.Ordinal) && f != ".its-manifest.json");
        }
        (code, output) = Its("reproduce");
        Assert.True(code == 0, output);
        var after = Snapshot(Reports);
        Assert.NotEqual(before, after);
        foreach (var (delay, report) in states)
        {
            _log.WriteLine($"killed after {delay.TotalSeconds:F2} s: {(report.SequenceEqual(before) ? "the previous report" : "the new report")}");
            Assert.True(report.SequenceEqual(before) || report.SequenceEqual(after), $"killed after {delay.TotalSeconds:F2} s: the report is neither the previous one nor the new one");
        }
        Assert.Contains(states, s => s.Report.SequenceEqual(before));
        // A whole run clears what killed runs left beside the folder.
        Assert.Empty(Leftovers());
    }

    [Fact]
    public async Task A_second_run_on_the_same_folder_is_refused_while_the_first_writes()
    {
        using var first = Process.Start(Start(["reproduce"]))!;
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        string lockFile = Path.Combine(_folder.Path, ".reports.its-lock");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(lockFile) && !first.HasExited && waited.Elapsed < limit) Thread.Sleep(20);
        var (code, output) = Its("reproduce");
        Assert.True(first.WaitForExit(limit));
        Assert.True(code == 2, output);
        Assert.Equal($"its: another its reproduce is writing reports (pid {first.Id}); wait for it to end, or end it", output.Trim());
        Assert.True(first.ExitCode == 0, await firstOutput);
        MatchesItsManifest(Reports);
        Assert.False(File.Exists(lockFile));
    }

    [Fact]
    public void A_folder_the_kit_did_not_write_is_refused_and_untouched_and_force_carries_its_files_over()
    {
        string mine = Path.Combine(_folder.Path, "mine");
        Directory.CreateDirectory(Path.Combine(mine, "drafts"));
        File.WriteAllText(Path.Combine(mine, "index.html"), "my own index");
        File.WriteAllText(Path.Combine(mine, "drafts", "notes.txt"), "my notes");
        var before = Snapshot(mine);
        var (code, output) = Its("reproduce", "--out", "mine");
        Assert.True(code == 2, output);
        Assert.Equal("its: mine: holds 2 file(s) and no kit manifest (.its-manifest.json): it is not a report the kit wrote; give another folder, or --force to replace it (your files are carried over)", output.Trim());
        Assert.Equal(before, Snapshot(mine));

        (code, output) = Its("reproduce", "--out", "mine", "--force");
        Assert.True(code == 0, output);
        Assert.Contains("mine: 2 file(s) of yours (not in its manifest, or changed) carried over into the new report (", output);
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(mine, "drafts", "notes.txt")));
        // The user's file where the kit writes its own is kept aside, not lost.
        Assert.Equal("my own index", File.ReadAllText(Path.Combine(mine, "its-replaced", "index.html")));
        Assert.Contains("01-first.html", File.ReadAllText(Path.Combine(mine, "index.html")));
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path, ".mine.its-*"));
    }

    [Fact]
    public void A_kit_report_with_an_edited_page_is_refused_and_untouched()
    {
        Assert.Equal(0, Its("reproduce").Code);
        File.AppendAllText(Path.Combine(Reports, "01-first.html"), "<!-- my note -->");
        var before = Snapshot(Reports);
        var (code, output) = Its("reproduce");
        Assert.True(code == 2, output);
        Assert.Equal("its: reports: 1 file(s) differ from its manifest (01-first.html): changed or put there since the kit wrote it; give another folder, or --force to replace it (your files are carried over)", output.Trim());
        Assert.Equal(before, Snapshot(Reports));
    }

    [Fact]
    public void Links_to_the_repository_or_the_notebooks_are_refused_and_the_notebooks_untouched()
    {
        var notebooks = Snapshot(Path.Combine(_folder.Path, "notebooks"));
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "to-repository"), _folder.Path);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "to-notebooks"), Path.Combine(_folder.Path, "notebooks"));
        var (code, output) = Its("reproduce", "--out", "to-repository");
        Assert.True(code == 2, output);
        Assert.Equal("its: to-repository: is the repository (or holds it); give a folder of its own for the report, e.g. reports", output.Trim());
        (code, output) = Its("reproduce", "--out", "to-notebooks", "--force");
        Assert.True(code == 2, output);
        Assert.StartsWith("its: to-notebooks: lies in ", output.Trim());
        (code, output) = Its("reproduce", "--out", Path.Combine("to-notebooks", "reports"));
        Assert.True(code == 2, output);
        Assert.Equal(notebooks, Snapshot(Path.Combine(_folder.Path, "notebooks")));
        Assert.Equal(["01-first.ipynb", "02-second.ipynb"], Directory.GetFileSystemEntries(Path.Combine(_folder.Path, "notebooks")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_root_a_file_and_the_data_folder_are_refused()
    {
        var (code, output) = Its("reproduce", "--out", "/", "--force");
        Assert.True(code == 2, output);
        Assert.Equal("its: /: is the root of the file system; give a folder of its own for the report", output.Trim());
        (code, output) = Its("reproduce", "--out", Path.Combine("data", "sanming_monthly.csv"));
        Assert.True(code == 2, output);
        Assert.Equal($"its: {Path.Combine("data", "sanming_monthly.csv")}: is a file, not a folder", output.Trim());
        (code, output) = Its("reproduce", "--out", "data", "--force");
        Assert.True(code == 2, output);
        Assert.StartsWith("its: data: lies in ", output.Trim());
        Assert.Equal("year,month,visits\n2010,1,5\n", File.ReadAllText(Path.Combine(_folder.Path, "data", "sanming_monthly.csv")));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(_folder.Path, "data")));
    }

    [Fact]
    public void A_link_to_a_folder_elsewhere_gets_the_report_and_stays_a_link()
    {
        string elsewhere = Path.Combine(_folder.Path, "elsewhere", "site");
        Directory.CreateDirectory(elsewhere);
        string link = Path.Combine(_folder.Path, "site");
        Directory.CreateSymbolicLink(link, elsewhere);
        Assert.Equal(0, Its("reproduce", "--out", "site").Code);
        var (code, output) = Its("reproduce", "--out", "site");
        Assert.True(code == 0, output);
        Assert.Equal(elsewhere, new DirectoryInfo(link).LinkTarget);
        MatchesItsManifest(elsewhere);
    }

    [Fact]
    public void A_failed_run_leaves_the_previous_report_and_a_report_a_kill_left_beside_the_folder_is_put_back()
    {
        Assert.Equal(0, Its("reproduce").Code);
        var before = Snapshot(Reports);
        // As a kill between the swap's two renames leaves it.
        Directory.Move(Reports, Path.Combine(_folder.Path, ".reports.its-old-0123456789abcdef0123456789abcdef"));
        Notebook("03-third.ipynb", "var z = 1;", "throw new InvalidOperationException(\"stop here\");");
        var (code, output) = Its("reproduce");
        Assert.True(code == 1, output);
        Assert.Contains("03-third.ipynb: cell 2 (In[2]), line 1: InvalidOperationException: stop here", output);
        Assert.Contains("its: reports is as it was; the partial new report is in reports.failed", output);
        Assert.Equal(before, Snapshot(Reports));
        Assert.True(File.Exists(Path.Combine(_folder.Path, "reports.failed", "03-third.html")));
        Assert.Empty(Leftovers());
        // A second failure replaces the failed report (it carries the kit's manifest).
        (code, output) = Its("reproduce");
        Assert.True(code == 1, output);
        MatchesItsManifest(Path.Combine(_folder.Path, "reports.failed"));
        Assert.Equal(before, Snapshot(Reports));
    }

    [Fact]
    public void Notebook_run_never_writes_over_the_notebook_through_a_link()
    {
        string first = Path.Combine(_folder.Path, "notebooks", "01-first.ipynb");
        string source = File.ReadAllText(first);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "executed"), Path.Combine(_folder.Path, "notebooks"));
        var (code, output) = Its("notebook", "run", "--output", "executed", Path.Combine("notebooks", "01-first.ipynb"));
        Assert.True(code == 2, output);
        Assert.Contains("writing the executed notebook there would overwrite the notebook itself", output);
        Assert.Equal(source, File.ReadAllText(first));
    }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
