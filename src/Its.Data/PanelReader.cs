using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Its.Batch;
using Its.Time;
using Its.Model;

namespace Its.Data;

/// <summary>Which columns of a long panel file (one row per unit and period) make the units.</summary>
public sealed record PanelOptions
{
    /// <summary>The unit identifier column.</summary>
    public required string Id { get; init; }

    /// <summary>The date column: any form <see cref="DateText"/> reads; in Parquet also a date or an integer year; in Excel a date cell.</summary>
    public required string Date { get; init; }

    /// <summary>The outcome column; a missing value (<see cref="TableOptions.Missing"/>) is a missing period.</summary>
    public required string Outcome { get; init; }

    /// <summary>Expected frequency; inferred from the first date when null.</summary>
    public Frequency? Period { get; init; }

    /// <summary>
    /// The frequency of a Parquet date or timestamp column, which says a day, not a period: each
    /// date is read as its month, quarter or year. <see cref="Period"/> when given.
    /// </summary>
    public Frequency CalendarDates { get; init; } = Frequency.Month;

    /// <summary>COL=VALUE filters; only rows where all hold are read.</summary>
    public IReadOnlyList<string> Where { get; init; } = [];

    /// <summary>Only the units of this part of the panel are read (by a hash of their id); null for all.</summary>
    public UnitPartition? Partition { get; init; }

    /// <summary>How a CSV or Excel file is read, and the tokens of a missing value and the date format of any file.</summary>
    public TableOptions Table { get; init; } = TableOptions.Default;

    /// <summary>
    /// How the problems of a unit (<see cref="PanelUnit.Problem"/>, written into the results) name
    /// settings: a front end's own names for them (a command line's options); null for the library's.
    /// </summary>
    public Func<Setting, string>? SettingNames { get; init; }

    // A unit's problem as text, its settings named as the caller names them.
    internal string Worded(UserMessage problem) => SettingNames is { } names ? problem.Render(names) : problem.ToString();
}

/// <summary>
/// Streams the units of a long panel file, CSV (any dialect <see cref="TableReader"/> reads), an
/// Excel sheet, or Parquet (by the <c>.parquet</c> extension), in
/// chunks, so memory does not grow with the file: the rows of a unit must be together (any order
/// of periods within the unit), as a file sorted by unit has them. A unit that comes back after
/// other units is refused with the row where it does. Problems of one unit's rows (a period twice,
/// a value that is not a number, a bad date) become that unit's <see cref="PanelUnit.Problem"/>, so
/// the other units are still fitted; problems of the file (a missing column, malformed CSV) are an
/// <see cref="InputError"/>.
/// </summary>
public sealed class PanelReader : IDisposable
{
    // A unit spanning more periods than this is a typo in a date, not data.
    private const int MaxPeriods = 100_000;

    // Rows read from the source at a time: DuckDB's vector size, and a block of CSV rows.
    private const int BlockRows = 2048;

    private readonly IRowSource _source;
    private readonly PanelOptions _options;
    private readonly HashSet<ulong> _seen = [];   // 64-bit hashes of the ids done, to catch a unit split across the file (a collision among a million ids: odds about 3e-8)

    private PanelReader(IRowSource source, PanelOptions options)
    {
        _source = source;
        _options = options;
    }

    /// <summary>The file name as given.</summary>
    public string File => _source.File;

    /// <summary>The fraction of the file read so far, 0 to 1.</summary>
    public double Progress => _source.Progress;

    /// <summary>The frequency of the dates read so far (given, or that of the first date); null before any.</summary>
    public Frequency? Frequency => _source.Frequency;

    /// <summary>Opens a CSV or Parquet panel file and checks its columns.</summary>
    /// <exception cref="InputError">The file cannot be read, or a column is missing.</exception>
    public static PanelReader Open(string path, PanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (Directory.Exists(path)) throw new InputError($"{path}: is a directory, not a data file");
        if (!System.IO.File.Exists(path)) throw new InputError($"{path}: file not found");
        try
        {
            IRowSource source = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
                ? new QuerySource(QueryRows.OpenParquet(path, options)) : new CsvRows(path, options);
            return new PanelReader(source, options);
        }
        catch (UnauthorizedAccessException) { throw new InputError($"{path}: permission denied"); }
        catch (IOException e) { throw new InputError($"{path}: cannot be read ({e.Message})"); }
    }

    /// <summary>
    /// Opens a DuckDB query as a panel (<paramref name="label"/> names it in messages): its result
    /// sorted by the unit column, so its units need not come together, unless the query says they
    /// do (<see cref="PanelQuery.Grouped"/>); rows are numbered in the order read.
    /// </summary>
    /// <exception cref="InputError">The query fails (its message at the query's own line), or lacks a column.</exception>
    public static PanelReader OpenQuery(string label, PanelQuery query, PanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(options);
        return new PanelReader(new QuerySource(QueryRows.Open(label, query, options)), options);
    }

