using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Its.Notebooks.Engine;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using NetMQ;
using NetMQ.Sockets;

namespace Its.Kernel;

/// <summary>
/// A Jupyter kernel (messaging protocol 5.3 over ZeroMQ) on the notebook engine: any Jupyter
/// front end (VS Code, JupyterLab, nbclient) runs C# cells in one <see cref="NotebookSession"/>,
/// with the outputs <c>its reproduce</c> writes for the same cells.
/// </summary>
/// <remarks>
/// Each socket has a thread of its own: shell requests are answered one at a time (a cell runs
/// while the shell waits), control requests (interrupt, shutdown) are heard while a cell runs, and
/// the heartbeat echoes throughout. Messages that are unsigned, wrongly signed or replayed are
/// dropped and logged, and so are messages above 64 MiB (before they are parsed). A shutdown, with
/// or without restart, ends <see cref="Run"/>: the front end starts a new kernel process to
/// restart. A cell that ends the process (code it calls runs <c>Environment.Exit</c>) is named in
/// the log as the process ends. A request's <c>user_expressions</c> are evaluated after a cell that
/// succeeded (<see cref="NotebookSession.Evaluate"/>); <c>history_request</c> reads the last 10,000
/// cells run with <c>store_history</c> in this process.
/// </remarks>
public sealed class JupyterKernel : IDisposable
{
    // How often the socket loops look up from waiting to see whether the kernel is stopping.
    private static readonly TimeSpan poll = TimeSpan.FromMilliseconds(100);

    private readonly ConnectionInfo _connection;
    private readonly TextWriter _log;
    private readonly NotebookSession _session;
    private readonly MessageCodec _codec;
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private readonly RouterSocket _shell = new(), _control = new(), _stdin = new();
    private readonly PublisherSocket _iopub = new();
    private readonly ResponseSocket _heartbeat = new();
    private readonly object _iopubGate = new();
    private readonly Queue<KernelMessage> _deferred = new();
    private readonly ManualResetEventSlim _stopped = new();
    private readonly KernelHistory _history = new();
    private volatile bool _stopping;
    private long _lastRequest = Environment.TickCount64;
    private int _busy;
    private int _count;
    // The execution count of the cell running now; 0 between cells.
    private int _running;

    /// <summary>A kernel ready to bind to the connection's sockets.</summary>
    /// <param name="connection">Addresses and key, from the connection file.</param>
    /// <param name="formatter">Turns displayed values into MIME bundles: the host's, the same as for the outputs <c>its reproduce</c> writes.</param>
    /// <param name="log">Where refused messages and failures are told (the kernel's stderr, which front ends keep in their log).</param>
    /// <param name="directory">The directory cells run in: the notebook's, where front ends start kernels.</param>
    /// <param name="session">What the kernel's session is given: the host's libraries, the kernel's name for <c>#!about</c>; the defaults when null.</param>
    public JupyterKernel(ConnectionInfo connection, IMimeFormatter formatter, TextWriter log, string directory, NotebookSessionOptions? session = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(log);
        _connection = connection;
        _log = log;
        _codec = new MessageCodec(connection.Key);
        _session = new NotebookSession(formatter, directory, session);
    }

