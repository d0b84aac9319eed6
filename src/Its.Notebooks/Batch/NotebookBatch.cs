using Its.Data.Output;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;
using Its.Notebooks.Reports;

namespace Its.Notebooks.Batch;

/// <summary>What running one notebook file gave.</summary>
/// <param name="Name">The notebook's file name without extension (e.g. <c>00-quickstart</c>).</param>
/// <param name="Title">Its first Markdown heading, or its name.</param>
/// <param name="Run">The executed notebook and its failures.</param>
/// <param name="ExecutedPath">Where the executed notebook was written, or null.</param>
/// <param name="HtmlPath">Where its HTML page was written, or null.</param>
/// <param name="Elapsed">Wall time of the run (for the command's summary, never written into outputs).</param>
public sealed record NotebookOutcome(string Name, string Title, NotebookRun Run, string? ExecutedPath, string? HtmlPath, TimeSpan Elapsed)
{
    /// <summary>The PNG files of the figures the notebook saved (<c>FigureFiles.Save</c>) during the run, full paths in name order.</summary>
    public IReadOnlyList<string> Figures { get; init; } = [];
}

/// <summary>
/// Runs notebook files and writes what they give: the executed notebooks (nbformat 4.5), one
/// self-contained HTML page each, and an index page. The files written depend on the notebooks
/// only: no timestamps or machine paths, so running twice gives identical files. Each file is
/// written whole or not at all (<see cref="AtomicFile"/>).
/// </summary>
public static class NotebookBatch
{
    /// <summary>Runs one notebook file in a fresh session, in its own folder, and writes its outputs.</summary>
    /// <param name="path">The .ipynb file.</param>
    /// <param name="runner">The runner (formatter, timeout, errors allowed or not).</param>
    /// <param name="executedDirectory">Folder for the executed notebook, or null for none.</param>
    /// <param name="htmlDirectory">Folder for the HTML page, or null for none.</param>
    /// <param name="provenance">The page footer's note on where the data come from, as HTML (<see cref="HtmlReport.Render"/>); null for none.</param>
    /// <exception cref="NotebookFormatException">The file is not a notebook.</exception>
    /// <exception cref="IOException">A file cannot be read or written, or an output would overwrite the notebook itself.</exception>
    public static NotebookOutcome Run(string path, NotebookRunner runner, string? executedDirectory, string? htmlDirectory, string? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(runner);
        string full = Path.GetFullPath(path);
        string name = Path.GetFileNameWithoutExtension(full);
        var notebook = Notebook.Parse(File.ReadAllText(full), Path.GetFileName(full));
        string? figures = runner.Options.Session.FiguresDirectory is { } f ? Path.GetFullPath(f) : null;
        var before = FigureFiles(figures);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var run = runner.Run(notebook, Path.GetDirectoryName(full)!);
        clock.Stop();
        // The figures this run wrote: new files, or files rewritten since the run began.
        var saved = FigureFiles(figures).Where(file => !before.TryGetValue(file.Key, out var stamp) || stamp != file.Value)
            .Select(file => file.Key).Order(StringComparer.Ordinal).ToArray();
        string title = Title(run.Notebook) ?? name;
        string? executed = executedDirectory is null ? null : Write(executedDirectory, name + ".ipynb", run.Notebook.ToJson(), full);
        string? html = htmlDirectory is null ? null : Write(htmlDirectory, name + ".html", HtmlReport.Render(run.Notebook, title, provenance: provenance), full);
        return new NotebookOutcome(name, title, run, executed, html, clock.Elapsed) { Figures = saved };
    }

    private static Dictionary<string, (DateTime, long)> FigureFiles(string? directory) =>
        directory is null || !Directory.Exists(directory) ? []
            : new DirectoryInfo(directory).GetFiles("*.png").ToDictionary(f => f.FullName, f => (f.LastWriteTimeUtc, f.Length), StringComparer.Ordinal);

    /// <summary>Writes <c>index.html</c> linking the notebooks' pages, which sit in the same folder.</summary>
    /// <param name="htmlDirectory">The folder of the pages.</param>
    /// <param name="outcomes">The notebooks' outcomes, in order.</param>
    /// <param name="provenance">The footer's note on where the data come from, as HTML; null for none.</param>
    /// <returns>The index's path.</returns>
    public static string WriteIndex(string htmlDirectory, IEnumerable<NotebookOutcome> outcomes, string? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        string full = Path.GetFullPath(htmlDirectory);
        var entries = outcomes.Select(o => new IndexEntry(o.Title, o.Name + ".html")
        {
            Purpose = HtmlReport.Purpose(o.Run.Notebook),
            Note = o.Run.Succeeded ? $"{o.Name}.ipynb: {CodeCells(o.Run.Notebook)} code cells ran" : $"{o.Name}.ipynb: stopped: {o.Run.Failures[0].Message}",
            // Relative to the index, with / whatever the platform: the index works wherever the folder is copied.
            Figures = o.Figures.Select(f => Path.GetRelativePath(full, f).Replace('\\', '/')).ToArray(),
        });
        return Write(htmlDirectory, "index.html", HtmlReport.Index(entries, provenance: provenance), null);
    }

    /// <summary>The text of the first Markdown heading of a notebook, or null.</summary>
    public static string? Title(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        foreach (var cell in notebook.Cells.Where(c => c.Type == "markdown"))
            foreach (string line in cell.Source.Split('\n'))
                if (line.StartsWith('#')) return line.TrimStart('#').Trim();
        return null;
    }

    private static int CodeCells(Notebook notebook) => notebook.Cells.Count(c => c.IsCode && c.ExecutionCount is not null);

    private static string Write(string directory, string file, string text, string? source)
    {
        Directory.CreateDirectory(directory);
        string path = Path.GetFullPath(Path.Combine(directory, file));
        // By identity on disk, so that no link or second spelling of the folder leads back to the notebook.
        if (source is not null && FileIdentity.Same(path, source))
            throw new IOException($"{path}: writing the executed notebook there would overwrite the notebook itself; choose another --output folder");
        AtomicFile.WriteAllText(path, text);
        return path;
    }
}