    /// <summary>The units, <paramref name="unitsPerChunk"/> at a time, in file order.</summary>
    /// <exception cref="InputError">The file is malformed or a unit's rows are not together.</exception>
    public IEnumerable<IReadOnlyList<PanelUnit>> Chunks(int unitsPerChunk)
    {
        if (unitsPerChunk < 1) throw new ArgumentOutOfRangeException(nameof(unitsPerChunk), unitsPerChunk, "must be 1 or more");
        var chunk = new List<PanelUnit>(unitsPerChunk);
        var rows = new List<PanelRow>();
        var block = new PanelRow[BlockRows];
        string? current = null;
        var partition = _options.Partition;
        bool kept = false; // whether the current unit is in the partition read
        for (int n = Read(block); n > 0; n = Read(block))
            for (int r = 0; r < n; r++)
            {
                var row = block[r];
                if (!ReferenceEquals(row.Id, current) && row.Id != current)
                {
                    if (kept) chunk.Add(Assemble(current!, rows));
                    if (chunk.Count == unitsPerChunk) { yield return chunk; chunk = new List<PanelUnit>(unitsPerChunk); }
                    // Every unit is checked, in the partition or not, so each part refuses a file that the whole run would.
                    ulong hash = UnitPartition.Hash(row.Id);
                    if (!_seen.Add(hash))
                        throw new InputError(new UserMessage($"{File}: row {row.Line}, column {_options.Id}: unit {row.Id} appears again after other units; the rows of a unit must be together ({_source.Regroup(_options.Id)})"));
                    current = row.Id;
                    kept = partition is null || UnitPartition.PartOf(hash, partition.Count) == partition.Index;
                    rows.Clear();
                }
                if (kept) rows.Add(row);
            }
        if (kept) chunk.Add(Assemble(current!, rows));
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _source.Dispose();

    // The next rows into the block, 0 at the end; the file's I/O errors (the table reader and
    // DuckDB name their others) as input errors that name the file.
    private int Read(PanelRow[] block)
    {
        try
        {
            return _source.Read(block);
        }
        catch (IOException ex) { throw new InputError($"{File}: cannot be read ({ex.Message})"); }
    }

    private PanelUnit Assemble(string id, List<PanelRow> rows)
    {
        bool sorted = true;
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Problem is { } problem) return new PanelUnit(id, rows[0].Period, []) { Problem = problem };
            sorted &= i == 0 || rows[i - 1].Period.CompareTo(rows[i].Period) < 0;
        }
        if (!sorted) rows.Sort((a, b) => a.Period.CompareTo(b.Period));
        var start = rows[0].Period;
        int length = rows[^1].Period.PeriodsSince(start) + 1;
        if (length > MaxPeriods)
            return new PanelUnit(id, start, []) { Problem = $"{File}: the rows of unit {id} span {start} to {rows[^1].Period}, more than {MaxPeriods:N0} periods; check the dates" };
        var values = new double[length];
        Array.Fill(values, double.NaN);
        for (int i = 0; i < rows.Count; i++)
        {
            if (i > 0 && rows[i].Period == rows[i - 1].Period)
            {
                long a = Math.Min(rows[i - 1].Line, rows[i].Line), b = Math.Max(rows[i - 1].Line, rows[i].Line);
                return new PanelUnit(id, start, []) { Problem = $"{File}: rows {a} and {b}, column {_options.Date}: {rows[i].Period} appears twice for unit {id}" };
            }
            values[rows[i].Period.PeriodsSince(start)] = rows[i].Value;
        }
        return new PanelUnit(id, start, values);
    }

    private static UserMessage SortTheFile(string id) => new($"sort the file by {id}");

    private interface IRowSource : IDisposable
    {
        string File { get; }

        double Progress { get; }

        Frequency? Frequency { get; }

        // Reads the next rows into the block (the rows of a unit may go on in the next); 0 at the end.
        int Read(Span<PanelRow> block);

        // How the user brings the rows of each unit together.
        UserMessage Regroup(string id) => SortTheFile(id);
    }

    // A query's rows, or a Parquet file's read by DuckDB, with DuckDB's estimate of its progress.
    private sealed class QuerySource(QueryRows query) : IRowSource
    {
        public string File => query.Label;

        public double Progress => query.Progress;

        public Frequency? Frequency => query.Frequency;

        public int Read(Span<PanelRow> block) => query.Read(block);

        public UserMessage Regroup(string id) =>
            query.IsFile ? SortTheFile(id) : new($"leave out {Setting.Of<PanelQuery>(nameof(PanelQuery.Grouped))} and the query's result is sorted by {id}");

        public void Dispose() => query.Dispose();
    }

    private sealed class CsvRows : IRowSource
    {
        private readonly TableReader _table;
        private readonly PanelOptions _options;
        private readonly int _id, _date, _outcome;
        private readonly (int Column, string Value)[] _where;
        private readonly DateCache _dates;
        private readonly char _decimal;

        public CsvRows(string path, PanelOptions options)
        {
            File = path;
            _options = options;
            _table = TableReader.Open(path, options.Table);
            _decimal = _table.Options.Decimal ?? '.';
            _dates = new DateCache(options.Period, options.Period ?? options.CalendarDates, options.Table.DateFormat);
            try
            {
                _id = _table.Column(options.Id, Setting.Of<PanelOptions>(nameof(PanelOptions.Id)));
                _date = _table.Column(options.Date, Setting.Of<PanelOptions>(nameof(PanelOptions.Date)));
                _outcome = _table.Column(options.Outcome, Setting.Of<PanelOptions>(nameof(PanelOptions.Outcome)));
                _where = options.Where.Select(w => Where.Parse<PanelOptions>(w) is var (c, v) ? (_table.Column(c, Setting.Of<PanelOptions>(nameof(PanelOptions.Where))), v) : default).ToArray();
            }
            catch
            {
                _table.Dispose();
                throw;
            }
        }

        public string File { get; }

        public double Progress => _table.Progress;

        public Frequency? Frequency => _dates.Frequency;

        public int Read(Span<PanelRow> block)
        {
            int n = 0;
            while (n < block.Length && _table.Read())
            {
                long line = _table.Line;
                bool kept = true;
                foreach (var (column, value) in _where) kept &= _table[column].Trim() == value;
                if (!kept) continue;
                string id = _table[_id].Trim();
                if (id.Length == 0) throw new InputError($"{File}: row {line}, column {_options.Id}: missing unit id");
                var (period, error) = _dates.Parse(_table[_date].AsSpan().Trim());
                string text = _table[_outcome].Trim();
                block[n++] = error is not null ? new PanelRow(line, id, default, 0, _options.Worded(new UserMessage($"{File}: row {line}, column {_options.Date}: {error}")))
                    : _options.Table.IsMissing(text) ? new PanelRow(line, id, period, double.NaN, null)
                    : NumberText.TryParse(text, _decimal, out double v) && double.IsFinite(v) ? new PanelRow(line, id, period, v, null)
                    : new PanelRow(line, id, period, 0, _options.Worded(new UserMessage($"{File}: row {line}, column {_options.Outcome}: '{InputText.Shown(text)}' is not a finite number{NumberText.Hint(text, _decimal)}")));
            }
            return n;
        }

        public void Dispose() => _table.Dispose();
    }
}

