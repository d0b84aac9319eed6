using System.Globalization;
using CsvHelper;
using Its.Batch;
using Its.Data.Output;
using Parquet;
using Parquet.Schema;
using Its.Model;

namespace Its.Data;

/// <summary>
/// Writes the per-unit results of a panel fit as a tidy table, one row per unit and term (as R's
/// <c>broom::tidy</c>), batch after batch: CSV, or Parquet (one row group per batch) when the path
/// ends in <c>.parquet</c>. Columns: id, term, estimate, std_error, statistic, df, p_value,
/// ci_lower, ci_upper, n, sigma, rho, status, note; a unit that was not fitted has its rows with
/// the numbers empty (null), its status and the reason in note. The rows go to a hidden temporary
/// file beside the target (never to the target, nor to any file the user may have), which
/// <see cref="Finish"/> flushes to disk and <see cref="Commit"/> renames over the target: a failed
/// run leaves the target as it was and no temporary, a killed one only the hidden temporary.
/// </summary>
public abstract class UnitResultWriter : IDisposable
{
    /// <summary>The output's column names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["id", "term", "estimate", "std_error", "statistic", "df", "p_value", "ci_lower", "ci_upper", "n", "sigma", "rho", "status", "note"];

    private readonly PendingFile _file;
    private readonly HashingStream _hashed;
    private string? _sha256;
    private bool _closed;

    private protected UnitResultWriter(string path)
    {
        Path = path;
        _file = PendingFile.Create(path);
        _hashed = new HashingStream(_file.Stream);
    }

    /// <summary>The target path.</summary>
    public string Path { get; }

    /// <summary>Where the format writes its bytes (the temporary file, hashed on the way).</summary>
    private protected Stream Output => _hashed;

