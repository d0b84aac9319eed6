using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Its.Kernel;

/// <summary>A connection file that cannot be used: the message names the file and what is wrong.</summary>
/// <param name="message">The file and what is wrong with it.</param>
/// <param name="risk">The risk the file asks the kernel to take, when that is why it is refused; <see cref="ConnectionRisks.None"/> when it is malformed.</param>
public sealed class ConnectionFileException(string message, ConnectionRisks risk = ConnectionRisks.None) : Exception(message)
{
    /// <summary>The risk that was not accepted; <see cref="ConnectionRisks.None"/> when the file is malformed.</summary>
    public ConnectionRisks Risk { get; } = risk;
}

/// <summary>What a connection file may expose the kernel to, each refused unless accepted.</summary>
[Flags]
public enum ConnectionRisks
{
    /// <summary>Nothing beyond a signed kernel listening on this machine only.</summary>
    None = 0,

    /// <summary>Listening on an address other machines reach (not loopback): anyone who can reach it and sign can run code.</summary>
    Remote = 1,

    /// <summary>An empty key: messages are not signed, so anyone who reaches the ports can run code.</summary>
    Unsigned = 2,
}

/// <summary>
/// Where a kernel listens and how its messages are signed, as the Jupyter front end that started
/// it wrote them in the connection file
/// (https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files).
/// </summary>
/// <param name="Ip">The address every socket binds to: loopback unless <see cref="ConnectionRisks.Remote"/> was accepted.</param>
/// <param name="ShellPort">Requests and their replies.</param>
/// <param name="IopubPort">Broadcasts: status, outputs.</param>
/// <param name="StdinPort">Input the kernel asks of the front end.</param>
/// <param name="ControlPort">Interrupt and shutdown, heard while a cell runs.</param>
/// <param name="HeartbeatPort">Echo, so the front end knows the kernel is alive.</param>
/// <param name="Key">The HMAC-SHA256 key; empty (messages not signed) only when <see cref="ConnectionRisks.Unsigned"/> was accepted.</param>
public sealed record ConnectionInfo(string Ip, int ShellPort, int IopubPort, int StdinPort, int ControlPort, int HeartbeatPort, string Key)
{
    /// <summary>The ZeroMQ address of a port: <c>tcp://127.0.0.1:port</c>.</summary>
    public string Endpoint(int port) => $"tcp://{Ip}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The risks this connection takes: <see cref="ConnectionRisks.None"/> for a signed kernel on a loopback address.</summary>
    public ConnectionRisks Risks =>
        (IPAddress.TryParse(Ip, out var address) && IPAddress.IsLoopback(address) ? ConnectionRisks.None : ConnectionRisks.Remote)
        | (Key.Length == 0 ? ConnectionRisks.Unsigned : ConnectionRisks.None);

    /// <summary>Reads a connection file, refusing the risks it takes that are not accepted.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="accepted">The risks the user accepted; by default none, so a kernel listens on this machine only and checks every message's signature.</param>
    /// <exception cref="ConnectionFileException">Unreadable, not JSON, a field missing or wrong, a transport or signature scheme the kernel does not speak, or a risk not accepted (<see cref="ConnectionFileException.Risk"/>).</exception>
    public static ConnectionInfo Read(string path, ConnectionRisks accepted = ConnectionRisks.None)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonObject file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ConnectionFileException($"{path}: not a connection file (the JSON is not an object)");
        }
        catch (JsonException e)
        {
            throw new ConnectionFileException($"{path}: not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConnectionFileException($"{path}: cannot be read ({e.Message})");
        }

        string transport = Text(file, "transport", path, "tcp");
        if (transport != "tcp")
            throw new ConnectionFileException($"{path}: transport \"{transport}\": the kernel speaks tcp only");
        string key = Text(file, "key", path, "");
        string scheme = Text(file, "signature_scheme", path, "hmac-sha256");
        if (key.Length > 0 && scheme != "hmac-sha256")
            throw new ConnectionFileException($"{path}: signature_scheme \"{scheme}\": the kernel signs with hmac-sha256 only");
        string ip = Text(file, "ip", path, "127.0.0.1");
        if (ip != "*" && !IPAddress.TryParse(ip, out _))
            throw new ConnectionFileException($"{path}: ip \"{ip}\" is not an IP address");
        if (ip.Contains(':', StringComparison.Ordinal))
            throw new ConnectionFileException($"{path}: ip \"{ip}\": the kernel listens on IPv4 addresses (127.0.0.1, Jupyter's default)");
        var info = new ConnectionInfo(ip, Port(file, "shell_port", path), Port(file, "iopub_port", path), Port(file, "stdin_port", path),
            Port(file, "control_port", path), Port(file, "hb_port", path), key);
        var refused = info.Risks & ~accepted;
        if (refused.HasFlag(ConnectionRisks.Remote))
            throw new ConnectionFileException(
                $"{path}: ip \"{ip}\" is not a loopback address: the kernel would take code from other machines. Jupyter's default is 127.0.0.1",
                ConnectionRisks.Remote);
        if (refused.HasFlag(ConnectionRisks.Unsigned))
            throw new ConnectionFileException(
                $"{path}: the key is empty: messages would not be signed, and the kernel would run code from anyone who reaches its ports",
                ConnectionRisks.Unsigned);
        return info;
    }

    /// <summary>A warning for each risk the connection takes (accepted, since it was read); empty for none.</summary>
    public IReadOnlyList<string> Warnings()
    {
        var warnings = new List<string>();
        if (Risks.HasFlag(ConnectionRisks.Remote))
            warnings.Add($"the kernel listens on {Ip}, which other machines can reach: whoever reaches its ports{(Key.Length > 0 ? " and has the key" : "")} can run code as you");
        if (Risks.HasFlag(ConnectionRisks.Unsigned))
            warnings.Add("the kernel's messages are not signed (empty key): any process that reaches its ports can run code as you");
        return warnings;
    }

    private static string Text(JsonObject file, string name, string path, string otherwise) => file[name] switch
    {
        null => otherwise,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new ConnectionFileException($"{path}: {name} is {other.ToJsonString()}, not a string"),
    };

    private static int Port(JsonObject file, string name, string path) => file[name] switch
    {
        null => throw new ConnectionFileException($"{path}: {name} is missing"),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int port) && port is > 0 and < 65536 => port,
        var other => throw new ConnectionFileException($"{path}: {name} is {other.ToJsonString()}, not a port number from 1 to 65535"),
    };
}
