using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;

namespace Its.Notebooks.Kernel;

/// <summary>
/// A message of the Jupyter messaging protocol
/// (https://jupyter-client.readthedocs.io/en/stable/messaging.html): the routing identities it came
/// with or goes to, its header, the header of the request it answers, metadata and content.
/// </summary>
internal sealed record KernelMessage(IReadOnlyList<byte[]> Identities, JsonObject Header, JsonObject ParentHeader, JsonObject Metadata, JsonObject Content)
{
    /// <summary>The protocol version the kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>The header's <c>msg_type</c>; empty when it has none.</summary>
    public string Type => Header["msg_type"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    /// <summary>A content field as a string, or the default when absent or not a string.</summary>
    public string Text(string name, string otherwise = "") =>
        Content[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : otherwise;

    /// <summary>A content field as a boolean, or the default when absent or not a boolean.</summary>
    public bool Flag(string name, bool otherwise) =>
        Content[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : otherwise;

    /// <summary>A content field as an integer, or the default when absent or not an integer.</summary>
    public int Number(string name, int otherwise) =>
        Content[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int n) ? n : otherwise;

    /// <summary>A message answering or caused by this one: its header is the new message's parent, its identities the route back.</summary>
    public KernelMessage Reply(string type, string session, JsonObject content) =>
        new(Identities, NewHeader(type, session), (JsonObject)Header.DeepClone(), [], content);

    /// <summary>A message caused by no request (the kernel's first status).</summary>
    public static KernelMessage Unprompted(string type, string session, JsonObject content) =>
        new([], NewHeader(type, session), [], [], content);

    private static JsonObject NewHeader(string type, string session) => new()
    {
        ["msg_id"] = Guid.NewGuid().ToString("N"),
        ["session"] = session,
        ["username"] = "kernel",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["msg_type"] = type,
        ["version"] = ProtocolVersion,
    };
}

/// <summary>
/// Messages to and from ZeroMQ frames: identities, the <c>&lt;IDS|MSG&gt;</c> delimiter, the
/// HMAC-SHA256 signature of the four JSON parts, the parts, and any buffers. An incoming message
/// whose signature is missing, wrong, or already seen (a replay) is refused.
/// </summary>
internal sealed class MessageCodec(string key)
{
    private const string Delimiter = "<IDS|MSG>";

    // Signatures of messages taken, so that a captured message cannot be replayed.
    private const int Remembered = 4096;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    /// <summary>The frames of a message, signed.</summary>
    public NetMQMessage Encode(KernelMessage message)
    {
        var parts = new[] { message.Header, message.ParentHeader, message.Metadata, message.Content }
            .Select(p => Encoding.UTF8.GetBytes(p.ToJsonString()))
            .ToArray();
        var frames = new NetMQMessage();
        foreach (byte[] identity in message.Identities) frames.Append(identity);
        frames.Append(Delimiter);
        frames.Append(Sign(parts));
        foreach (byte[] part in parts) frames.Append(part);
        return frames;
    }

    /// <summary>The message in the frames; null when it is refused, and why.</summary>
    public KernelMessage? Decode(NetMQMessage frames, out string refused)
    {
        refused = "";
        var all = frames.Select(f => f.ToByteArray()).ToList();
        int delimiter = all.FindIndex(f => f.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(Delimiter)));
        if (delimiter < 0 || all.Count < delimiter + 6)
        {
            refused = "not a Jupyter message (no <IDS|MSG> delimiter followed by a signature and four parts)";
            return null;
        }
        string signature = Encoding.ASCII.GetString(all[delimiter + 1]);
        var parts = all.Skip(delimiter + 2).Take(4).ToArray();
        if (_key.Length > 0)
        {
            byte[] expected = Encoding.ASCII.GetBytes(Sign(parts));
            if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
            {
                refused = signature.Length == 0 ? "unsigned" : "wrongly signed";
                return null;
            }
            if (!Remember(signature))
            {
                refused = "a replay of a message already taken";
                return null;
            }
        }
        var json = new JsonObject[4];
        for (int i = 0; i < 4; i++)
        {
            try
            {
                json[i] = JsonNode.Parse(parts[i]) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                refused = $"its {new[] { "header", "parent header", "metadata", "content" }[i]} is not a JSON object ({e.Message})";
                return null;
            }
        }
        return new KernelMessage(all.Take(delimiter).ToList(), json[0], json[1], json[2], json[3]);
    }

    private string Sign(byte[][] parts)
    {
        if (_key.Length == 0) return "";
        using var hmac = new HMACSHA256(_key);
        foreach (byte[] part in parts) hmac.TransformBlock(part, 0, part.Length, null, 0);
        hmac.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(hmac.Hash!);
    }

    private bool Remember(string signature)
    {
        lock (_seen)
        {
            if (!_seen.Add(signature)) return false;
            _order.Enqueue(signature);
            if (_order.Count > Remembered) _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
