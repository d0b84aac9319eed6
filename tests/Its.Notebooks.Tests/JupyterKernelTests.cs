using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Its.Kernel;
using NetMQ;
using NetMQ.Sockets;

namespace Its.Notebooks.Tests;

/// <summary>
/// The kernel over its sockets, as a front end talks to it: kernel info on shell, status on iopub,
/// the heartbeat, and shutdown on control. (Cells, completion and input through a real Jupyter
/// client are tested elsewhere.)
/// </summary>
public sealed class JupyterKernelTests : IDisposable
{
    private static readonly TimeSpan patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("its-kernel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    private static KernelMessage Request(string type, JsonObject content) => new(
        [],
        new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString(),
            ["session"] = "test-client",
            ["username"] = "test",
            ["date"] = DateTime.UtcNow.ToString("O"),
            ["msg_type"] = type,
            ["version"] = "5.3",
        },
        [], [], content);

    private static string Id(JsonObject header) => (string?)header["msg_id"] ?? "";

    /// <summary>The next message on the socket within the time, decoded; null when none came.</summary>
    private static KernelMessage? Receive(NetMQSocket socket, MessageCodec codec, TimeSpan within)
    {
        var frames = new NetMQMessage();
        if (!socket.TryReceiveMultipartMessage(within, ref frames)) return null;
        var message = codec.Decode(frames, out string refused);
        Assert.True(message is not null, $"the kernel sent a message the client refuses: {refused}");
        return message;
    }

    /// <summary>Messages on the socket until one answers the request (its parent), within the patience.</summary>
    private static KernelMessage ReplyTo(NetMQSocket socket, MessageCodec codec, KernelMessage request, string type)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < patience)
        {
            if (Receive(socket, codec, TimeSpan.FromSeconds(1)) is { } reply && Id(reply.ParentHeader) == Id(request.Header) && reply.Type == type)
                return reply;
        }
        throw new TimeoutException($"no {type} to {request.Type} within {patience}");
    }

    [Fact]
    public void The_kernel_answers_kernel_info_with_busy_and_idle_on_iopub_and_stops_on_shutdown()
    {
        int[] ports = FreeLoopbackPorts(5);
        string key = Guid.NewGuid().ToString();
        var connection = new ConnectionInfo("127.0.0.1", ports[0], ports[1], ports[2], ports[3], ports[4], key);
        var log = new StringWriter();
        using var kernel = new JupyterKernel(connection, new PlainFormatter(), log, _folder);
        Exception? failure = null;
        var run = new Thread(() =>
        {
            try { kernel.Run(); }
            catch (Exception e) { failure = e; }
        }) { IsBackground = true, Name = "kernel under test" };
        run.Start();

        using var shell = new DealerSocket();
        using var control = new DealerSocket();
        using var iopub = new SubscriberSocket();
        using var heartbeat = new RequestSocket();
        foreach (var socket in new NetMQSocket[] { shell, control, iopub, heartbeat }) socket.Options.Linger = TimeSpan.Zero;
        shell.Options.Identity = Encoding.UTF8.GetBytes("test-shell-" + Guid.NewGuid().ToString("N"));
        iopub.SubscribeToAnyTopic();
        shell.Connect(connection.Endpoint(connection.ShellPort));
        control.Connect(connection.Endpoint(connection.ControlPort));
        iopub.Connect(connection.Endpoint(connection.IopubPort));
        heartbeat.Connect(connection.Endpoint(connection.HeartbeatPort));
        var codec = new MessageCodec(key);

        // A subscriber hears only what is published after it has joined (the slow joiner): ask for
        // kernel info, as jupyter_client does, until iopub carries something.
        var clock = Stopwatch.StartNew();
        bool joined = false;
        while (!joined && clock.Elapsed < patience)
        {
            Assert.True(run.IsAlive, $"the kernel stopped: {failure?.Message}");
            shell.SendMultipartMessage(codec.Encode(Request("kernel_info_request", [])));
            joined = Receive(iopub, codec, TimeSpan.FromSeconds(1)) is not null;
            while (Receive(shell, codec, TimeSpan.Zero) is not null) { }
        }
        Assert.True(joined, "iopub carried nothing");

        var request = Request("kernel_info_request", []);
        shell.SendMultipartMessage(codec.Encode(request));
        var reply = ReplyTo(shell, codec, request, "kernel_info_reply");
        Assert.Equal("ok", reply.Text("status"));
        Assert.Equal("5.3", reply.Text("protocol_version"));
        var language = reply.Content["language_info"]!;
        Assert.Equal("C#", (string?)language["name"]);
        Assert.Equal("text/x-csharp", (string?)language["mimetype"]);
        Assert.Equal("text/x-csharp", (string?)language["codemirror_mode"]);
        Assert.Equal(".cs", (string?)language["file_extension"]);
        Assert.Equal("csharp", (string?)language["pygments_lexer"]);
        Assert.Matches(@"^\d+\.\d+$", (string?)language["version"]);
        Assert.Equal("5.3", (string?)reply.Header["version"]);
        Assert.True(JsonNode.DeepEquals(request.Header, reply.ParentHeader));

        var states = new List<string>();
        clock.Restart();
        while (!states.Contains("idle") && clock.Elapsed < patience)
        {
            if (Receive(iopub, codec, TimeSpan.FromSeconds(1)) is not { Type: "status" } status || Id(status.ParentHeader) != Id(request.Header)) continue;
            Assert.Equal((string?)reply.Header["session"], (string?)status.Header["session"]);
            states.Add(status.Text("execution_state"));
        }
        Assert.Equal(["busy", "idle"], states);

        heartbeat.SendFrame("ping");
        Assert.True(heartbeat.TryReceiveFrameString(patience, out string? echo), "no heartbeat");
        Assert.Equal("ping", echo);

        var shutdown = Request("shutdown_request", new JsonObject { ["restart"] = false });
        control.SendMultipartMessage(codec.Encode(shutdown));
        var done = ReplyTo(control, codec, shutdown, "shutdown_reply");
        Assert.Equal("ok", done.Text("status"));
        Assert.False(done.Flag("restart", true));
        Assert.True(run.Join(TimeSpan.FromSeconds(10)), "Run did not return within 10 s of the shutdown");
        Assert.Null(failure);
        lock (log) Assert.DoesNotContain("dropped", log.ToString());
    }
}
