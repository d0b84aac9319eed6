using System.CommandLine;
using System.Globalization;
using Its.Data;
using Its.Data.Output;
using Its.Notebooks.Batch;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Cli;

/// <summary>
/// <c>its notebook run</c> (execute notebooks, write the executed copies and HTML pages) and
/// <c>its reproduce</c> (every notebook of <c>notebooks/</c> into <c>reports/</c>: the main job).
/// </summary>
public static class NotebookCommands
{
    private const int DefaultTimeoutSeconds = 600;

    // The hidden option that gives a reproduce worker the staging folder its supervisor made for the new report.
    private const string StagingOption = "--worker-staging";

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
        run.SetAction(p =>
        {
            // The supervising process (or the only one) holds the output folders for the whole run; its worker does not.
            using var held = p.GetValue(progress) is null ? Locks(p.GetValue(executed)!, p.GetValue(html)) : null;
            return Supervised(supervise, p.GetValue(progress), worker =>
            {
                var paths = p.GetValue(notebooks)!;
                foreach (string path in paths.Where(path => !File.Exists(path)))
                    throw new InputError($"{path}: no such notebook");
                var runner = Runner(p.GetValue(timeout), p.GetValue(allowErrors), p.GetValue(figures), worker);
                return RunAll(paths, runner, p.GetValue(executed)!, p.GetValue(html), p.GetValue(allowErrors), output, error, worker, page => page);
            }, error);
        });
        var command = new Command("notebook", "Run the kit's C# notebooks without Jupyter");
        command.Subcommands.Add(run);
        return command;
    }

    /// <summary>The <c>reproduce</c> command.</summary>
    /// <inheritdoc cref="Notebook(TextWriter, TextWriter, string[])"/>
    public static Command Reproduce(TextWriter output, TextWriter error, string[]? supervise = null)
    {
        var folder = new Option<string>("--out") { Description = "Folder for the reports: an HTML page per notebook, index.html, notebooks/ with the executed notebooks and figures/ with the saved figures; replaced whole when every notebook succeeds", DefaultValueFactory = _ => "reports" };
        var force = new Option<bool>("--force") { Description = "Replace an --out folder the kit did not write (or whose files were changed since), carrying your files over into the new report" };
        var staging = new Option<string?>(StagingOption) { Hidden = true };
        var timeout = Timeout();
        var progress = Progress();
        var command = new Command("reproduce", "Run every notebook in notebooks/ and write reports/: executed notebooks, HTML pages, an index and the saved figures");
        foreach (var o in new Option[] { folder, force, timeout, progress, staging }) command.Options.Add(o);
        command.SetAction(p =>
        {
            string directory = Repository.Locate("notebooks", "run its notebook run NOTEBOOK...");
            var paths = Directory.GetFiles(directory, "*.ipynb").Order(StringComparer.Ordinal).ToArray();
            if (paths.Length == 0) throw new InputError($"{directory}: no notebooks (*.ipynb)");
            string reports = p.GetValue(folder)!;
            int seconds = p.GetValue(timeout);
            if (p.GetValue(progress) is { } progressFile)
                return Supervised(null, progressFile, worker => Build(paths, p.GetValue(staging) ?? throw new InputError($"{NotebookWorker.ProgressOption} needs {StagingOption}"), reports, seconds, output, error, worker), error);
            using var report = ReportFolder.Open(reports, p.GetValue(force), [directory, .. KitData.Folders()]);
            int code;
            try
            {
                code = supervise is null
                    ? Build(paths, report.Staging, reports, seconds, output, error, null)
                    : NotebookWorker.Supervise([.. supervise, StagingOption, report.Staging], error, page => Path.Combine(report.FailedAsGiven, Path.GetRelativePath(report.Staging, page)));
            }
            catch
            {
                report.Fail();
                throw;
            }
            if (code != ExitCodes.Success)
            {
                report.Fail();
                error.WriteLine($"its: {reports} is as it was; the partial new report is in {report.FailedAsGiven}");
                return code;
            }
            report.Commit();
            if (report.CarriedMessage is { } carried) output.WriteLine(carried);
            return code;
        });
        return command;
    }

    // The whole report into the staging folder, its paths shown as they will be once it is swapped in.
    private static int Build(string[] paths, string staging, string reports, int seconds, TextWriter output, TextWriter error, WorkerProgress? worker)
    {
        var runner = Runner(seconds, allowErrors: false, Path.Combine(staging, "figures"), worker);
        return RunAll(paths, runner, Path.Combine(staging, "notebooks"), staging, allowErrors: false, output, error, worker,
            page => Path.Combine(reports, Path.GetRelativePath(staging, page)));
    }

    // The locks of the output folders (one when both are the same).
    private static Locked Locks(string executed, string? html)
    {
        var folders = new List<string> { executed };
        if (html is not null && !FileIdentity.Resolve(html).Equals(FileIdentity.Resolve(executed), StringComparison.Ordinal)) folders.Add(html);
        var held = new Locked();
        try
        {
            foreach (string folder in folders) held.Add(OutputLock.Acquire(folder, "its notebook run"));
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private sealed class Locked : List<OutputLock>, IDisposable
    {
        public void Dispose() => ForEach(l => l.Dispose());
    }

    private static Option<int> Timeout() =>
        new("--timeout") { Description = "Seconds a cell may run before it is stopped", DefaultValueFactory = _ => DefaultTimeoutSeconds };

    private static Option<string?> Progress() => new(NotebookWorker.ProgressOption) { Hidden = true };

    // In a worker this process supervises, or here: as a worker telling its progress, or on its own.
    private static int Supervised(string[]? supervise, string? progressFile, Func<WorkerProgress?, int> run, TextWriter error)
    {
        if (progressFile is null && supervise is not null) return NotebookWorker.Supervise(supervise, error, page => page);
        if (progressFile is not null) NotebookWorker.EndWithSupervisor();
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
        ? new NotebookRunner(KitComposition.Formatter, new NotebookRunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(seconds), AllowErrors = allowErrors, Session = KitComposition.Session(figures), Progress = progress is null ? null : progress.Cell,
        })
        : throw new InputError($"--timeout {seconds}: must be 1 or more seconds");

    // Every notebook runs, each in a fresh session; a failing one makes the exit code 1 and is named on stderr.
    // Paths are shown through shown (a report built in a staging folder shows where it will be).
    private static int RunAll(IReadOnlyList<string> paths, NotebookRunner runner, string executed, string? html, bool allowErrors, TextWriter output, TextWriter error, WorkerProgress? progress,
        Func<string, string> shown)
    {
        var outcomes = new List<NotebookOutcome>();
        foreach (string path in paths)
        {
            progress?.Starting(path);
            NotebookOutcome outcome;
            try { outcome = NotebookBatch.Run(path, runner, executed, html, KitComposition.Provenance); }
            catch (NotebookFormatException e) { throw new InputError(e.Message); }
            catch (IOException e) { throw new InputError(e.Message); }
            catch (UnauthorizedAccessException e) { throw new InputError(e.Message); }
            outcomes.Add(outcome);
            foreach (string? page in new[] { outcome.HtmlPath, outcome.ExecutedPath })
                if (page is not null) progress?.Written(page);
            int cells = outcome.Run.Notebook.Cells.Count(c => c.IsCode && c.ExecutionCount is not null);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Name}: {cells} code cells in {outcome.Elapsed.TotalSeconds:F1} s -> {shown(html is not null ? Path.Combine(html, outcome.Name + ".html") : Path.Combine(executed, outcome.Name + ".ipynb"))}"));
            foreach (var failure in outcome.Run.Failures)
                error.WriteLine($"its: {path}: {failure.Message}");
        }
        if (html is not null)
        {
            NotebookBatch.WriteIndex(html, outcomes, KitComposition.Provenance);
            output.WriteLine($"index: {shown(Path.Combine(html, "index.html"))}");
        }
        return outcomes.All(o => o.Run.Succeeded) || allowErrors ? ExitCodes.Success : ExitCodes.Failure;
    }
}
