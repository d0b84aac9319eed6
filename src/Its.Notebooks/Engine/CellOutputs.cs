using System.Text;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>
/// The outputs of one running cell, in the order they happen: consecutive writes to the same
/// stream become one stream output, each <c>display</c> call one display output. Writes after
/// the cell has ended (a task the cell left running) are dropped, so they cannot change another
/// cell's outputs. A front end that shows outputs as they happen (the Jupyter kernel) listens
/// through a <see cref="CellChannel"/>, which also answers the cell's reads of <c>Console.In</c>.
/// </summary>
internal sealed class CellOutputs(Func<object?, MimeBundle> format, CellChannel? channel = null)
{
    // The running cell is known by its execution context: it flows into the tasks and threads the
    // cell starts, and other threads of the process (a test runner, the kernel) never see it. A
    // thread that starts with it is one the cell started (pool threads are the pool's).
    private static readonly AsyncLocal<CellOutputs?> current = new(change =>
    {
        if (change.ThreadContextChanged && change.PreviousValue is null && change.CurrentValue is { } cell && !Thread.CurrentThread.IsThreadPoolThread)
            cell.Started(Thread.CurrentThread);
    });

    private static int handlerInstalled;

    private readonly object _gate = new();
    private readonly List<CellOutput> _outputs = [];
    private readonly StringBuilder _text = new();
    private string? _stream;
    private bool _closed;
    private volatile bool _interrupted;
    private readonly List<Thread> _threads = [];
    private bool _released;
    private CellFailure? _failure;

    // Cancelled by Interrupt, for waits outside the cell's thread (a package restore). It holds no
    // timer or registration once its users are done, so it is left to the collector.
    private readonly CancellationTokenSource _interrupt = new();

    /// <summary>The outputs of the cell running in this execution context; null outside cells.</summary>
    public static CellOutputs? Current
    {
        get => current.Value;
        set => current.Value = value;
    }

    /// <summary>What happens to an exception of the cell's work that nothing caught, once the cell has ended; null: it is dropped.</summary>
    public Action<CellFailure>? Late { get; init; }

    /// <summary>The first exception nothing caught on a thread the cell started, or in its thread-pool work; null when none.</summary>
    public CellFailure? Failure
    {
        get { lock (_gate) return _failure; }
    }

    /// <summary>
    /// Makes an exception that nothing caught on a thread a cell started, or in its thread-pool
    /// work (an <c>async void</c> method, a timer), a failure of that cell instead of the end of
    /// the process: the thread it was thrown on ends, the process goes on. Exceptions of other
    /// work end the process as .NET does. Installs .NET's handler once per process (a host that
    /// has set its own keeps it).
    /// </summary>
    public static void HandleUnhandled()
    {
        if (Interlocked.Exchange(ref handlerInstalled, 1) == 1) return;
        try
        {
            System.Runtime.ExceptionServices.ExceptionHandling.SetUnhandledExceptionHandler(e => Current?.Fail(e) ?? false);
        }
        catch (InvalidOperationException)
        {
            // The process's host handles them its own way.
        }
    }

    private bool Fail(Exception exception)
    {
        var thread = Thread.CurrentThread;
        var failure = new CellFailure(exception, thread.IsThreadPoolThread ? "a thread-pool thread" : $"the thread \"{thread.Name ?? "unnamed"}\" the cell started");
        lock (_gate)
        {
            if (!_closed)
            {
                _failure ??= failure;
                return true;
            }
        }
        Late?.Invoke(failure);
        return true;
    }

    private void Started(Thread thread)
    {
        lock (_gate)
        {
            if (!_released)
            {
                _threads.Add(thread);
                return;
            }
        }
        // Started as the cell ended (Start returns before the thread runs), or by a thread the
        // cell left running: it does not hold the process either.
        thread.IsBackground = true;
    }

    /// <summary>
    /// The foreground threads the cell started that are still running, made background threads:
    /// they no longer keep the process (a notebook run, the kernel) from ending, and stop with it.
    /// A thread that only begins to run after this call is made one too, without being named.
    /// </summary>
    /// <returns>Their names, "unnamed" for those without one.</returns>
    public IReadOnlyList<string> ReleaseThreads()
    {
        Thread[] threads;
        lock (_gate)
        {
            _released = true;
            threads = [.. _threads];
        }
        var released = new List<string>();
        foreach (var thread in threads)
        {
            try
            {
                if (!thread.IsAlive || thread.IsBackground) continue;
                thread.IsBackground = true;
                released.Add(thread.Name ?? "unnamed");
            }
            catch (ThreadStateException)
            {
                // It ended meanwhile.
            }
        }
        return released;
    }

    /// <summary>Shows a value in the output of the running cell.</summary>
    public static void Show(object? value) =>
        (Current ?? throw new InvalidOperationException("display shows a value in the output of a running notebook cell; no cell is running here"))
        .Display(value);

    /// <summary>Whether the cell has been interrupted (see <see cref="Interruption"/>).</summary>
    public bool IsInterrupted => _interrupted;

    /// <summary>Cancelled when the cell is interrupted, for work done for it off its thread (a package restore).</summary>
    public CancellationToken Interrupted => _interrupt.Token;

