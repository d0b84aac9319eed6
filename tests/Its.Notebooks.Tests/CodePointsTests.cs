using System.Text;
using Its.Kernel;

namespace Its.Notebooks.Tests;

/// <summary>
/// Cursor positions in code points (as Jupyter sends them) and in UTF-16 units (as .NET strings
/// count): equal up to a character outside the Basic Multilingual Plane, one apart after it.
/// </summary>
public sealed class CodePointsTests
{
    private const string Code = "x = \"😀\"; y";

    // Code points counted independently of CodePoints: four UTF-32 bytes each.
    private static int PointsBefore(string text, int units) => Encoding.UTF32.GetByteCount(text[..units]) / 4;

    [Fact]
    public void The_emoji_is_one_code_point_and_two_utf16_units()
    {
        Assert.Equal(Code.Length - 1, CodePoints.Count(Code));
        Assert.Equal(PointsBefore(Code, Code.Length), CodePoints.Count(Code));
        Assert.Equal(0, CodePoints.Count(""));
    }

    [Fact]
    public void Offsets_are_equal_up_to_the_emoji_and_one_apart_past_it()
    {
        int emoji = Code.IndexOf("😀", StringComparison.Ordinal), y = Code.IndexOf('y');
        Assert.Equal(emoji, CodePoints.ToUtf16(Code, emoji));
        Assert.Equal(emoji, CodePoints.FromUtf16(Code, emoji));
        Assert.Equal(y, CodePoints.ToUtf16(Code, y - 1));
        Assert.Equal(y - 1, CodePoints.FromUtf16(Code, y));
        Assert.Equal('y', Code[CodePoints.ToUtf16(Code, PointsBefore(Code, y))]);
    }

    [Fact]
    public void Every_code_point_offset_round_trips_through_utf16()
    {
        for (int points = 0; points <= CodePoints.Count(Code); points++)
        {
            int units = CodePoints.ToUtf16(Code, points);
            Assert.Equal(points, PointsBefore(Code, units));
            Assert.Equal(points, CodePoints.FromUtf16(Code, units));
            // Never in the middle of the surrogate pair.
            Assert.False(units > 0 && units < Code.Length && char.IsLowSurrogate(Code[units]), $"offset {points} -> {units}");
        }
    }

    [Fact]
    public void Offsets_past_the_end_are_clamped_to_the_end()
    {
        Assert.Equal(Code.Length, CodePoints.ToUtf16(Code, CodePoints.Count(Code)));
        Assert.Equal(Code.Length, CodePoints.ToUtf16(Code, CodePoints.Count(Code) + 5));
        Assert.Equal(Code.Length, CodePoints.ToUtf16(Code, int.MaxValue));
        Assert.Equal(CodePoints.Count(Code), CodePoints.FromUtf16(Code, Code.Length + 5));
        Assert.Equal(0, CodePoints.ToUtf16(Code, -3));
        Assert.Equal(0, CodePoints.FromUtf16(Code, -3));
        Assert.Equal(0, CodePoints.ToUtf16("", 4));
    }
}
