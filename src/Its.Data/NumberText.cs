using System.Globalization;
using Its.Model;

namespace Its.Data;

/// <summary>
/// Numbers as tables write them: with '.' or ',' as the decimal separator, and thousands grouped
/// by the other one or by a space (<c>454,086.25</c>, <c>454.086,25</c>, <c>454 086,25</c>). A
/// separator counts as a thousands separator only between groups of three digits, so <c>1,5</c>
/// is not read as 15 when the decimal separator is '.'.
/// </summary>
public static class NumberText
{
    /// <summary>Reads a finite or infinite number; false when the text is not one.</summary>
    /// <param name="text">The cell, trimmed.</param>
    /// <param name="decimalSeparator">'.' or ','.</param>
    /// <param name="value">The number.</param>
    public static bool TryParse(string text, char decimalSeparator, out double value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (decimalSeparator == '.' && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        value = 0;
        string? plain = Ungrouped(text, decimalSeparator);
        return plain is not null && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>For a number that did not parse with the decimal separator in use but would with the other, a hint saying so; else empty.</summary>
    internal static UserMessage Hint(string text, char decimalSeparator)
    {
        char other = decimalSeparator == '.' ? ',' : '.';
        return TryParse(text, other, out _)
            ? new UserMessage($" (read with '{decimalSeparator}' as the decimal separator; give {Setting.Of<TableOptions>(nameof(TableOptions.Decimal), other)} if the file uses '{other}')")
            : "";
    }

    // The text in invariant form ('.' decimal, no grouping), or null when its grouping is not by thousands.
    private static string? Ungrouped(string text, char decimalSeparator)
    {
        int exponent = text.IndexOfAny(['e', 'E']);
        string mantissa = exponent < 0 ? text : text[..exponent], rest = exponent < 0 ? "" : text[exponent..];
        int point = mantissa.LastIndexOf(decimalSeparator);
        string whole = point < 0 ? mantissa : mantissa[..point], fraction = point < 0 ? "" : mantissa[(point + 1)..];
        if (fraction.Any(c => !char.IsAsciiDigit(c))) return null;
        int sign = whole.Length > 0 && whole[0] is '-' or '+' ? 1 : 0;
        string digits = whole[sign..];
        char[] grouping = decimalSeparator == '.' ? [',', ' ', '\u00a0', '\u202f'] : ['.', ' ', '\u00a0', '\u202f'];
        int first = digits.IndexOfAny(grouping);
        if (first >= 0)
        {
            char separator = digits[first];
            var groups = digits.Split(separator);
            if (groups[0].Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3)) return null;
            digits = string.Concat(groups);
        }
        if (digits.Length == 0 || digits.Any(c => !char.IsAsciiDigit(c))) return null;
        return whole[..sign] + digits + (point < 0 ? "" : "." + fraction) + rest;
    }
}
