using System.CommandLine;
using System.Globalization;
using Its.Data;
using Its.Notebooks.Batch;
using Its.Notebooks.Engine;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;

namespace Its.Cli;

/// <summary>
/// <c>its notebook run</c> (execute notebooks, write the executed copies and HTML pages) and
/// <c>its reproduce</c> (every notebook of <c>notebooks/</c> into <c>reports/</c>: the main job).
/// </summary>
public static class NotebookCommands
{
    private const int DefaultTimeoutSeconds = 600;

    /// <summary>The <c>notebook</c> command and its <c>run</c> subcommand.</summary>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="error">Where failures go.</param>
    /// <param name="supervise">
    /// The command line to run in a worker process that this one supervises (see
    /// <see cref="NotebookWorker"/>); null runs the notebooks in this process.
    /// </param>
    public static Command Notebook(TextWriter output, TextWriter error, string[]? supervise = null)
    {
        var notebooks = new Argument<string[]>("notebooks") { Description = "The .ipynb files to run, each in a fresh session", Arity = ArgumentArity.OneOrMore };
        var executed = new Option<string>("--output") { Description = "Folder for the executed notebooks", DefaultValueFactory = _ => Path.Combine("reports", "notebooks") };
        var html = new Option<string?>("--html") { Description = "Folder for one HTML page per notebook and an index page" };
        var figures = new Option<string?>("--figures") { Description = "Folder for the figures notebooks save with FigureFiles.Save, as SVG and 300-dpi PNG" };
        var allowErrors = new Option<bool>("--allow-errors") { Description = "Run every cell even after one fails, and exit 0" };
        var timeout = Timeout();
        var progress = Progress();
        var run = new Command("run", "Run notebooks top to bottom and write the executed notebooks (and HTML pages)");
        run.Arguments.Add(notebooks);
        foreach (var o in new Option[] { executed, html, figures, allowErrors, timeout, progress }) run.Options.Add(o);
        run.SetAction(p => Supervised(supervise, p.GetValue(progress), worker =>
        {
            var paths = p.GetValue(notebooks)!;
            foreach (string path in paths.Where(path => !File.Exists(path)))
                throw new InputError($"{path}: no such notebook");
            var runner = Runner(p.GetValue(timeout), p.GetValue(allowErrors), p.GetValue(figures), worker);
            return RunAll(paths, runner, p.GetValue(executed)!, p.GetValue(html), p.GetValue(allowErrors), output, error, worker);
        }, error));
        var command = new Command("notebook", "Run the kit's C# notebooks without Jupyter");
        command.Subcommands.Add(run);
        return command;
    }

    /// <summary>The <c>reproduce</c> command.</summary>
    /// <inheritdoc cref="Notebook(TextWriter, TextWriter, string[])"/>
    public static Command Reproduce(TextWriter output, TextWriter error, string[]? supervise = null)
    {
        var folder = new Option<string>("--out") { Description = "Folder for the reports: an HTML page per notebook, index.html, notebooks/ with the executed notebooks and figures/ with the saved figures", DefaultValueFactory = _ => "reports" };
        var timeout = Timeout();
        var progress = Progress();
        var command = new Command("reproduce", "Run every notebook in notebooks/ and write reports/: executed notebooks, HTML pages, an index and the saved figures");
        command.Options.Add(folder);
        command.Options.Add(timeout);
        command.Options.Add(progress);
        command.SetAction(p => Supervised(supervise, p.GetValue(progress), worker =>
        {
            string directory = Repository.Locate("notebooks", "run its notebook run NOTEBOOK...");
            var paths = Directory.GetFiles(directory, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
            if (paths.Length == 0) throw new InputError($"{directory}: no notebooks (*.ipynb)");
            string reports = p.GetValue(folder)!;
            var runner = Runner(p.GetValue(timeout), allowErrors: false, Path.Combine(reports, "figures"), worker);
            return RunAll(paths, runner, Path.Combine(reports, "notebooks"), reports, allowErrors: false, output, error, worker);
        }, error));
        return command;
    }

    private static Option<int> Timeout() =>
        new("--timeout") { Description = "Seconds a cell may run before it is stopped", DefaultValueFactory = _ => DefaultTimeoutSeconds };

    private static Option<string?> Progress() => new(NotebookWorker.ProgressOption) { Hidden = true };

    // In a worker this process supervises, or here: as a worker telling its progress, or on its own.
    private static int Supervised(string[]? supervise, string? progressFile, Func<WorkerProgress?, int> run, TextWriter error)
    {
        if (progressFile is null && supervise is not null) return NotebookWorker.Supervise(supervise, error);
        using var progress = progressFile is null ? null : new WorkerProgress(progressFile);
        try
        {
            return run(progress);
        }
        finally
        {
            progress?.Finished();
        }
    }

    private static NotebookRunner Runner(int seconds, bool allowErrors, string? figures, WorkerProgress? progress) => seconds > 0
        ? new NotebookRunner(new KitFormatter(), new NotebookRunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(seconds), AllowErrors = allowErrors, FiguresDirectory = figures, Progress = progress is null ? null : progress.Cell,
        })
        : throw new InputError($"--timeout {seconds}: must be 1 or more seconds");

    // Every notebook runs, each in a fresh session; a failing one makes the exit code 1 and is named on stderr.
    private static int RunAll(IReadOnlyList<string> paths, NotebookRunner runner, string executed, string? html, bool allowErrors, TextWriter output, TextWriter error, WorkerProgress? progress)
    {
        var outcomes = new List<NotebookOutcome>();
        foreach (string path in paths)
        {
            progress?.Starting(path);
            NotebookOutcome outcome;
            try { outcome = NotebookBatch.Run(path, runner, executed, html); }
            catch (NotebookFormatException e) { throw new InputError(e.Message); }
            catch (IOException e) { throw new InputError(e.Message); }
            catch (UnauthorizedAccessException e) { throw new InputError(e.Message); }
            outcomes.Add(outcome);
            foreach (string? page in new[] { outcome.HtmlPath, outcome.ExecutedPath })
                if (page is not null) progress?.Written(page);
            int cells = outcome.Run.Notebook.Cells.Count(c => c.IsCode && c.ExecutionCount is not null);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Name}: {cells} code cells in {outcome.Elapsed.TotalSeconds:F1} s{(html is not null ? $" -> {Path.Combine(html, outcome.Name + ".html")}" : $" -> {Path.Combine(executed, outcome.Name + ".ipynb")}")}"));
            foreach (var failure in outcome.Run.Failures)
                error.WriteLine($"its: {path}: {failure.Message}");
        }
        if (html is not null)
        {
            NotebookBatch.WriteIndex(html, outcomes);
            output.WriteLine($"index: {Path.Combine(html, "index.html")}");
        }
        return outcomes.All(o => o.Run.Succeeded) || allowErrors ? ExitCodes.Success : ExitCodes.Failure;
    }
}
