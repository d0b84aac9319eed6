using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using Its.Plots;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Scripting;

namespace Its.Notebooks.Engine;

/// <summary>
/// One C# scripting session: code cells run one after another and share their variables, types
/// and <c>#r</c> references, as in a Jupyter kernel. Cell code sees the kit's assemblies and the
/// packages it carries, and the libraries its host adds (<see cref="NotebookSessionOptions"/>),
/// imports the common namespaces, and can call <c>display(x)</c> (<see cref="NotebookGlobals"/>).
/// Each cell runs on a thread of its own with the invariant culture, with the notebook's directory
/// as the current directory, and with the session's figure folder as the one <c>FigureFiles.Save</c>
/// writes to. The session's first chart carries plotly.js for the ones after it.
/// </summary>
/// <remarks>
/// <para>
/// A cell's <c>#r "nuget: Id, Version"</c> for a package the kit does not carry restores it, with
/// the packages of the earlier cells and its dependencies, by running <c>dotnet restore</c> on a
/// throw-away project in the temporary folder (see <see cref="CellSource"/>); the cell and the
/// ones after it reference its assemblies. The restore uses the machine's NuGet setup (the user's
/// NuGet.config, <c>NUGET_PACKAGES</c> when set) and the sources the cells add with
/// <c>#i "nuget: ..."</c>. It counts against the cell's timeout, stops when the cell is
/// interrupted, and is stopped after 5 minutes in any case; a failure is the cell's error, naming
/// the package and what the restore said.
/// </para>
/// <para>
/// A cell is stopped by <see cref="Interrupt"/> or its timeout at its next loop iteration or call
/// of a method it declares, or in a wait or a sleep (see <see cref="Interruption"/>). One that does
/// not stop within <see cref="StopGrace"/> of its timeout (a long call into a library) is
/// abandoned: .NET cannot end a thread that is computing, so the thread goes on until it finishes
/// or the process ends, and the session refuses further cells, whose state could be half-changed.
/// Start a new session to go on.
/// </para>
/// <para>
/// A cell cannot take the process (a kernel, a run writing a report) down with it: a call of
/// <c>Environment.Exit</c>, <c>Environment.FailFast</c> or <c>Process.GetCurrentProcess().Kill()</c>
/// in its code is refused before it runs; a recursion in the methods it declares that goes too
/// deep is stopped before the stack overflows (see <see cref="Interruption"/>); an exception that
/// nothing catches on a thread it started, or in its thread-pool work, is its error (or, thrown
/// once it has ended, a note in the next cell's output) and ends that thread only; and a
/// foreground thread it leaves running is made a background thread, with a note, so that it does
/// not keep the process alive. What .NET cannot survive (a stack overflow inside a library, a
/// library's own <c>Environment.Exit</c>) still ends the process: <c>its reproduce</c> supervises
/// its notebooks from another process for that.
/// </para>
/// </remarks>
public sealed class NotebookSession
{
    // Deep recursion in a cell should fail as it would in a program, not on a small thread stack.
    private const int CellStackBytes = 16 * 1024 * 1024;

    private readonly IMimeFormatter _formatter;
    private readonly string _root;
    private readonly PackageRestore _packages;
    private readonly ScriptEnvironment _environment;
    private readonly string? _kernel;
    private ScriptOptions _options;
    private readonly NotebookGlobals _globals = new();
    private readonly CellErrors _errors;
    private readonly object _gate = new();
    private readonly CodeAssistant _assistant;
    private ScriptState<object>? _state;
    // The restored packages' references no cell in the chain has named yet (see Run).
    private ImmutableArray<MetadataReference> _unchained = [];
    private int _running;
    private int _plotlyJsSent;
    private CellOutputs? _cell;
    private Thread? _thread;
    // Exceptions of work cells left running, thrown after their cell ended: told in the next cell's output.
    private readonly System.Collections.Concurrent.ConcurrentQueue<(int ExecutionCount, CellFailure Failure)> _late = new();

