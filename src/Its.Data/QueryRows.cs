using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Its.Model;
using Its.Time;

namespace Its.Data;

/// <summary>
/// The rows of a DuckDB query (over CSV, Parquet or DuckDB files, with any joins, filters and
/// aggregation) as a panel's rows, sorted by the unit column so that a unit's rows come together
/// whatever order the query gives them in (unless it says they already do). DuckDB sorts beyond
/// <see cref="MemoryLimit"/> on disk, in a folder of the system's temporary folder that is removed
/// after the run. A Parquet panel file is read the same way (<see cref="OpenParquet"/>), in the
/// file's order, its messages naming the file's rows and columns.
/// </summary>
internal sealed partial class QueryRows : IDisposable
{
    /// <summary>DuckDB's working memory: its sort spills to disk beyond it.</summary>
    public const string MemoryLimit = "1GB";

    private readonly DuckDBConnection _connection;
    private readonly DuckDBCommand _command;
    private readonly string _spill;
    private readonly PanelOptions _options;
    private readonly DateCache _dates;
    private readonly bool _textDates;
    private DuckDBPreparedStatement? _prepared;
    private DuckDBResult _result;
    private bool _running;
    // One chunk of the result, a vector of each column; the last id read, as bytes and as text.
    private readonly string?[] _ids = new string?[(int)NativeMethods.Helpers.DuckDBVectorSize()];
    private readonly (Period, UserMessage?)[] _periods = new (Period, UserMessage?)[(int)NativeMethods.Helpers.DuckDBVectorSize()];
    private readonly double[] _values = new double[(int)NativeMethods.Helpers.DuckDBVectorSize()];
    private readonly long[] _lines = new long[(int)NativeMethods.Helpers.DuckDBVectorSize()];
    private byte[] _lastId = [];
    private string? _lastIdText;
    // Rows of the chunk fetched, those already read, and the rows of the result read.
    private int _fetched, _pending;
    private long _row;
    // A file's rows and columns are "row 12", "column visits"; a query's, "row 12 of the result", "column visits of the query".
    private readonly string _rowOf, _columnOf;
    private readonly bool _file;

