using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>
/// What a cell cannot do to the process it runs in (the kernel, or the run writing a report):
/// end it, overflow its stack, crash it with an exception on another thread, or keep it alive
/// with a foreground thread. Each becomes the cell's error or a note, and the session goes on.
/// A failure of one of these tests may end the test process itself: that is what they guard.
/// </summary>
public sealed class CellSafetyTests
{
    private static string Texts(CellResult result, string stream) =>
        string.Concat(result.Outputs.OfType<StreamOutput>().Where(s => s.Name == stream).Select(s => s.Text));

    [Theory]
    [InlineData("kept++;\nEnvironment.Exit(0);", "Environment.Exit", 2)]
    [InlineData("kept++;\nif (kept > 0)\n    Environment.FailFast(\"stop\");", "Environment.FailFast", 3)]
    [InlineData("using static System.Environment;\nkept++;\nExit(3);", "Environment.Exit", 3)]
    [InlineData("kept++;\nAction<int> quit = Environment.Exit;\nquit(1);", "Environment.Exit", 2)]
    [InlineData("kept++;\nvoid Quit() => System.Environment.Exit(2);", "Environment.Exit", 2)]
    [InlineData("kept++;\nSystem.Diagnostics.Process.GetCurrentProcess().Kill();", "Process.GetCurrentProcess().Kill", 2)]
    public void A_call_that_would_end_the_process_is_refused_before_the_cell_runs(string code, string call, int line)
    {
        var session = new NotebookSession(new PlainFormatter());
        Assert.Equal(CellStatus.Ok, session.RunCell("var kept = 1;", 1).Status);
        var result = session.RunCell(code, 2);
        Assert.Equal(CellStatus.Error, result.Status);
        var error = Assert.IsType<ErrorOutput>(Assert.Single(result.Outputs));
        Assert.Equal("ProcessExitRefused", error.Name);
        Assert.Equal($"In[2] line {line}: {call} would end the notebook's process (the kernel, or the run and its report); throw an exception or return instead", error.Value);
        Assert.StartsWith($"Cell In[2], line {line}: ", error.Traceback[0]);
        Assert.Equal(line, result.ErrorLine);
        // Nothing of the refused cell ran.
        Assert.Equal("1", Assert.IsType<ExecuteResultOutput>(Assert.Single(session.RunCell("kept", 3).Outputs)).Data.PlainText);
    }

    [Fact]
    public void Killing_another_process_and_naming_exit_otherwise_are_allowed()
    {
        var session = new NotebookSession(new PlainFormatter());
        var result = session.RunCell("int Exit(int code) => code;\nvar other = System.Diagnostics.Process.GetProcessesByName(\"no-such-process-its\");\nforeach (var p in other) p.Kill();\nExit(4)", 1);
        Assert.True(result.Status == CellStatus.Ok, result.Error?.Value);
    }

    [Theory]
    [InlineData("an expression-bodied method", "int Down(int n) => Down(n + 1) + 1;\nDown(0)", 2)]
    [InlineData("a void method", "void Down(long n)\n{\n    Down(n + 1);\n}\nDown(0);", 5)]
    [InlineData("a mutual recursion", "int Ping(int n) { return Pong(n + 1); }\nint Pong(int n) => Ping(n + 1);\nPing(0)", 3)]
    [InlineData("a local function in a lambda", "Func<int> run = () => { int Deep(int n) => 1 + Deep(n); return Deep(0); };\nrun()", 2)]
    public void A_recursion_that_does_not_end_is_the_cell_s_error_and_the_session_goes_on(string what, string code, int line)
    {
        var session = new NotebookSession(new PlainFormatter());
        var result = session.RunCell(code, 1);
        Assert.True(result.Status == CellStatus.Error, $"{what}: {result.Status}");
        Assert.Equal(nameof(InsufficientExecutionStackException), result.Error!.Name);
        Assert.StartsWith("deep recursion: ", result.Error.Value);
        // Thousands of frames, shown in a few lines.
        Assert.InRange(result.Error.Traceback.Count, 2, 50);
        Assert.Contains(result.Error.Traceback, t => t.Contains("more times]", StringComparison.Ordinal) || t.Contains("more frames", StringComparison.Ordinal));
        // The line of the cell's own code that began it.
        Assert.Equal(line, result.ErrorLine);
        Assert.Equal(CellStatus.Ok, session.RunCell("1 + 1", 2).Status);
    }

