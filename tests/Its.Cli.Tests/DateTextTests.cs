using Its.Data;

namespace Its.Cli.Tests;

/// <summary><see cref="InputText.Shown"/>: what a message echoes of a cell is short and cannot act on a terminal.</summary>
public sealed class InputTextTests
{
    [Theory]
    [InlineData("2016-01")]
    [InlineData("Jan 2016 – café 😀")]
    [InlineData(@"C:\data\visits.csv")]
    [InlineData("")]
    public void Short_plain_text_is_shown_as_it_is(string text)
    {
        Assert.Same(text, InputText.Shown(text));
    }

    [Fact]
    public void A_100_MB_text_is_cut_to_40_characters_and_an_ellipsis()
    {
        // 50 million UTF-16 characters: 100 MB.
        string text = "2016-01-" + new string('9', 50_000_000);
        string shown = InputText.Shown(text);
        Assert.True(shown.Length <= InputText.MaxShown + 1, $"{shown.Length} characters shown");
        Assert.Equal(text[..InputText.MaxShown] + "…", shown);
    }

    [Fact]
    public void Text_of_exactly_the_limit_is_whole_and_one_more_is_cut()
    {
        string limit = new('x', InputText.MaxShown);
        Assert.Same(limit, InputText.Shown(limit));
        Assert.Equal(limit + "…", InputText.Shown(limit + "y"));
    }

    [Fact]
    public void An_escape_sequence_is_shown_escaped_never_raw()
    {
        string shown = InputText.Shown("\u001b[2J\u001b[31m2016-01");
        Assert.Equal(@"\u001b[2J\u001b[31m2016-01", shown);
        Assert.DoesNotContain(shown, char.IsControl);
    }

    [Theory]
    [InlineData("a\tb", @"a\u0009b")]
    [InlineData("2016\n01", @"2016\u000a01")]
    [InlineData("2016\r\n", @"2016\u000d\u000a")]
    [InlineData("\u0085x", @"\u0085x")]
    [InlineData("\u202e10-6102", @"\u202e10-6102")]
    [InlineData("\ufeff2016", @"\ufeff2016")]
    [InlineData("a\u2028b", @"a\u2028b")]
    public void Controls_and_invisible_characters_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, InputText.Shown(text));
    }

    // Built here: xUnit's theory data would turn the lone surrogate into U+FFFD before the test.
    [Fact]
    public void An_unpaired_surrogate_is_escaped()
    {
        Assert.Equal(@"a\ud800b", InputText.Shown("a" + (char)0xd800 + "b"));
        Assert.Equal(@"\udc00", InputText.Shown(((char)0xdc00).ToString()));
    }

    [Fact]
    public void Many_control_characters_are_cut_within_the_limit_and_never_mid_escape()
    {
        string shown = InputText.Shown(new string('\u001b', 1000));
        Assert.True(shown.Length <= InputText.MaxShown + 1, $"{shown.Length} characters shown");
        Assert.Equal(string.Concat(Enumerable.Repeat(@"\u001b", InputText.MaxShown / 6)) + "…", shown);

        string nearEnd = new string('x', InputText.MaxShown - 2) + "\u001b";
        Assert.Equal(new string('x', InputText.MaxShown - 2) + "…", InputText.Shown(nearEnd));
    }

    [Fact]
    public void A_surrogate_pair_is_never_cut_in_half()
    {
        string text = new string('x', InputText.MaxShown - 1) + "😀 and more";
        Assert.Equal(new string('x', InputText.MaxShown - 1) + "…", InputText.Shown(text));
    }
}
