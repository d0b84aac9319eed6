using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>How a cell ended.</summary>
public enum CellStatus
{
    /// <summary>The cell ran to its end.</summary>
    Ok,

    /// <summary>A compilation error, an exception, or a directive the kit refuses; the last output is the error.</summary>
    Error,

    /// <summary>
    /// The cell ran longer than its timeout: it was stopped, or abandoned when it did not stop
    /// (<see cref="NotebookSession.IsAbandoned"/>); the last output is the error.
    /// </summary>
    TimedOut,

    /// <summary>The cell was stopped by <see cref="NotebookSession.Interrupt"/>; the last output is the error, and the session goes on.</summary>
    Interrupted,

    /// <summary>A .NET Interactive markdown cell (first line <c>#!markdown</c>): not run, no outputs.</summary>
    Markdown,
}

/// <summary>The outcome of one cell: its status and its outputs in the order they happened.</summary>
/// <param name="Status">How the cell ended.</param>
/// <param name="Outputs">Streams, displays, the value of the last expression, or the error last.</param>
public sealed record CellResult(CellStatus Status, IReadOnlyList<CellOutput> Outputs)
{
    /// <summary>The error of a cell that failed, timed out or was interrupted; null otherwise.</summary>
    public ErrorOutput? Error => Status is CellStatus.Error or CellStatus.TimedOut or CellStatus.Interrupted ? Outputs.OfType<ErrorOutput>().LastOrDefault() : null;

    /// <summary>The 1-based line of the cell an error points at (the line that threw, led to the throw, or failed to compile); null when there is none.</summary>
    public int? ErrorLine { get; init; }
}

/// <summary>The outcome of <see cref="NotebookSession.Evaluate"/>: the value's representations, or the error.</summary>
/// <param name="Data">The value as a cell's last expression shows it; null on an error.</param>
/// <param name="Error">Why there is no value; null when there is one.</param>
public sealed record Evaluation(MimeBundle? Data, ErrorOutput? Error);
