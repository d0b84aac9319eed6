using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Its.Notebooks.Batch;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;
using Xunit.Abstractions;

namespace Its.Notebooks.Tests;

/// <summary>
/// <c>#r "nuget: ..."</c> for packages the kit does not carry: restored for real from a local feed
/// (<see cref="PackageFeed"/>), with their dependencies, for the cell and the cells after it; the
/// kit's own packages and the ones it carries need no restore; failures, interrupts and timeouts
/// end the cell with an error naming the package, in bounded time.
/// </summary>
[Collection(NotebookFolder.Name)]
public sealed class PackageRestoreTests(PackageFeed feed, ITestOutputHelper log) : NotebookFolder, IClassFixture<PackageFeed>
{
    // Far above what a restore from a local folder takes (about a second), far below a hang.
    private static readonly TimeSpan bounded = TimeSpan.FromSeconds(60);

    private NotebookSession Session(string? directory = null, PackageRestoreOptions? options = null) =>
        new(new PlainFormatter(), directory, Kit.Session with { PackageRestore = options ?? feed.Options });

    private string FeedSource => $"#i \"nuget: {feed.Feed}\"";

    private static string Value(CellResult result) =>
        result.Status == CellStatus.Ok
            ? Assert.IsType<ExecuteResultOutput>(result.Outputs[^1]).Data.PlainText
            : throw new Xunit.Sdk.XunitException($"{result.Status}: {result.Error?.Name}: {result.Error?.Value}");

    private (CellResult Result, TimeSpan Elapsed) Timed(Func<CellResult> run)
    {
        var clock = Stopwatch.StartNew();
        var result = run();
        return (result, clock.Elapsed);
    }

