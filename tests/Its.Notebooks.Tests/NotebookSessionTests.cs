using Its.Data;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>One session for the class: the first cell compiles slowly, the next ones fast.</summary>
public sealed class SharedSession
{
    private int _count;

    /// <summary>The session, with no directory.</summary>
    public NotebookSession Session { get; } = new(new PlainFormatter(), options: Kit.Session);

    /// <summary>Runs a cell with the next execution count.</summary>
    public CellResult Run(string code) => Session.RunCell(code, Interlocked.Increment(ref _count));
}

/// <summary>
/// Cells in one session: streams, displays and the last value in the order they happen, state
/// shared across cells, errors that point at cell lines, and the .NET Interactive directives.
/// </summary>
public sealed class NotebookSessionTests(SharedSession shared) : IClassFixture<SharedSession>
{
    private CellResult Run(string code) => shared.Run(code);

    private static string Describe(CellOutput output) => output switch
    {
        StreamOutput s => $"{s.Name}: {s.Text}",
        DisplayOutput d => $"display: {d.Data.PlainText}",
        ExecuteResultOutput r => $"result: {r.Data.PlainText}",
        ErrorOutput e => $"error: {e.Name}: {e.Value}",
        _ => throw new ArgumentException(output.GetType().Name),
    };

    private static string[] Describe(CellResult result) => result.Outputs.Select(Describe).ToArray();

    /// <summary>What a test shows, the cell's code, and its outputs described in order.</summary>
    public static TheoryData<string, string, string[]> Cells() => new()
    {
        {
            "consecutive writes to one stream are one output",
            "Console.Write(\"a\");\nConsole.WriteLine(\"b\");\nConsole.Error.WriteLine(\"oops\");\nConsole.Out.Write('c');\nConsole.WriteLine();",
            ["stdout: ab\n", "stderr: oops\n", "stdout: c\n"]
        },
        {
            "displays come in order with the streams, and the result last",
            "Console.WriteLine(\"before\");\ndisplay(42);\n\"shown\".Display();\nConsole.WriteLine(\"after\");\n\"last\"",
            ["stdout: before\n", "display: 42", "display: shown", "stdout: after\n", "result: last"]
        },
        {
            "output of awaited code and of its tasks is the cell's",
            "await Task.Delay(1);\nConsole.WriteLine(\"after await\");\nawait Task.Run(() => display(5));",
            ["stdout: after await\n", "display: 5"]
        },
        { "output before an error is kept", "Console.WriteLine(\"started\");\nint.Parse(\"x\");", ["stdout: started\n", "error: FormatException: The input string 'x' was not in a correct format."] },
        { "a trailing expression is the result", "var six = 2 * 3;\nsix + 1", ["result: 7"] },
        { "a statement gives no result", "var seven = 7;", [] },
        { "a null value gives no result", "(string?)null", [] },
        { "a call of a void method gives no result", "Console.Write(\"\")", [] },
        { "#!csharp is dropped", "#!csharp\nvar z = 3;\nz", ["result: 3"] },
        {
            "packages the kit carries are loaded, not restored: a package source alone asks nothing of it",
            "#r \"nuget: MathNet.Numerics\"\n#r \"nuget:plotly.net, 6.0.0\"\n#i \"nuget: https://example.org/v3/index.json\"\nMathNet.Numerics.SpecialFunctions.Factorial(4)",
            ["result: 24"]
        },
        {
            "the kit's own packages are loaded, not restored",
            "#r \"nuget: ItsKit.Core\"\n#r \"nuget: ItsKit.Plots\"\ntypeof(ItsSpec).Assembly.GetName().Name",
            ["result: Its.Core"]
        },
        {
            "the kit and its packages need no usings",
            "new[] { typeof(ItsSpec), typeof(TimeSeries), typeof(DataFrame), typeof(Chart), typeof(Thread) }.Select(t => t.Name).Aggregate((a, b) => a + \",\" + b)",
            ["result: ItsSpec,TimeSeries,DataFrame,Chart,Thread"]
        },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void A_cell_gives_its_outputs_in_order(string what, string code, string[] expected)
    {
        string[] actual = Describe(Run(code));
        Assert.True(expected.SequenceEqual(actual), $"{what}: the outputs were [{string.Join(" | ", actual)}]");
    }

    [Fact]
    public void Cells_import_the_kit_s_namespaces()
    {
        Assert.Contains("Its.Model", shared.Session.Imports);
        Assert.Contains("Sanming", shared.Session.Imports);
        Assert.Contains("Plotly.NET", shared.Session.Imports);
        Assert.Contains("Microsoft.Data.Analysis", shared.Session.Imports);
        // The study is the host's: a session without its libraries has none of it.
        var engineOnly = new NotebookSession(new PlainFormatter());
        Assert.Contains("Its.Model", engineOnly.Imports);
        Assert.DoesNotContain("Sanming", engineOnly.Imports);
    }

    [Fact]
    public void The_result_carries_the_execution_count()
    {
        var result = Assert.IsType<ExecuteResultOutput>(Assert.Single(shared.Session.RunCell("1", 77).Outputs));
        Assert.Equal(77, result.ExecutionCount);
    }

    [Fact]
    public void Html_and_markdown_are_shown_as_they_are()
    {
        var result = Run("display(HTML(\"<b>x</b>\"));\nMarkdown(\"*y*\")");
        var html = Assert.IsType<DisplayOutput>(result.Outputs[0]).Data.Data;
        Assert.Equal("<b>x</b>", html["text/html"]);
        var markdown = Assert.IsType<ExecuteResultOutput>(result.Outputs[1]).Data.Data;
        Assert.Equal("*y*", markdown["text/markdown"]);
    }

    [Fact]
    public void Variables_functions_and_types_are_shared_across_cells()
    {
        Run("var shared = 20;\nint Twice(int v) => 2 * v;\nrecord Pair(int A, int B);");
        Run("shared += 1;");
        Assert.Equal(["result: 43"], Describe(Run("Twice(shared) + new Pair(1, 2).A")));
    }

    [Fact]
    public void An_exception_points_at_the_cell_lines_that_led_to_it()
    {
        Run("""
            // a helper
            int Fail(int v) => v > 0 ? throw new InvalidOperationException("no data for " + v) : v;
            """);
        var result = Run("""
            var ok = 1;
            var values = new[] { 0, 3 };
            var sum = values.Select(Fail).Sum();
            """);
        Assert.Equal(CellStatus.Error, result.Status);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(result.Outputs));
        Assert.Equal("InvalidOperationException", error.Name);
        Assert.Equal("no data for 3", error.Value);
        Assert.Equal(3, result.ErrorLine);
        Assert.Equal("InvalidOperationException: no data for 3", error.Traceback[0]);
        Assert.Matches(@"^   at Cell In\[\d+\], line 2, in Fail: int Fail\(int v\) => ", error.Traceback[1]);
        Assert.Matches(@"^   at Cell In\[\d+\], line 3: var sum = values.Select\(Fail\).Sum\(\);$", error.Traceback[2]);
        Assert.Equal(3, error.Traceback.Count);
    }

