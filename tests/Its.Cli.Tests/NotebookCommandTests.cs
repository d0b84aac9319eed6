using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary><c>its notebook run</c>: outputs, a failing cell, a cell past the timeout, and bad input.</summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed class NotebookCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Notebook(string name, params string[] cells)
    {
        var json = new
        {
            cells = cells.Select((c, i) => new { cell_type = "code", id = $"c{i}", metadata = new { }, execution_count = (int?)null, outputs = Array.Empty<object>(), source = c }),
            metadata = new { },
            nbformat = 4,
            nbformat_minor = 5,
        };
        return _folder.Write(name, JsonSerializer.Serialize(json));
    }

    [Fact]
    public void Writes_the_executed_notebook_and_its_page()
    {
        string path = Notebook("ok.ipynb", "Console.WriteLine(\"hello\");", "1 + 2");
        string executed = Path.Combine(_folder.Path, "out"), html = Path.Combine(_folder.Path, "html");
        var run = CliRun.Of("notebook", "run", path, "--output", executed, "--html", html);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ok: 2 code cells", run.Output);
        using var nb = JsonDocument.Parse(File.ReadAllText(Path.Combine(executed, "ok.ipynb")));
        var cells = nb.RootElement.GetProperty("cells");
        Assert.Equal("stream", cells[0].GetProperty("outputs")[0].GetProperty("output_type").GetString());
        Assert.Equal(2, cells[1].GetProperty("execution_count").GetInt32());
        Assert.Equal("3", cells[1].GetProperty("outputs")[0].GetProperty("data").GetProperty("text/plain")[0].GetString());
        Assert.True(File.Exists(Path.Combine(html, "ok.html")));
        Assert.True(File.Exists(Path.Combine(html, "index.html")));
    }

    [Fact]
    public void Figures_saved_by_a_notebook_are_written_to_the_figures_folder_as_svg_and_png()
    {
        string path = Notebook("figs.ipynb",
            "var periods = Enumerable.Range(0, 36).Select(Period.Month(2016, 1).Add).ToArray();\n" +
            "var fit = new ItsModel(new TimeSeries(periods, periods.Select((p, t) => 100 + t - (t >= 18 ? 10 : 0) + Math.Sin(t)).ToArray(), outcomeName: \"visits\"), new ItsSpec { Interruptions = [Period.Month(2017, 7)] }).Fit();",
            "FigureFiles.Save(ItsFigure.From(fit), \"02-outpatient\")");
        string figures = Path.Combine(_folder.Path, "figures");
        var run = CliRun.Of("notebook", "run", path, "--output", Path.Combine(_folder.Path, "out"), "--figures", figures);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["02-outpatient.png", "02-outpatient.svg"], Directory.GetFiles(figures).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("<?xml", File.ReadAllText(Path.Combine(figures, "02-outpatient.svg")));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(figures, "02-outpatient.png"))[..4]);
        // The saved figure is also the cell's value, shown as the interactive chart.
        using var nb = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, "out", "figs.ipynb")));
        Assert.True(nb.RootElement.GetProperty("cells")[1].GetProperty("outputs")[0].GetProperty("data").TryGetProperty("text/html", out _));
        // The folder was the run's session's, not the process's.
        Assert.Null(Its.Plots.FigureFiles.Directory);

        var without = CliRun.Of("notebook", "run", path, "--output", Path.Combine(_folder.Path, "out2"));
        Assert.Equal(0, without.ExitCode);
        Assert.Equal(2, Directory.GetFiles(figures).Length);
    }

    [Fact]
    public void A_failing_cell_stops_its_notebook_with_exit_code_1_naming_notebook_and_cell()
    {
        string path = Notebook("bad.ipynb", "var x = 1;", "int y = 0;\nvar z = x / y;", "Console.WriteLine(\"not reached\");");
        var run = CliRun.Of("notebook", "run", path, "--output", Path.Combine(_folder.Path, "out"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.ipynb", run.Error);
        Assert.Contains("cell 2", run.Error);
        Assert.Contains("line 2", run.Error);
        Assert.Contains("DivideByZeroException", run.Error);
        JsonElement Third(string folder) => JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder.Path, folder, "bad.ipynb"))).RootElement.GetProperty("cells")[2];
        Assert.Equal(0, Third("out").GetProperty("outputs").GetArrayLength());

        var allowed = CliRun.Of("notebook", "run", path, "--output", Path.Combine(_folder.Path, "out2"), "--allow-errors");
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal("not reached\n", Third("out2").GetProperty("outputs")[0].GetProperty("text")[0].GetString());
    }

    [Fact]
    public void A_cell_past_the_timeout_is_stopped_with_a_clear_error()
    {
        string path = Notebook("slow.ipynb", "System.Threading.Thread.Sleep(60_000);");
        var run = CliRun.Of("notebook", "run", path, "--output", Path.Combine(_folder.Path, "out"), "--timeout", "1");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("slow.ipynb", run.Error);
        Assert.Contains("TimeoutError", run.Error);
    }

    [Fact]
    public void Bad_input_is_exit_code_2()
    {
        Assert.Contains("no such notebook", CliRun.Of("notebook", "run", Path.Combine(_folder.Path, "missing.ipynb")).Error);
        string notJson = _folder.Write("broken.ipynb", "{ not json");
        var broken = CliRun.Of("notebook", "run", notJson, "--output", Path.Combine(_folder.Path, "out"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken.ipynb: not valid JSON", broken.Error);
        string path = Notebook("self.ipynb", "1");
        var self = CliRun.Of("notebook", "run", path, "--output", _folder.Path);
        Assert.Equal(2, self.ExitCode);
        Assert.Contains("would overwrite the notebook itself", self.Error);
        var timeout = CliRun.Of("notebook", "run", path, "--timeout", "0");
        Assert.Equal(2, timeout.ExitCode);
        Assert.Contains("--timeout 0", timeout.Error);
    }
}

/// <summary>
/// Tests that run the kit's notebooks: they share one pair of <c>its reproduce</c> runs, which the
/// kernel's outputs are compared with, and run one after another, each taking both cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReproducedReportsCollection : ICollectionFixture<ReproducedReports>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "reproduced reports";
}
