using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Its.Notebooks.Kernel;

/// <summary>A connection file that cannot be used: the message names the file and what is wrong.</summary>
public sealed class ConnectionFileException(string message) : Exception(message);

/// <summary>
/// Where a kernel listens and how its messages are signed, as the Jupyter front end that started
/// it wrote them in the connection file
/// (https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files).
/// </summary>
/// <param name="Ip">The address every socket binds to (loopback in practice).</param>
/// <param name="ShellPort">Requests and their replies.</param>
/// <param name="IopubPort">Broadcasts: status, outputs.</param>
/// <param name="StdinPort">Input the kernel asks of the front end.</param>
/// <param name="ControlPort">Interrupt and shutdown, heard while a cell runs.</param>
/// <param name="HeartbeatPort">Echo, so the front end knows the kernel is alive.</param>
/// <param name="Key">The HMAC key; empty when messages are not signed.</param>
public sealed record ConnectionInfo(string Ip, int ShellPort, int IopubPort, int StdinPort, int ControlPort, int HeartbeatPort, string Key)
{
    /// <summary>The ZeroMQ address of a port: <c>tcp://127.0.0.1:port</c>.</summary>
    public string Endpoint(int port) => $"tcp://{Ip}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads a connection file.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="ConnectionFileException">Unreadable, not JSON, a field missing or wrong, or a transport or signature scheme the kernel does not speak.</exception>
    public static ConnectionInfo Read(string path)
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
        return new ConnectionInfo(ip, Port(file, "shell_port", path), Port(file, "iopub_port", path), Port(file, "stdin_port", path),
            Port(file, "control_port", path), Port(file, "hb_port", path), key);
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
