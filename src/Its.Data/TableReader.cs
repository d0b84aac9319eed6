using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using ExcelDataReader;
using Its.Model;

namespace Its.Data;

/// <summary>
/// Reads a table file row by row, whatever wrote it: CSV or TSV (RFC 4180 quoting, by CsvHelper)
/// with the delimiter, decimal separator and encoding detected or given, or an Excel workbook
/// (<c>.xlsx</c>, <c>.xls</c>, by ExcelDataReader) with its sheet chosen. Every row has the line
/// (or sheet row) where it starts, so that every complaint can name the file, row and column. The
/// first column is left out when its name is empty and the others are named: the row names R's
/// <c>write.csv</c> and pandas' <c>to_csv</c> write. Files that are not tables (binary, a
/// Parquet or ZIP file under another name), lines longer than
/// <see cref="TableOptions.MaxLineLength"/> and malformed quoting are refused with one line that
/// names the row, without reading the rest of the file.
/// </summary>
/// <remarks>
/// Detection: the encoding from a byte-order mark, else UTF-8 when the first MiB is valid UTF-8,
/// else UTF.Unknown's guess (a Latin single-byte guess is read as Windows-1252, a Chinese one as
/// GB18030, the superset of GBK and GB2312); the delimiter by CsvHelper among <c>,</c> <c>;</c>
/// tab and <c>|</c>; the decimal separator ',' when the file is not comma-separated and its first
/// rows hold numbers written with a decimal comma and none with a decimal point.
/// </remarks>
public sealed class TableReader : IDisposable
{
    // Bytes looked at to tell the encoding and the dialect.
    private const int SampleBytes = 1 << 20;

    private readonly IRows _rows;
    // 1 when the file's first column is row names (left out), else 0.
    private readonly int _first;

    private TableReader(string file, IRows rows, TableOptions options)
    {
        File = file;
        _rows = rows;
        if (!rows.Next()) throw new InputError($"{file}: the file is empty (expected a header row and data rows)");
        var header = Enumerable.Range(0, rows.Count).Select(j => rows.Field(j).Trim()).ToArray();
        _first = header.Length > 1 && header[0].Length == 0 && header.Skip(1).All(h => h.Length > 0) ? 1 : 0;
        Header = header[_first..];
        CheckHeader(file, Header);
        Options = options with { Decimal = options.Decimal ?? rows.DetectedDecimal };
    }

    /// <summary>The file name as the user gave it.</summary>
    public string File { get; }

    /// <summary>Column names (trimmed), without R's or pandas' row-name column.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The options the file is read with, the decimal separator resolved.</summary>
    public TableOptions Options { get; }

    /// <summary>How the file was read, for messages: e.g. "CSV, ';'-separated, windows-1252, decimal ','".</summary>
    public string Dialect => _rows.Dialect + (Options.Decimal == ',' ? ", decimal ','" : "");

    /// <summary>The line (CSV) or sheet row (Excel) where the current row starts; the header is 1.</summary>
    public long Line => _rows.Line;

    /// <summary>The fraction of the file read so far, 0 to 1.</summary>
    public double Progress => _rows.Progress;

    /// <summary>Opens a table file: Excel by its extension (<c>.xlsx</c>, <c>.xlsm</c>, <c>.xls</c>), CSV otherwise.</summary>
    /// <exception cref="InputError">The file cannot be read, is not a table, is empty, or its header is not usable.</exception>
    public static TableReader Open(string path, TableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= TableOptions.Default;
        if (Directory.Exists(path)) throw new InputError($"{path}: is a directory, not a data file");
        if (!System.IO.File.Exists(path)) throw new InputError($"{path}: file not found");
        IRows? rows = null;
        try
        {
            bool excel = IsExcel(path);
            if (!excel && options.Sheet is not null) throw new InputError(new UserMessage($"{path}: {Setting.Of<TableOptions>(nameof(TableOptions.Sheet))} is for Excel workbooks (.xlsx, .xls); this file is read as CSV"));
            if (excel && (options.Delimiter is not null || options.Encoding is not null))
                throw new InputError(new UserMessage($"{path}: {Setting.Of<TableOptions>(nameof(TableOptions.Delimiter))} and {Setting.Of<TableOptions>(nameof(TableOptions.Encoding))} are for CSV files; an Excel workbook has its own"));
            rows = excel ? new ExcelRows(path, options) : new CsvRows(path, options);
            return new TableReader(path, rows, options);
        }
        catch (UnauthorizedAccessException) { rows?.Dispose(); throw new InputError($"{path}: permission denied"); }
        catch (IOException e) { rows?.Dispose(); throw new InputError($"{path}: cannot be read ({e.Message})"); }
        catch { rows?.Dispose(); throw; }
    }

