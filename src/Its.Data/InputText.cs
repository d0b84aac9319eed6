using System.Globalization;
using System.Text;

namespace Its.Data;

/// <summary>Input text as a message may echo it: short, and with nothing a terminal would act on.</summary>
public static class InputText
{
    /// <summary>The most characters of input a message shows before it cuts the rest with "…".</summary>
    public const int MaxShown = 40;

    /// <summary>
    /// The text as a message shows it: at most <see cref="MaxShown"/> characters, longer text cut
    /// and ended with "…" (so at most 41 in all); control characters (tab, newline, ESC...),
    /// invisible format characters (bidirectional overrides, zero-width spaces, the byte order
    /// mark), line and paragraph separators and unpaired surrogates written as <c>\u001b</c>, so a
    /// cell cannot clear a screen, reorder a message or hide what is wrong with it. An escape or a
    /// surrogate pair is never cut in half. Backslashes are shown as they are.
    /// </summary>
    /// <param name="text">Text read from a file or a command line.</param>
    /// <returns>The text itself when it is short and plain; otherwise a new, shortened string.</returns>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxShown && IsPlain(text)) return text;
        var shown = new StringBuilder(MaxShown + 1);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            bool escaped = !pair && MustEscape(c);
            int width = pair ? 2 : escaped ? 6 : 1;
            if (shown.Length + width > MaxShown) return shown.Append('…').ToString();
            if (pair) shown.Append(c).Append(text[++i]);
            else if (escaped) shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else shown.Append(c);
        }
        return shown.ToString();
    }

    private static bool IsPlain(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (MustEscape(text[i])) return false;
        }
        return true;
    }

    // Called only for characters that are not half of a valid surrogate pair.
    private static bool MustEscape(char c) => char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c)
        is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
