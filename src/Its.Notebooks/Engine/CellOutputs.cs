using System.Text;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>
/// The outputs of one running cell, in the order they happen: consecutive writes to the same
/// stream become one stream output, each <c>display</c> call one display output. Writes after
/// the cell has ended (a task the cell left running) are dropped, so they cannot change another
/// cell's outputs.
/// </summary>
internal sealed class CellOutputs(Func<object?, MimeBundle> format)
{
    // The running cell is known by its execution context: it flows into the tasks and threads the
    // cell starts, and other threads of the process (a test runner, the kernel) never see it.
    private static readonly AsyncLocal<CellOutputs?> current = new();

    private readonly object _gate = new();
    private readonly List<CellOutput> _outputs = [];
    private readonly StringBuilder _text = new();
    private string? _stream;
    private bool _closed;

    /// <summary>The outputs of the cell running in this execution context; null outside cells.</summary>
    public static CellOutputs? Current
    {
        get => current.Value;
        set => current.Value = value;
    }

    /// <summary>Shows a value in the output of the running cell.</summary>
    public static void Show(object? value) =>
        (Current ?? throw new InvalidOperationException("display shows a value in the output of a running notebook cell; no cell is running here"))
        .Display(value);

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
        }
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
        }
    }

    /// <summary>Ends the cell: the outputs so far, and nothing more is taken.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (_gate)
        {
            EndStream();
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

/// <summary>
/// Console.Out or Console.Error while the engine is in use: writes made by a running cell go to
/// its outputs, every other write to the writer that was there before.
/// </summary>
internal sealed class CellConsoleWriter(TextWriter fallback, string stream) : TextWriter
{
    private static readonly object gate = new();
    private static TextWriter? installedOut, installedError;

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
