// Latency of the notebook engine: the first cell of a process (Roslyn's first compile), the first
// cell of a second session in the same process, and trivial cells after the first (compile + run),
// as a notebook or the kernel sees them. Prints one line per measure; times in milliseconds.
using System.Diagnostics;
using System.Globalization;
using Its.Cli;
using Its.Notebooks.Engine;

int cells = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
var formatter = KitComposition.Formatter;
double Time(NotebookSession session, string code, int count)
{
    var clock = Stopwatch.StartNew();
    var result = session.RunCell(code, count);
    if (result.Status != CellStatus.Ok) throw new InvalidOperationException($"cell failed: {result.Error?.Value}");
    return clock.Elapsed.TotalMilliseconds;
}

var first = new NotebookSession(formatter, options: KitComposition.Session());
double firstCell = Time(first, "var x = 1;", 1);
var trivial = Enumerable.Range(2, cells).Select(i => Time(first, $"x + {i}", i)).Order().ToArray();
var second = new NotebookSession(formatter, options: KitComposition.Session());
double secondSession = Time(second, "var y = 2;", 1);
var kit = Time(second, "var panel = SanmingLoader.Load(ShippedData.Locate()); panel.Months.Count", 2);

string F(double ms) => ms.ToString("F1", CultureInfo.InvariantCulture);
Console.WriteLine($"first cell of the process      {F(firstCell)} ms");
Console.WriteLine($"first cell of a second session {F(secondSession)} ms");
Console.WriteLine($"trivial cell after the first   median {F(trivial[trivial.Length / 2])} ms, 90th percentile {F(trivial[(int)(0.9 * (trivial.Length - 1))])} ms ({cells} cells)");
Console.WriteLine($"cell loading the Sanming panel {F(kit)} ms");