    /// <summary>A new session with no cells run.</summary>
    /// <param name="formatter">Turns displayed values and cells' last expressions into MIME bundles.</param>
    /// <param name="directory">
    /// The notebook's directory: the current directory while cells run, where <c>#r "file.dll"</c>
    /// and <c>#load</c> look, and what messages show paths relative to. Null leaves the process's
    /// current directory as it is.
    /// </param>
    /// <param name="options">The host's libraries, the figure folder and the kernel's name; the defaults when null.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public NotebookSession(IMimeFormatter formatter, string? directory = null, NotebookSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        options ??= new NotebookSessionOptions();
        _formatter = formatter;
        _environment = ScriptEnvironment.For(options.Libraries);
        _assistant = new CodeAssistant(_environment);
        FiguresDirectory = options.FiguresDirectory is { } figures ? Path.GetFullPath(figures) : null;
        _kernel = options.Kernel;
        Directory = directory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (Directory is not null && !System.IO.Directory.Exists(Directory))
            throw new DirectoryNotFoundException($"the notebook's directory {Directory} does not exist");
        _root = Directory ?? Environment.CurrentDirectory;
        _options = _environment.Options
            .WithMetadataResolver(new ReusedReferences(ScriptMetadataResolver.Default.WithBaseDirectory(_root)))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(_root));
        _packages = new PackageRestore(options.PackageRestore ?? PackageRestoreOptions.Default);
        _errors = new CellErrors(Directory);
        CellConsoleWriter.Install();
        CellOutputs.HandleUnhandled();
    }

    /// <summary>The notebook's directory, as a full path; null when the session leaves the current directory alone.</summary>
    public string? Directory { get; }

    /// <summary>Whether a cell timed out, after which the session runs no more cells.</summary>
    public bool IsAbandoned { get; private set; }

    /// <summary>The folder <c>FigureFiles.Save</c> writes the cells' figures to, as a full path; null when figures are only shown.</summary>
    public string? FiguresDirectory { get; }

    /// <summary>The namespaces every cell imports (those of the engine's list its assemblies have, and the host's).</summary>
    public IReadOnlyList<string> Imports => _environment.Imports;

    /// <summary>The C# version cells are written in, as <c>14.0</c>.</summary>
    public static string LanguageVersion => ScriptEnvironment.LanguageVersion;

    /// <summary>
    /// Compiles and runs a trivial script with the session's references, outside its chain of
    /// cells, so that its first cell does not pay for loading the compiler (sessions with the same
    /// libraries share what it loads).
    /// </summary>
    public void Warm() => _environment.Warm();

    /// <summary>Completes once outside the session's cells, so that the first completion a user asks for is fast (it takes seconds).</summary>
    public void WarmCodeAssistance() => CodeAssistant.Warm(_environment);

    /// <summary>How long a cell past its timeout has to stop before it is abandoned.</summary>
    public static TimeSpan StopGrace { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs a cell with no time limit.</summary>
    /// <inheritdoc cref="RunCell(string, int, TimeSpan, CellChannel?)"/>
    public CellResult RunCell(string code, int executionCount) => RunCell(code, executionCount, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Asks the running cell to stop: it ends with <see cref="CellStatus.Interrupted"/> at its next
    /// loop iteration, call of a method it declares, wait or sleep, and the session stays usable.
    /// </summary>
    /// <returns>Whether a cell was running.</returns>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_cell is null || !_cell.Interrupt()) return false;
            // Wakes a cell blocked in a wait or a sleep; a pending wake-up ends with the cell's thread.
            _thread?.Interrupt();
            return true;
        }
    }

    /// <summary>
    /// Runs a code cell after the ones run before it, restoring the packages it asks for first. An
    /// error (a restore's, compilation, exception, refused directive) ends the cell with an error
    /// output and leaves the session usable: what the cell assigned before an exception is kept,
    /// as in Jupyter.
    /// </summary>
    /// <param name="code">The cell's text, with any .NET Interactive directives.</param>
    /// <param name="executionCount">The cell's execution count: its outputs and tracebacks say <c>In[n]</c>.</param>
    /// <param name="timeout">
    /// How long the cell's code, and the restore of the packages it asks for, may run (compilation
    /// aside); <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </param>
    /// <param name="channel">A front end's line to the cell while it runs (live outputs, input); null for none.</param>
    /// <returns>The cell's status and outputs.</returns>
    /// <exception cref="InvalidOperationException">The session was abandoned after a timeout, or another cell is running.</exception>
    public CellResult RunCell(string code, int executionCount, TimeSpan timeout, CellChannel? channel = null)
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
            var outputs = new CellOutputs(Format, channel) { Late = failure => _late.Enqueue((executionCount, failure)) };
            lock (_gate) _cell = outputs;
            try
            {
                return Run(code, executionCount, timeout, outputs);
            }
            finally
            {
                lock (_gate) (_cell, _thread) = (null, null);
                outputs.Close();
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// The value of an expression after the cells run so far, as Jupyter's <c>user_expressions</c>
    /// ask for it: formatted as a cell's last expression is, but no cell is counted, nothing is
    /// kept for completion, and whatever the expression writes is dropped. What it does to the
    /// session's objects (a method that changes one) stays, as in IPython.
    /// </summary>
    /// <param name="expression">A C# expression, such as <c>fit.Parameters</c>.</param>
    /// <returns>The value's MIME bundle, or the error (not an expression, compilation, exception).</returns>
    /// <exception cref="InvalidOperationException">The session was abandoned after a timeout, or a cell is running.</exception>
    public Evaluation Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (IsAbandoned)
            throw new InvalidOperationException("this notebook session was abandoned after a cell ran past its timeout; start a new session");
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("a cell of this notebook session is still running; expressions are evaluated between cells");
        try
        {
            var parsed = SyntaxFactory.ParseExpression(expression);
            if (expression.Trim().Length == 0 || parsed.ContainsDiagnostics || parsed.FullSpan.Length != expression.Length)
                return new Evaluation(null, new ErrorOutput("SyntaxError", $"not a C# expression: {expression}", [$"not a C# expression: {expression}"]));
            var options = _options.WithFilePath("user expression").WithReferences(_unchained);
            var script = (_state?.Script ?? _environment.Root).ContinueWith(expression, options);
            var errors = Errors(script);
            if (errors.Count > 0) return new Evaluation(null, _errors.Compilation(errors).Output);
            if (ProcessEnders.Find(script.GetCompilation()) is { Count: > 0 } enders) return new Evaluation(null, _errors.ProcessEnding(enders).Output);
            // Its own outputs, never a front end's: what it writes goes nowhere.
            var outputs = new CellOutputs(Format);
            var previous = _state;
            Evaluation? evaluation = null;
            var thread = new Thread(() =>
            {
                CellOutputs.Current = outputs;
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                using var figures = FigureFiles.Into(FiguresDirectory);
                try
                {
                    var state = (previous is null ? script.RunAsync(_globals, _ => true) : script.RunFromAsync(previous, _ => true)).GetAwaiter().GetResult();
                    evaluation = state.Exception is { } thrown
                        ? new Evaluation(null, _errors.Thrown(thrown, 0).Output)
                        : new Evaluation(Format(state.ReturnValue), null);
                }
                catch (Exception e)
                {
                    evaluation = new Evaluation(null, _errors.Thrown(e, 0).Output);
                }
            }, CellStackBytes) { IsBackground = true, Name = "notebook user expression" };
            using (WorkingDirectory.Enter(Directory))
            {
                lock (_gate) (_cell, _thread) = (outputs, thread);
                thread.Start();
                thread.Join();
            }
            lock (_gate) (_cell, _thread) = (null, null);
            outputs.Close();
            return evaluation!;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// The completions at a cursor in a cell being edited, after the cells run so far, by Roslyn's
    /// completion service. Runs no code and leaves the session's state as it is; safe between cells.
    /// </summary>
    /// <param name="code">The cell's text, with any .NET Interactive directives.</param>
    /// <param name="cursor">The cursor, as a 0-based UTF-16 offset into the code.</param>
    /// <returns>The texts to insert and the span of the code they replace.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cursor is outside the code.</exception>
    public Completions Complete(string code, int cursor) => _assistant.Complete(code, cursor, _options);

    /// <summary>
    /// What the symbol under a cursor is (or the method whose arguments the cursor is in): its
    /// signature and its XML documentation when known. Runs no code; safe between cells.
    /// </summary>
    /// <param name="code">The cell's text, with any .NET Interactive directives.</param>
    /// <param name="cursor">The cursor, as a 0-based UTF-16 offset into the code.</param>
    /// <param name="detailed">Adds the remarks and exceptions of the documentation.</param>
    /// <returns>The inspection; null when nothing is under the cursor.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cursor is outside the code.</exception>
    public Inspection? Inspect(string code, int cursor, bool detailed) => _assistant.Inspect(code, cursor, detailed, _options);

    private CellResult Run(string code, int executionCount, TimeSpan timeout, CellOutputs outputs)
    {
        return CellSource.Prepare(code, _environment) switch
        {
            PreparedCell.Markdown => new CellResult(CellStatus.Markdown, []),
            PreparedCell.Refused refused => Failed([], CellErrors.Refused(executionCount, refused.Line, refused.Directive, refused.Reason)),
            PreparedCell.Code prepared => Run(prepared, executionCount, timeout, outputs),
            _ => throw new UnreachableException(),
        };
    }

    private CellResult Run(PreparedCell.Code prepared, int executionCount, TimeSpan timeout, CellOutputs outputs)
    {
        var clock = Stopwatch.StartNew();
        var timer = prepared.Timed ? new CellTimer() : null;
        if (prepared.About) outputs.Display(KitAbout.Bundle(_kernel));
        // Notes come first, even before compilation errors, which another package version may explain.
        while (_late.TryDequeue(out var late))
            outputs.Write("stderr", $"In[{late.ExecutionCount}] left work running that failed after the cell ended, on {late.Failure.Where}: {late.Failure.Exception.GetType().Name}: {_errors.Clean(late.Failure.Exception.Message)}\n");
        foreach (string note in prepared.Notes) outputs.Write("stderr", note);
        if (Restore(prepared, executionCount, timeout, outputs) is { } failed) return failed;
        // The restore took its time out of the cell's.
        var left = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout - clock.Elapsed;
        if (left != Timeout.InfiniteTimeSpan && left <= TimeSpan.Zero)
            return new CellResult(CellStatus.TimedOut, [.. outputs.Close(), CellErrors.Timeout(executionCount, timeout, stopped: true).Output]);
        return Run(prepared, executionCount, timeout, left, outputs, timer);
    }

    // Restores the new packages the cell asks for, and references them; null when the cell can go on.
    private CellResult? Restore(PreparedCell.Code prepared, int executionCount, TimeSpan timeout, CellOutputs outputs)
    {
        foreach (var source in prepared.Sources) _packages.AddSource(source.Source, _root);
        var added = new List<PackageDirective>();
        foreach (var package in prepared.Packages)
        {
            if ((_packages.Restored(package.Id) ?? added.Find(p => string.Equals(p.Id, package.Id, StringComparison.OrdinalIgnoreCase))) is { } earlier)
            {
                // A session cannot load a second version of an assembly it has loaded.
                if (package.Version is not null && !string.Equals(package.Version, earlier.Version, StringComparison.OrdinalIgnoreCase))
                    outputs.Write("stderr", $"{package.Directive}: the session already has {earlier.Named}{(earlier.Version is null ? " (the latest)" : "")} and uses it\n");
                continue;
            }
            added.Add(package);
        }
        if (added.Count == 0) return null;
        switch (_packages.Restore(added, timeout, outputs.Interrupted))
        {
            case RestoreOutcome.Restored restored:
                var references = restored.References.Select(Reference).ToArray();
                _options = _options.AddReferences(references);
                _unchained = _unchained.AddRange(references);
                return null;
            case RestoreOutcome.Failed failed:
                return Failed(outputs.Close(), CellErrors.RestoreFailed(executionCount, failed.Package, failed.Reasons));
            case RestoreOutcome.Stopped { Why: RestoreStop.Interrupted }:
                var interrupted = CellErrors.RestoreInterrupted(executionCount, added);
                return new CellResult(CellStatus.Interrupted, [.. outputs.Close(), interrupted.Output]) { ErrorLine = interrupted.Line };
            case RestoreOutcome.Stopped { Why: RestoreStop.CellTimeout }:
                return new CellResult(CellStatus.TimedOut, [.. outputs.Close(), CellErrors.Timeout(executionCount, timeout, stopped: true, restoring: added).Output]);
            case RestoreOutcome.Stopped:
                return Failed(outputs.Close(), CellErrors.RestoreFailed(executionCount, added[0],
                    [$"it ran longer than its limit of {Seconds(_packages.Limit)} s and was stopped (a package source that does not answer?)"]));
            default:
                throw new UnreachableException();
        }
    }

    // A restored assembly, with the documentation beside it for completion and inspection.
    private static MetadataReference Reference(string path)
    {
        string xml = Path.ChangeExtension(path, ".xml");
        return MetadataReference.CreateFromFile(path, documentation: File.Exists(xml) ? XmlDocumentationProvider.CreateFromFile(xml) : null);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    // A timed cell's times go on stdout when its code has run: after what it wrote, before its
    // value or its error, as IPython's %%time.
    private CellResult Run(PreparedCell.Code prepared, int executionCount, TimeSpan timeout, TimeSpan left, CellOutputs outputs, CellTimer? timer)
    {
        string file = CellErrors.FileName(executionCount);
        _errors.Register(executionCount, prepared.Text, file, _options.SourceResolver.NormalizePath(file, baseFilePath: null) ?? file);
        // A cell inherits the references of the cells before it, so it names only those the chain
        // lacks: references named again are kept again by every later cell's compilation, which
        // made a long session's memory grow with the square of its cells.
        var options = _options.WithFilePath(file).WithReferences(_unchained);
        var previousScript = _state?.Script ?? _environment.Root;
        // The code that runs has interruption checks in its loops; errors are reported on the code as written.
        string instrumented = Interruption.Instrument(prepared.Text, ScriptEnvironment.ParseOptions);
        var script = previousScript.ContinueWith(instrumented, options);
        var errors = Errors(script);
        if (errors.Count > 0 && !ReferenceEquals(instrumented, prepared.Text))
        {
            // Code the checks would not compile in (none known) runs without them.
            script = previousScript.ContinueWith(prepared.Text, options);
            errors = Errors(script);
        }
        if (errors.Count > 0) return Failed(outputs.Close(), _errors.Compilation(errors));
        if (ProcessEnders.Find(script.GetCompilation()) is { Count: > 0 } enders) return Failed(outputs.Close(), _errors.ProcessEnding(enders));
        _assistant.Add(prepared.Text, _options);

        var previous = _state;
        ScriptState<object>? next = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            CellOutputs.Current = outputs;
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            // The session's figure folder, for the cell and the threads and tasks it starts.
            using var figures = FigureFiles.Into(FiguresDirectory);
            try
            {
                // The script catches every exception of the cell's code and keeps it in the state.
                next = (previous is null ? script.RunAsync(_globals, _ => true) : script.RunFromAsync(previous, _ => true)).GetAwaiter().GetResult();
                timer?.Stop(outputs);
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

        bool finished, timedOut = false;
        using (WorkingDirectory.Enter(Directory))
        {
            lock (_gate) _thread = thread;
            // Interrupted before it started: it stops at its first check.
            if (outputs.IsInterrupted) thread.Interrupt();
            thread.Start();
            finished = thread.Join(left);
            if (!finished)
            {
                timedOut = true;
                Interrupt();
                finished = thread.Join(StopGrace);
            }
        }
        timer?.Stop(outputs);
        if (!finished)
        {
            IsAbandoned = true;
            return new CellResult(CellStatus.TimedOut, [.. outputs.Close(), CellErrors.Timeout(executionCount, timeout, stopped: false).Output]);
        }
        foreach (string name in outputs.ReleaseThreads())
            outputs.Write("stderr", $"In[{executionCount}] left a foreground thread running (\"{name}\"); it no longer keeps the process alive, and is stopped with the process\n");
        // A cell that threw still declared its variables; keeping its state keeps what it assigned.
        if (next is not null) (_state, _unchained) = (next, []);
        if (timedOut)
            return new CellResult(CellStatus.TimedOut, [.. outputs.Close(), CellErrors.Timeout(executionCount, timeout, stopped: true).Output]);
        if ((next?.Exception ?? failure) is not { } thrown)
        {
            // Closed before the failure is read: work that fails from then on is a later cell's
            // note, where between the two it would be neither.
            var closed = outputs.Close();
            return outputs.Failure is { } elsewhere ? Failed(closed, _errors.Thrown(elsewhere, executionCount)) : new CellResult(CellStatus.Ok, closed);
        }
        var error = _errors.Thrown(thrown, executionCount);
        return outputs.IsInterrupted
            ? new CellResult(CellStatus.Interrupted, [.. outputs.Close(), error.Output]) { ErrorLine = error.Line }
            : Failed(outputs.Close(), error);
    }

    private static List<Diagnostic> Errors(Script script) => script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    private MimeBundle Format(object? value)
    {
        var bundle = value as MimeBundle ?? _formatter.Format(value);
        // plotly.js goes out once, with the session's first chart: the charts after it on the page use it.
        return PlotlyJsLoader.IsChart(bundle) && Interlocked.Exchange(ref _plotlyJsSent, 1) == 0 ? PlotlyJsLoader.WithPlotlyJs(bundle) : bundle;
    }

    private static CellResult Failed(IReadOnlyList<CellOutput> outputs, CellError error) =>
        new(CellStatus.Error, [.. outputs, error.Output]) { ErrorLine = error.Line };
}