    [Fact]
    public void An_exception_on_a_thread_the_cell_started_is_the_cell_s_error()
    {
        var session = new NotebookSession(new PlainFormatter());
        var result = session.RunCell("var worker = new Thread(() => throw new InvalidOperationException(\"on my thread\")) { Name = \"worker\" };\nworker.Start();\nworker.Join();\nConsole.WriteLine(\"joined\");", 1);
        Assert.Equal(CellStatus.Error, result.Status);
        Assert.Equal("joined\n", Texts(result, "stdout"));
        Assert.Equal(nameof(InvalidOperationException), result.Error!.Name);
        Assert.Equal("on my thread (on the thread \"worker\" the cell started; nothing caught it)", result.Error.Value);
        Assert.Equal(1, result.ErrorLine);
        Assert.Equal(CellStatus.Ok, session.RunCell("worker.IsAlive ? 1 : 0", 2).Status);
    }

    [Theory]
    [InlineData("thread-pool work", "ThreadPool.QueueUserWorkItem(_ => throw new InvalidOperationException(\"in the pool\"));")]
    [InlineData("an async void method", "async void Later() { await Task.Yield(); throw new InvalidOperationException(\"in the pool\"); }\nLater();")]
    public void An_exception_in_the_cell_s_pool_work_is_its_error_or_a_note_of_the_next_cell(string what, string code)
    {
        // With the other test classes beside it on two cores (some block pool threads on purpose: a
        // restore from a feed that never answers), the pool can be slow to grow to the queued work;
        // a higher minimum lets it start threads at once. The test is about who reports the failure.
        ThreadPool.GetMinThreads(out int workers, out int ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), ports);
        var session = new NotebookSession(new PlainFormatter());
        var result = session.RunCell(code + "\nThread.Sleep(200);", 1);
        // The work fails while the cell runs (its error), or after it ended (a note in a later cell's
        // output). The wait ends as soon as the failure is seen.
        string seen = result.Error?.Value ?? "";
        for (int count = 2; !seen.Contains("in the pool", StringComparison.Ordinal) && count < 600; count++)
        {
            var later = session.RunCell("Thread.Sleep(100);", count);
            Assert.Equal(CellStatus.Ok, later.Status);
            seen = Texts(later, "stderr");
        }
        Assert.True(seen.Contains("InvalidOperationException: in the pool", StringComparison.Ordinal) || seen == "in the pool (on a thread-pool thread; nothing caught it)",
            $"{what}: '{seen}' (pool: {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} work items waiting)");
        Assert.Contains("thread-pool thread", seen);
    }

    [Fact]
    public void A_foreground_thread_a_cell_leaves_running_no_longer_keeps_the_process()
    {
        var session = new NotebookSession(new PlainFormatter());
        // The cell waits for the thread to run: one that only begins as the cell ends is released unnamed.
        var result = session.RunCell("var stop = false;\nvar running = new ManualResetEventSlim();\nvar spinner = new Thread(() => { running.Set(); while (!Volatile.Read(ref stop)) Thread.Sleep(20); }) { Name = \"spinner\" };\nspinner.Start();\nrunning.Wait();", 1);
        Assert.Equal(CellStatus.Ok, result.Status);
        Assert.Equal("In[1] left a foreground thread running (\"spinner\"); it no longer keeps the process alive, and is stopped with the process\n", Texts(result, "stderr"));
        var after = session.RunCell("var background = spinner.IsBackground;\nVolatile.Write(ref stop, true);\nspinner.Join();\nbackground", 2);
        Assert.Equal("True", Assert.IsType<ExecuteResultOutput>(Assert.Single(after.Outputs)).Data.PlainText);
    }
}