    /// <summary>Creates a writer for a path (Parquet by the <c>.parquet</c> extension, else CSV).</summary>
    /// <param name="path">The output file.</param>
    /// <param name="overwrite">Replace an existing file; without it an existing file is refused.</param>
    /// <exception cref="InputError">The file exists and may not be replaced, or cannot be created.</exception>
    public static UnitResultWriter Create(string path, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new InputError($"{path}: is a directory; give a file name for the results");
        if (File.Exists(path) && !overwrite) throw new InputError(new UserMessage($"{path}: exists; give {Setting.Of<PanelRun>(nameof(PanelRun.Overwrite), true)} to overwrite it"));
        try
        {
            if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
            return path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? new ParquetResults(path) : new CsvResults(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputError($"{path}: cannot be written ({e.Message})");
        }
    }

    /// <summary>Writes a batch: its units (for their ids) and their fits, in the same order.</summary>
    public abstract void Write(IReadOnlyList<PanelUnit> units, BatchResult result);

    /// <summary>
    /// Finishes the file beside the target and flushes it to disk, without touching the target yet;
    /// no batch may be written after.
    /// </summary>
    /// <returns>The SHA-256 of the finished file, as lower-case hex.</returns>
    public string Finish()
    {
        if (_sha256 is null)
        {
            CloseFormat();
            _file.Close();
            _sha256 = _hashed.Sha256();
        }
        return _sha256;
    }

    /// <summary>Finishes the file if it is not yet, and renames it over the target.</summary>
    public void Commit()
    {
        Finish();
        _file.Commit();
    }

    /// <summary>Closes the file; one not committed is deleted and the target left as it was.</summary>
    public void Dispose()
    {
        try
        {
            CloseFormat();
        }
        finally
        {
            _file.Dispose();
            _hashed.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    private void CloseFormat()
    {
        if (_closed) return;
        _closed = true;
        Close();
    }

    private protected abstract void Close();

    // The rows of a unit: one per term, with the numbers when the unit was fitted.
    private protected static IEnumerable<(int Term, Results.Coefficient? Coefficient)> Rows(BatchResult result, int unit) =>
        Enumerable.Range(0, result.Terms.Count).Select(j => (j, result.Status(unit) == UnitStatus.Ok ? result.Coefficient(unit, j) : null));

    private sealed class CsvResults : UnitResultWriter
    {
        private readonly StreamWriter _stream;
        private readonly CsvWriter _csv;

        public CsvResults(string path) : base(path)
        {
            _stream = new StreamWriter(Output, bufferSize: 1 << 16, leaveOpen: true);
            _csv = new CsvWriter(_stream, CultureInfo.InvariantCulture);
            foreach (string c in Columns) _csv.WriteField(c);
            _csv.NextRecord();
        }

        public override void Write(IReadOnlyList<PanelUnit> units, BatchResult result)
        {
            static string N(double? x) => x is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
            for (int i = 0; i < result.Count; i++)
            {
                bool ok = result.Status(i) == UnitStatus.Ok;
                foreach (var (term, c) in Rows(result, i))
                {
                    _csv.WriteField(units[i].Id);
                    _csv.WriteField(result.Terms[term]);
                    foreach (var x in new[] { c?.Estimate, c?.StdError, c?.Statistic, c?.Df, c?.PValue, c?.Ci.Lower, c?.Ci.Upper })
                        _csv.WriteField(N(x));
                    _csv.WriteField(ok ? result.N(i).ToString(CultureInfo.InvariantCulture) : "");
                    _csv.WriteField(ok ? N(result.Sigma(i)) : "");
                    _csv.WriteField(N(result.Rho(i)));
                    _csv.WriteField(result.Status(i).Name());
                    _csv.WriteField(result.Note(i) ?? "");
                    _csv.NextRecord();
                }
            }
        }

        private protected override void Close()
        {
            _csv.Dispose();
            _stream.Dispose();
        }
    }

    private sealed class ParquetResults : UnitResultWriter
    {
        private static readonly DataField<string> Id = new("id"), Term = new("term"), Status = new("status"), Note = new("note");
        private static readonly DataField<double?>[] Numbers = [new("estimate"), new("std_error"), new("statistic")];
        private static readonly DataField<int?> Df = new("df");
        private static readonly DataField<double?>[] Tests = [new("p_value"), new("ci_lower"), new("ci_upper")];
        private static readonly DataField<int?> N = new("n");
        private static readonly DataField<double?> Sigma = new("sigma"), Rho = new("rho");
        private static readonly ParquetSchema Schema = new([Id, Term, .. Numbers, Df, .. Tests, N, Sigma, Rho, Status, Note]);

        private readonly ParquetWriter _writer;

        public ParquetResults(string path) : base(path) => _writer = ParquetWriter.CreateAsync(Schema, Output).GetAwaiter().GetResult();

        public override void Write(IReadOnlyList<PanelUnit> units, BatchResult result)
        {
            int k = result.Terms.Count, rows = result.Count * k;
            var ids = new string[rows];
            var terms = new string[rows];
            var status = new string[rows];
            var notes = new string?[rows];
            var numbers = new double?[6][];
            for (int c = 0; c < 6; c++) numbers[c] = new double?[rows];
            var df = new int?[rows];
            var n = new int?[rows];
            var sigma = new double?[rows];
            var rho = new double?[rows];
            int r = 0;
            for (int i = 0; i < result.Count; i++)
            {
                bool ok = result.Status(i) == UnitStatus.Ok;
                foreach (var (term, c) in Rows(result, i))
                {
                    ids[r] = units[i].Id;
                    terms[r] = result.Terms[term];
                    numbers[0][r] = c?.Estimate;
                    numbers[1][r] = c?.StdError;
                    numbers[2][r] = c?.Statistic;
                    numbers[3][r] = c?.PValue;
                    numbers[4][r] = c?.Ci.Lower;
                    numbers[5][r] = c?.Ci.Upper;
                    df[r] = ok ? result.Df(i) : null;
                    n[r] = ok ? result.N(i) : null;
                    sigma[r] = ok ? result.Sigma(i) : null;
                    rho[r] = result.Rho(i);
                    status[r] = result.Status(i).Name();
                    notes[r] = result.Note(i);
                    r++;
                }
            }
            using var group = _writer.CreateRowGroup();
            Await(group.WriteAsync(Id, ids));
            Await(group.WriteAsync(Term, terms));
            for (int c = 0; c < 3; c++) Await(group.WriteAsync<double>(Numbers[c], numbers[c].AsMemory()));
            Await(group.WriteAsync<int>(Df, df.AsMemory()));
            for (int c = 0; c < 3; c++) Await(group.WriteAsync<double>(Tests[c], numbers[3 + c].AsMemory()));
            Await(group.WriteAsync<int>(N, n.AsMemory()));
            Await(group.WriteAsync<double>(Sigma, sigma.AsMemory()));
            Await(group.WriteAsync<double>(Rho, rho.AsMemory()));
            Await(group.WriteAsync(Status, status));
            Await(group.WriteAsync(Note, notes!));
        }

        private static void Await(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

        private static void Await(Task task) => task.GetAwaiter().GetResult();

        private protected override void Close() => _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