    /// <summary>The kit's version, as the kernel reports it.</summary>
    public static string Version =>
        typeof(JupyterKernel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>
    /// Binds the sockets (to the connection's address only) and serves until a shutdown request.
    /// </summary>
    /// <exception cref="InvalidOperationException">A port cannot be bound (in use, or the address is not this machine's).</exception>
    public void Run()
    {
        Bind(_shell, _connection.ShellPort, "shell");
        Bind(_control, _connection.ControlPort, "control");
        Bind(_stdin, _connection.StdinPort, "stdin");
        Bind(_iopub, _connection.IopubPort, "iopub");
        Bind(_heartbeat, _connection.HeartbeatPort, "heartbeat");
        var threads = new[]
        {
            new Thread(Echo) { IsBackground = true, Name = "kernel heartbeat" },
            new Thread(() => Serve(_control, "control")) { IsBackground = true, Name = "kernel control" },
            new Thread(() => Serve(_shell, "shell")) { IsBackground = true, Name = "kernel shell" },
        };
        foreach (var thread in threads) thread.Start();
        AppDomain.CurrentDomain.ProcessExit += Ending;
        Publish(KernelMessage.Unprompted("status", _sessionId, new JsonObject { ["execution_state"] = "starting" }));
        // The compiler and completion are slow the first time: warmed while the front end connects and the user reads.
        new Thread(Warm) { IsBackground = true, Priority = ThreadPriority.BelowNormal, Name = "kernel warm-up" }.Start();
        _stopped.Wait();
        // A cell that does not stop keeps only its own thread, which ends with the process.
        foreach (var thread in threads) thread.Join(TimeSpan.FromSeconds(2));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= Ending;
        _stopping = true;
        _stopped.Dispose();
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat })
        {
            socket.Options.Linger = TimeSpan.FromMilliseconds(500);
            socket.Dispose();
        }
    }

    private void Bind(NetMQSocket socket, int port, string channel)
    {
        try
        {
            socket.Bind(_connection.Endpoint(port));
        }
        catch (NetMQException e)
        {
            throw new InvalidOperationException($"the kernel cannot listen on {_connection.Endpoint(port)} ({channel}): {e.Message}", e);
        }
    }

    private void Ending(object? sender, EventArgs e)
    {
        if (Volatile.Read(ref _running) is int count and > 0)
            Log($"In[{count}] ended the kernel's process (exit code {Environment.ExitCode}): the front end has to start a new kernel");
    }

    private void Warm()
    {
        // Completion takes seconds of both cores to warm: only once the front end has been quiet
        // for a while (a user reading or typing), not while a client runs cell after cell.
        var quiet = TimeSpan.FromSeconds(1.5);
        try
        {
            _session.Warm();
            while (!_stopping && (Volatile.Read(ref _busy) > 0 || Environment.TickCount64 - Interlocked.Read(ref _lastRequest) < quiet.TotalMilliseconds))
                Thread.Sleep(poll);
            if (!_stopping) _session.WarmCodeAssistance();
        }
        catch (Exception e)
        {
            // Only the first cell's or completion's speed depends on it.
            Log($"warm-up failed: {e.Message}");
        }
    }

    private void Echo()
    {
        var frames = new NetMQMessage();
        while (!_stopping)
        {
            if (_heartbeat.TryReceiveMultipartMessage(poll, ref frames)) _heartbeat.SendMultipartMessage(frames);
        }
    }

    private void Serve(RouterSocket socket, string channel)
    {
        var frames = new NetMQMessage();
        while (!_stopping)
        {
            KernelMessage? message;
            if (channel == "shell" && _deferred.Count > 0) message = _deferred.Dequeue();
            else if (!socket.TryReceiveMultipartMessage(poll, ref frames)) continue;
            else message = Decode(frames, channel);
            if (message is null) continue;
            try
            {
                Handle(socket, message, channel);
            }
            catch (Exception e)
            {
                // A request the kernel could not answer must not end the kernel.
                Log($"{channel} {message.Type} failed: {e}");
            }
        }
    }

    private KernelMessage? Decode(NetMQMessage frames, string channel)
    {
        var message = _codec.Decode(frames, out string refused);
        if (message is not null) return message;
        Log($"dropped a message on {channel}: {refused}");
        if (MessageCodec.Size(frames) > MessageCodec.MaxBytes)
        {
            // Without this the process keeps about twice the message's size until the collector
            // next looks at large objects (three 100 MB messages: 300 MB grew to 900 MB).
            frames.Clear();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        return null;
    }

    private void Handle(RouterSocket socket, KernelMessage request, string channel)
    {
        Interlocked.Increment(ref _busy);
        Status(request, "busy");
        try
        {
            switch (request.Type)
            {
                case "kernel_info_request": Reply(socket, request, "kernel_info_reply", KernelInfo()); break;
                case "execute_request": Execute(socket, request); break;
                case "is_complete_request": Reply(socket, request, "is_complete_reply", IsComplete(request)); break;
                case "complete_request": Reply(socket, request, "complete_reply", Complete(request)); break;
                case "inspect_request": Reply(socket, request, "inspect_reply", Inspect(request)); break;
                case "comm_info_request": Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() }); break;
                case "history_request": Reply(socket, request, "history_reply", History(request)); break;
                case "interrupt_request":
                    _session.Interrupt();
                    Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                    break;
                case "shutdown_request":
                    bool restart = request.Flag("restart", false);
                    Reply(socket, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                    // A cell still running is stopped with the process; the front end starts a new one to restart.
                    _session.Interrupt();
                    _stopping = true;
                    _stopped.Set();
                    break;
                case "comm_open" or "comm_msg" or "comm_close":
                    Log($"ignored {request.Type} on {channel}: the kernel has no comm targets");
                    break;
                default:
                    Log($"ignored a message of unknown type \"{request.Type}\" on {channel}");
                    break;
            }
        }
        finally
        {
            Status(request, "idle");
            Interlocked.Exchange(ref _lastRequest, Environment.TickCount64);
            Interlocked.Decrement(ref _busy);
        }
    }

    private static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = KernelMessage.ProtocolVersion,
        ["implementation"] = "its",
        ["implementation_version"] = Version,
        ["language_info"] = KernelSpec.LanguageInfo(NotebookSession.LanguageVersion),
        ["banner"] = $"C# (ITS kit) {Version}: the interrupted time series kit's notebook engine. display(x) shows a value; the kit's namespaces are imported.",
        ["help_links"] = new JsonArray(),
        ["debugger"] = false,
    };

    private void Execute(RouterSocket socket, KernelMessage request)
    {
        string code = request.Text("code");
        bool silent = request.Flag("silent", false);
        bool store = !silent && request.Flag("store_history", true);
        bool stopOnError = request.Flag("stop_on_error", true);
        int count = store ? ++_count : _count + 1;
        if (!silent) Publish(request.Reply("execute_input", _sessionId, new JsonObject { ["code"] = code, ["execution_count"] = count }));

        using var relay = new OutputRelay(this, request, silent);
        var channel = new CellChannel
        {
            Output = relay.Send,
            Input = request.Flag("allow_stdin", false) ? () => ReadInput(request) : null,
        };
        Volatile.Write(ref _running, count);
        var result = _session.RunCell(code, count, Timeout.InfiniteTimeSpan, channel);
        Volatile.Write(ref _running, 0);
        relay.Flush();
        if (store) _history.Add(count, code, result.Outputs.OfType<ExecuteResultOutput>().LastOrDefault()?.Data.PlainText);

        if (result.Error is not { } error)
        {
            Reply(socket, request, "execute_reply", new JsonObject
            {
                ["status"] = "ok",
                ["execution_count"] = count,
                ["payload"] = new JsonArray(),
                ["user_expressions"] = UserExpressions(request),
            });
            return;
        }
        var traceback = new JsonArray(error.Traceback.Select(t => (JsonNode?)t).ToArray());
        if (!silent)
            Publish(request.Reply("error", _sessionId, new JsonObject { ["ename"] = error.Name, ["evalue"] = error.Value, ["traceback"] = traceback.DeepClone() }));
        Reply(socket, request, "execute_reply", new JsonObject
        {
            ["status"] = "error",
            ["execution_count"] = count,
            ["ename"] = error.Name,
            ["evalue"] = error.Value,
            ["traceback"] = traceback,
        });
        if (stopOnError) AbortQueued(socket);
    }

    // Each expression the request names, evaluated after the cell (as IPython, only after one that
    // succeeded): its value's bundle or its error, by name.
    private JsonObject UserExpressions(KernelMessage request)
    {
        var values = new JsonObject();
        if (request.Content["user_expressions"] is not JsonObject expressions) return values;
        foreach (var (name, node) in expressions)
        {
            if (_session.IsAbandoned) break;
            var evaluation = node is JsonValue v && v.TryGetValue(out string? expression)
                ? _session.Evaluate(expression)
                : new Evaluation(null, new ErrorOutput("TypeError", $"the user expression {name} is not a string", []));
            values[name] = evaluation.Error is { } error
                ? new JsonObject
                {
                    ["status"] = "error",
                    ["ename"] = error.Name,
                    ["evalue"] = error.Value,
                    ["traceback"] = new JsonArray(error.Traceback.Select(t => (JsonNode?)t).ToArray()),
                }
                : new JsonObject { ["status"] = "ok", ["data"] = evaluation.Data!.ToJson(lines: false), ["metadata"] = new JsonObject() };
        }
        return values;
    }

    // The cells this kernel ran, as IPython answers: [session, line, input], or
    // [session, line, [input, output]] when the output is asked for (null for a cell without a
    // result). Inputs are kept as sent, so raw and transformed are the same.
    private JsonObject History(KernelMessage request)
    {
        var entries = request.Text("hist_access_type") switch
        {
            "tail" => _history.Tail(request.Number("n", 10)),
            "range" => _history.Range(request.Number("session", 0), request.Number("start", 1),
                request.Content["stop"] is JsonValue ? request.Number("stop", int.MaxValue) : null),
            "search" => _history.Search(request.Text("pattern", "*"), request.Flag("unique", false),
                request.Content["n"] is JsonValue ? request.Number("n", int.MaxValue) : null),
            _ => null,
        };
        if (entries is null)
            return new JsonObject { ["status"] = "error", ["ename"] = "ValueError", ["evalue"] = $"hist_access_type is tail, range or search, not \"{request.Text("hist_access_type")}\"", ["traceback"] = new JsonArray(), ["history"] = new JsonArray() };
        bool output = request.Flag("output", false);
        return new JsonObject
        {
            ["status"] = "ok",
            ["history"] = new JsonArray(entries.Select(e => (JsonNode?)new JsonArray(
                e.Session, e.Line, output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input))).ToArray()),
        };
    }

    // Cells sent after one that failed (a front end's "run all") are not run, as in IPython.
    private void AbortQueued(RouterSocket socket)
    {
        var frames = new NetMQMessage();
        while (socket.TryReceiveMultipartMessage(TimeSpan.Zero, ref frames))
        {
            if (Decode(frames, "shell") is not { } queued) continue;
            if (queued.Type != "execute_request")
            {
                _deferred.Enqueue(queued);
                continue;
            }
            Status(queued, "busy");
            Reply(socket, queued, "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = _count });
            Status(queued, "idle");
        }
    }

    private static JsonObject IsComplete(KernelMessage request) => CellSource.IsComplete(request.Text("code")) switch
    {
        true => new JsonObject { ["status"] = "complete" },
        false => new JsonObject { ["status"] = "incomplete", ["indent"] = "" },
        null => new JsonObject { ["status"] = "invalid" },
    };

    private JsonObject Complete(KernelMessage request)
    {
        var (code, cursor) = CodeAndCursor(request);
        var completions = _session.Complete(code, cursor);
        int start = CodePoints.FromUtf16(code, completions.Start), end = CodePoints.FromUtf16(code, completions.End);
        // What IPython sends beside the matches, for front ends that show each match's kind (JupyterLab's icons).
        var types = completions.Matches.Zip(completions.Types, (text, type) => (JsonNode?)new JsonObject
        {
            ["start"] = start, ["end"] = end, ["text"] = text, ["type"] = type, ["signature"] = "",
        });
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(completions.Matches.Select(m => (JsonNode?)m).ToArray()),
            ["cursor_start"] = start,
            ["cursor_end"] = end,
            ["metadata"] = new JsonObject { ["_jupyter_types_experimental"] = new JsonArray(types.ToArray()) },
        };
    }

    private JsonObject Inspect(KernelMessage request)
    {
        var (code, cursor) = CodeAndCursor(request);
        var inspection = _session.Inspect(code, cursor, detailed: request.Number("detail_level", 0) > 0);
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = inspection is not null,
            ["data"] = inspection is null ? new JsonObject() : new JsonObject { ["text/plain"] = inspection.Text },
            ["metadata"] = new JsonObject(),
        };
    }

    // The cursor comes in code points, at the end of the code when not given; the session takes UTF-16 offsets.
    private static (string Code, int Cursor) CodeAndCursor(KernelMessage request)
    {
        string code = request.Text("code");
        return (code, CodePoints.ToUtf16(code, request.Number("cursor_pos", CodePoints.Count(code))));
    }

    // Runs on the cell's thread, while the shell thread waits for the cell: the stdin socket is this thread's alone.
    private string? ReadInput(KernelMessage request)
    {
        Send(_stdin, request.Reply("input_request", _sessionId, new JsonObject { ["prompt"] = "", ["password"] = false }));
        var frames = new NetMQMessage();
        while (true)
        {
            // An interrupt stops a cell waiting for input too.
            Interruption.Check();
            if (_stopping) return null;
            if (!_stdin.TryReceiveMultipartMessage(poll, ref frames) || Decode(frames, "stdin") is not { } reply) continue;
            if (reply.Type == "input_reply") return reply.Text("value");
            Log($"ignored a message of type \"{reply.Type}\" on stdin while waiting for input");
        }
    }

    private void Status(KernelMessage request, string state) =>
        Publish(request.Reply("status", _sessionId, new JsonObject { ["execution_state"] = state }));

    private void Reply(RouterSocket socket, KernelMessage request, string type, JsonObject content) =>
        Send(socket, request.Reply(type, _sessionId, content));

    private void Publish(KernelMessage message)
    {
        // On iopub the first frame is a topic, not a route: the kind of message, as IPython's.
        var topic = message with { Identities = [Encoding.UTF8.GetBytes($"kernel.{_sessionId}.{message.Type}")] };
        lock (_iopubGate) Send(_iopub, topic);
    }

    private void Send(NetMQSocket socket, KernelMessage message)
    {
        if (socket.IsDisposed) return;
        socket.SendMultipartMessage(_codec.Encode(message));
    }

    private void Log(string text)
    {
        lock (_log) _log.WriteLine($"[its kernel] {text}");
    }

    /// <summary>
    /// A cell's outputs on iopub as they happen. Writes to a stream are gathered for a moment
    /// before they go, so a loop printing a line at a time sends a few messages, not thousands;
    /// anything else goes at once, after the text written before it.
    /// </summary>
    private sealed class OutputRelay : IDisposable
    {
        private static readonly TimeSpan gather = TimeSpan.FromMilliseconds(50);

        private readonly JupyterKernel _kernel;
        private readonly KernelMessage _request;
        private readonly bool _silent;
        private readonly StringBuilder _text = new();
        private readonly Timer _timer;
        private string? _stream;

        public OutputRelay(JupyterKernel kernel, KernelMessage request, bool silent)
        {
            _kernel = kernel;
            _request = request;
            _silent = silent;
            _timer = new Timer(_ => Flush());
        }

        public void Send(CellOutput output)
        {
            if (_silent) return;
            lock (_text)
            {
                if (output is StreamOutput stream)
                {
                    if (_stream != stream.Name) Flush();
                    if (_text.Length == 0) _timer.Change(gather, Timeout.InfiniteTimeSpan);
                    _stream = stream.Name;
                    _text.Append(stream.Text);
                    return;
                }
                Flush();
                switch (output)
                {
                    case DisplayOutput display:
                        Publish("display_data", new JsonObject { ["data"] = display.Data.ToJson(lines: false), ["metadata"] = display.Data.Metadata.DeepClone(), ["transient"] = new JsonObject() });
                        break;
                    case ExecuteResultOutput result:
                        Publish("execute_result", new JsonObject { ["execution_count"] = result.ExecutionCount, ["data"] = result.Data.ToJson(lines: false), ["metadata"] = result.Data.Metadata.DeepClone() });
                        break;
                }
            }
        }

        public void Flush()
        {
            lock (_text)
            {
                if (_text.Length == 0) return;
                Publish("stream", new JsonObject { ["name"] = _stream, ["text"] = _text.ToString() });
                _text.Clear();
                _stream = null;
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Publish(string type, JsonObject content) => _kernel.Publish(_request.Reply(type, _kernel._sessionId, content));

    }
}

/// <summary>
/// Cursor positions as Jupyter counts them (Unicode code points, since protocol 5.2) and as .NET
/// strings do (UTF-16 units): they differ past a character outside the Basic Multilingual Plane.
/// </summary>
internal static class CodePoints
{
    /// <summary>The number of code points in the text.</summary>
    public static int Count(string text) => text.EnumerateRunes().Count();

    /// <summary>The UTF-16 offset of a code-point offset, clamped to the text.</summary>
    public static int ToUtf16(string text, int codePoints)
    {
        int units = 0, points = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (points++ >= codePoints) break;
            units += rune.Utf16SequenceLength;
        }
        return units;
    }

    /// <summary>The code-point offset of a UTF-16 offset.</summary>
    public static int FromUtf16(string text, int units) =>
        text.AsSpan(0, Math.Clamp(units, 0, text.Length)).ToString().EnumerateRunes().Count();
}
