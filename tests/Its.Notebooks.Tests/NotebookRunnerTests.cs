using System.Text.Json.Nodes;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>
/// Whole notebooks in a fresh session each: execution counts, outputs replaced, markdown and raw
/// cells untouched, where a run stops, timeouts, and the same JSON from every run.
/// </summary>
[Collection(NotebookFolder.Name)]
public sealed class NotebookRunnerTests : NotebookFolder
{
    private static Cell Code(string source) => new("code", source);

    private NotebookRun Run(NotebookRunOptions options, params Cell[] cells) =>
        new NotebookRunner(new PlainFormatter(), options).Run(new Notebook(cells), Folder);

    private NotebookRun Run(params Cell[] cells) => Run(new NotebookRunOptions(), cells);

    [Fact]
    public void Code_cells_that_run_are_counted_and_get_new_outputs()
    {
        var markdown = new Cell("markdown", "# Title") { Id = "intro", Metadata = new JsonObject { ["custom"] = 1 } };
        var raw = new Cell("raw", "raw text");
        var stale = Code("var x = 20;\nx + 1") with { ExecutionCount = 9, Outputs = [new StreamOutput("stdout", "old")] };
        var run = Run(markdown, stale, Code("   \n"), Code("#!markdown\n*notes*"), raw, Code("Console.Write(x)"));
        Assert.True(run.Succeeded);
        var cells = run.Notebook.Cells;
        Assert.Same(markdown, cells[0]);
        Assert.Same(raw, cells[4]);
        Assert.Equal([null, 1, null, null, null, 2], cells.Select(c => c.ExecutionCount));
        Assert.Equal("21", Assert.IsType<ExecuteResultOutput>(Assert.Single(cells[1].Outputs)).Data.PlainText);
        Assert.Equal(1, ((ExecuteResultOutput)cells[1].Outputs[0]).ExecutionCount);
        Assert.Empty(cells[2].Outputs);
        Assert.Empty(cells[3].Outputs);
        Assert.Equal("20", Assert.IsType<StreamOutput>(Assert.Single(cells[5].Outputs)).Text);
    }

    [Fact]
    public void Progress_is_told_before_and_after_each_cell_that_runs()
    {
        var told = new List<CellProgress>();
        var run = Run(new NotebookRunOptions { Progress = told.Add }, new Cell("markdown", "# Title"), Code("var x = 1;"), Code(" "), Code("x"));
        Assert.Equal([null, 1, null, 2], run.Notebook.Cells.Select(c => c.ExecutionCount));
        Assert.Equal([new(1, 1, false), new(1, 1, true), new(3, 2, false), new(3, 2, true)], told);
    }

    [Fact]
    public void A_run_stops_at_the_first_failing_cell()
    {
        var run = Run(Code("var a = 1;"), new Cell("markdown", "text"), Code("var b = 2;\nthrow new InvalidOperationException(\"no data\\nmore\");"), Code("var c = 3;"));
        var failure = Assert.Single(run.Failures);
        Assert.Equal(2, failure.CellIndex);
        Assert.Equal(2, failure.ExecutionCount);
        Assert.Equal(2, failure.Line);
        Assert.Equal("cell 3 (In[2]), line 2: InvalidOperationException: no data", failure.Message);
        Assert.Equal("InvalidOperationException", Assert.IsType<ErrorOutput>(Assert.Single(run.Notebook.Cells[2].Outputs)).Name);
        Assert.Null(run.Notebook.Cells[3].ExecutionCount);
        Assert.Empty(run.Notebook.Cells[3].Outputs);
    }

    [Fact]
    public void With_errors_allowed_every_cell_runs_and_every_failure_is_reported()
    {
        var run = Run(new NotebookRunOptions { AllowErrors = true }, Code("undefined"), Code("throw new Exception(\"x\");"), Code("1"));
        Assert.Equal([0, 1], run.Failures.Select(f => f.CellIndex));
        Assert.Equal("cell 1 (In[1]), line 1: CompilationError: CS0103: The name 'undefined' does not exist in the current context", run.Failures[0].Message);
        Assert.Equal(3, run.Notebook.Cells[2].ExecutionCount);
        Assert.Single(run.Notebook.Cells[2].Outputs);
    }

