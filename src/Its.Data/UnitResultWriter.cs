using System.Buffers;
using System.Globalization;
using System.Text;
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

    // CSV as CsvHelper wrote it (RFC 4180 quoting, CRLF line ends, numbers round-trip), formatted
    // straight to UTF-8 bytes: a string per field cost more than the fit.
    private sealed class CsvResults : UnitResultWriter
    {
        private static readonly SearchValues<char> Quoted = SearchValues.Create("\",\r\n");
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _used;

        public CsvResults(string path) : base(path)
        {
            for (int c = 0; c < Columns.Count; c++)
            {
                if (c > 0) Comma();
                Text(Columns[c]);
            }
            LineEnd();
        }

        public override void Write(IReadOnlyList<PanelUnit> units, BatchResult result)
        {
            for (int i = 0; i < result.Count; i++)
            {
                bool ok = result.Status(i) == UnitStatus.Ok;
                string status = result.Status(i).Name(), note = result.Note(i) ?? "";
                foreach (var (term, c) in Rows(result, i))
                {
                    Text(units[i].Id); Comma();
                    Text(result.Terms[term]); Comma();
                    Number(c?.Estimate); Comma();
                    Number(c?.StdError); Comma();
                    Number(c?.Statistic); Comma();
                    Number(c?.Df); Comma();
                    Number(c?.PValue); Comma();
                    Number(c?.Ci.Lower); Comma();
                    Number(c?.Ci.Upper); Comma();
                    Number(ok ? result.N(i) : null); Comma();
                    Number(ok ? result.Sigma(i) : null); Comma();
                    Number(result.Rho(i)); Comma();
                    Text(status); Comma();
                    Text(note);
                    LineEnd();
                }
            }
        }

        private protected override void Close()
        {
            Flush();
            Output.Flush();
        }

        private void Comma() => Byte((byte)',');

        private void LineEnd()
        {
            Byte((byte)'\r');
            Byte((byte)'\n');
        }

        private void Byte(byte b)
        {
            if (_used == _buffer.Length) Flush();
            _buffer[_used++] = b;
        }

        // Integers print as integers and doubles as their shortest round-trip form, both as ToString("R").
        private void Number(double? x)
        {
            if (x is not { } v) return;
            if (_buffer.Length - _used < 32) Flush();
            v.TryFormat(_buffer.AsSpan(_used), out int written, "R", CultureInfo.InvariantCulture);
            _used += written;
        }

        // Quoted when it holds a quote, comma or line break or starts or ends with a space (CsvHelper's rule).
        private void Text(string text)
        {
            if (text.Length == 0) return;
            if (text[0] != ' ' && text[^1] != ' ' && text.AsSpan().IndexOfAny(Quoted) < 0)
            {
                Utf8(text);
                return;
            }
            Byte((byte)'"');
            Utf8(text.Replace("\"", "\"\"", StringComparison.Ordinal));
            Byte((byte)'"');
        }

        private void Utf8(string text)
        {
            int most = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_buffer.Length - _used < most) Flush();
            if (most > _buffer.Length)
            {
                Output.Write(Encoding.UTF8.GetBytes(text));
                return;
            }
            _used += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_used));
        }

        private void Flush()
        {
            Output.Write(_buffer, 0, _used);
            _used = 0;
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
