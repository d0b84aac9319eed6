using System.Globalization;
using System.Text.Json.Nodes;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>How a notebook is run.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>
    /// How long one cell's code, and the restore of the packages it asks for, may run (compilation
    /// aside). A cell that runs longer is stopped with an error output and the run ends there,
    /// whatever <see cref="AllowErrors"/> says. <see cref="Timeout.InfiniteTimeSpan"/> for no
    /// limit; 10 minutes by default.
    /// </summary>
    public TimeSpan CellTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether the run goes on after a cell fails (every failure is reported); by default it stops
    /// at the first. A cell tagged <c>raises-exception</c> may fail either way, as in nbclient.
    /// </summary>
    public bool AllowErrors { get; init; }

    /// <summary>What each notebook's session is given: the host's libraries, the figure folder, the kernel's name; the defaults by default.</summary>
    public NotebookSessionOptions Session { get; init; } = new();

    /// <summary>
    /// Told on the running thread before each code cell runs and after it ends, for a supervisor
    /// that reports which cell was running if the process dies (<c>its reproduce</c>); null (the
    /// default) for none.
    /// </summary>
    public Action<CellProgress>? Progress { get; init; }
}

/// <summary>A code cell about to run, or that has just ended.</summary>
/// <param name="CellIndex">The cell's 0-based position among all the notebook's cells.</param>
/// <param name="ExecutionCount">The cell's execution count (<c>In[n]</c>).</param>
/// <param name="Ended">False before the cell runs, true once it has ended.</param>
public sealed record CellProgress(int CellIndex, int ExecutionCount, bool Ended);

/// <summary>A cell that failed: where it is, and its error.</summary>
/// <param name="CellIndex">The cell's 0-based position among all the notebook's cells.</param>
/// <param name="ExecutionCount">The cell's execution count (<c>In[n]</c>).</param>
/// <param name="Line">The 1-based line of the cell the error points at; null when there is none (a timeout).</param>
/// <param name="Error">The error output, as the executed notebook holds it.</param>
public sealed record NotebookFailure(int CellIndex, int ExecutionCount, int? Line, ErrorOutput Error)
{
    /// <summary>One line for a reader: <c>cell 5 (In[3]), line 2: InvalidOperationException: no data</c>.</summary>
    public string Message
    {
        get
        {
            string at = Line is { } line ? $", line {line.ToString(CultureInfo.InvariantCulture)}" : "";
            string value = Error.Value.Split('\n')[0].TrimEnd('\r');
            return $"cell {CellIndex + 1} (In[{ExecutionCount}]){at}: {Error.Name}: {value}";
        }
    }
}

/// <summary>A notebook after a run: every cell as it ended, and the cells that failed.</summary>
/// <param name="Notebook">The executed notebook, written even when a cell failed, so the reader sees where.</param>
/// <param name="Failures">The failed cells in order: none for a clean run, the first only unless errors were allowed.</param>
public sealed record NotebookRun(Notebook Notebook, IReadOnlyList<NotebookFailure> Failures)
{
    /// <summary>Whether every cell ran without an error (cells tagged <c>raises-exception</c> aside).</summary>
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Runs notebooks top to bottom, each in a fresh <see cref="NotebookSession"/>, as nbclient does:
/// code cells in order get execution counts 1, 2, ... and their new outputs; markdown and raw
/// cells stay as they are. The same notebook run twice gives the same JSON.
/// </summary>
/// <param name="formatter">Turns displayed values and cells' last expressions into MIME bundles.</param>
/// <param name="options">Timeout and error handling; the defaults when null.</param>
public sealed class NotebookRunner(IMimeFormatter formatter, NotebookRunOptions? options = null)
{
    private readonly IMimeFormatter _formatter = formatter ?? throw new ArgumentNullException(nameof(formatter));
    private readonly NotebookRunOptions _options = options ?? new NotebookRunOptions();

    /// <summary>The options the runner runs with.</summary>
    public NotebookRunOptions Options => _options;

    /// <summary>
    /// Runs the notebook's code cells in a fresh session. Empty code cells and .NET Interactive
    /// markdown cells (<c>#!markdown</c>) are not run; neither are the cells after a failure that
    /// stops the run. Cells not run are left without outputs and execution count, so the executed
    /// notebook shows this run only. The notebook passed in is not changed.
    /// </summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="directory">The notebook's directory: relative paths in cells, and <c>#r "file.dll"</c>, are read from it.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public NotebookRun Run(Notebook notebook, string directory)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(directory);
        // The session resolves the figure folder before the cells run: they run in the notebook's directory.
        var session = new NotebookSession(_formatter, directory, _options.Session);
        var cells = new List<Cell>();
        var failures = new List<NotebookFailure>();
        int count = 0;
        bool stopped = false;
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (!cell.IsCode)
            {
                cells.Add(cell);
                continue;
            }
            if (stopped || string.IsNullOrWhiteSpace(cell.Source) || CellSource.MarkdownOf(cell.Source) is not null)
            {
                cells.Add(cell with { ExecutionCount = null, Outputs = [] });
                continue;
            }
            count++;
            _options.Progress?.Invoke(new CellProgress(i, count, Ended: false));
            var result = session.RunCell(cell.Source, count, _options.CellTimeout);
            _options.Progress?.Invoke(new CellProgress(i, count, Ended: true));
            cells.Add(cell with { ExecutionCount = count, Outputs = result.Outputs });
            bool timedOut = result.Status == CellStatus.TimedOut;
            if (result.Error is { } error && (timedOut || !RaisesException(cell)))
            {
                failures.Add(new NotebookFailure(i, count, result.ErrorLine, error));
                stopped = timedOut || !_options.AllowErrors;
            }
        }
        return new NotebookRun(new Notebook(cells, notebook.Metadata), failures);
    }

    // nbclient's tag for a cell expected to fail (a lesson showing an error).
    private static bool RaisesException(Cell cell) =>
        cell.Metadata["tags"] is JsonArray tags && tags.Any(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String && t.GetValue<string>() == "raises-exception");
}
