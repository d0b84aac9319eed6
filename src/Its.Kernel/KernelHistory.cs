using System.Text.RegularExpressions;

namespace Its.Kernel;

/// <summary>
/// The cells a kernel ran with <c>store_history</c>, for <c>history_request</c>: each cell's
/// input and, when it had one, the text/plain of its result, by execution count. The kernel
/// remembers its own session only (no file outlives it), and at most <see cref="Capacity"/>
/// cells, the oldest dropped first.
/// </summary>
internal sealed class KernelHistory
{
    /// <summary>The most cells kept; a working day of cells is a few thousand.</summary>
    public const int Capacity = 10_000;

    /// <summary>The number the kernel's session has in its replies (IPython's start at 1 too).</summary>
    public const int Session = 1;

    private readonly Queue<HistoryEntry> _entries = new();
    private readonly int _capacity;

    /// <summary>A history that keeps at most <paramref name="capacity"/> cells.</summary>
    public KernelHistory(int capacity = Capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Keeps a cell that ran.</summary>
    /// <param name="line">Its execution count.</param>
    /// <param name="input">Its code.</param>
    /// <param name="output">The text/plain of its result; null when it had none.</param>
    public void Add(int line, string input, string? output)
    {
        lock (_entries)
        {
            if (_entries.Count == _capacity) _entries.Dequeue();
            _entries.Enqueue(new HistoryEntry(Session, line, input, output));
        }
    }

    /// <summary>The last <paramref name="n"/> cells, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Tail(int n)
    {
        lock (_entries) return [.. _entries.TakeLast(Math.Max(n, 0))];
    }

    /// <summary>
    /// The cells of a session from line <paramref name="start"/> up to, not including,
    /// <paramref name="stop"/> (to the end when null). Session 0 is the current one, as in
    /// IPython, and its entries say 0; earlier sessions (negative numbers, or another number) have none here.
    /// </summary>
    public IReadOnlyList<HistoryEntry> Range(int session, int start, int? stop)
    {
        if (session is not (0 or Session)) return [];
        lock (_entries)
            return [.. _entries.Where(e => e.Line >= start && (stop is null || e.Line < stop)).Select(e => e with { Session = session })];
    }

    /// <summary>
    /// The cells whose whole input matches a glob pattern (<c>*</c> any text, <c>?</c> one
    /// character, case-sensitive, as IPython's SQLite GLOB): the last <paramref name="n"/> when
    /// given, each input once (its latest run) when <paramref name="unique"/>, oldest first.
    /// </summary>
    public IReadOnlyList<HistoryEntry> Search(string pattern, bool unique, int? n)
    {
        var glob = new Regex("^" + string.Concat(pattern.Select(c => c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) })) + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant);
        List<HistoryEntry> found;
        lock (_entries) found = [.. _entries.Where(e => glob.IsMatch(e.Input))];
        if (unique)
        {
            var latest = found.GroupBy(e => e.Input, StringComparer.Ordinal).Select(g => g.Last()).ToHashSet();
            found = [.. found.Where(latest.Contains)];
        }
        return n is { } count ? [.. found.TakeLast(Math.Max(count, 0))] : found;
    }
}

/// <summary>One cell of the history.</summary>
/// <param name="Session">The session's number as the reply gives it.</param>
/// <param name="Line">The cell's execution count.</param>
/// <param name="Input">Its code.</param>
/// <param name="Output">The text/plain of its result; null when it had none.</param>
internal sealed record HistoryEntry(int Session, int Line, string Input, string? Output);