    [Fact]
    public void Frames_name_methods_as_the_cell_wrote_them()
    {
        var result = Run("""
            class Model { public void Fit() => throw new ArgumentException("bad"); }
            void Local() => new Model().Fit();
            Action act = () => Local();
            act();
            """);
        var lines = result.Error!.Traceback.Skip(1).Select(l => l[..l.IndexOf(':')]).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.EndsWith("line 1, in Model.Fit", lines[0]);
        Assert.EndsWith("line 2, in Local", lines[1]);
        Assert.EndsWith("line 3, in a lambda", lines[2]);
        Assert.EndsWith("line 4", lines[3]);
        Assert.DoesNotContain(result.Error.Traceback, l => l.Contains("Submission") || l.Contains("CodeAnalysis") || l.Contains("Its.Notebooks"));
    }

    [Fact]
    public void Inner_exceptions_are_listed()
    {
        var result = Run("throw new InvalidOperationException(\"outer\", new FormatException(\"inner\"));");
        Assert.Equal("InvalidOperationException", result.Error!.Name);
        Assert.Contains(" ---> FormatException: inner", result.Error.Traceback);
    }

    [Fact]
    public void Compilation_errors_give_each_line_and_column()
    {
        var result = Run("var a = 1;\nvar b = undefinedName;\nint c = \"text\";");
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(2, result.ErrorLine);
        var error = result.Error!;
        Assert.Equal("CompilationError", error.Name);
        Assert.Equal("CS0103: The name 'undefinedName' does not exist in the current context (and 1 more error)", error.Value);
        Assert.Equal(2, error.Traceback.Count);
        Assert.Matches(@"^Cell In\[\d+\], line 2, column 9: error CS0103: ", error.Traceback[0]);
        Assert.Matches(@"^Cell In\[\d+\], line 3, column 9: error CS0029: ", error.Traceback[1]);
    }