    [Fact]
    public void A_restored_package_is_used_by_its_cell_and_the_cells_after()
    {
        var session = Session();
        var (first, elapsed) = Timed(() => session.RunCell($"{FeedSource}\n#r \"nuget: Greeting.Test, 1.0.0\"\nGreeter.Hello(\"x\")", 1));
        log.WriteLine($"packing the feed: {feed.PackTime.TotalSeconds:0.0} s; first cell with its restore: {elapsed.TotalSeconds:0.0} s");
        Assert.Equal("hello, x", Value(first));
        Assert.Equal("hello, again", Value(session.RunCell("Greeter.Hello(\"again\")", 2)));
        // Another version of a package the session has loaded cannot be loaded beside it.
        var other = session.RunCell("#r \"nuget: Greeting.Test, 3.0.0\"\nGreeter.Hello(\"y\")", 3);
        Assert.Equal(
            ["#r \"nuget: Greeting.Test, 3.0.0\": the session already has Greeting.Test 1.0.0 and uses it\n"],
            other.Outputs.OfType<StreamOutput>().Select(o => o.Text));
        Assert.Equal("hello, y", Value(other));
        // The throw-away project is where the options put it, and references the package.
        Assert.Contains(Directory.EnumerateFiles(feed.Projects, "restore.csproj", SearchOption.AllDirectories),
            p => File.ReadAllText(p).Contains("<PackageReference Include=\"Greeting.Test\" Version=\"1.0.0\" />", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("no version: the latest", "")]
    [InlineData("a wildcard", ", 2.*")]
    [InlineData("a range", ", [2.0.0,3.0.0)")]
    public void A_package_s_dependencies_come_along(string what, string version)
    {
        // The cell names Loud only; Greeter, which Loud calls, comes from the dependency.
        var result = Session().RunCell($"{FeedSource}\n#r \"nuget: Greeting.Loud{version}\"\nLoud.Hello(\"x\") + \"|\" + typeof(Greeter).Assembly.GetName().Name", 1);
        Assert.True(result.Status == CellStatus.Ok, $"{what}: {result.Error?.Value}");
        Assert.Equal("HELLO, X|Greeting.Test", Value(result));
    }

    [Fact]
    public void A_package_not_in_the_feed_is_an_error_naming_it_and_the_restore_s_reason()
    {
        var session = Session();
        var (result, elapsed) = Timed(() => session.RunCell($"var before = 1;\n{FeedSource}\n#r \"nuget: Missing.Package, 1.2.3\"\nbefore", 1));
        Assert.True(elapsed < bounded, $"the failed restore took {elapsed}");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(3, result.ErrorLine);
        Assert.Equal("RestoreError", result.Error!.Name);
        Assert.StartsWith(
            "#r \"nuget: Missing.Package, 1.2.3\": restore failed: NU1101: Unable to find package Missing.Package. No packages exist with this id in source(s): ",
            result.Error.Value);
        Assert.Equal("Cell In[1], line 3: #r \"nuget: Missing.Package, 1.2.3\"", result.Error.Traceback[0]);
        // The project's path, in the temporary folder, is not shown.
        Assert.DoesNotContain(feed.Projects, result.Error.Value);
        // The missing package is not kept: the next restore does not fail on it again.
        Assert.Equal("hello, after", Value(session.RunCell("#r \"nuget: Greeting.Test, 1.0.0\"\nGreeter.Hello(\"after\")", 2)));
    }

    [Fact]
    public void Of_several_new_packages_the_error_names_the_one_that_failed()
    {
        var result = Session().RunCell($"{FeedSource}\n#r \"nuget: Greeting.Test, 1.0.0\"\n#r \"nuget: Greeting.Missing\"\nGreeter.Hello(\"x\")", 1);
        Assert.Equal("RestoreError", result.Error!.Name);
        Assert.Equal(3, result.ErrorLine);
        Assert.StartsWith("#r \"nuget: Greeting.Missing\": restore failed: NU1101: Unable to find package Greeting.Missing.", result.Error.Value);
    }

    [Fact]
    public void A_version_the_feed_does_not_have_is_an_error_naming_the_nearest()
    {
        var result = Session().RunCell($"{FeedSource}\n#r \"nuget: Greeting.Loud, 9.0.0\"", 1);
        Assert.Equal("RestoreError", result.Error!.Name);
        Assert.Equal(2, result.ErrorLine);
        string[] lines = result.Error.Value.Split('\n');
        Assert.Equal("#r \"nuget: Greeting.Loud, 9.0.0\": restore failed: NU1102: Unable to find package Greeting.Loud with version (>= 9.0.0)", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("NU1102: - Found 1 version(s) in ", StringComparison.Ordinal) && l.EndsWith("[ Nearest version: 2.0.0 ]", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_source_that_has_it_the_restore_fails_without_the_network()
    {
        // The configuration clears every source, the cell adds none, and the global packages
        // folder is a new one (NuGet takes an exact version it holds without asking a source).
        var options = feed.Options with { Environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(Folder, "empty-packages") } };
        var result = Session(options: options).RunCell("#r \"nuget: Greeting.Test, 1.0.0\"", 1);
        Assert.Equal("RestoreError", result.Error!.Name);
        Assert.StartsWith("#r \"nuget: Greeting.Test, 1.0.0\": restore failed: NU1100: Unable to resolve 'Greeting.Test (>= 1.0.0)'", result.Error.Value);
    }

    [Fact]
    public void The_kit_s_own_packages_and_the_ones_it_carries_need_no_restore()
    {
        // A restore here would fail: there is no dotnet to run, and nowhere to write its project.
        string nowhere = Path.Combine(Folder, "no-projects");
        var session = Session(options: feed.Options with { Dotnet = Path.Combine(Folder, "no-dotnet"), ProjectsDirectory = nowhere });
        string kit = ScriptEnvironment.Engine.Carried("ItsKit.Core")!.Version;
        var result = session.RunCell("""
            #r "nuget: ItsKit.Core, 0.1.0"
            #r "nuget: ItsKit.Data"
            #r "nuget: itskit.plots"
            #r "nuget: ItsKit.Sanming, 0.1.*"
            #r "nuget: ItsKit.Notebooks"
            #r "nuget: MathNet.Numerics, 5.0.0"
            new[] { typeof(ItsSpec), typeof(Its.Data.PanelReader), typeof(Its.Plots.FigureFiles), typeof(SanmingPanel), typeof(NotebookSession), typeof(MathNet.Numerics.SpecialFunctions) }
                .Select(t => t.Assembly.GetName().Name).Aggregate((a, b) => a + "," + b)
            """, 1);
        Assert.Equal("Its.Core,Its.Data,Its.Plots,Sanming,Its.Notebooks,MathNet.Numerics", Value(result));
        string[] notes = [.. result.Outputs.OfType<StreamOutput>().Select(o => o.Text)];
        // The kit's version is the one it runs; a notebook written for another still runs, with a note.
        Assert.Equal(kit == "0.1.0" ? [] : [$"#r \"nuget: ItsKit.Core, 0.1.0\": the kit carries ItsKit.Core {kit} and uses it\n"], notes);
        Assert.False(Directory.Exists(nowhere));
    }

    [Fact]
    public void The_kit_s_copy_of_an_assembly_wins_over_a_restored_one()
    {
        // Greeting.Json's assembly is a Newtonsoft.Json 99.0.0; the kit runs with its own.
        var session = Session();
        var result = session.RunCell($"{FeedSource}\n#r \"nuget: Greeting.Json, 99.0.0\"\ntypeof(Newtonsoft.Json.JsonConvert).Assembly.GetName().Version!.Major", 1);
        Assert.Equal("13", Value(result));
        var impostor = session.RunCell("Newtonsoft.Json.Impostor.Answer", 2);
        Assert.Equal("CompilationError", impostor.Error!.Name);
        Assert.Contains("Impostor", impostor.Error.Value);
    }

    [Fact]
    public void Lines_after_a_directive_keep_their_numbers()
    {
        var result = Session().RunCell($"{FeedSource}\n#r \"nuget: Greeting.Test, 1.0.0\"\n\nGreeter.Goodbye(\"x\")", 1);
        Assert.Equal("CompilationError", result.Error!.Name);
        Assert.Equal(4, result.ErrorLine);
        Assert.StartsWith("Cell In[1], line 4, column 9: error CS0117:", result.Error.Traceback[0]);
    }

    [Fact]
    public void Completion_sees_a_restored_package()
    {
        var session = Session();
        Assert.Equal(CellStatus.Ok, session.RunCell($"{FeedSource}\n#r \"nuget: Greeting.Test, 1.0.0\"", 1).Status);
        const string code = "Greeter.He";
        Assert.Contains("Hello", session.Complete(code, code.Length).Matches);
    }

    [Fact]
    public void A_notebook_run_uses_a_restored_package_from_a_folder_beside_it()
    {
        // A feed in the notebook's folder, named by a relative path.
        string packages = Directory.CreateDirectory(Path.Combine(Folder, "packages")).FullName;
        foreach (string package in Directory.EnumerateFiles(feed.Feed))
            File.Copy(package, Path.Combine(packages, Path.GetFileName(package)));
        var notebook = new Notebook([
            new Cell("markdown", "# Packages"),
            new Cell("code", "#i \"nuget: packages\"\n#r \"nuget: Greeting.Loud, 2.0.0\""),
            new Cell("code", "Loud.Hello(\"notebook\")"),
        ]);
        string path = Path.Combine(Folder, "packages.ipynb");
        File.WriteAllText(path, notebook.ToJson());
        string executed = Path.Combine(Folder, "executed");
        var runner = new NotebookRunner(new PlainFormatter(), new NotebookRunOptions { CellTimeout = bounded, Session = new() { PackageRestore = feed.Options } });

        var outcome = NotebookBatch.Run(path, runner, executed, htmlDirectory: null);

        Assert.True(outcome.Run.Succeeded, string.Join("\n", outcome.Run.Failures.Select(f => f.Message)));
        var cells = outcome.Run.Notebook.Cells;
        Assert.Empty(cells[1].Outputs);
        Assert.Equal("HELLO, NOTEBOOK", Assert.IsType<ExecuteResultOutput>(Assert.Single(cells[2].Outputs)).Data.PlainText);
        // The executed notebook written as `its notebook run` writes it.
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(executed, "packages.ipynb")))!["cells"]![2]!["outputs"]![0]!;
        Assert.Equal("HELLO, NOTEBOOK", Notebook.Text(written["data"]!["text/plain"], "packages.ipynb", 2, "text/plain"));
        // Nothing of the restore is written beside the notebook.
        Assert.Equal(
            ["executed/packages.ipynb", "packages.ipynb", .. Directory.EnumerateFiles(packages).Select(p => "packages/" + Path.GetFileName(p)).Order()],
            Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Folder, p).Replace('\\', '/')).Order());
    }

