using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;

namespace Its.Kernel;

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
/// that is too large, whose signature is missing or wrong, or that was already taken (a replay) is
/// refused.
/// </summary>
/// <param name="key">The connection's key; empty when messages are not signed (and replays cannot be told).</param>
/// <param name="remembered">How many signatures the replay guard keeps (<see cref="ReplayGuard"/>).</param>
internal sealed class MessageCodec(string key, int remembered = ReplayGuard.DefaultCapacity)
{
    /// <summary>The largest message taken, all frames together: 64 MiB, far above any cell or reply.</summary>
    public const long MaxBytes = 64L << 20;

    private const string Delimiter = "<IDS|MSG>";
    private static readonly byte[] delimiterBytes = Encoding.ASCII.GetBytes(Delimiter);
    private static readonly string[] partNames = ["header", "parent header", "metadata", "content"];

    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);
    private readonly ReplayGuard _replays = new(remembered);

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
        // Measured before anything is copied or parsed, so an oversized message costs only its receipt.
        if (Size(frames) is var size && size > MaxBytes)
        {
            refused = string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes, above the {MaxBytes >> 20} MiB a message may have");
            return null;
        }
        var all = frames.Select(f => f.ToByteArray()).ToList();
        int delimiter = all.FindIndex(f => f.AsSpan().SequenceEqual(delimiterBytes));
        if (delimiter < 0 || all.Count < delimiter + 6)
        {
            refused = "not a Jupyter message (no <IDS|MSG> delimiter followed by a signature and four parts)";
            return null;
        }
        byte[] signature = all[delimiter + 1];
        var parts = all.Skip(delimiter + 2).Take(4).ToArray();
        if (_key.Length > 0 && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(parts)), signature))
        {
            refused = signature.Length == 0 ? "unsigned" : "wrongly signed";
            return null;
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
                refused = $"its {partNames[i]} is not a JSON object ({e.Message})";
                return null;
            }
        }
        if (_key.Length > 0 && _replays.Refuse(signature, json[0]) is { } replay)
        {
            refused = replay;
            return null;
        }
        return new KernelMessage(all.Take(delimiter).ToList(), json[0], json[1], json[2], json[3]);
    }

    /// <summary>The bytes of all the frames.</summary>
    public static long Size(NetMQMessage frames) => frames.Sum(f => (long)f.MessageSize);

    private string Sign(byte[][] parts)
    {
        if (_key.Length == 0) return "";
        using var hmac = new HMACSHA256(_key);
        foreach (byte[] part in parts) hmac.TransformBlock(part, 0, part.Length, null, 0);
        hmac.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(hmac.Hash!);
    }
}

/// <summary>
/// Refuses a signed message taken before, for the kernel's whole life, in bounded memory. A
/// signature covers the header, so it stands for the message's session and id (jupyter_client's
/// manager and client share a session and may reuse an id, with other contents). The guard keeps
/// the last <c>capacity</c> signatures; when it forgets the oldest, it raises a floor to that
/// message's date, and refuses every message dated at or before the floor: a forgotten message
/// is refused by its date. The cost is that a front end whose clock runs behind the others' by
/// more than the time <c>capacity</c> messages take would be refused.
/// </summary>
/// <param name="capacity">How many signatures to keep: about 40 bytes each.</param>
internal sealed class ReplayGuard(int capacity)
{
    /// <summary>The signatures kept by default: 100,000 (about 4 MB), days of a busy front end.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly HashSet<UInt128> _seen = [];
    private readonly Queue<(UInt128 Signature, DateTimeOffset Date)> _order = new();
    private DateTimeOffset _floor = DateTimeOffset.MinValue;

    /// <summary>How many signatures are kept now: never more than the capacity.</summary>
    public int Count
    {
        get { lock (_seen) return _seen.Count; }
    }

    /// <summary>Why the message is refused (a replay, or too old to tell), or null when it is taken and remembered.</summary>
    /// <param name="signature">The message's signature, as it came (hexadecimal).</param>
    /// <param name="header">The message's header, whose <c>date</c> is needed once old signatures are forgotten.</param>
    public string? Refuse(byte[] signature, JsonObject header)
    {
        if (header["date"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String
            || !DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return "its header has no date, so a replay could not be told from a new message";
        // The signature is 64 hexadecimal digits; its first 32 are unique enough to stand for it.
        var digest = UInt128.Parse(Encoding.ASCII.GetString(signature, 0, 32), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        lock (_seen)
        {
            if (date <= _floor)
                return $"dated {date:O}, at or before the oldest message the kernel remembers ({_floor:O}): a replay, or a front end whose clock is behind";
            if (!_seen.Add(digest)) return "a replay of a message already taken";
            _order.Enqueue((digest, date));
            while (_order.Count > capacity)
            {
                var (forgotten, dated) = _order.Dequeue();
                _seen.Remove(forgotten);
                if (dated > _floor) _floor = dated;
            }
            return null;
        }
    }
}
