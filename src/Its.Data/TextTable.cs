using Its.Model;

namespace Its.Data;

/// <summary>
/// A table file read whole as text (CSV, TSV or an Excel sheet, by <see cref="TableReader"/>):
/// header names and rows of fields, each row with the line where it starts, so that every later
/// complaint can point at the file, the row and the column.
/// </summary>
public sealed class TextTable
{
    private TextTable(string file, IReadOnlyList<string> header, List<(int Line, string[] Fields)> rows, TableOptions options, string dialect)
    {
        File = file;
        Header = header;
        Rows = rows;
        Options = options;
        Dialect = dialect;
    }

    /// <summary>The file name as the user gave it.</summary>
    public string File { get; }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows with their line numbers (the header is line 1).</summary>
    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    /// <summary>The options the file was read with, its decimal separator resolved; the loaders read its cells by them.</summary>
    public TableOptions Options { get; }

    /// <summary>How the file was read (e.g. "CSV, ';'-separated, windows-1252, decimal ','"), for messages.</summary>
    public string Dialect { get; }

    /// <summary>Reads a table file with a header row: CSV or TSV in any common dialect and encoding, or an Excel sheet.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it; by default everything is detected.</param>
    /// <exception cref="InputError">The file cannot be read, is not a table, is empty, has a bad header or a ragged or malformed row.</exception>
    public static TextTable Read(string path, TableOptions? options = null)
    {
        using var reader = TableReader.Open(path, options);
        var rows = new List<(int, string[])>();
        while (reader.Read()) rows.Add(((int)reader.Line, reader.Fields()));
        if (rows.Count == 0) throw new InputError($"{path}: the file has a header but no data rows");
        return new TextTable(path, reader.Header, rows, reader.Options, reader.Dialect);
    }

    /// <summary>The index of a column, or a clear error naming the setting (or whatever else) that asked for it.</summary>
    /// <exception cref="InputError">No column has that name.</exception>
    public int Column(string name, UserMessage askedBy) => TableReader.Column(File, Header, name, askedBy, Dialect);

    /// <summary>"file: row N, column C" for messages.</summary>
    public string At(int line, int column) => $"{File}: row {line}, column {Header[column]}";
}
