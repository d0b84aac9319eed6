using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>
/// A front end's line to a running cell, for one that shows outputs as they happen and answers
/// input (the Jupyter kernel). Both are called on the cell's thread, or a thread it started.
/// </summary>
public sealed record CellChannel
{
    /// <summary>
    /// Each output as it happens: a <see cref="StreamOutput"/> per write (the cell's result merges
    /// consecutive writes to a stream into one), each display, and the value of the last
    /// expression. The error of a failed cell is in its <see cref="CellResult"/> only.
    /// </summary>
    public Action<CellOutput>? Output { get; init; }

    /// <summary>Answers the cell's reads of <c>Console.In</c> with a line (null at the end of input); null when the front end takes no input.</summary>
    public Func<string?>? Input { get; init; }
}