    // A query (file false), or a file's rows read by a query (file true: its --where filters applied).
    private QueryRows(string label, PanelQuery query, PanelOptions options, bool file, string spill)
    {
        string sql = query.Sql;
        Label = label;
        _file = file;
        _rowOf = _file ? "" : " of the result";
        _columnOf = _file ? "" : " of the query";
        _options = options;
        _dates = new DateCache(options.Period, options.Period ?? options.CalendarDates, options.Table.DateFormat);
        _spill = spill;
        _connection = new DuckDBConnection("DataSource=:memory:");
        _command = _connection.CreateCommand();
        try
        {
            _connection.Open();
            // Timestamps with a time zone are read in UTC, as stored, whatever the machine's zone.
            Execute($"SET memory_limit = '{MemoryLimit}'; SET temp_directory = '{Literal(_spill)}'; SET TimeZone = 'UTC'");
            if (query.Database is { } database) Attach(database);
            // Sorted, the order of the query's rows does not matter; grouped, it is kept.
            if (!query.Grouped) Execute("SET preserve_insertion_order = false");
            // The progress is DuckDB's (the share of the files scanned, and of a sort), not printed by DuckDB.
            Execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
            string body = Body(sql);
            // The query's columns and types, before it runs.
            var columns = new Dictionary<string, Type>(StringComparer.Ordinal);
            using (var schema = Run($"SELECT * FROM (\n{body}\n) LIMIT 0"))
                for (int i = 0; i < schema.FieldCount; i++)
                    if (!(_file && schema.GetName(i) == "file_row_number")) columns.TryAdd(schema.GetName(i), schema.GetFieldType(i));
            Type Column(string name, string property)
            {
                if (columns.TryGetValue(name, out var type)) return type;
                if (_file) TableReader.Column(label, [.. columns.Keys], name, Setting.Of<PanelOptions>(property), "Parquet"); // refuses, as for any file
                throw new InputError(new UserMessage($"{label}: the query has no column '{InputText.Shown(name)}' (asked for by {Setting.Of<PanelOptions>(property)}); its columns are {string.Join(", ", columns.Keys.Select(InputText.Shown))}"));
            }
            string id = IdColumn(Column(options.Id, nameof(PanelOptions.Id)));
            var dateType = Column(options.Date, nameof(PanelOptions.Date));
            _textDates = dateType == typeof(string) || IsInteger(dateType);
            string date = DateColumn(dateType);
            string outcome = OutcomeColumn(Column(options.Outcome, nameof(PanelOptions.Outcome)));
            // A file's --where filters, as text compared with the values trimmed (as in a CSV file).
            var filters = new List<string>();
            foreach (string filter in file ? options.Where : [])
            {
                var (column, value) = Where.Parse<PanelOptions>(filter);
                var type = Column(column, nameof(PanelOptions.Where));
                // A number compared as a number (3 is 3.0); anything else as its text, trimmed.
                filters.Add(IsInteger(type) || type == typeof(double) || type == typeof(float) || type == typeof(decimal)
                    ? $"{Quoted(column)} = TRY_CAST('{Literal(value)}' AS DOUBLE)"
                    : $"trim(CAST({Quoted(column)} AS VARCHAR)) = '{Literal(value)}'");
            }
            // Three columns of three types (text, DATE or text, DOUBLE), sorted by the unit as it was.
            // A file's rows keep their numbers in the file (1 the first), filtered or not.
            Stream($"SELECT {id}, {date}, {outcome}{(_file ? ", file_row_number + 1" : "")} FROM (\n{body}\n){(filters.Count > 0 ? $" WHERE {string.Join(" AND ", filters)}" : "")}{(query.Grouped ? "" : $" ORDER BY {Quoted(options.Id)}")}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How messages name the query: --sql, or the file it was read from.</summary>
    public string Label { get; }

    /// <summary>The frequency of the dates read so far.</summary>
    public Frequency? Frequency => _dates.Frequency;

    /// <summary>Opens the query: its errors (syntax, a file or column it names that is not there) as input errors at its own line.</summary>
    public static QueryRows Open(string label, PanelQuery query, PanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (options.Where.Count > 0)
            throw new InputError(new UserMessage($"{label}: {Setting.Of<PanelOptions>(nameof(PanelOptions.Where))} filters the rows of a file; with a query, put the condition in its WHERE clause"));
        if (string.IsNullOrWhiteSpace(Body(query.Sql))) throw new InputError($"{label}: the query is empty");
        return new QueryRows(label, query, options, file: false, Spill());
    }

    /// <summary>
    /// A Parquet panel file, read by DuckDB in the file's order (its units must be together, as
    /// for any file); <see cref="PanelOptions.Where"/> keeps the rows whose column, as text, is the value.
    /// </summary>
    public static QueryRows OpenParquet(string path, PanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        string spill = Spill();
        return new QueryRows(path, new PanelQuery($"SELECT * FROM read_parquet('{Literal(Unglobbed(path, spill))}', file_row_number = true)") { Grouped = true }, options, file: true, spill);
    }

    /// <summary>Whether these are a file's rows (<see cref="OpenParquet"/>), not a query's.</summary>
    public bool IsFile => _file;

    /// <summary>Whether the whole result has been read.</summary>
    public bool Finished { get; private set; }

    /// <summary>The share of the work done so far, 0 to 1, as DuckDB estimates it (the files scanned; for a sorted query, the scan and the sort).</summary>
    public double Progress => Finished ? 1
        : NativeMethods.Startup.DuckDBQueryProgress(_connection.NativeConnection) is { Percentage: >= 0 } progress ? Math.Min(1, progress.Percentage / 100) : 0;

    /// <summary>
    /// The next rows, in the order of their units, into <paramref name="block"/> (a chunk of the
    /// result read straight from DuckDB's vectors), with what is wrong with a row; 0 at the end.
    /// </summary>
    public int Read(Span<PanelRow> block)
    {
        if (_pending == _fetched)
        {
            _fetched = Fetch();
            _pending = 0;
            if (_fetched == 0) { Finished = true; return 0; }
        }
        int n = Math.Min(block.Length, _fetched - _pending);
        for (int k = 0; k < n; k++)
        {
            int i = _pending + k;
            long row = _file ? _lines[i] : ++_row;
            string id = _ids[i] is { Length: > 0 } text ? text
                : throw new InputError($"{Label}: row {row}{_rowOf}, column {_options.Id}: missing unit id");
            var (period, error) = _periods[i];
            double value = _values[i];
            block[k] = error is not null ? new PanelRow(row, id, default, 0, _options.Worded(new UserMessage($"{Label}: row {row}{_rowOf}, column {_options.Date}: {error}")))
                : double.IsInfinity(value) ? new PanelRow(row, id, period, 0, $"{Label}: row {row}{_rowOf}, column {_options.Outcome}: {value.ToString(CultureInfo.InvariantCulture)} is not a finite number")
                : new PanelRow(row, id, period, value, null);
        }
        _pending += n;
        return n;
    }

    /// <summary>Closes the query and removes DuckDB's spill folder.</summary>
    public void Dispose()
    {
        if (_running) NativeMethods.Query.DuckDBDestroyResult(ref _result);
        _running = false;
        _prepared?.Dispose();
        _command.Dispose();
        _connection.Dispose();
        try
        {
            if (Directory.Exists(_spill)) Directory.Delete(_spill, recursive: true);
        }
        catch (IOException) { } // a spill file still held: the system's temporary folder is cleaned in time
    }

    // Reads the next chunk of the result straight from DuckDB's vectors into _ids, _periods and
    // _values (the ADO.NET reader's value per call cost more than the fit); 0 at the end.
    private unsafe int Fetch()
    {
        if (!_running) return 0;
        using var chunk = NativeMethods.StreamingResult.DuckDBStreamFetchChunk(_result);
        if (chunk.IsInvalid || NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk) == 0)
        {
            string? error = NativeMethods.Query.DuckDBResultError(ref _result);
            if (!string.IsNullOrEmpty(error)) throw Failed(error);
            return 0;
        }
        int n = (int)NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk);
        IntPtr ids = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, 0), dates = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, 1),
            values = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, 2);
        byte* idData = (byte*)NativeMethods.Vectors.DuckDBVectorGetData(ids), dateData = (byte*)NativeMethods.Vectors.DuckDBVectorGetData(dates);
        double* valueData = (double*)NativeMethods.Vectors.DuckDBVectorGetData(values);
        ulong* idValid = NativeMethods.Vectors.DuckDBVectorGetValidity(ids), dateValid = NativeMethods.Vectors.DuckDBVectorGetValidity(dates),
            valueValid = NativeMethods.Vectors.DuckDBVectorGetValidity(values);
        if (_file) new ReadOnlySpan<long>(NativeMethods.Vectors.DuckDBVectorGetData(NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, 3)), n).CopyTo(_lines);
        Span<char> chars = stackalloc char[64];
        for (int i = 0; i < n; i++)
        {
            if (!Valid(idValid, i)) _ids[i] = null;
            else
            {
                // The sorted ids repeat: a new string only when the bytes change.
                var bytes = Text(idData, i);
                if (_lastIdText is null || !bytes.SequenceEqual(_lastId))
                {
                    _lastId = bytes.ToArray();
                    _lastIdText = Encoding.UTF8.GetString(bytes).Trim();
                }
                _ids[i] = _lastIdText;
            }
            if (!Valid(dateValid, i)) _periods[i] = (default, (UserMessage)"missing date");
            else if (_textDates)
            {
                var bytes = Text(dateData, i);
                var text = bytes.Length <= chars.Length ? chars[..Encoding.UTF8.GetChars(bytes, chars)] : Encoding.UTF8.GetString(bytes).AsSpan();
                _periods[i] = _dates.Parse(text.Trim());
            }
            else _periods[i] = Day(((int*)dateData)[i]);
            _values[i] = Valid(valueValid, i) ? valueData[i] : double.NaN;
        }
        return n;
    }

    private static unsafe bool Valid(ulong* validity, int i) => validity == null || (validity[i >> 6] & (1UL << (i & 63))) != 0;

    // A duckdb_string_t: the length, then up to 12 bytes inline or a 4-byte prefix and a pointer.
    private static unsafe ReadOnlySpan<byte> Text(byte* vector, int i)
    {
        byte* s = vector + 16 * i;
        int length = checked((int)*(uint*)s);
        return new ReadOnlySpan<byte>(length <= 12 ? s + 4 : *(byte**)(s + 8), length);
    }

    // A DATE: days since 1970-01-01, read as its calendar month (an infinite date is not one).
    private (Period, UserMessage?) Day(int days)
    {
        long number = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (long)days;
        if (number < DateOnly.MinValue.DayNumber || number > DateOnly.MaxValue.DayNumber) return (default, (UserMessage)"not a calendar date");
        var date = DateOnly.FromDayNumber((int)number);
        return _dates.OfCalendarMonth(date.Year, date.Month);
    }

    private void Execute(string sql)
    {
        _command.CommandText = sql;
        _command.ExecuteNonQuery();
    }

    private DbDataReader Run(string sql)
    {
        _command.CommandText = sql;
        try
        {
            return _command.ExecuteReader();
        }
        catch (DuckDBException e)
        {
            throw Failed(e.Message);
        }
    }

    // The query, prepared and run as a stream of chunks.
    private void Stream(string sql)
    {
        if (NativeMethods.PreparedStatements.DuckDBPrepare(_connection.NativeConnection, sql, out var prepared) != DuckDBState.Success)
        {
            string error = NativeMethods.PreparedStatements.DuckDBPrepareError(prepared);
            prepared.Dispose();
            throw Failed(error);
        }
        _prepared = prepared;
        var state = NativeMethods.PreparedStatements.DuckDBExecutePreparedStreaming(prepared, out _result);
        _running = true;
        if (state != DuckDBState.Success) throw Failed(NativeMethods.Query.DuckDBResultError(ref _result));
    }

    // The database, read-only and the one the query's unqualified names are looked up in.
    private void Attach(string database)
    {
        if (Directory.Exists(database)) throw new InputError($"{database}: is a directory, not a DuckDB database");
        if (!File.Exists(database)) throw new InputError($"{database}: file not found");
        try
        {
            Execute($"ATTACH '{Literal(database)}' AS panel_database (READ_ONLY); USE panel_database");
        }
        catch (DuckDBException e)
        {
            throw new InputError($"{database}: not a DuckDB database the kit can open ({e.Message.Trim().Split('\n')[0].Trim()})");
        }
    }

    /// <summary>
    /// A path DuckDB reads as that one file: DuckDB takes * ? [ { in a file name as a pattern, so a
    /// file named so is read through a link to it in <paramref name="folder"/>.
    /// </summary>
    internal static string Unglobbed(string path, string folder)
    {
        if (path.IndexOfAny(['*', '?', '[', '{']) < 0) return path;
        Directory.CreateDirectory(folder);
        string link = Path.Combine(folder, $"input-{Guid.NewGuid():N}{Path.GetExtension(path).Replace("*", "", StringComparison.Ordinal)}");
        File.CreateSymbolicLink(link, Path.GetFullPath(path));
        return link;
    }

    /// <summary>A new folder of the system's temporary folder for DuckDB's files and links, for one reader.</summary>
    internal static string Spill() => Path.Combine(Path.GetTempPath(), $"its-duckdb-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Text inside a SQL string literal ('...'), its quotes doubled.</summary>
    internal static string Literal(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    // DuckDB's error: a query's at the user's line; a file's as the file not being readable.
    private InputError Failed(string message) =>
        new(_file ? $"{Label}: not a readable Parquet file ({message.Trim().Split('\n')[0].Trim()})" : $"{Label}: {Worded(message)}");

    // The query without trailing semicolons, to sit inside a subquery.
    private static string Body(string sql) => sql.Trim().TrimEnd(';', ' ', '\t', '\r', '\n');

    private static string Quoted(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    // DuckDB's message, its LINE n counted in the user's query (which starts on the second line of ours).
    private static string Worded(string message) =>
        QueryLine().Replace(message.Trim(), m => $"LINE {int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1}:");

    [GeneratedRegex(@"LINE (\d+):")]
    private static partial Regex QueryLine();

    private static bool IsInteger(Type type) =>
        type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte)
        || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(System.Numerics.BigInteger);

    // Ids as text: integers written by DuckDB as integers, so that ids beyond 2^53 stay exact.
    private string IdColumn(Type type) =>
        type == typeof(string) ? Quoted(_options.Id)
        : IsInteger(type) || type == typeof(decimal) ? $"CAST({Quoted(_options.Id)} AS VARCHAR)"
        : throw new InputError($"{Label}: column {_options.Id}{_columnOf} is {type.Name}; a unit id is text or an integer");

    // Dates and timestamps as DATE (read as their calendar period); text as a file's dates are read; integers (2016, 201601) as text.
    private string DateColumn(Type type) =>
        type == typeof(DateOnly) ? Quoted(_options.Date)
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? $"CAST({Quoted(_options.Date)} AS DATE)"
        : type == typeof(string) ? Quoted(_options.Date)
        : IsInteger(type) ? $"CAST({Quoted(_options.Date)} AS VARCHAR)"
        : throw new InputError($"{Label}: column {_options.Date}{_columnOf} is {type.Name}; a date is a DATE, TIMESTAMP, text or an integer year");

    // A numeric column as DOUBLE, null a missing period.
    private string OutcomeColumn(Type type) =>
        type == typeof(double) ? Quoted(_options.Outcome)
        : type == typeof(float) || type == typeof(decimal) || IsInteger(type) ? $"CAST({Quoted(_options.Outcome)} AS DOUBLE)"
        : throw new InputError($"{Label}: column {_options.Outcome}{_columnOf} is {type.Name}, not a number{(_file ? "" : $"; cast it in the query (TRY_CAST({_options.Outcome} AS DOUBLE) makes what is not a number missing)")}");
}
