using System.CommandLine;
using Its.Data;

namespace Its.Cli;

/// <summary>
/// The options that say how a table file is read, the same in every command that reads one:
/// <c>--delimiter</c>, <c>--decimal</c>, <c>--encoding</c>, <c>--sheet</c>, <c>--na</c> and
/// <c>--date-format</c>. Whatever is not given is detected (<see cref="TableReader"/>).
/// </summary>
public sealed class TableOptionsReader
{
    private readonly Option<string?> _delimiter = new("--delimiter") { Description = "Field delimiter of a CSV file: , ; tab or | (detected when omitted)" };
    private readonly Option<string?> _decimal = new("--decimal") { Description = "Decimal separator: . or , (',' is detected in files not separated by commas)" };
    private readonly Option<string?> _encoding = new("--encoding") { Description = "Text encoding of a CSV file, e.g. utf-8, gb18030, latin1, windows-1252 (detected when omitted)" };
    private readonly Option<string?> _sheet = new("--sheet") { Description = "Sheet of an Excel workbook (.xlsx, .xls), by name or number (default: the first)" };
    private readonly Option<string[]> _na = new("--na") { Description = "A token that means a missing value, instead of NA, NaN, nan, ., null and NULL (empty cells are always missing); repeatable" };
    private readonly Option<string?> _dateFormat = new("--date-format") { Description = "Format of the date column for day-first or month-first dates, e.g. dd/MM/yyyy, M/d/yyyy, dd.MM.yyyy" };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var o in new Option[] { _delimiter, _decimal, _encoding, _sheet, _na, _dateFormat }) command.Options.Add(o);
    }

    /// <summary>The table options given.</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public TableOptions Read(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var options = new TableOptions
        {
            Delimiter = p.GetValue(_delimiter) is { } d ? Delimiter(d) : null,
            Decimal = p.GetValue(_decimal) is { } c ? Decimal(c) : null,
            Encoding = p.GetValue(_encoding),
            Sheet = p.GetValue(_sheet),
            DateFormat = p.GetValue(_dateFormat) is { } f && f.Trim().Length > 0 ? f.Trim() : null,
        };
        if (p.GetValue(_na) is { Length: > 0 } na) options = options with { Missing = ["", .. na.Select(t => t.Trim())] };
        if (options.Encoding is { } e) TableOptions.EncodingNamed(e);
        if (options.Delimiter is { } dl && dl == options.Decimal)
            throw new InputError($"--delimiter and --decimal are both '{dl}'");
        return options;
    }

    private static char Delimiter(string text) => text switch
    {
        "," or ";" or "|" => text[0],
        "tab" or "\\t" or "\t" => '\t',
        _ => throw new InputError($"--delimiter {text}: expected , ; tab or |"),
    };

    private static char Decimal(string text) => text.Trim() switch
    {
        "." or "," => text.Trim()[0],
        _ => throw new InputError($"--decimal {text}: expected . or ,"),
    };
}
