using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Its.Batch;
using Its.Data;
using Its.Model;
using Its.Time;

namespace Its.Cli.Tests;

/// <summary>
/// <see cref="PanelPipeline"/> called from C#, as a notebook calls it: the results file holds each
/// unit's estimates as a single fit of that unit gives them, the summary counts the units by
/// status, and the summary file names the results file by its SHA-256.
/// </summary>
public sealed class PanelPipelineTests : IDisposable
{
    // The results CSV prints numbers that round-trip; the batch and the single fit share the algebra.
    private const double Tolerance = 1e-10;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Four units of 36 months around a reform in 2018-01 with seeded noise; unit d's outcome is not a number in one month.
    private string Panel()
    {
        var rng = new Random(2018);
        var lines = new List<string> { "id,month,visits" };
        foreach (string id in new[] { "a", "b", "c", "d" })
            for (int t = 0; t < 36; t++)
            {
                double value = 50 + 0.3 * t + (t >= 24 ? 4 + 0.5 * (t - 24) : 0) + rng.NextDouble() * 4;
                string shown = id == "d" && t == 7 ? "x" : value.ToString("F4", CultureInfo.InvariantCulture);
                lines.Add($"{id},{2016 + t / 12}-{t % 12 + 1:D2},{shown}");
            }
        return _dir.Write("clinics.csv", string.Join("\n", lines) + "\n");
    }

    private static PanelRun Run(bool overwrite = false) => new()
    {
        Columns = new PanelOptions { Id = "id", Date = "month", Outcome = "visits" },
        Spec = new ItsSpec { Interruptions = [Period.Month(2018, 1)] },
        Chunk = 3,
        Overwrite = overwrite,
    };

    [Fact]
    public void Writes_each_units_estimates_as_a_single_fit_gives_them_and_summarises_the_units()
    {
        string input = Panel();
        var plan = Assert.Single(PanelPipeline.Plan([input], Path.Combine(_dir.Path, "out", "{name}.csv"), Path.Combine(_dir.Path, "out", "{name}.json"), overwrite: false));
        Assert.Equal(Path.Combine(_dir.Path, "out", "clinics.csv"), plan.Results);
        var fractions = new List<double>();

        var done = PanelPipeline.Run(plan, Run(), fractions.Add);

        Assert.Equal(4, done.Summary.Units);
        Assert.Equal(3, done.Summary.StatusCounts[UnitStatus.Ok]);
        Assert.Equal(1, done.Summary.StatusCounts[UnitStatus.Invalid]);
        Assert.Equal([Period.Month(2018, 1)], done.Spec.Interruptions);
        Assert.Equal(2, fractions.Count); // chunks of 3 units: a, b, c then d
        Assert.Equal(1.0, fractions[^1], 10);

        var lines = File.ReadAllLines(plan.Results);
        Assert.Equal(string.Join(",", UnitResultWriter.Columns), lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var table = TextTable.Read(plan.Input);
        foreach (string id in new[] { "a", "b", "c" })
        {
            var single = new ItsModel(SeriesLoader.Load(table, new SeriesOptions { Outcome = "visits", Where = [$"id={id}"] }), Run().Spec).Fit();
            foreach (var coefficient in single.Coefficients)
            {
                var row = Assert.Single(rows, r => r[0] == id && r[1] == coefficient.Term);
                Close(coefficient.Estimate, row[2], $"{id} {coefficient.Term} estimate");
                Close(coefficient.StdError, row[3], $"{id} {coefficient.Term} std_error");
                Assert.Equal("ok", row[12]);
            }
        }
        Assert.All(rows.Where(r => r[0] == "d"), r => Assert.Equal("invalid", r[12]));

        using var summary = JsonDocument.Parse(File.ReadAllText(plan.Summary!));
        string json = summary.RootElement.GetRawText();
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plan.Results)));
        Assert.Contains(sha, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_to_replace_results_unless_told_and_writes_nothing_when_no_unit_fits()
    {
        string input = Panel();
        string results = Path.Combine(_dir.Path, "results.csv");
        var plan = Assert.Single(PanelPipeline.Plan([input], results, null, overwrite: false));
        PanelPipeline.Run(plan, Run());
        Assert.Throws<InputError>(() => PanelPipeline.Plan([input], results, null, overwrite: false));
        var again = Assert.Single(PanelPipeline.Plan([input], results, null, overwrite: true));
        byte[] before = File.ReadAllBytes(results);

        // An outcome column of ids: no unit has a number, so the run is refused and the results stay as they were.
        var nothing = Run(overwrite: true) with { Columns = new PanelOptions { Id = "id", Date = "month", Outcome = "id" } };
        var refused = Assert.Throws<InputError>(() => PanelPipeline.Run(again, nothing));
        Assert.StartsWith($"{input}: no unit could be fitted: 4 invalid (the first, unit a", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(results));
    }

    private static void Close(double expected, string actual, string what)
    {
        double a = double.Parse(actual, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(a - expected) <= Tolerance * Math.Abs(expected), $"{what}: {a:R} vs {expected:R}");
    }
}
