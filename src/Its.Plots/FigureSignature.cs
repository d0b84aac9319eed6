using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Its.Plots;

/// <summary>
/// The mark a figure file the kit wrote carries, so that writing it again may replace it while a
/// file of the user's of the same name is never overwritten: a comment in SVG and HTML, a
/// <c>tEXt</c> chunk (Software) in PNG.
/// </summary>
internal static class FigureSignature
{
    private const string Mark = "written by the ITS kit";
    private static readonly byte[] comment = Encoding.UTF8.GetBytes($"<!-- {Mark} -->\n");
    private static readonly byte[] pngText = Encoding.Latin1.GetBytes($"Software\0{Mark}");

    /// <summary>The file's bytes with the mark.</summary>
    public static byte[] Signed(FigureFormat format, byte[] bytes) => format switch
    {
        FigureFormat.Png => WithTextChunk(bytes),
        // After an XML declaration or a doctype, which must come first (a comment before the doctype would put browsers in quirks mode).
        _ => Insert(bytes, FirstLineEnd(bytes, format), comment),
    };

    /// <summary>Whether the file carries the mark (in its first 64 KiB, where it is put).</summary>
    public static bool IsSigned(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, 1 << 16)];
        stream.ReadExactly(head);
        return head.AsSpan().IndexOf(Encoding.Latin1.GetBytes(Mark)) >= 0;
    }

    private static int FirstLineEnd(byte[] bytes, FigureFormat format)
    {
        var text = bytes.AsSpan();
        bool prolog = format == FigureFormat.Svg ? text.StartsWith("<?xml"u8) : text.TrimStart(" \t\r\n"u8).StartsWith("<!DOCTYPE"u8) || text.TrimStart(" \t\r\n"u8).StartsWith("<!doctype"u8);
        if (!prolog) return 0;
        int close = text.IndexOf((byte)'>');
        return close < 0 ? 0 : close + 1;
    }

    private static byte[] Insert(byte[] bytes, int at, byte[] inserted)
    {
        var result = new byte[bytes.Length + inserted.Length];
        bytes.AsSpan(0, at).CopyTo(result);
        inserted.CopyTo(result, at);
        bytes.AsSpan(at).CopyTo(result.AsSpan(at + inserted.Length));
        return result;
    }

    // A tEXt chunk right after IHDR (8 bytes of signature, then IHDR: length, type, 13 bytes, CRC).
    private static byte[] WithTextChunk(byte[] png)
    {
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        var chunk = new byte[4 + 4 + pngText.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, pngText.Length);
        "tEXt"u8.CopyTo(chunk.AsSpan(4));
        pngText.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + pngText.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + pngText.Length)));
        return Insert(png, afterHeader, chunk);
    }
}