    [Fact]
    public void After_an_error_the_session_goes_on_with_what_was_assigned()
    {
        Assert.Equal(CellStatus.Error, Run("var kept = 5;\nthrow new Exception(\"stop\");").Status);
        Assert.Equal(CellStatus.Error, Run("var broken = ;").Status);
        Assert.Equal(["result: 6"], Describe(Run("kept + 1")));
    }

    [Fact]
    public void Lines_keep_their_numbers_when_a_magic_is_dropped()
    {
        var error = Run("#!csharp\n\nmissing()");
        Assert.Equal(3, error.ErrorLine);
        Assert.StartsWith("CS0103", error.Error!.Value);
    }

    [Fact]
    public void A_markdown_cell_written_as_code_is_not_run()
    {
        const string source = "#!markdown\n\n# Title\nSome *text*.";
        var result = Run(source);
        Assert.Equal(CellStatus.Markdown, result.Status);
        Assert.Empty(result.Outputs);
        Assert.Equal("\n# Title\nSome *text*.", CellSource.MarkdownOf(source));
        Assert.Null(CellSource.MarkdownOf("var x = 1;\n#!markdown"));
    }

    [Theory]
    [InlineData("#!fsharp\nlet x = 1", 1, "#!fsharp: a .NET Interactive magic command the kit does not run; the kit knows #!csharp, #!c#, #!markdown (first line), #!time (first line), #!about")]
    [InlineData("var x = 1;\n#!time", 2, "#!time: only a cell's first line can time it")]
    [InlineData("#!time 3\nvar x = 1;", 1, "#!time 3: #!time times the whole cell and takes nothing after it")]
    [InlineData("var x = 1;\n#!markdown\n# no", 2, "#!markdown: only a cell's first line can make it markdown")]
    public void Other_magics_are_refused_clearly(string code, int line, string message)
    {
        var result = Run(code);
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal(line, result.ErrorLine);
        Assert.Equal("DirectiveError", result.Error!.Name);
        Assert.Contains(message, result.Error.Value);
        Assert.Matches($@"^Cell In\[\d+\], line {line}: #!", Assert.Single(result.Error.Traceback));
    }

    [Fact]
    public void Another_version_of_a_carried_package_is_noted()
    {
        const string note = "stderr: #r \"nuget: Plotly.NET, 4.2.0\": the kit carries Plotly.NET 6.0.0 and uses it\n";
        Assert.Equal([note, "result: 1"], Describe(Run("#r \"nuget: Plotly.NET, 4.2.0\"\n1")));
        var failed = Run("#r \"nuget: Plotly.NET, 4.2.0\"\nChart2D.Chart.OldApi()");
        Assert.Equal(note, Describe(failed)[0]);
        Assert.Equal("CompilationError", failed.Error!.Name);
    }

    [Fact]
    public void A_nuget_reference_to_another_package_is_restored_not_refused()
    {
        // Restores themselves, from a feed of their own, are in PackageRestoreTests; this one only
        // shows the directive is taken apart for a restore (the session's, which is not run here).
        var prepared = Assert.IsType<PreparedCell.Code>(CellSource.Prepare("var before = 1;\n#r \"nuget: Newtonsoft.Json, 13.0.3\"\n#i \"nuget: ./feed\"\nbefore", ScriptEnvironment.Engine));
        Assert.Equal("var before = 1;\n\n\nbefore", prepared.Text);
        Assert.Equal([new PackageDirective("Newtonsoft.Json", "13.0.3", 2, "#r \"nuget: Newtonsoft.Json, 13.0.3\"")], prepared.Packages);
        Assert.Equal([new SourceDirective("./feed", 3, "#i \"nuget: ./feed\"")], prepared.Sources);
        Assert.Empty(prepared.Notes);
        var latest = Assert.IsType<PreparedCell.Code>(CellSource.Prepare("#r \"nuget:Newtonsoft.Json\"", ScriptEnvironment.Engine));
        Assert.Null(Assert.Single(latest.Packages).Version);
    }

