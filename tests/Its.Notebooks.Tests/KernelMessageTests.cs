using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Its.Kernel;
using NetMQ;

namespace Its.Notebooks.Tests;

/// <summary>
/// Jupyter messages to and from ZeroMQ frames: the parts and identities survive, the signature is
/// the HMAC-SHA256 of the four JSON parts, and unsigned, wrongly signed, replayed or malformed
/// messages are refused with the reason.
/// </summary>
public sealed class KernelMessageTests
{
    private const string Key = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
    private const string Delimiter = "<IDS|MSG>";
    private static readonly string[] partNames = ["header", "parent header", "metadata", "content"];

    private static KernelMessage Request(string type = "execute_request", params byte[][] identities) => new(
        identities,
        new JsonObject
        {
            ["msg_id"] = Guid.NewGuid().ToString(),
            ["session"] = "front-end-session",
            ["username"] = "someone",
            ["date"] = "2024-05-01T12:00:00.000000Z",
            ["msg_type"] = type,
            ["version"] = "5.3",
        },
        new JsonObject { ["msg_id"] = "an-earlier-one", ["msg_type"] = "kernel_info_request" },
        new JsonObject { ["cellId"] = "vscode-cell-1", ["tags"] = new JsonArray("a", "b") },
        new JsonObject { ["code"] = "var s = \"😀 é\";\ns", ["silent"] = false, ["cursor_pos"] = 7 });

    private static List<byte[]> Frames(NetMQMessage message) => message.Select(f => f.ToByteArray()).ToList();

    private static NetMQMessage Message(IEnumerable<byte[]> frames) => new(frames);

    private static int DelimiterAt(List<byte[]> frames) => frames.FindIndex(f => Encoding.ASCII.GetString(f) == Delimiter);

