using System.Text;
using Its.Model;

namespace Its.Data;

/// <summary>
/// How a table file is read: the CSV dialect (delimiter, decimal separator, encoding), the Excel
/// sheet, the tokens that mean a missing value and the date format. Whatever is not given is
/// detected from the file (<see cref="TableReader"/>).
/// </summary>
public sealed record TableOptions
{
    /// <summary>The tokens read as a missing value by default: empty, NA (R), NaN, nan, . (Stata), null, NULL.</summary>
    public static IReadOnlyList<string> DefaultMissing { get; } = ["", "NA", "NaN", "nan", ".", "null", "NULL"];

    /// <summary>The defaults: everything detected.</summary>
    public static TableOptions Default { get; } = new();

    /// <summary>The field delimiter of a CSV file; null to detect it among comma, semicolon, tab and bar.</summary>
    public char? Delimiter { get; init; }

    /// <summary>The decimal separator, '.' or ','; null to detect it (',' only in a file not separated by commas).</summary>
    public char? Decimal { get; init; }

    /// <summary>The text encoding of a CSV file (a name such as utf-8, gb18030, latin1, windows-1252); null to detect it.</summary>
    public string? Encoding { get; init; }

    /// <summary>The sheet of an Excel workbook, by name or 1-based number; null for the first sheet.</summary>
    public string? Sheet { get; init; }

    private readonly IReadOnlyList<string> _missing = DefaultMissing;
    private readonly HashSet<string> _missingSet = new(DefaultMissing, StringComparer.Ordinal);

    /// <summary>The tokens that mean a missing value, compared after trimming; <see cref="DefaultMissing"/> unless given.</summary>
    public IReadOnlyList<string> Missing
    {
        get => _missing;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _missing = value;
            _missingSet = new HashSet<string>(value, StringComparer.Ordinal);
        }
    }

    /// <summary>A .NET custom date format for the date column (e.g. <c>dd/MM/yyyy</c>), for forms that are ambiguous without it; null to read the usual forms.</summary>
    public string? DateFormat { get; init; }

    /// <summary>The longest line (and cell) taken, in characters: 1 MiB, far beyond any real table; a longer one is refused without reading the rest.</summary>
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>Whether a (trimmed) cell is a missing value.</summary>
    public bool IsMissing(string text) => _missingSet.Contains(text);

    /// <summary>The encoding named, with the code pages of Windows and East Asia (GB18030, Big5, Shift-JIS) available.</summary>
    /// <exception cref="InputError">No encoding has that name.</exception>
    public static Encoding EncodingNamed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        CodePages.Register();
        try
        {
            return System.Text.Encoding.GetEncoding(name.Trim().ToLowerInvariant() switch
            {
                "latin1" or "latin-1" => "iso-8859-1",
                var n => n,
            });
        }
        catch (ArgumentException)
        {
            throw new InputError(new UserMessage($"{Setting.Of<TableOptions>(nameof(Encoding), name)}: not an encoding this machine knows (e.g. utf-8, gb18030, latin1, windows-1252, big5, shift_jis)"));
        }
    }
}

/// <summary>Makes the code-page encodings (Windows-1252, GB18030, ...) available, once.</summary>
internal static class CodePages
{
    private static readonly Lazy<bool> registered = new(() =>
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    public static void Register() => _ = registered.Value;
}
