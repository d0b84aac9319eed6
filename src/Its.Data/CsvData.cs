using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Its.Data;

/// <summary>
/// A CSV file read as text: header names and rows of fields, each row with its line number in the
/// file, so that every later complaint can point at the file, the row and the column.
/// </summary>
public sealed class CsvData
{
    private readonly Dictionary<string, int> _index;

    private CsvData(string file, string[] header, List<(int Line, string[] Fields)> rows)
    {
        File = file;
        Header = header;
        Rows = rows;
        _index = header.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The file name as the user gave it.</summary>
    public string File { get; }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows with their line numbers (the header is line 1).</summary>
    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    /// <summary>Reads a comma-separated file with a header row (RFC 4180 quoting).</summary>
    /// <exception cref="InputError">The file cannot be read, is empty, has a bad header or a ragged or malformed row.</exception>
    public static CsvData Read(string path)
    {
        if (Directory.Exists(path)) throw new InputError($"{path}: is a directory, not a CSV file");
        if (!System.IO.File.Exists(path)) throw new InputError($"{path}: file not found");
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            // Line numbers are counted from the raw text of each record, so a record that spans lines
            // (or a quote left open) is reported at the line where it starts.
            int consumed = 0, current = 1, badLine = 0;
            var config = new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                BadDataFound = _ => badLine = badLine != 0 ? badLine : current,
                IgnoreBlankLines = false,
            };
            using var parser = new CsvParser(reader, config);
            if (!parser.Read()) throw new InputError($"{path}: the file is empty (expected a header row and data rows)");
            var header = parser.Record!.Select(h => h.Trim()).ToArray();
            consumed += Newlines(parser.RawRecord);
            CheckHeader(path, header);
            var rows = new List<(int, string[])>();
            while (parser.Read())
            {
                int line = current = consumed + 1;
                var fields = parser.Record!; // fields are parsed here, where bad quoting is found
                consumed += Newlines(parser.RawRecord);
                if (badLine != 0) throw new InputError($"{path}: row {badLine}: malformed quoting");
                if (fields.Length == 1 && fields[0].Trim().Length == 0) continue; // a blank line
                if (fields.Length != header.Length)
                    throw new InputError($"{path}: row {line}: {fields.Length} fields, but the header has {header.Length} columns");
                rows.Add((line, fields));
            }
            if (badLine != 0) throw new InputError($"{path}: row {badLine}: malformed quoting");
            if (rows.Count == 0) throw new InputError($"{path}: the file has a header but no data rows");
            return new CsvData(path, header, rows);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputError($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw new InputError($"{path}: cannot be read ({e.Message})");
        }
        catch (CsvHelperException e)
        {
            throw new InputError($"{path}: row {e.Context?.Parser?.RawRow}: not valid CSV");
        }
    }

    /// <summary>Refuses a header with an empty or repeated column name.</summary>
    internal static void CheckHeader(string path, string[] header)
    {
        for (int j = 0; j < header.Length; j++)
        {
            if (header[j].Length == 0) throw new InputError($"{path}: row 1, column {j + 1}: the header has an empty column name");
            int first = Array.IndexOf(header, header[j]);
            if (first < j) throw new InputError($"{path}: row 1: column name '{header[j]}' appears twice (columns {first + 1} and {j + 1})");
        }
    }

    /// <summary>The error for a column the file does not have, naming the option that asked for it and the columns it has.</summary>
    internal static InputError NoColumn(string file, IReadOnlyList<string> header, string name, string option)
    {
        string hint = header.Count == 1 && header[0].IndexOfAny([';', '\t']) >= 0
            ? " (the file seems to use ';' or tabs between fields; the kit reads comma-separated files)" : "";
        return new InputError($"{file}: no column '{name}' (asked for by {option}); the columns are {string.Join(", ", header)}{hint}");
    }

    private static int Newlines(string raw) => raw.Count(c => c == '\n');

    /// <summary>The index of a column, or a clear error naming the option that asked for it.</summary>
    public int Column(string name, string option)
    {
        return _index.TryGetValue(name, out int j) ? j : throw NoColumn(File, Header, name, option);
    }

    /// <summary>"file: row N, column C" for messages.</summary>
    public string At(int line, int column) => $"{File}: row {line}, column {Header[column]}";
}