    [Fact]
    public void A_cell_tagged_raises_exception_may_fail()
    {
        var expected = Code("int.Parse(\"n/a\")") with { Metadata = new JsonObject { ["tags"] = new JsonArray("raises-exception") } };
        var run = Run(expected, Code("2"));
        Assert.True(run.Succeeded);
        Assert.Equal("FormatException", Assert.IsType<ErrorOutput>(Assert.Single(run.Notebook.Cells[0].Outputs)).Name);
        Assert.Equal(2, run.Notebook.Cells[1].ExecutionCount);
    }

    [Fact]
    public void A_cell_past_its_timeout_is_stopped_and_ends_the_run_even_with_errors_allowed()
    {
        var options = new NotebookRunOptions { CellTimeout = TimeSpan.FromMilliseconds(300), AllowErrors = true };
        var run = Run(options, Code("Console.WriteLine(\"waiting\");\nThread.Sleep(Timeout.Infinite);"), Code("1"));
        var failure = Assert.Single(run.Failures);
        Assert.Equal(0, failure.CellIndex);
        Assert.Null(failure.Line);
        Assert.Equal("cell 1 (In[1]): TimeoutError: the cell ran longer than its timeout of 0.3 s and was stopped", failure.Message);
        Assert.Equal("waiting\n", Assert.IsType<StreamOutput>(run.Notebook.Cells[0].Outputs[0]).Text);
        Assert.Null(run.Notebook.Cells[1].ExecutionCount);
    }

    [Fact]
    public void A_cell_busy_outside_its_code_is_abandoned_and_the_session_refuses_more_cells()
    {
        var session = new NotebookSession(new PlainFormatter());
        Assert.Equal(CellStatus.Ok, session.RunCell("var before = 1;", 1).Status);
        // The library's loop has no interruption check and never waits; the flag only lets the abandoned thread end after the test.
        var result = session.RunCell("Enumerable.Range(0, int.MaxValue).TakeWhile(i => AppContext.GetData(\"its-tests-stop-spinning\") is null).Count()", 2, TimeSpan.FromMilliseconds(200));
        AppContext.SetData("its-tests-stop-spinning", true);
        Assert.Equal(CellStatus.TimedOut, result.Status);
        Assert.Equal("TimeoutError", result.Error!.Name);
        Assert.Equal(["Cell In[2]: abandoned after 0.2 s"], result.Error.Traceback);
        Assert.True(session.IsAbandoned);
        var refused = Assert.Throws<InvalidOperationException>(() => session.RunCell("1", 3));
        Assert.Contains("start a new session", refused.Message);
    }

    [Fact]
    public void The_same_notebook_gives_the_same_json_every_run()
    {
        File.WriteAllText(Path.Combine(Folder, "values.txt"), "3\n4\n");
        var notebook = Notebook.Parse(
            new Notebook([
                new Cell("markdown", "# Values"),
                Code("var values = File.ReadAllLines(\"values.txt\").Select(int.Parse).ToArray();\nConsole.WriteLine(values.Length);\ndisplay(values.Sum());\nvalues.Max()"),
                Code("File.ReadAllText(\"absent.txt\")"),
                Code("throw new ArgumentException(Path.GetFullPath(\"values.txt\"));"),
            ]).ToJson(),
            "values.ipynb");
        var runner = new NotebookRunner(new PlainFormatter(), new NotebookRunOptions { AllowErrors = true });
        string first = runner.Run(notebook, Folder).Notebook.ToJson();
        string second = runner.Run(notebook, Folder).Notebook.ToJson();
        Assert.Equal(first, second);
        Assert.DoesNotContain(Folder, first);
        Assert.Contains("Could not find file 'absent.txt'.", first);
        Assert.Contains("\"evalue\": \"values.txt\"", first);
    }
}
