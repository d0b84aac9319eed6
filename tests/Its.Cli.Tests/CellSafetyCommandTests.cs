namespace Its.Cli.Tests;

/// <summary>
/// The built <c>its</c>, as a child process, with notebooks whose cells try to end or hold the
/// process: the command always ends, and when a cell ends the process it exits 1 naming the
/// notebook and the cell, the pages written before it kept.
/// </summary>
public sealed class CellSafetyCommandTests : IDisposable
{
    // Generous: a run of these small notebooks takes seconds; past this the process did not end.
    private static readonly TimeSpan limit = TimeSpan.FromMinutes(5);

    private readonly TempFolder _folder = new();

    // Code the compile-time refusal cannot see: Environment.Exit called by code the cell calls.
    private const string ExitInLibrary = "typeof(Environment).GetMethod(\"Exit\")!.Invoke(null, new object[] { 0 });";

    private (int Code, string Output) Its(params string[] args)
    {
        var start = Peers.Start(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "its.exe" : "its"), args);
        start.WorkingDirectory = _folder.Path;
        return Peers.Run(start, limit);
    }

    private string Notebook(string path, params string[] cells)
    {
        string full = Path.Combine(_folder.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, FreshMachineTests.NotebookJson(cells));
        return path;
    }

    private string Page(string path) => File.ReadAllText(Path.Combine(_folder.Path, path));

    [Fact]
    public void A_cell_that_ends_the_process_fails_the_run_naming_it_and_the_earlier_pages_are_kept()
    {
        string a = Notebook("a.ipynb", "var x = 40;", "x + 2");
        string b = Notebook("b.ipynb", "var y = 1;", "Console.WriteLine(y);", ExitInLibrary, "y");
        var (code, output) = Its("notebook", "run", "--html", "pages", a, b);
        Assert.True(code == 1, output);
        Assert.Contains("its: b.ipynb: cell 3 (In[3]) ended the process (Environment.Exit(0) in code it called); pages written so far: "
            + $"{Path.Combine("pages", "a.html")}, {Path.Combine("reports", "notebooks", "a.ipynb")}", output);
        Assert.EndsWith("</html>", Page(Path.Combine("pages", "a.html")).TrimEnd());
        Assert.Contains("42", Page(Path.Combine("pages", "a.html")));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "pages", "b.html")));
    }

    [Fact]
    public void Environment_exit_written_in_a_cell_is_its_error_and_the_page_shows_it()
    {
        string a = Notebook("a.ipynb", "var x = 40;", "x + 2");
        string b = Notebook("b.ipynb", "var y = 1;", "Console.WriteLine(y);", "Environment.Exit(0);", "y");
        var (code, output) = Its("notebook", "run", "--html", "pages", a, b);
        Assert.True(code == 1, output);
        Assert.Contains("its: b.ipynb: cell 3 (In[3]), line 1: ProcessExitRefused: In[3] line 1: Environment.Exit would end the notebook's process", output);
        Assert.Contains("Environment.Exit would end the notebook&#39;s process", Page(Path.Combine("pages", "b.html")));
        Assert.Contains("index: ", output);
    }

    [Fact]
    public void Reproduce_names_the_notebook_and_cell_that_ended_the_process()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "Research.sln"), "");
        Notebook(Path.Combine("notebooks", "01-first.ipynb"), "1 + 1");
        Notebook(Path.Combine("notebooks", "02-second.ipynb"), "var y = 1;", "y", ExitInLibrary);
        var (code, output) = Its("reproduce", "--out", "reports");
        Assert.True(code == 1, output);
        // The report folder is left as it was (here: none yet); the partial new report is kept beside it.
        Assert.Contains($"{Path.Combine("notebooks", "02-second.ipynb")}: cell 3 (In[3]) ended the process (Environment.Exit(0) in code it called); pages written so far: {Path.Combine("reports.failed", "01-first.html")}", output);
        Assert.Contains("its: reports is as it was; the partial new report is in reports.failed", output);
        Assert.EndsWith("</html>", Page(Path.Combine("reports.failed", "01-first.html")).TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "reports")));
    }

    [Fact]
    public void A_stack_overflow_outside_the_cell_s_checks_fails_the_run_naming_the_cell()
    {
        // A lambda with an expression body has no stack check: its recursion overflows the stack, which ends a .NET process.
        string a = Notebook("a.ipynb", "var x = 1;", "Func<int, int> down = null!;\ndown = n => down(n + 1) + 1;\ndown(0)");
        var (code, output) = Its("notebook", "run", a);
        Assert.True(code == 1, output);
        Assert.Contains("its: a.ipynb: cell 2 (In[2]) ended the process (exit code 134, SIGABRT: a stack overflow", output);
    }

    [Fact]
    public void A_foreground_thread_left_running_does_not_keep_the_run_from_ending()
    {
        string a = Notebook("a.ipynb", "new Thread(() => { while (true) Thread.Sleep(50); }).Start();", "1 + 1");
        string b = Notebook("b.ipynb", "var stuck = new Thread(() => Thread.Sleep(Timeout.Infinite)) { Name = \"stuck\" };\nstuck.Start();");
        var (code, output) = Its("notebook", "run", "--html", "pages", a, b);
        Assert.True(code == 0, output);
        Assert.Contains("index: ", output);
    }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