    /// <summary>Asks the cell to stop at its next <see cref="Interruption.Check"/>; false when it has already ended.</summary>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_closed || _interrupted) return !_closed;
            _interrupted = true;
        }
        Interruption.Raise();
        _interrupt.Cancel();
        return true;
    }

    /// <summary>Appends text written to <c>stdout</c> or <c>stderr</c>.</summary>
    public void Write(string stream, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        lock (_gate)
        {
            if (_closed) return;
            if (_stream != stream) EndStream();
            _stream = stream;
            _text.Append(text);
            channel?.Output?.Invoke(new StreamOutput(stream, text.Replace("\r\n", "\n")));
        }
    }

    /// <summary>A line the cell reads from <c>Console.In</c>, asked of the front end.</summary>
    /// <exception cref="InvalidOperationException">The front end takes no input (a notebook run, or a client that does not allow it).</exception>
    public string? ReadLine()
    {
        lock (_gate) EndStream();
        return channel?.Input is { } input
            ? input()
            : throw new InvalidOperationException("this notebook run takes no input: a cell cannot read Console.In here (set values in the cell instead)");
    }

    /// <summary>Appends a display output of the value.</summary>
    public void Display(object? value) => Add(new DisplayOutput(format(value)));

    /// <summary>Appends an output after whatever was written so far.</summary>
    public void Add(CellOutput output)
    {
        lock (_gate)
        {
            if (_closed) return;
            EndStream();
            _outputs.Add(output);
            channel?.Output?.Invoke(output);
        }
    }

    /// <summary>Ends the cell: the outputs so far, and nothing more is taken.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (_gate)
        {
            EndStream();
            if (!_closed && _interrupted) Interruption.Lower();
            _closed = true;
            return _outputs.ToList();
        }
    }

    private void EndStream()
    {
        if (_stream is null) return;
        // Jupyter's line ends are \n whatever the platform, so a notebook's JSON is the same everywhere.
        _outputs.Add(new StreamOutput(_stream, _text.ToString().Replace("\r\n", "\n")));
        _text.Clear();
        _stream = null;
    }
}

/// <summary>An exception nothing caught in a cell's work off the cell's thread.</summary>
/// <param name="Exception">The exception.</param>
/// <param name="Where">The thread it was thrown on, as a reader knows it (<c>a thread-pool thread</c>).</param>
internal sealed record CellFailure(Exception Exception, string Where);

/// <summary>
/// Console.Out or Console.Error while the engine is in use: writes made by a running cell go to
/// its outputs, every other write to the writer that was there before.
/// </summary>
internal sealed class CellConsoleWriter(TextWriter fallback, string stream) : TextWriter
{
    private static readonly object gate = new();
    private static TextWriter? installedOut, installedError;
    private static TextReader? installedIn;

    /// <inheritdoc />
    public override Encoding Encoding => fallback.Encoding;

    /// <summary>Puts the writers in place, again if someone has replaced them since.</summary>
    public static void Install()
    {
        lock (gate)
        {
            if (!ReferenceEquals(Console.Out, installedOut))
            {
                Console.SetOut(new CellConsoleWriter(Console.Out, "stdout"));
                installedOut = Console.Out;
            }
            if (!ReferenceEquals(Console.Error, installedError))
            {
                Console.SetError(new CellConsoleWriter(Console.Error, "stderr"));
                installedError = Console.Error;
            }
            if (!ReferenceEquals(Console.In, installedIn))
            {
                Console.SetIn(new CellConsoleReader(Console.In));
                installedIn = Console.In;
            }
        }
    }

    /// <inheritdoc />
    public override void Write(char value)
    {
        if (CellOutputs.Current is { } cell) cell.Write(stream, value.ToString());
        else fallback.Write(value);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (CellOutputs.Current is { } cell) cell.Write(stream, value);
        else fallback.Write(value);
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count)
    {
        if (CellOutputs.Current is { } cell) cell.Write(stream, new string(buffer, index, count));
        else fallback.Write(buffer, index, count);
    }

    /// <inheritdoc />
    public override void Flush()
    {
        if (CellOutputs.Current is null) fallback.Flush();
    }
}

/// <summary>
/// Console.In while the engine is in use: a running cell reads lines from its front end (see
/// <see cref="CellOutputs.ReadLine"/>), every other reader from the reader that was there before.
/// </summary>
internal sealed class CellConsoleReader(TextReader fallback) : TextReader
{
    // What is left of the line a cell's Read() calls are taking apart, with its line end.
    private static readonly AsyncLocal<string?> rest = new();

    /// <inheritdoc />
    public override string? ReadLine()
    {
        if (CellOutputs.Current is not { } cell) return fallback.ReadLine();
        if (string.IsNullOrEmpty(rest.Value)) return cell.ReadLine();
        string line = rest.Value[..^1];
        rest.Value = null;
        return line;
    }

    /// <inheritdoc />
    public override int Peek() => CellOutputs.Current is null ? fallback.Peek() : Next(take: false);

    /// <inheritdoc />
    public override int Read() => CellOutputs.Current is null ? fallback.Read() : Next(take: true);

    private static int Next(bool take)
    {
        if (string.IsNullOrEmpty(rest.Value))
        {
            if (CellOutputs.Current!.ReadLine() is not { } line) return -1;
            rest.Value = line + "\n";
        }
        char next = rest.Value[0];
        if (take) rest.Value = rest.Value[1..];
        return next;
    }
}
