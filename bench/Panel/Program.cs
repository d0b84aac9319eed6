// Batch ITS fitting speed: the shared-design path of the kit (Its.Batch.SharedDesign) on series of
// 48 months with one interruption at month 24 (intercept, time, level1, slope1), read from the raw
// float64 file that bench/panel_data.py writes (series-major, 48 values per series).
//
//   dotnet bench/Panel/bin/Release/net10.0/Panel.dll FILE N ERRORS
//
// prints one JSON line: the seconds spent fitting after a second of warm-up (reading the file
// excluded, as the peers' timings exclude it; "wall_seconds" includes it; "first_chunk_seconds" is
// the first, cold chunk of 16,384 series), series per second, the process's peak memory, and
// checksums the driver compares with R and statsmodels.
//
//   dotnet bench/Panel/bin/Release/net10.0/Panel.dll long FILE N OUT.csv|OUT.parquet
//
// writes the same series as a long panel file (id, month, visits; one row per unit and month,
// values rounded to 3 decimals) for `its panel`.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Its.Batch;
using Its.Model;
using Its.Time;

const int Months = 48, Chunk = 16_384, Checked = 1000;
if (args.Length == 4 && args[0] == "long") return LongFile.Write(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3], Months);
if (args.Length != 3) { Console.Error.WriteLine("usage: Panel FILE N ERRORS"); return 2; }
string file = args[0];
int n = int.Parse(args[1], CultureInfo.InvariantCulture);
var errors = ErrorModel.Parse(args[2]);
if (new FileInfo(file).Length != (long)n * Months * sizeof(double))
{
    Console.Error.WriteLine($"{file} does not hold {n} series of {Months} values");
    return 2;
}

var start = Period.Month(2016, 1);
var spec = new ItsSpec { Interruptions = [start.Add(24)], Errors = errors };
var periods = Enumerable.Range(0, Months).Select(start.Add).ToArray();
var model = new ItsModel(new TimeSeries(periods, new double[Months]), spec);
var design = new SharedDesign(model.X, model.Design.Terms, errors);
int level = design.Terms.ToList().IndexOf("level1");

// Warm-up, not timed (as the peers' interpreters are already loaded): fitting for a second lets
// the tiered JIT replace the first, unoptimised code of the hot path (its own and TensorPrimitives')
// with optimised code, which takes about 0.4 s of fitting; the timing is then of the steady state.
var warm = new double[Chunk * Months];
for (int i = 0; i < warm.Length; i++) warm[i] = Math.Sin(i) + i % Months;
var warming = Stopwatch.StartNew();
double firstSeconds = 0;
while (warming.Elapsed.TotalSeconds < 1)
{
    design.Fit(warm);
    if (firstSeconds == 0) firstSeconds = warming.Elapsed.TotalSeconds;
}

var buffer = new double[Chunk * Months];
var fitting = new Stopwatch();
var wall = Stopwatch.StartNew();
double sumLevel = 0, sumLevelSe = 0, firstLevelSe = double.NaN;
int failed = 0, done = 0;
using (var stream = File.OpenRead(file))
{
    while (done < n)
    {
        int count = Math.Min(Chunk, n - done);
        stream.ReadExactly(MemoryMarshal.AsBytes(buffer.AsSpan(0, count * Months)));
        fitting.Start();
        var result = design.Fit(buffer.AsMemory(0, count * Months));
        fitting.Stop();
        for (int i = 0; i < count; i++)
        {
            if (result.Status(i) != UnitStatus.Ok) { failed++; continue; }
            sumLevel += result.Estimate(i, level);
            if (done + i < Checked) sumLevelSe += result.StdError(i, level);
            if (done + i == 0) firstLevelSe = result.StdError(i, level);
        }
        done += count;
    }
}
wall.Stop();
double seconds = fitting.Elapsed.TotalSeconds;
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["peer"] = $"its batch {errors.Name}",
    ["series"] = n,
    ["seconds"] = Math.Round(seconds, 4),
    ["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 4),
    ["first_chunk_seconds"] = Math.Round(firstSeconds, 4),
    ["per_second"] = Math.Round(n / seconds),
    ["peak_mib"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
    ["failed"] = failed,
    ["level_se_first"] = firstLevelSe,
    ["sum_level_se"] = sumLevelSe,
    ["sum_level"] = sumLevel,
}));
return 0;
