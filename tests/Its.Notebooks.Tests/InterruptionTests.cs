using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>
/// Stopping a running cell (a front end's interrupt, or a timeout) while keeping the session, and
/// what a front end sees of a cell as it runs: live outputs and input.
/// </summary>
public sealed class InterruptionTests
{
    private static readonly TimeSpan patience = TimeSpan.FromSeconds(30);

    /// <summary>Runs the cell on another thread and interrupts it once it has printed "running".</summary>
    private static CellResult RunAndInterrupt(NotebookSession session, string code, int count)
    {
        using var started = new ManualResetEventSlim();
        var channel = new CellChannel { Output = o => { if (o is StreamOutput { Text: "running" }) started.Set(); } };
        var cell = Task.Run(() => session.RunCell(code, count, patience, channel));
        Assert.True(started.Wait(patience), "the cell did not start");
        Assert.True(session.Interrupt());
        Assert.True(cell.Wait(patience), "the interrupted cell did not stop");
        return cell.Result;
    }

    [Theory]
    [InlineData("a busy loop", "while (true) { }")]
    [InlineData("a loop without braces", "long n = 0;\nfor (;;) n++;")]
    [InlineData("a loop in a method the cell declares", "void Spin() { var x = 0; do x++; while (x >= 0 || true); }\nSpin();")]
    [InlineData("a lambda called by a library", "Enumerable.Range(0, int.MaxValue).Select(i => { return i % 7; }).Count(i => i > 10)")]
    [InlineData("a sleep", "Thread.Sleep(Timeout.Infinite);")]
    [InlineData("a wait on a task", "new TaskCompletionSource().Task.Wait();")]
    public void An_interrupt_stops_the_cell_and_keeps_the_session(string what, string code)
    {
        var session = new NotebookSession(new PlainFormatter());
        Assert.Equal(CellStatus.Ok, session.RunCell("var kept = 41;", 1).Status);
        var result = RunAndInterrupt(session, "kept++;\nConsole.WriteLine(\"running\");\n" + code, 2);
        Assert.True(CellStatus.Interrupted == result.Status, $"{what}: {result.Status} {result.Error?.Value}");
        Assert.Contains(result.Error!.Name, new[] { nameof(CellInterruptedException), nameof(ThreadInterruptedException) });
        Assert.Equal("running\n", Assert.IsType<StreamOutput>(result.Outputs[0]).Text);
        Assert.False(session.IsAbandoned);
        var after = session.RunCell("kept", 3);
        Assert.Equal(CellStatus.Ok, after.Status);
        Assert.Equal("42", Assert.IsType<ExecuteResultOutput>(Assert.Single(after.Outputs)).Data.PlainText);
    }

    [Fact]
    public void An_interrupted_loop_points_at_its_line()
    {
        var session = new NotebookSession(new PlainFormatter());
        var result = RunAndInterrupt(session, "Console.WriteLine(\"running\");\nvar i = 0;\nwhile (i >= 0)\n    i = (i + 1) % 10;", 1);
        Assert.Equal("CellInterruptedException: the cell was interrupted", result.Error!.Traceback[0]);
        // The loop's body, where the check is.
        Assert.Equal(4, result.ErrorLine);
    }

    [Fact]
    public void With_no_cell_running_an_interrupt_does_nothing()
    {
        var session = new NotebookSession(new PlainFormatter());
        Assert.False(session.Interrupt());
        Assert.Equal(CellStatus.Ok, session.RunCell("for (var i = 0; i < 3; i++) { }", 1).Status);
        Assert.False(session.Interrupt());
    }

    [Fact]
    public void A_busy_loop_past_its_timeout_is_stopped_and_the_session_goes_on()
    {
        var session = new NotebookSession(new PlainFormatter());
        var result = session.RunCell("var spun = 0L;\nwhile (true) spun++;", 1, TimeSpan.FromMilliseconds(200));
        Assert.Equal(CellStatus.TimedOut, result.Status);
        Assert.Equal("the cell ran longer than its timeout of 0.2 s and was stopped", result.Error!.Value);
        Assert.Equal(["Cell In[1]: stopped after 0.2 s"], result.Error.Traceback);
        Assert.False(session.IsAbandoned);
        Assert.Equal(CellStatus.Ok, session.RunCell("spun > 0", 2).Status);
    }

    [Fact]
    public void Checks_change_no_line_and_no_reported_column()
    {
        var session = new NotebookSession(new PlainFormatter());
        var thrown = session.RunCell("for (var i = 0; i < 3; i++)\n    if (i == 2) throw new InvalidOperationException(\"at two\");", 1);
        Assert.Equal(2, thrown.ErrorLine);
        var compile = session.RunCell("while (true) { undefinedName++; }", 2);
        Assert.Equal(CellStatus.Error, compile.Status);
        Assert.Equal("Cell In[2], line 1, column 16: error CS0103: The name 'undefinedName' does not exist in the current context", compile.Error!.Traceback[0]);
    }

    [Fact]
    public void A_front_end_sees_outputs_as_they_happen()
    {
        var session = new NotebookSession(new PlainFormatter());
        var seen = new List<string>();
        var channel = new CellChannel
        {
            Output = o => seen.Add(o switch
            {
                StreamOutput s => $"{s.Name}: {s.Text}",
                DisplayOutput d => $"display: {d.Data.PlainText}",
                ExecuteResultOutput r => $"result: {r.Data.PlainText}",
                _ => o.GetType().Name,
            }),
        };
        var result = session.RunCell("Console.Write(\"a\");\nConsole.Write(\"b\");\ndisplay(1);\nConsole.Error.Write(\"e\");\n2", 1, Timeout.InfiniteTimeSpan, channel);
        Assert.Equal(["stdout: a", "stdout: b", "display: 1", "stderr: e", "result: 2"], seen);
        Assert.Equal("ab", Assert.IsType<StreamOutput>(result.Outputs[0]).Text);
    }

    [Fact]
    public void A_cell_reads_console_input_from_its_front_end_or_is_told_there_is_none()
    {
        var session = new NotebookSession(new PlainFormatter());
        var lines = new Queue<string?>(["first", "xy", null]);
        var channel = new CellChannel { Input = () => lines.Dequeue() };
        var read = session.RunCell("var a = Console.ReadLine();\nvar b = (char)Console.Read();\nvar c = Console.ReadLine();\nvar d = Console.ReadLine();\n$\"{a}|{b}|{c}|{d is null}\"", 1, Timeout.InfiniteTimeSpan, channel);
        Assert.True(CellStatus.Ok == read.Status, read.Error?.Value);
        Assert.Equal("first|x|y|True", Assert.IsType<ExecuteResultOutput>(Assert.Single(read.Outputs)).Data.PlainText);
        var none = session.RunCell("Console.ReadLine()", 2);
        Assert.Equal(CellStatus.Error, none.Status);
        Assert.StartsWith("this notebook run takes no input", none.Error!.Value);
    }
}
