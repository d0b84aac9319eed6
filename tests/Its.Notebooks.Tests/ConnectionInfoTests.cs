using System.Text.Json.Nodes;
using Its.Kernel;

namespace Its.Notebooks.Tests;

/// <summary>
/// Connection files as jupyter_client writes them: read, or refused with a message naming the file
/// and the field.
/// </summary>
public sealed class ConnectionInfoTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("its-connection-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The fields and order of jupyter_client's write_connection_file.
    private static JsonObject Valid() => new()
    {
        ["shell_port"] = 53794,
        ["iopub_port"] = 53795,
        ["stdin_port"] = 53796,
        ["control_port"] = 53797,
        ["hb_port"] = 53798,
        ["ip"] = "127.0.0.1",
        ["key"] = "0e5cc8a5-5e0cd7fa0d6d1e7a1d0a58f1",
        ["transport"] = "tcp",
        ["signature_scheme"] = "hmac-sha256",
        ["kernel_name"] = "its-csharp",
    };

    private string Write(string text, string name = "kernel-1234.json")
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Write(JsonObject file) => Write(file.ToJsonString());

    private static string Refused(string path) => Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Read(path)).Message;

    [Fact]
    public void A_connection_file_as_jupyter_client_writes_it_is_read()
    {
        var file = Valid();
        var info = ConnectionInfo.Read(Write(file));
        Assert.Equal((string?)file["ip"], info.Ip);
        Assert.Equal((int)file["shell_port"]!, info.ShellPort);
        Assert.Equal((int)file["iopub_port"]!, info.IopubPort);
        Assert.Equal((int)file["stdin_port"]!, info.StdinPort);
        Assert.Equal((int)file["control_port"]!, info.ControlPort);
        Assert.Equal((int)file["hb_port"]!, info.HeartbeatPort);
        Assert.Equal((string?)file["key"], info.Key);
    }

    [Fact]
    public void Without_a_scheme_or_transport_or_ip_the_defaults_are_taken()
    {
        var file = Valid();
        file.Remove("signature_scheme");
        file.Remove("transport");
        file.Remove("ip");
        var info = ConnectionInfo.Read(Write(file));
        Assert.Equal("127.0.0.1", info.Ip);
        Assert.Equal(ConnectionRisks.None, info.Risks);
        Assert.Empty(info.Warnings());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_or_missing_key_is_refused_as_unsigned_unless_accepted(string? key)
    {
        var file = Valid();
        if (key is null) file.Remove("key");
        else file["key"] = key;
        string path = Write(file);
        var refused = Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Read(path));
        Assert.StartsWith(path, refused.Message);
        Assert.Contains("the key is empty", refused.Message);
        Assert.Equal(ConnectionRisks.Unsigned, refused.Risk);
        // Accepting another risk does not accept this one.
        Assert.Equal(ConnectionRisks.Unsigned, Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Read(path, ConnectionRisks.Remote)).Risk);

        var info = ConnectionInfo.Read(path, ConnectionRisks.Unsigned);
        Assert.Equal("", info.Key);
        Assert.Equal(ConnectionRisks.Unsigned, info.Risks);
        Assert.Contains("not signed", Assert.Single(info.Warnings()));
    }

    [Fact]
    public void An_accepted_unsigned_connection_may_name_any_scheme()
    {
        var file = Valid();
        file["key"] = "";
        file["signature_scheme"] = "hmac-md5";
        Assert.Equal("", ConnectionInfo.Read(Write(file), ConnectionRisks.Unsigned).Key);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("*")]
    [InlineData("192.168.1.20")]
    [InlineData("10.0.0.1")]
    public void An_address_other_machines_reach_is_refused_unless_accepted(string ip)
    {
        var file = Valid();
        file["ip"] = ip;
        string path = Write(file);
        var refused = Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Read(path));
        Assert.StartsWith(path, refused.Message);
        Assert.Contains($"ip \"{ip}\" is not a loopback address", refused.Message);
        Assert.Equal(ConnectionRisks.Remote, refused.Risk);
        Assert.Equal(ConnectionRisks.Remote, Assert.Throws<ConnectionFileException>(() => ConnectionInfo.Read(path, ConnectionRisks.Unsigned)).Risk);

        var info = ConnectionInfo.Read(path, ConnectionRisks.Remote);
        Assert.Equal(ip, info.Ip);
        Assert.Equal(ConnectionRisks.Remote, info.Risks);
        string warning = Assert.Single(info.Warnings());
        Assert.Contains(ip, warning);
        Assert.Contains("has the key", warning);
    }

    [Fact]
    public void Both_risks_accepted_give_both_warnings()
    {
        var file = Valid();
        file["ip"] = "0.0.0.0";
        file["key"] = "";
        var info = ConnectionInfo.Read(Write(file), ConnectionRisks.Remote | ConnectionRisks.Unsigned);
        Assert.Equal(ConnectionRisks.Remote | ConnectionRisks.Unsigned, info.Risks);
        Assert.Equal(2, info.Warnings().Count);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("127.255.255.254")]
    public void Every_loopback_address_is_taken_without_a_warning(string ip)
    {
        var file = Valid();
        file["ip"] = ip;
        var info = ConnectionInfo.Read(Write(file));
        Assert.Equal(ConnectionRisks.None, info.Risks);
        Assert.Empty(info.Warnings());
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        string path = Path.Combine(_folder, "missing.json");
        string message = Refused(path);
        Assert.Contains(path, message);
        Assert.Contains("cannot be read", message);
    }

    [Theory]
    [InlineData("{ \"shell_port\": ")]
    [InlineData("")]
    [InlineData("shell_port=1")]
    public void A_file_that_is_not_json_is_refused_naming_it(string text)
    {
        string path = Write(text);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("not valid JSON", message);
    }

    [Fact]
    public void Json_that_is_not_an_object_is_refused_naming_the_file()
    {
        string path = Write("[53794, 53795]");
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("not an object", message);
    }

    [Theory]
    [InlineData("shell_port")]
    [InlineData("iopub_port")]
    [InlineData("stdin_port")]
    [InlineData("control_port")]
    [InlineData("hb_port")]
    public void A_missing_port_is_refused_naming_file_and_field(string field)
    {
        var file = Valid();
        file.Remove(field);
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains($"{field} is missing", message);
    }

    [Theory]
    [InlineData("\"53794\"")]
    [InlineData("\"x\"")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("1.5")]
    [InlineData("true")]
    public void A_port_that_is_not_a_number_from_1_to_65535_is_refused_naming_file_and_field(string value)
    {
        var file = Valid();
        file["iopub_port"] = JsonNode.Parse(value);
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("iopub_port", message);
        Assert.Contains("not a port number", message);
    }

    [Fact]
    public void The_ports_at_the_ends_of_the_range_are_taken()
    {
        var file = Valid();
        file["shell_port"] = 1;
        file["hb_port"] = 65535;
        var info = ConnectionInfo.Read(Write(file));
        Assert.Equal(1, info.ShellPort);
        Assert.Equal(65535, info.HeartbeatPort);
    }

    [Fact]
    public void The_ipc_transport_is_refused_naming_file_and_field()
    {
        var file = Valid();
        file["transport"] = "ipc";
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("transport \"ipc\"", message);
        Assert.Contains("tcp only", message);
    }

    [Fact]
    public void Another_signature_scheme_with_a_key_is_refused_naming_file_and_field()
    {
        var file = Valid();
        file["signature_scheme"] = "hmac-md5";
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("signature_scheme \"hmac-md5\"", message);
        Assert.Contains("hmac-sha256", message);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData("127.0.0.1:5555")]
    [InlineData("tcp://127.0.0.1")]
    public void An_ip_that_is_not_an_address_is_refused_naming_file_and_field(string ip)
    {
        var file = Valid();
        file["ip"] = ip;
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains($"ip \"{ip}\" is not an IP address", message);
    }

    [Fact]
    public void A_key_that_is_not_a_string_is_refused_naming_file_and_field()
    {
        var file = Valid();
        file["key"] = 1234;
        string path = Write(file);
        string message = Refused(path);
        Assert.StartsWith(path, message);
        Assert.Contains("key is 1234, not a string", message);
    }

    [Fact]
    public void A_port_endpoint_is_a_tcp_address_on_the_connection_ip()
    {
        var info = ConnectionInfo.Read(Write(Valid()));
        Assert.Equal($"tcp://127.0.0.1:{info.ShellPort}", info.Endpoint(info.ShellPort));
        Assert.Equal("tcp://10.1.2.3:9", (info with { Ip = "10.1.2.3" }).Endpoint(9));
    }
}