    private static string IndependentSignature(string key, IEnumerable<byte[]> parts)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        return Convert.ToHexString(hmac.ComputeHash(parts.SelectMany(p => p).ToArray())).ToLowerInvariant();
    }

    [Fact]
    public void An_encoded_message_decodes_to_the_same_parts_and_identities()
    {
        byte[] first = [0, 1, 2, 0xff, 0x80], second = Encoding.UTF8.GetBytes("route-2");
        var sent = Request("execute_request", first, second);
        var received = new MessageCodec(Key).Decode(new MessageCodec(Key).Encode(sent), out string refused);
        Assert.NotNull(received);
        Assert.Equal("", refused);
        Assert.True(JsonNode.DeepEquals(sent.Header, received.Header));
        Assert.True(JsonNode.DeepEquals(sent.ParentHeader, received.ParentHeader));
        Assert.True(JsonNode.DeepEquals(sent.Metadata, received.Metadata));
        Assert.True(JsonNode.DeepEquals(sent.Content, received.Content));
        Assert.Equal(2, received.Identities.Count);
        Assert.Equal(first, received.Identities[0]);
        Assert.Equal(second, received.Identities[1]);
        Assert.Equal("execute_request", received.Type);
        Assert.Equal("var s = \"😀 é\";\ns", received.Text("code"));
    }

    [Fact]
    public void The_frames_are_identities_the_delimiter_the_signature_and_the_four_parts()
    {
        var sent = Request("execute_request", Encoding.UTF8.GetBytes("id"));
        var frames = Frames(new MessageCodec(Key).Encode(sent));
        Assert.Equal(7, frames.Count);
        Assert.Equal("id", Encoding.UTF8.GetString(frames[0]));
        Assert.Equal(1, DelimiterAt(frames));
        JsonNode?[] parts = [sent.Header, sent.ParentHeader, sent.Metadata, sent.Content];
        for (int i = 0; i < 4; i++)
            Assert.True(JsonNode.DeepEquals(parts[i], JsonNode.Parse(frames[3 + i])), $"the {partNames[i]} frame");
    }

    [Fact]
    public void The_signature_is_the_lower_case_hex_hmac_sha256_of_the_four_json_parts()
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request("execute_request", Encoding.UTF8.GetBytes("id"))));
        int delimiter = DelimiterAt(frames);
        string signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), signature);
        Assert.Equal(IndependentSignature(Key, frames.Skip(delimiter + 2).Take(4)), signature);
        // Not a signature of anything else: another key gives another one.
        Assert.NotEqual(IndependentSignature("another key", frames.Skip(delimiter + 2).Take(4)), signature);
    }

    [Fact]
    public void A_message_whose_content_was_changed_is_refused_as_wrongly_signed()
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request()));
        int content = DelimiterAt(frames) + 5;
        frames[content] = Encoding.UTF8.GetBytes("{\"code\":\"File.Delete(\\\"data.csv\\\")\"}");
        Assert.Null(new MessageCodec(Key).Decode(Message(frames), out string refused));
        Assert.Contains("wrongly signed", refused);
    }

    [Fact]
    public void A_message_with_an_empty_signature_is_refused_as_unsigned()
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request()));
        frames[DelimiterAt(frames) + 1] = [];
        Assert.Null(new MessageCodec(Key).Decode(Message(frames), out string refused));
        Assert.Contains("unsigned", refused);
    }

    [Fact]
    public void A_message_signed_with_another_key_is_refused_as_wrongly_signed()
    {
        var frames = new MessageCodec("not the kernel's key").Encode(Request());
        Assert.Null(new MessageCodec(Key).Decode(frames, out string refused));
        Assert.Contains("wrongly signed", refused);
    }

    [Fact]
    public void The_same_frames_taken_twice_are_refused_the_second_time_as_a_replay()
    {
        var codec = new MessageCodec(Key);
        var frames = Frames(codec.Encode(Request()));
        Assert.NotNull(codec.Decode(Message(frames), out _));
        Assert.Null(codec.Decode(Message(frames), out string refused));
        Assert.Contains("replay", refused);
        // Another message still goes through.
        Assert.NotNull(codec.Decode(codec.Encode(Request()), out string other));
        Assert.Equal("", other);
    }

    private static KernelMessage Dated(DateTimeOffset date)
    {
        var request = Request();
        request.Header["date"] = date.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        return request;
    }

    [Fact]
    public void A_message_replayed_after_thousands_of_others_is_still_refused()
    {
        var codec = new MessageCodec(Key);
        var start = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        var captured = Frames(codec.Encode(Dated(start)));
        Assert.NotNull(codec.Decode(Message(captured), out _));
        for (int i = 1; i <= 4_200; i++)
            Assert.NotNull(codec.Decode(codec.Encode(Dated(start.AddMilliseconds(i))), out _));
        Assert.Null(codec.Decode(Message(captured), out string refused));
        Assert.Contains("a replay", refused);
    }

    [Fact]
    public void A_forgotten_message_is_refused_by_its_date_and_the_guard_keeps_no_more_than_its_capacity()
    {
        const int capacity = 50;
        var codec = new MessageCodec(Key, capacity);
        var start = new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.FromHours(8));
        var captured = Frames(codec.Encode(Dated(start)));
        Assert.NotNull(codec.Decode(Message(captured), out _));
        for (int i = 1; i <= 10 * capacity; i++)
            Assert.NotNull(codec.Decode(codec.Encode(Dated(start.AddSeconds(i))), out _));
        Assert.Null(codec.Decode(Message(captured), out string refused));
        Assert.Contains("at or before the oldest message the kernel remembers", refused);
        // A message newer than every forgotten one is still taken; one older than them is not.
        Assert.NotNull(codec.Decode(codec.Encode(Dated(start.AddSeconds(10 * capacity + 1))), out _));
        Assert.Null(codec.Decode(codec.Encode(Dated(start.AddSeconds(capacity / 2))), out string old));
        Assert.Contains("clock is behind", old);

        var guard = new ReplayGuard(capacity);
        for (int i = 0; i < 10 * capacity; i++)
        {
            byte[] signature = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))));
            Assert.Null(guard.Refuse(signature, Dated(start.AddSeconds(i)).Header));
            Assert.True(guard.Count <= capacity, $"{guard.Count} signatures kept, capacity {capacity}");
        }
        Assert.Equal(capacity, guard.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("yesterday")]
    [InlineData("1")]
    public void A_signed_message_without_a_date_is_refused_since_a_replay_could_not_be_told(string? date)
    {
        var request = Request();
        if (date is null) request.Header.Remove("date");
        else if (date == "1") request.Header["date"] = 1;
        else request.Header["date"] = date;
        var codec = new MessageCodec(Key);
        Assert.Null(codec.Decode(codec.Encode(request), out string refused));
        Assert.Contains("no date", refused);
    }

    [Fact]
    public void Dates_as_jupyter_client_and_javascript_front_ends_write_them_are_read()
    {
        var codec = new MessageCodec(Key);
        foreach (string date in new[] { "2026-12-03T05:40:00.123456+00:00", "2026-12-03T05:40:00.124Z", "2026-12-03T13:40:00.125+08:00" })
        {
            var request = Request();
            request.Header["date"] = date;
            Assert.NotNull(codec.Decode(codec.Encode(request), out string refused));
            Assert.Equal("", refused);
        }
    }

    [Fact]
    public void A_message_above_the_size_limit_is_refused_before_it_is_parsed()
    {
        var request = Request();
        // Valid, signed, and one byte too many: refused by its size, not by its signature or JSON.
        string code = new('x', (int)MessageCodec.MaxBytes);
        request.Content["code"] = code;
        var codec = new MessageCodec(Key);
        Assert.Null(codec.Decode(codec.Encode(request), out string refused));
        Assert.Contains("MiB a message may have", refused);
        Assert.Contains($"{MessageCodec.MaxBytes >> 20} MiB", refused);
        // Just under the limit is taken.
        request.Content["code"] = new string('x', (int)MessageCodec.MaxBytes - 4096);
        Assert.NotNull(codec.Decode(codec.Encode(request), out string taken));
        Assert.Equal("", taken);
    }

    [Fact]
    public void With_an_empty_key_messages_are_not_signed_and_anything_decodes()
    {
        var codec = new MessageCodec("");
        var frames = Frames(codec.Encode(Request()));
        Assert.Empty(frames[DelimiterAt(frames) + 1]);
        Assert.NotNull(codec.Decode(Message(frames), out _));
        // No replay check without a key (IPython has none either): the same frames decode again.
        Assert.NotNull(codec.Decode(Message(frames), out _));
        frames[DelimiterAt(frames) + 1] = Encoding.ASCII.GetBytes("whatever");
        frames[DelimiterAt(frames) + 5] = Encoding.UTF8.GetBytes("{\"code\":\"2\"}");
        var decoded = codec.Decode(Message(frames), out string refused);
        Assert.Equal("", refused);
        Assert.Equal("2", decoded!.Text("code"));
    }

    [Fact]
    public void Frames_without_the_delimiter_are_refused()
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request("execute_request", Encoding.UTF8.GetBytes("id"))));
        frames.RemoveAt(DelimiterAt(frames));
        Assert.Null(new MessageCodec(Key).Decode(Message(frames), out string refused));
        Assert.Contains("<IDS|MSG>", refused);
    }

    [Fact]
    public void A_delimiter_not_followed_by_a_signature_and_four_parts_is_refused()
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request()));
        frames.RemoveAt(frames.Count - 1);
        Assert.Null(new MessageCodec(Key).Decode(Message(frames), out string refused));
        Assert.Contains("four parts", refused);
    }

    [Theory]
    [InlineData(0, "[1, 2]")]
    [InlineData(1, "\"a string\"")]
    [InlineData(2, "not json at all")]
    [InlineData(3, "null")]
    public void A_part_that_is_not_a_json_object_is_refused_naming_the_part(int part, string text)
    {
        var frames = Frames(new MessageCodec(Key).Encode(Request()));
        int delimiter = DelimiterAt(frames);
        frames[delimiter + 2 + part] = Encoding.UTF8.GetBytes(text);
        // Properly signed, so that it is the part that is refused, not the signature.
        frames[delimiter + 1] = Encoding.ASCII.GetBytes(IndependentSignature(Key, frames.Skip(delimiter + 2).Take(4)));
        Assert.Null(new MessageCodec(Key).Decode(Message(frames), out string refused));
        Assert.StartsWith($"its {partNames[part]} is not a JSON object", refused);
    }

    [Fact]
    public void A_reply_has_the_request_header_as_parent_and_the_request_identities()
    {
        byte[] identity = Encoding.UTF8.GetBytes("front-end");
        var request = Request("kernel_info_request", identity);
        var content = new JsonObject { ["status"] = "ok" };
        var reply = request.Reply("kernel_info_reply", "kernel-session", content);

        Assert.True(JsonNode.DeepEquals(request.Header, reply.ParentHeader));
        Assert.Equal(identity, Assert.Single(reply.Identities));
        Assert.Same(content, reply.Content);
        Assert.Empty(reply.Metadata);
        Assert.Equal("kernel_info_reply", reply.Type);
        Assert.Equal("5.3", (string?)reply.Header["version"]);
        Assert.Equal("kernel-session", (string?)reply.Header["session"]);
        string id = (string?)reply.Header["msg_id"] ?? "";
        Assert.NotEqual("", id);
        Assert.NotEqual((string?)request.Header["msg_id"], id);
        Assert.NotEqual(id, (string?)request.Reply("kernel_info_reply", "kernel-session", []).Header["msg_id"]);

        // The parent is a copy: changing the request afterwards leaves the reply as it was.
        request.Header["msg_type"] = "changed";
        Assert.Equal("kernel_info_request", (string?)reply.ParentHeader["msg_type"]);
    }

    [Fact]
    public void A_reply_is_dated_now_in_iso_8601_utc()
    {
        var before = DateTime.UtcNow;
        var reply = Request().Reply("execute_reply", "kernel-session", []);
        var after = DateTime.UtcNow;
        string date = (string?)reply.Header["date"] ?? "";
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"), date);
        var parsed = DateTime.Parse(date, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.InRange(parsed, before.AddMilliseconds(-1), after.AddMilliseconds(1));
    }

    [Fact]
    public void A_reply_encodes_and_decodes_with_its_parent()
    {
        var codec = new MessageCodec(Key);
        var request = codec.Decode(codec.Encode(Request("execute_request", Encoding.UTF8.GetBytes("id"))), out _)!;
        var reply = codec.Decode(codec.Encode(request.Reply("execute_reply", "k", new JsonObject { ["status"] = "ok" })), out string refused);
        Assert.Equal("", refused);
        Assert.Equal((string?)request.Header["msg_id"], (string?)reply!.ParentHeader["msg_id"]);
        Assert.Equal("id", Encoding.UTF8.GetString(Assert.Single(reply.Identities)));
    }
}