    // Whether the path names an Excel workbook, by its extension.
    private static bool IsExcel(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".xlsx" or ".xlsm" or ".xls";

    /// <summary>Moves to the next data row, skipping blank rows; false at the end.</summary>
    /// <exception cref="InputError">The row is malformed (quoting, too long, a field count unlike the header's).</exception>
    public bool Read()
    {
        while (_rows.Next())
        {
            int count = _rows.Count;
            if (Blank(count)) continue;
            if (count - _first != Header.Count)
            {
                // A quote left open swallows the fields after it: say so rather than count them.
                for (int j = 0; j < count; j++) _ = _rows.Field(j);
                throw new InputError(new UserMessage($"{File}: row {Line}: {count} fields, but the header has {Header.Count + _first} columns{Hint(count)}"));
            }
            return true;
        }
        return false;
    }

    /// <summary>The current row's field in a column (as in <see cref="Header"/>), untrimmed.</summary>
    public string this[int column] => _rows.Field(column + _first);

    /// <summary>The current row's fields, by the columns of <see cref="Header"/>.</summary>
    public string[] Fields()
    {
        var fields = new string[Header.Count];
        for (int j = 0; j < fields.Length; j++) fields[j] = this[j];
        return fields;
    }

    /// <summary>The index of a column, or a clear error naming the setting (or whatever else) that asked for it.</summary>
    /// <exception cref="InputError">No column has that name.</exception>
    public int Column(string name, UserMessage askedBy) => Column(File, Header, name, askedBy, Dialect);

    /// <summary>Closes the file.</summary>
    public void Dispose() => _rows.Dispose();

    /// <summary>The error for a column the file does not have, naming what asked for it, the columns it has and how it was read.</summary>
    internal static int Column(string file, IReadOnlyList<string> header, string name, UserMessage askedBy, string dialect)
    {
        for (int j = 0; j < header.Count; j++)
            if (header[j] == name) return j;
        throw new InputError(new UserMessage($"{file}: no column '{InputText.Shown(name)}' (asked for by {askedBy}); the columns are {string.Join(", ", header.Select(InputText.Shown))} (read as {dialect})"));
    }

    /// <summary>Refuses a header with an empty or repeated column name.</summary>
    internal static void CheckHeader(string path, IReadOnlyList<string> header)
    {
        for (int j = 0; j < header.Count; j++)
        {
            if (header[j].Length == 0) throw new InputError($"{path}: row 1, column {j + 1}: the header has an empty column name");
            for (int i = 0; i < j; i++)
                if (header[i] == header[j]) throw new InputError($"{path}: row 1: column name '{InputText.Shown(header[j])}' appears twice (columns {i + 1} and {j + 1})");
        }
    }

    private bool Blank(int count)
    {
        for (int j = 0; j < count; j++)
            if (!string.IsNullOrWhiteSpace(_rows.Field(j))) return false;
        return true;
    }

    // A guess at why a row's field count differs: a delimiter or decimal comma the detection missed.
    private UserMessage Hint(int count) => _rows.Dialect.Contains("','-separated", StringComparison.Ordinal) && count > Header.Count
        ? " (if ',' is the decimal separator here, the fields need another delimiter, or quotes)"
        : new UserMessage($" (read as {Dialect}; give {Setting.Of<TableOptions>(nameof(TableOptions.Delimiter))} if that is not the file's)");

    private interface IRows : IDisposable
    {
        string Dialect { get; }

        char DetectedDecimal { get; }

        long Line { get; }

        double Progress { get; }

        int Count { get; }

        bool Next();

        string Field(int column);
    }

    private sealed class CsvRows : IRows
    {
        private readonly string _path;
        private readonly FileStream _stream;
        private readonly BoundedLines _text;
        private readonly CsvParser _parser;
        private readonly int _maxLine;
        private readonly string _encoding;
        // The decoded first MiB, until the first row has told the delimiter.
        private string? _sample;
        private long _consumed;
        private string? _bad;

        public CsvRows(string path, TableOptions options)
        {
            _path = path;
            _maxLine = options.MaxLineLength;
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var sample = new byte[(int)Math.Min(SampleBytes, _stream.Length)];
            _stream.ReadExactly(sample);
            _stream.Position = 0;
            NotATable(path, sample);
            var (encoding, name) = options.Encoding is { } named ? (TableOptions.EncodingNamed(named), named) : Detect(sample);
            _encoding = name;
            _sample = encoding.GetString(sample);
            var reader = new StreamReader(_stream, encoding, detectEncodingFromByteOrderMarks: options.Encoding is null, bufferSize: 1 << 16);
            _text = new BoundedLines(reader, options.MaxLineLength, path);
            var config = new CsvConfiguration(CultureInfo.InvariantCulture)
            {
                Delimiter = options.Delimiter?.ToString() ?? ",",
                DetectDelimiter = options.Delimiter is null,
                DetectDelimiterValues = [",", ";", "\t", "|"],
                IgnoreBlankLines = false,
                MaxFieldSize = options.MaxLineLength,
                BadDataFound = a => _bad ??= a.Field,
            };
            _parser = new CsvParser(_text, config);
        }

        public string Dialect { get; private set; } = "";

        public char DetectedDecimal { get; private set; } = '.';

        public long Line { get; private set; }

        public double Progress => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

        public int Count => _parser.Count;

        public bool Next()
        {
            try
            {
                Line = _consumed + 1;
                if (!_parser.Read()) return false;
                _consumed = _parser.RawRow;
            }
            catch (MaxFieldSizeException)
            {
                throw new InputError($"{_path}: row {Line}: a field longer than {_maxLine:N0} characters; this is not a table the kit reads");
            }
            catch (CsvHelperException)
            {
                throw new InputError($"{_path}: row {Line}: not valid CSV");
            }
            if (Line == 1)
            {
                // The delimiter is detected at the first read.
                char delimiter = _parser.Delimiter[0];
                Dialect = $"CSV, {(delimiter == '\t' ? "tab" : $"'{delimiter}'")}-separated, {_encoding}";
                DetectedDecimal = delimiter != ',' && DecimalComma(_sample!, delimiter) ? ',' : '.';
                _sample = null;
            }
            return true;
        }

        // CsvHelper parses a field, and finds bad quoting in it, when the field is read.
        public string Field(int column)
        {
            string field = _parser[column];
            if (_bad is { } bad)
                throw new InputError(bad.TrimStart().StartsWith('"') && bad.Contains('\n', StringComparison.Ordinal)
                    ? $"{_path}: row {Line}: a quote opened in this row is never closed"
                    : $"{_path}: row {Line}: a quote inside a field ({InputText.Shown(bad)}) that is not quoted as a whole; quote the field, doubling the quotes inside: \"a \"\"b\"\"\"");
            return field;
        }

        public void Dispose()
        {
            _parser.Dispose();
            _text.Dispose();
        }
    }

    private sealed class ExcelRows : IRows
    {
        private readonly FileStream _stream;
        private readonly IExcelDataReader _reader;
        private readonly string _path;
        private string[] _fields = [];
        private int _width = -1;

        public ExcelRows(string path, TableOptions options)
        {
            _path = path;
            CodePages.Register();
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            try
            {
                _reader = ExcelReaderFactory.CreateReader(_stream);
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
            {
                _stream.Dispose();
                throw new InputError($"{path}: not a readable Excel workbook ({InputText.Shown(e.Message)})");
            }
            var sheets = new List<string>();
            do sheets.Add(_reader.Name); while (_reader.NextResult());
            _reader.Reset();
            int chosen = options.Sheet switch
            {
                null => 0,
                var s when sheets.IndexOf(s) is >= 0 and var i => i,
                var s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= sheets.Count => n - 1,
                var s => throw new InputError($"{path}: no sheet '{InputText.Shown(s)}'; the sheets are {string.Join(", ", sheets.Select(InputText.Shown))}"),
            };
            for (int i = 0; i < chosen; i++) _reader.NextResult();
            Dialect = $"Excel, sheet {sheets[chosen]}";
        }

        public string Dialect { get; }

        public char DetectedDecimal => '.';

        public long Line { get; private set; }

        public double Progress => _stream.Length == 0 ? 1 : (double)_stream.Position / _stream.Length;

        public bool Next()
        {
            try
            {
                if (!_reader.Read()) return false;
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
            {
                throw new InputError($"{_path}: row {Line + 1}: not a readable Excel workbook ({InputText.Shown(e.Message)})");
            }
            Line = _reader.Depth + 1;
            // The header fixes the width: Excel reports formatted but empty cells beyond it.
            if (_width < 0)
            {
                _width = _reader.FieldCount;
                while (_width > 0 && Cell(_width - 1).Length == 0) _width--;
            }
            _fields = new string[_width];
            for (int j = 0; j < _width; j++) _fields[j] = j < _reader.FieldCount ? Cell(j) : "";
            // Cells beyond the header's columns that hold something make the row wider than the header.
            for (int j = _width; j < _reader.FieldCount; j++)
                if (Cell(j).Length > 0) { _fields = [.. _fields, Cell(j)]; }
            return true;
        }

        // A cell as text: numbers in invariant culture (round-trip), dates as ISO dates, nothing as empty.
        private string Cell(int column) => _reader.GetValue(column) switch
        {
            null => "",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            bool b => b ? "TRUE" : "FALSE",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString() ?? "",
        };

        public int Count => _fields.Length;

        public string Field(int column) => _fields[column];

        public void Dispose()
        {
            _reader.Dispose();
            _stream.Dispose();
        }
    }

    // Files that are not text tables, told by their first bytes.
    private static void NotATable(string path, byte[] sample)
    {
        ReadOnlySpan<byte> head = sample;
        if (head.StartsWith("PAR1"u8)) throw new InputError($"{path}: is a Parquet file; its panel reads Parquet (with a .parquet name), other commands read CSV or Excel");
        if (head.StartsWith("PK\u0003\u0004"u8)) throw new InputError($"{path}: is a ZIP archive, not CSV; an Excel workbook must be named .xlsx");
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0])) throw new InputError($"{path}: is an Office binary file, not CSV; an Excel workbook must be named .xls");
        bool utf16 = head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]);
        int zero = head.IndexOf((byte)0);
        if (zero >= 0 && !utf16) throw new InputError($"{path}: not a text file (a zero byte at offset {zero:N0}); the kit reads CSV, TSV and Excel tables");
    }

    // The encoding of text without a byte-order mark: UTF-8 if it is valid UTF-8, else the detector's guess.
    private static (Encoding Encoding, string Name) Detect(byte[] sample)
    {
        if (sample.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (new UTF8Encoding(false), "UTF-8");
        if (sample.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (Encoding.Unicode, "UTF-16");
        if (sample.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (Encoding.BigEndianUnicode, "UTF-16");
        // A sample cut short may end inside a character: its last three bytes are not judged.
        int judged = sample.Length == SampleBytes ? sample.Length - 3 : sample.Length;
        if (System.Text.Unicode.Utf8.IsValid(sample.AsSpan(0, Math.Max(0, judged)))) return (new UTF8Encoding(false), "UTF-8");
        CodePages.Register();
        string guess = UtfUnknown.CharsetDetector.DetectFromBytes(sample).Detected?.EncodingName?.ToLowerInvariant() ?? "";
        string name = guess switch
        {
            "gb2312" or "gbk" or "gb18030" or "hz-gb-2312" => "gb18030",
            "big5" or "shift_jis" or "euc-jp" or "euc-kr" or "windows-1251" or "koi8-r" => guess,
            // Latin text in a single-byte code page: Windows-1252 is what Excel and Windows write.
            _ => "windows-1252",
        };
        return (Encoding.GetEncoding(name), name);
    }

    private static bool DecimalComma(string sample, char delimiter)
    {
        int comma = 0, point = 0;
        foreach (string line in sample.Split('\n').Skip(1).Take(200))
        {
            foreach (string raw in line.Split(delimiter))
            {
                string cell = raw.Trim().Trim('"');
                if (cell.Length == 0 || !char.IsAsciiDigit(cell[^1])) continue;
                int c = cell.LastIndexOf(','), p = cell.LastIndexOf('.');
                if (c > p && NumberText.TryParse(cell, ',', out _)) comma++;
                else if (p > c && c < 0 && cell.Length - p - 1 != 3 && NumberText.TryParse(cell, '.', out _)) point++;
            }
        }
        return comma > 0 && point == 0;
    }

    /// <summary>
    /// Text whose lines may not be longer than a limit: a longer one is refused when it is read,
    /// naming its line, so a file of one 1 GB line costs a megabyte, not gigabytes.
    /// </summary>
    private sealed class BoundedLines(TextReader inner, int limit, string path) : TextReader
    {
        private long _line = 1;
        private long _length;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            int n = inner.Read(buffer);
            var read = buffer[..n];
            while (read.Length > 0)
            {
                int newline = read.IndexOf('\n');
                long piece = newline < 0 ? read.Length : newline;
                if (_length + piece > limit)
                    throw new InputError($"{path}: row {_line}: a line longer than {limit:N0} characters; this is not a table the kit reads");
                if (newline < 0) { _length += read.Length; break; }
                _line++;
                _length = 0;
                read = read[(newline + 1)..];
            }
            return n;
        }

        public override int Peek() => inner.Peek();

        public override int Read()
        {
            Span<char> one = stackalloc char[1];
            return Read(one) == 0 ? -1 : one[0];
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