    [Fact]
    public async Task An_interrupt_stops_a_restore_and_keeps_the_session()
    {
        using var source = new SilentSource();
        var session = Session();
        Assert.Equal(CellStatus.Ok, session.RunCell("var kept = 1;", 1).Status);
        var cell = Task.Run(() => session.RunCell($"#i \"nuget: {source.Url}\"\n#r \"nuget: Never.Answered, 1.0.0\"", 2));
        Assert.True(source.Asked.Wait(bounded), "the restore did not ask the source");
        var clock = Stopwatch.StartNew();
        Assert.True(session.Interrupt());
        // Throws a TimeoutException when the interrupted restore does not stop.
        var result = await cell.WaitAsync(bounded);
        log.WriteLine($"interrupt to end of cell: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(CellStatus.Interrupted, result.Status);
        Assert.Equal(nameof(CellInterruptedException), result.Error!.Name);
        Assert.Equal("the cell was interrupted while restoring Never.Answered 1.0.0", result.Error.Value);
        Assert.Equal(2, result.ErrorLine);
        // The restore was killed: its connection to the source is closed.
        Assert.True(source.Closed.Wait(bounded), "the restore still holds its connection");
        Assert.Equal("1", Value(session.RunCell("kept", 3)));
    }

    [Fact]
    public void A_restore_past_the_cell_s_timeout_is_stopped()
    {
        using var source = new SilentSource();
        // A first cell compiles the session's scripting host, so a loaded machine's warm-up does not eat the 3 s.
        var session = Session();
        session.RunCell("0", 1);
        var (result, elapsed) = Timed(() => session.RunCell($"#i \"nuget: {source.Url}\"\n#r \"nuget: Never.Answered\"\n1", 2, TimeSpan.FromSeconds(3)));
        Assert.True(elapsed < bounded, $"the restore took {elapsed}");
        Assert.Equal(CellStatus.TimedOut, result.Status);
        Assert.Equal("TimeoutError", result.Error!.Name);
        Assert.Equal("the cell ran longer than its timeout of 3 s and was stopped while restoring Never.Answered", result.Error.Value);
        Assert.True(source.Asked.IsSet);
    }

    [Fact]
    public void A_restore_past_its_own_limit_is_stopped()
    {
        using var source = new SilentSource();
        var session = Session(options: feed.Options with { Limit = TimeSpan.FromSeconds(2) });
        var (result, elapsed) = Timed(() => session.RunCell($"#i \"nuget: {source.Url}\"\n#r \"nuget: Never.Answered, 1.0.0\"", 1));
        Assert.True(elapsed < bounded, $"the restore took {elapsed}");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(
            "#r \"nuget: Never.Answered, 1.0.0\": restore failed: it ran longer than its limit of 2 s and was stopped (a package source that does not answer?)",
            result.Error!.Value);
    }

    [Fact]
    public void Without_dotnet_the_error_says_what_is_missing()
    {
        var session = Session(options: feed.Options with { Dotnet = Path.Combine(Folder, "no-dotnet") });
        var result = session.RunCell($"{FeedSource}\n#r \"nuget: Greeting.Test, 1.0.0\"", 1);
        Assert.Equal("RestoreError", result.Error!.Name);
        Assert.Equal(2, result.ErrorLine);
        Assert.StartsWith("#r \"nuget: Greeting.Test, 1.0.0\": restore failed: the .NET SDK's dotnet command, which restores packages, cannot be started", result.Error.Value);
        Assert.EndsWith("install the .NET SDK, and put dotnet on the PATH or set DOTNET_HOST_PATH to it", result.Error.Value);
    }

    [Theory]
    [InlineData("#r \"nuget: Bad;Id\"", "Bad;Id is not a NuGet package id")]
    [InlineData("#r \"nuget: Good.Id, 1.0$(x)\"", "1.0$(x) is not a NuGet version, range or wildcard")]
    [InlineData("#i \"nuget: \"", "a package source is a feed's URL or a folder")]
    public void Directives_that_cannot_be_restored_are_refused(string directive, string reason)
    {
        var result = Session().RunCell("var x = 1;\n" + directive, 1);
        Assert.Equal("DirectiveError", result.Error!.Name);
        Assert.Equal(2, result.ErrorLine);
        Assert.Equal($"{directive}: {reason}", result.Error.Value[..(directive.Length + 2 + reason.Length)]);
    }

    /// <summary>A package source on this machine that takes connections and never answers: a restore from it waits.</summary>
    private sealed class SilentSource : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _held = [];

        public SilentSource()
        {
            _listener.Start();
            _ = Task.Run(Serve);
        }

        // NuGet refuses plain http sources; an https one waits for a TLS answer that never comes.
        public string Url => $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v3/index.json";

        /// <summary>Set when a restore has connected.</summary>
        public ManualResetEventSlim Asked { get; } = new();

        /// <summary>Set when a connection was closed by the restore's end.</summary>
        public ManualResetEventSlim Closed { get; } = new();

        private async Task Serve()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    lock (_held) _held.Add(socket);
                    Asked.Set();
                    _ = Task.Run(async () =>
                    {
                        var buffer = new byte[4096];
                        try
                        {
                            while (await socket.ReceiveAsync(buffer) > 0) { }
                        }
                        catch (SocketException)
                        {
                            // Reset by a killed process: closed as well.
                        }
                        catch (ObjectDisposedException)
                        {
                            return;
                        }
                        Closed.Set();
                    });
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_held) foreach (var socket in _held) socket.Dispose();
        }
    }
}