/// <summary>One row of a panel as read: the unit, its period and value (NaN = missing), or what is wrong with it.</summary>
internal readonly record struct PanelRow(long Line, string Id, Period Period, double Value, string? Problem);

/// <summary>
/// The periods of a date column. Dates repeat across units, so each distinct text is parsed once;
/// the first date read fixes the frequency unless it was given.
/// </summary>
internal sealed class DateCache(Frequency? frequency, Frequency calendar, string? format)
{
    /// <summary>The frequency of the dates read so far; null before the first.</summary>
    public Frequency? Frequency => frequency;

    private readonly Dictionary<string, (Period Period, UserMessage? Error)> _parsed = new(StringComparer.Ordinal);

    /// <summary>The period written in the text, or why it is not one.</summary>
    public (Period Period, UserMessage? Error) Parse(ReadOnlySpan<char> text)
    {
        var lookup = _parsed.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out var known)) return known;
        string s = text.ToString();
        var parsed = DateText.TryParse(s, frequency, format, out var p, out var error) ? (p, (UserMessage?)null) : (default(Period), error);
        if (parsed.Item2 is null) frequency ??= p.Frequency;
        if (_parsed.Count < 100_000) _parsed[s] = parsed;
        return parsed;
    }

    /// <summary>The period of a calendar date (a Parquet date or timestamp): its month, quarter or year.</summary>
    public (Period Period, UserMessage? Error) OfCalendarMonth(int year, int month) => ((frequency ??= calendar) switch
    {
        Time.Frequency.Month => Period.Month(year, month),
        Time.Frequency.Quarter => Period.Quarter(year, (month - 1) / 3 + 1),
        _ => Period.OfYear(year),
    }, null);
}

/// <summary>COL=VALUE filters (<see cref="PanelOptions.Where"/>, <see cref="SeriesOptions.Where"/>).</summary>
internal static class Where
{
    /// <summary>Splits COL=VALUE, a filter of the <c>Where</c> of <typeparamref name="TOptions"/>.</summary>
    /// <exception cref="InputError">There is no '=' or no column name.</exception>
    public static (string Column, string Value) Parse<TOptions>(string where)
    {
        int eq = where.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new InputError(new UserMessage($"{Setting.Of<TOptions>(nameof(PanelOptions.Where), where)}: expected COL=VALUE"));
        return (where[..eq].Trim(), where[(eq + 1)..].Trim());
    }
}