    [Fact]
    public void A_timed_cell_writes_its_times_on_stdout_after_its_outputs()
    {
        var result = Run("#!time\nConsole.Write(\"a\");\nThread.Sleep(50);\n1 + 1");
        Assert.Equal(CellStatus.Ok, result.Status);
        var described = Describe(result);
        Assert.Equal(2, described.Length);
        // One stream: what the cell wrote, then the times, then its value.
        Assert.Matches(@"^stdout: aCPU times: user [\d.]+ (s|ms|µs|ns), sys [\d.]+ (s|ms|µs|ns), total [\d.]+ (s|ms|µs|ns)\nWall time: [\d.]+ (s|ms)\n$", described[0]);
        Assert.Equal("result: 2", described[1]);
        // Before the error of a cell that fails.
        var failed = Run("#!time\nthrow new InvalidOperationException(\"no\");");
        Assert.Equal(["stdout", "error"], failed.Outputs.Select(o => o is StreamOutput ? "stdout" : o is ErrorOutput ? "error" : "?"));
        Assert.Contains("Wall time: ", Describe(failed)[0]);
    }

    [Theory]
    [InlineData(0.0, "0 ns")]
    [InlineData(0.000_002_5, "2.5 µs")]
    [InlineData(0.012_345, "12.3 ms")]
    [InlineData(1.234_5, "1.23 s")]
    [InlineData(63.4, "1min 3s")]
    [InlineData(3_725.0, "1h 2min 5s")]
    public void Times_are_written_as_ipython_writes_them(double seconds, string written)
    {
        Assert.Equal(written, CellTimer.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void About_names_the_kernel_the_versions_and_the_data()
    {
        var result = Run("#!about");
        Assert.Equal(CellStatus.Ok, result.Status);
        var about = Assert.IsType<DisplayOutput>(Assert.Single(result.Outputs)).Data;
        string text = about.PlainText;
        Assert.Contains("kernel:", text);
        Assert.Contains("its-csharp (C# (ITS kit))", text);
        Assert.Matches(@"kit: +\d+\.\d+\.\d+", text);
        Assert.Contains(".NET 10.", text);
        Assert.Matches(@"Roslyn: +\d+\.\d+", text);
        Assert.Matches(@"C#: +\d+", text);
        Assert.Contains(KitData.Folders()[0], text);
        Assert.Contains("<table>", about.Data["text/html"]);
        Assert.Contains("<th style=\"text-align:left\">kit</th>", about.Data["text/html"]);
        // With code after it, the code runs too.
        Assert.Equal(["display", "result: 3"], Describe(Run("#!about\n1 + 2")).Select(d => d.StartsWith("display", StringComparison.Ordinal) ? "display" : d));
    }

    [Fact]
    public void An_expression_is_evaluated_without_counting_a_cell()
    {
        Assert.Equal(CellStatus.Ok, Run("var evaluated = new List<int> { 1, 2, 3 };\nint Noisy() { Console.WriteLine(\"dropped\"); return 7; }").Status);
        var value = shared.Session.Evaluate("evaluated.Count * 2");
        Assert.Null(value.Error);
        Assert.Equal("6", value.Data!.PlainText);
        Assert.Equal("7", shared.Session.Evaluate("Noisy()").Data!.PlainText);
        var missing = shared.Session.Evaluate("notDeclared + 1");
        Assert.Null(missing.Data);
        Assert.Equal("CompilationError", missing.Error!.Name);
        Assert.Contains("CS0103", missing.Error.Value);
        var thrown = shared.Session.Evaluate("evaluated[10]");
        Assert.Equal("ArgumentOutOfRangeException", thrown.Error!.Name);
        var statement = shared.Session.Evaluate("var y = 1;");
        Assert.Equal("SyntaxError", statement.Error!.Name);
        // The next cell sees the session as it was, and no declaration of the expressions.
        Assert.Equal(["result: 3"], Describe(Run("evaluated.Count")));
    }

    [Fact]
    public void Display_outside_a_cell_says_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => 1.Display());
        Assert.Contains("no cell is running", e.Message);
    }
}
