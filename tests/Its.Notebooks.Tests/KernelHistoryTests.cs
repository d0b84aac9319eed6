using Its.Kernel;

namespace Its.Notebooks.Tests;

/// <summary>The kernel's history of cells as history_request reads it: tail, range, glob search, the bound.</summary>
public sealed class KernelHistoryTests
{
    private static KernelHistory Ran(params string[] inputs)
    {
        var history = new KernelHistory();
        for (int i = 0; i < inputs.Length; i++) history.Add(i + 1, inputs[i], inputs[i].EndsWith(';') ? null : $"out {i + 1}");
        return history;
    }

    private static int[] Lines(IEnumerable<HistoryEntry> entries) => entries.Select(e => e.Line).ToArray();

    [Fact]
    public void Tail_gives_the_last_cells_oldest_first()
    {
        var history = Ran("var a = 1;", "a", "a + 1", "var b = 2;");
        Assert.Equal([3, 4], Lines(history.Tail(2)));
        Assert.Equal([1, 2, 3, 4], Lines(history.Tail(10)));
        Assert.Empty(history.Tail(0));
        var last = history.Tail(1)[0];
        Assert.Equal(new HistoryEntry(KernelHistory.Session, 4, "var b = 2;", null), last);
        Assert.Equal("out 3", history.Tail(2)[0].Output);
    }

    [Fact]
    public void Range_reads_from_start_up_to_stop_of_the_current_session()
    {
        var history = Ran("1", "2", "3", "4", "5");
        Assert.Equal([2, 3], Lines(history.Range(0, 2, 4)));
        Assert.Equal([4, 5], Lines(history.Range(0, 4, null)));
        Assert.All(history.Range(0, 1, null), e => Assert.Equal(0, e.Session));
        Assert.All(history.Range(KernelHistory.Session, 1, null), e => Assert.Equal(KernelHistory.Session, e.Session));
        Assert.Empty(history.Range(-1, 1, null));
    }

    [Fact]
    public void Search_matches_whole_inputs_by_glob_with_unique_and_a_count()
    {
        var history = Ran("var fit = model.Fit();", "fit", "fit.Coefficients", "fit", "var f2 = 1;");
        Assert.Equal([2, 3, 4], Lines(history.Search("fit*", unique: false, n: null)));
        Assert.Equal([3, 4], Lines(history.Search("fit*", unique: true, n: null)));
        Assert.Equal([4], Lines(history.Search("fit*", unique: false, n: 1)));
        Assert.Equal([1, 5], Lines(history.Search("var f???*", unique: false, n: null)));
        Assert.Equal([5], Lines(history.Search("var f? = 1;", unique: false, n: null)));
        Assert.Empty(history.Search("FIT", unique: false, n: null));
        // Characters of regular expressions are plain characters in a glob.
        Assert.Equal([3], Lines(history.Search("fit.Coefficients", unique: false, n: null)));
        Assert.Empty(history.Search("fit.Coefficient.", unique: false, n: null));
    }

    [Fact]
    public void The_oldest_cells_go_past_the_capacity()
    {
        var history = new KernelHistory(capacity: 3);
        for (int i = 1; i <= 5; i++) history.Add(i, $"{i}", null);
        Assert.Equal([3, 4, 5], Lines(history.Tail(10)));
        Assert.Equal(10_000, KernelHistory.Capacity);
    }
}
