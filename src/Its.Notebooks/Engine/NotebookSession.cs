using System.Diagnostics;
using System.Globalization;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting;

namespace Its.Notebooks.Engine;

/// <summary>
/// One C# scripting session: code cells run one after another and share their variables, types
/// and <c>#r</c> references, as in a Jupyter kernel. Cell code sees the kit's assemblies and the
/// packages it carries, imports the common namespaces, and can call <c>display(x)</c>
/// (<see cref="NotebookGlobals"/>). Each cell runs on a thread of its own with the invariant
/// culture, and with the notebook's directory as the current directory.
/// </summary>
/// <remarks>
/// A cell that runs longer than its timeout is abandoned, not stopped: .NET cannot end a thread
/// that is computing, so the thread goes on until it finishes or the process ends, and the session
/// refuses further cells (their state could be half-changed). A cell blocked in a wait or a sleep
/// is interrupted. Start a new session to go on.
/// </remarks>
public sealed class NotebookSession
{
    // Deep recursion in a cell should fail as it would in a program, not on a small thread stack.
    private const int CellStackBytes = 16 * 1024 * 1024;

    private readonly IMimeFormatter _formatter;
    private readonly ScriptOptions _options;
    private readonly NotebookGlobals _globals = new();
    private readonly CellErrors _errors;
    private ScriptState<object>? _state;
    private int _running;

    /// <summary>A new session with no cells run.</summary>
    /// <param name="formatter">Turns displayed values and cells' last expressions into MIME bundles.</param>
    /// <param name="directory">
    /// The notebook's directory: the current directory while cells run, where <c>#r "file.dll"</c>
    /// and <c>#load</c> look, and what messages show paths relative to. Null leaves the process's
    /// current directory as it is.
    /// </param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public NotebookSession(IMimeFormatter formatter, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _formatter = formatter;
        Directory = directory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (Directory is not null && !System.IO.Directory.Exists(Directory))
            throw new DirectoryNotFoundException($"the notebook's directory {Directory} does not exist");
        string root = Directory ?? Environment.CurrentDirectory;
        _options = ScriptEnvironment.Options
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(root))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(root));
        _errors = new CellErrors(Directory);
        CellConsoleWriter.Install();
    }

    /// <summary>The notebook's directory, as a full path; null when the session leaves the current directory alone.</summary>
    public string? Directory { get; }

    /// <summary>Whether a cell timed out, after which the session runs no more cells.</summary>
    public bool IsAbandoned { get; private set; }

    /// <summary>The namespaces every cell imports (those of the list the kit's assemblies have).</summary>
    public static IReadOnlyList<string> Imports => ScriptEnvironment.Imports;

    /// <summary>Runs a cell with no time limit.</summary>
    /// <inheritdoc cref="RunCell(string, int, TimeSpan)"/>
    public CellResult RunCell(string code, int executionCount) => RunCell(code, executionCount, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Runs a code cell after the ones run before it. An error (compilation, exception, refused
    /// directive) ends the cell with an error output and leaves the session usable: what the cell
    /// assigned before an exception is kept, as in Jupyter.
    /// </summary>
    /// <param name="code">The cell's text, with any .NET Interactive directives.</param>
    /// <param name="executionCount">The cell's execution count: its outputs and tracebacks say <c>In[n]</c>.</param>
    /// <param name="timeout">How long the cell's code may run, compilation aside; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <returns>The cell's status and outputs.</returns>
    /// <exception cref="InvalidOperationException">The session was abandoned after a timeout, or another cell is running.</exception>
    public CellResult RunCell(string code, int executionCount, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (timeout != Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a cell's timeout is positive, or Timeout.InfiniteTimeSpan");
        if (IsAbandoned)
            throw new InvalidOperationException("this notebook session was abandoned after a cell ran past its timeout; start a new session");
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("a cell of this notebook session is still running; cells run one at a time");
        try
        {
            return Run(code, executionCount, timeout);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private CellResult Run(string code, int executionCount, TimeSpan timeout)
    {
        return CellSource.Prepare(code) switch
        {
            PreparedCell.Markdown => new CellResult(CellStatus.Markdown, []),
            PreparedCell.Refused refused => Failed([], CellErrors.Refused(executionCount, refused.Line, refused.Directive, refused.Reason)),
            PreparedCell.Code prepared => Run(prepared, executionCount, timeout),
            _ => throw new UnreachableException(),
        };
    }

    private CellResult Run(PreparedCell.Code prepared, int executionCount, TimeSpan timeout)
    {
        string file = CellErrors.FileName(executionCount);
        _errors.Register(executionCount, prepared.Text, file, _options.SourceResolver.NormalizePath(file, baseFilePath: null) ?? file);
        var options = _options.WithFilePath(file);
        var script = (_state?.Script ?? ScriptEnvironment.Root).ContinueWith(prepared.Text, options);
        // Notes come first, even before compilation errors, which another package version may explain.
        var outputs = new CellOutputs(Format);
        foreach (string note in prepared.Notes) outputs.Write("stderr", note);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) return Failed(outputs.Close(), _errors.Compilation(errors));

        var previous = _state;
        ScriptState<object>? next = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            CellOutputs.Current = outputs;
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            try
            {
                // The script catches every exception of the cell's code and keeps it in the state.
                next = (previous is null ? script.RunAsync(_globals, _ => true) : script.RunFromAsync(previous, _ => true)).GetAwaiter().GetResult();
                if (next.Exception is null && next.ReturnValue is { } value)
                    outputs.Add(new ExecuteResultOutput(Format(value), executionCount));
            }
            catch (Exception e)
            {
                // The formatter's, or the script runner's: an error of the cell, never of the process.
                failure = e;
            }
        }, CellStackBytes)
        { IsBackground = true, Name = $"notebook cell In[{executionCount}]" };

        bool finished;
        using (WorkingDirectory.Enter(Directory))
        {
            thread.Start();
            finished = thread.Join(timeout);
        }
        if (!finished)
        {
            IsAbandoned = true;
            thread.Interrupt();
            return new CellResult(CellStatus.TimedOut, [.. outputs.Close(), CellErrors.Timeout(executionCount, timeout).Output]);
        }
        // A cell that threw still declared its variables; keeping its state keeps what it assigned.
        if (next is not null) _state = next;
        return (next?.Exception ?? failure) is { } thrown
            ? Failed(outputs.Close(), _errors.Thrown(thrown, executionCount))
            : new CellResult(CellStatus.Ok, outputs.Close());
    }

    private MimeBundle Format(object? value) => value as MimeBundle ?? _formatter.Format(value);

    private static CellResult Failed(IReadOnlyList<CellOutput> outputs, CellError error) =>
        new(CellStatus.Error, [.. outputs, error.Output]) { ErrorLine = error.Line };
}
