using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Its.Cli.Tests;

/// <summary>
/// <c>its panel</c>: every unit's row equals <c>its fit</c> on that unit (to 1e-10 relative, the
/// CSV printing numbers round-trip), CSV and Parquet in and out give the same numbers, partitions
/// give one output each, and bad input is refused naming the file, the row and the column, while
/// a bad unit gets its status and the others are fitted.
/// </summary>
public sealed class PanelCommandTests : IDisposable
{
    private const double Tolerance = 1e-10;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // 30 units of 48 months (2016-01 on) around a reform in 2018-01, AR(1)-like noise from a fixed
    // seed; unit 3 has gaps, unit 4 starts in 2016-07, unit 5 is constant, unit 6 ends before the reform.
    private static List<(string Id, string Month, string Value)> Rows()
    {
        var rng = new Random(20180101);
        var rows = new List<(string, string, string)>();
        for (int u = 0; u < 30; u++)
        {
            double e = 0;
            for (int t = 0; t < 48; t++)
            {
                e = 0.4 * e + rng.NextDouble() * 6 - 3;
                double v = 100 + 3 * u + 0.4 * t + (t >= 24 ? 6 + 0.2 * (t - 24) : 0) + e;
                if (u == 3 && t is 10 or 11 or 30) continue;
                if (u == 4 && t < 6) continue;
                if (u == 5) v = 42;
                if (u == 6 && t >= 20) continue;
                rows.Add(($"unit{u:D2}", $"{2016 + t / 12}-{t % 12 + 1:D2}", v.ToString("F4", CultureInfo.InvariantCulture)));
            }
        }
        return rows;
    }

    private string Csv(string name, IEnumerable<(string Id, string Month, string Value)> rows) =>
        _dir.Write(name, "id,month,visits\n" + string.Concat(rows.Select(r => $"{r.Id},{r.Month},{r.Value}\n")));

    private static string[] Panel(string input, string output, params string[] more) =>
        ["panel", input, "--id", "id", "--outcome", "visits", "--interruption", "2018-01", "--out", output, .. more];

    // The results CSV as (id, term) -> fields by column name.
    private static Dictionary<(string, string), Dictionary<string, string>> Results(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(Fields).ToDictionary(f => (f[0], f[1]), f => header.Zip(f).ToDictionary(p => p.First, p => p.Second));
    }

    // A results line: fields split on commas outside quotes.
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"') { if (quoted && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; } else quoted = !quoted; }
            else if (c == ',' && !quoted) { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return [.. fields];
    }

    private static void Close(double expected, string actual, string what)
    {
        double a = double.Parse(actual, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(a - expected) <= Tolerance * Math.Abs(expected), $"{what}: {a:R} vs {expected:R}");
    }

    [Theory]
    [InlineData("newey:3")]
    [InlineData("prais")]
    [InlineData("hc1")]
    public void Every_unit_equals_its_fit_on_that_unit(string errors)
    {
        string input = Csv("panel.csv", Rows());
        string output = Path.Combine(_dir.Path, "out.csv");
        var run = CliRun.Of(Panel(input, output, "--errors", errors));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("30 units, 28 fitted; not fitted: 1 too_few_points, 1 constant.", run.Output);
        var results = Results(output);
        Assert.Equal(30 * 4, results.Count);
        foreach (int u in new[] { 0, 3, 4, 17 })
        {
            string id = $"unit{u:D2}";
            var fit = CliRun.Of("fit", input, "--where", $"id={id}", "--outcome", "visits", "--interruption", "2018-01", "--errors", errors, "--allow-gaps", "--format", "json");
            Assert.Equal(0, fit.ExitCode);
            var json = JsonDocument.Parse(fit.Output).RootElement;
            foreach (var c in json.GetProperty("coefficients").EnumerateArray())
            {
                var row = results[(id, c.GetProperty("term").GetString()!)];
                Assert.Equal("ok", row["status"]);
                foreach (var (field, column) in new[] { ("estimate", "estimate"), ("std_error", "std_error"), ("statistic", "statistic"), ("ci_lower", "ci_lower"), ("ci_upper", "ci_upper") })
                    Close(c.GetProperty(field).GetDouble(), row[column], $"{id} {row["term"]} {field}");
                Assert.True(Math.Abs(c.GetProperty("p_value").GetDouble() - double.Parse(row["p_value"], CultureInfo.InvariantCulture)) <= Tolerance);
                Assert.Equal(c.GetProperty("df").GetDouble(), double.Parse(row["df"], CultureInfo.InvariantCulture));
            }
            Assert.Equal(json.GetProperty("n").GetInt32(), int.Parse(results[(id, "level1")]["n"], CultureInfo.InvariantCulture));
            Close(json.GetProperty("sigma").GetDouble(), results[(id, "level1")]["sigma"], $"{id} sigma");
            var warnings = json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToArray();
            Assert.Equal(warnings.Length > 0 ? string.Join("; ", warnings) : "", results[(id, "level1")]["note"]);
        }
        foreach (var (u, status) in new[] { (5, "constant"), (6, "too_few_points") })
        {
            string id = $"unit{u:D2}";
            var fit = CliRun.Of("fit", input, "--where", $"id={id}", "--outcome", "visits", "--interruption", "2018-01", "--errors", errors);
            Assert.Equal(2, fit.ExitCode);
            var row = results[(id, "level1")];
            Assert.Equal(status, row["status"]);
            Assert.Equal("", row["estimate"]);
            Assert.Contains(row["note"], fit.Error);
        }
    }

    [Theory]
    [InlineData("quarter")]
    [InlineData("fourier:2")]
    public void Quarterly_units_with_seasonal_terms_equal_their_fits(string seasonality)
    {
        var rng = new Random(20160301);
        var rows = new List<(string, string, string)>();
        for (int u = 0; u < 4; u++)
            for (int t = 0; t < 28; t++)
            {
                double v = 50 + u + 0.5 * t + (t >= 14 ? 4 : 0) + new[] { 0.0, 3, -2, 5 }[(t + 2) % 4] + rng.NextDouble() * 2;
                rows.Add(($"unit{u}", $"{2016 + (t + 2) / 4}-Q{(t + 2) % 4 + 1}", v.ToString("F4", CultureInfo.InvariantCulture)));
            }
        string input = Csv("quarters.csv", rows);
        string output = Path.Combine(_dir.Path, "quarters-out.csv");
        var run = CliRun.Of("panel", input, "--id", "id", "--outcome", "visits", "--interruption", "2019-Q4", "--seasonality", seasonality, "--errors", "newey:2", "--out", output);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        var results = Results(output);
        var fit = CliRun.Of("fit", input, "--where", "id=unit2", "--outcome", "visits", "--interruption", "2019-Q4", "--seasonality", seasonality, "--errors", "newey:2", "--format", "json");
        Assert.Equal(0, fit.ExitCode);
        var terms = JsonDocument.Parse(fit.Output).RootElement.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(seasonality == "quarter" ? ["intercept", "time", "level1", "slope1", "quarter2", "quarter3", "quarter4"] : ["intercept", "time", "level1", "slope1", "sin1", "cos1", "cos2"],
            terms.Select(c => c.GetProperty("term").GetString()));
        foreach (var c in terms)
        {
            var row = results[("unit2", c.GetProperty("term").GetString()!)];
            Close(c.GetProperty("estimate").GetDouble(), row["estimate"], $"unit2 {row["term"]} estimate");
            Close(c.GetProperty("std_error").GetDouble(), row["std_error"], $"unit2 {row["term"]} std_error");
        }
    }

    [Fact]
    public async Task Parquet_in_and_out_gives_the_numbers_of_csv()
    {
        var rows = Rows();
        string csv = Csv("panel.csv", rows);
        string parquet = Path.Combine(_dir.Path, "panel.parquet");
        using (var stream = File.Create(parquet))
        {
            var id = new DataField<string>("id");
            var month = new DataField<string>("month");
            var visits = new DataField<double?>("visits");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, month, visits), stream);
            // Two row groups, the split inside a unit: a unit may span row groups.
            foreach (var part in new[] { rows.Take(700).ToArray(), rows.Skip(700).ToArray() })
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(id, part.Select(r => r.Id).ToArray());
                await group.WriteAsync(month, part.Select(r => r.Month).ToArray());
                await group.WriteAsync<double>(visits, part.Select(r => (double?)double.Parse(r.Value, CultureInfo.InvariantCulture)).ToArray().AsMemory());
            }
        }
        string fromCsv = Path.Combine(_dir.Path, "a.csv"), fromParquet = Path.Combine(_dir.Path, "b.parquet");
        Assert.Equal(0, CliRun.Of(Panel(csv, fromCsv, "--errors", "newey:3")).ExitCode);
        var run = CliRun.Of(Panel(parquet, fromParquet, "--errors", "newey:3"));
        Assert.Equal("", run.Error);
        var expected = Results(fromCsv);
        await using var reader = await ParquetReader.CreateAsync(fromParquet);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["id", "term", "estimate", "std_error", "statistic", "df", "p_value", "ci_lower", "ci_upper", "n", "sigma", "rho", "status", "note"], fields.Select(f => f.Name));
        int seen = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = (int)group.RowCount;
            var ids = new string?[n];
            var terms = new string?[n];
            var estimates = new double?[n];
            var status = new string?[n];
            await group.ReadAsync(fields[0], ids.AsMemory());
            await group.ReadAsync(fields[1], terms.AsMemory());
            await group.ReadAsync<double>(fields[2], estimates.AsMemory());
            await group.ReadAsync(fields[12], status.AsMemory());
            for (int i = 0; i < n; i++, seen++)
            {
                var row = expected[(ids[i]!, terms[i]!)];
                Assert.Equal(row["status"], status[i]);
                Assert.Equal(row["estimate"], estimates[i] is { } e ? e.ToString("R", CultureInfo.InvariantCulture) : "");
            }
        }
        Assert.Equal(expected.Count, seen);
    }

    [Fact]
    public async Task Parquet_dates_integer_ids_and_filters_are_read_as_csv_text_is()
    {
        var rows = Rows();
        string parquet = Path.Combine(_dir.Path, "typed.parquet");
        using (var stream = File.Create(parquet))
        {
            var id = new DataField<int>("id");
            var month = new DataField<DateOnly>("month");
            var visits = new DataField<float>("visits");
            var region = new DataField<string>("region");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, month, visits, region), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(id, rows.Select(r => int.Parse(r.Id[4..], CultureInfo.InvariantCulture)).ToArray().AsMemory());
            await group.WriteAsync<DateOnly>(month, rows.Select(r => DateOnly.ParseExact(r.Month + "-15", "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray().AsMemory());
            await group.WriteAsync<float>(visits, rows.Select(r => float.Parse(r.Value, CultureInfo.InvariantCulture)).ToArray().AsMemory());
            await group.WriteAsync(region, rows.Select(r => int.Parse(r.Id[4..], CultureInfo.InvariantCulture) < 10 ? "north" : "south").ToArray());
        }
        // The same values as float, in CSV: the numbers must then agree exactly.
        string floats = Csv("floats.csv", rows.Select(r => (r.Id, r.Month, ((double)float.Parse(r.Value, CultureInfo.InvariantCulture)).ToString("R", CultureInfo.InvariantCulture))));
        string fromCsv = Path.Combine(_dir.Path, "a.csv"), fromParquet = Path.Combine(_dir.Path, "b.csv");
        Assert.Equal(0, CliRun.Of(Panel(floats, fromCsv)).ExitCode);
        var run = CliRun.Of(Panel(parquet, fromParquet, "--where", "region=north"));
        Assert.Equal("", run.Error);
        Assert.Contains("10 units, 8 fitted", run.Output);
        var expected = Results(fromCsv);
        var actual = Results(fromParquet);
        Assert.Equal(40, actual.Count);
        foreach (var ((id, term), row) in actual)
        {
            var csvRow = expected[($"unit{int.Parse(id, CultureInfo.InvariantCulture):D2}", term)];
            Assert.Equal(csvRow["status"], row["status"]);
            Assert.Equal(csvRow["estimate"], row["estimate"]);
            Assert.Equal(csvRow["std_error"], row["std_error"]);
        }
    }

    [Fact]
    public async Task Parquet_integer_ids_stay_exact_and_dates_take_the_interruption_s_frequency()
    {
        // Two ids a double cannot tell apart, and quarterly data stored as dates (the first day of each quarter).
        long[] ids = [9007199254740992, 9007199254740993];
        var rng = new Random(5);
        var rows = ids.SelectMany(u => Enumerable.Range(0, 24).Select(q => (Id: u, Date: new DateOnly(2015 + q / 4, 3 * (q % 4) + 1, 1),
            Value: 50 + 0.5 * q + (q >= 12 ? 4 : 0) + rng.NextDouble()))).ToArray();
        string parquet = Path.Combine(_dir.Path, "quarters.parquet");
        using (var stream = File.Create(parquet))
        {
            var id = new DataField<long>("id");
            var quarter = new DataField<DateOnly>("quarter");
            var visits = new DataField<double>("visits");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, quarter, visits), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, rows.Select(r => r.Id).ToArray().AsMemory());
            await group.WriteAsync<DateOnly>(quarter, rows.Select(r => r.Date).ToArray().AsMemory());
            await group.WriteAsync<double>(visits, rows.Select(r => r.Value).ToArray().AsMemory());
        }
        string output = Path.Combine(_dir.Path, "out.csv");
        var run = CliRun.Of(["panel", parquet, "--id", "id", "--date", "quarter", "--outcome", "visits", "--interruption", "2018-Q1", "--out", output]);
        Assert.Equal("", run.Error);
        Assert.Contains("2 units, 2 fitted", run.Output);
        var results = Results(output);
        Assert.Equal("24", results[("9007199254740992", "level1")]["n"]);
        Assert.Equal("ok", results[("9007199254740993", "level1")]["status"]);
    }

    [Fact]
    public void The_frequency_comes_from_the_dates_even_when_the_first_units_are_invalid()
    {
        var text = new StringBuilder("id,quarter,visits\n");
        text.Append("a,2015-Q1,oops\n");
        for (int u = 0; u < 3; u++)
            for (int q = 0; q < 24; q++)
                text.Append(CultureInfo.InvariantCulture, $"b{u},{2015 + q / 4}-Q{q % 4 + 1},{50 + 0.5 * q + (q >= 12 ? 4 : 0) + (q * 7 + u) % 5}\n");
        string input = _dir.Write("quarters.csv", text.ToString());
        var run = CliRun.Of(["panel", input, "--id", "id", "--date", "quarter", "--outcome", "visits", "--interruption", "2018-Q1", "--chunk", "1", "--out", Path.Combine(_dir.Path, "out.csv")]);
        Assert.Equal("", run.Error);
        Assert.Contains("4 units, 3 fitted; not fitted: 1 invalid.", run.Output);
    }

    [Fact]
    public void No_input_and_no_other_result_is_overwritten()
    {
        string input = Csv("panel.csv", Rows());
        string before = File.ReadAllText(input);
        var onInput = CliRun.Of(Panel(input, input, "--force"));
        Assert.Equal(2, onInput.ExitCode);
        Assert.Equal($"its: --out {input}: is the input {input}; give another file name\n", onInput.Error.Replace("\r", ""));
        Assert.Equal(before, File.ReadAllText(input));

        string output = Path.Combine(_dir.Path, "out.csv");
        var same = CliRun.Of(Panel(input, output, "--summary", output));
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("writes it too", same.Error);
        Assert.False(File.Exists(output));

        var directory = CliRun.Of(Panel(input, output, "--summary", _dir.Path));
        Assert.Equal(2, directory.ExitCode);
        Assert.Contains("is a directory", directory.Error);
        Assert.False(File.Exists(output));

        // Two inputs of the same name in different folders would write the same results file.
        Directory.CreateDirectory(Path.Combine(_dir.Path, "a"));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "b"));
        string a = Csv("a/part.csv", Rows().Take(480)), b = Csv("b/part.csv", Rows().Skip(480));
        var twice = CliRun.Of(["panel", a, b, "--id", "id", "--outcome", "visits", "--interruption", "2018-01", "--out", Path.Combine(_dir.Path, "res", "{name}.csv"), "--force"]);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains($"--out for {a} writes it too", twice.Error);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "res")));
    }

    [Fact]
    public void Partitions_give_one_output_each_and_together_the_whole_panel()
    {
        var rows = Rows();
        string whole = Csv("panel.csv", rows);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "parts"));
        Csv("parts/part-1.csv", rows.Where(r => string.CompareOrdinal(r.Id, "unit15") < 0));
        Csv("parts/part-2.csv", rows.Where(r => string.CompareOrdinal(r.Id, "unit15") >= 0));
        string all = Path.Combine(_dir.Path, "all.csv");
        Assert.Equal(0, CliRun.Of(Panel(whole, all)).ExitCode);
        var refused = CliRun.Of(Panel(Path.Combine(_dir.Path, "parts", "part-*.csv"), Path.Combine(_dir.Path, "out.csv")));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("{name}", refused.Error);
        var run = CliRun.Of(["panel", "--input", Path.Combine(_dir.Path, "parts", "part-*.csv"), "--id", "id", "--outcome", "visits", "--interruption", "2018-01",
            "--out", Path.Combine(_dir.Path, "results", "{name}.csv"), "--summary", Path.Combine(_dir.Path, "results", "{name}.json")]);
        Assert.Equal(0, run.ExitCode);
        var parts = Results(Path.Combine(_dir.Path, "results", "part-1.csv")).Concat(Results(Path.Combine(_dir.Path, "results", "part-2.csv"))).ToDictionary();
        Assert.Equal(Results(all), parts);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "results", "part-2.json"))).RootElement;
        Assert.Equal(15, summary.GetProperty("units").GetInt32());
        Assert.Equal(15, summary.GetProperty("status").GetProperty("ok").GetInt32());
        Assert.Equal(["level1", "slope1"], summary.GetProperty("terms").EnumerateArray().Select(t => t.GetProperty("term").GetString()));
    }

    [Fact]
    public void The_summary_json_describes_the_units_and_the_forest()
    {
        string input = Csv("panel.csv", Rows());
        string summaryPath = Path.Combine(_dir.Path, "summary.json");
        var run = CliRun.Of(Panel(input, Path.Combine(_dir.Path, "out.csv"), "--summary", summaryPath, "--forest", "4"));
        Assert.Equal(0, run.ExitCode);
        var root = JsonDocument.Parse(File.ReadAllText(summaryPath)).RootElement;
        Assert.Equal(30, root.GetProperty("units").GetInt32());
        Assert.Equal(1, root.GetProperty("status").GetProperty("constant").GetInt32());
        Assert.Equal("ols", root.GetProperty("errors").GetString());
        var level = root.GetProperty("terms")[0];
        Assert.Equal(28, level.GetProperty("units").GetInt32());
        // The simulated level change is 6 in every unit: the pooled estimate's CI covers it.
        var pooled = level.GetProperty("random_effects");
        Assert.InRange(6.0, pooled.GetProperty("ci_lower").GetDouble(), pooled.GetProperty("ci_upper").GetDouble());
        var forest = root.GetProperty("forest").EnumerateArray().ToArray();
        Assert.Equal(8, forest.Length);
        Assert.Equal(["unit00", "unit01", "unit02", "unit03"], forest.Where(f => f.GetProperty("term").GetString() == "level1").Select(f => f.GetProperty("id").GetString()));
    }

    [Fact]
    public void A_bad_unit_gets_a_status_and_the_others_are_fitted()
    {
        var rows = Rows();
        rows.Add(("unit29", "2019-12", "1")); // unit29's last month again, at the end
        int bad = rows.FindIndex(r => r.Id == "unit01" && r.Month == "2017-03");
        rows[bad] = (rows[bad].Id, rows[bad].Month, "n/a?");
        string input = Csv("panel.csv", rows);
        string output = Path.Combine(_dir.Path, "out.csv");
        var run = CliRun.Of(Panel(input, output));
        Assert.Equal(0, run.ExitCode);
        var results = Results(output);
        Assert.Equal("invalid", results[("unit01", "level1")]["status"]);
        Assert.Equal($"{input}: row {bad + 2}, column visits: 'n/a?' is not a finite number", results[("unit01", "level1")]["note"]);
        Assert.Equal("invalid", results[("unit29", "level1")]["status"]);
        Assert.Equal($"{input}: rows {rows.Count} and {rows.Count + 1}, column month: 2019-12 appears twice for unit unit29", results[("unit29", "level1")]["note"]);
        Assert.Equal("ok", results[("unit02", "level1")]["status"]);
    }

    [Fact]
    public void A_progress_bar_shows_on_a_terminal_and_not_when_stderr_is_redirected()
    {
        // script(1) runs the command on a pseudo-terminal and copies what it shows.
        string script = Peers.Require("/usr/bin/script", "bsdutils");
        string its = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "its.exe" : "its");
        string input = Csv("panel.csv", Rows());
        string command = $"'{its}' panel '{input}' --id id --outcome visits --interruption 2018-01 --out '{Path.Combine(_dir.Path, "out.csv")}' --force";
        var terminal = new Dictionary<string, string> { ["TERM"] = "xterm-256color" };
        var (code, shown) = Peers.Run(script, _dir.Path, terminal, "-qec", command, "/dev/null");
        Assert.Equal(0, code);
        Assert.Contains("100%", shown);
        Assert.Contains("30 units, 28 fitted", shown);
        string errors = Path.Combine(_dir.Path, "stderr.txt");
        var (redirected, _) = Peers.Run(script, _dir.Path, terminal, "-qec", $"{command} 2> '{errors}'", "/dev/null");
        Assert.Equal(0, redirected);
        Assert.Equal("", File.ReadAllText(errors));
    }

    [Fact]
    public void Bad_files_and_options_are_refused_naming_what_is_wrong()
    {
        var rows = Rows();
        string input = Csv("panel.csv", rows);
        string output = Path.Combine(_dir.Path, "out.csv");

        var noColumn = CliRun.Of(["panel", input, "--id", "hospital", "--outcome", "visits", "--interruption", "2018-01", "--out", output]);
        Assert.Equal(2, noColumn.ExitCode);
        Assert.Equal($"its: {input}: no column 'hospital' (asked for by --id); the columns are id, month, visits (read as CSV, ','-separated, UTF-8)\n", noColumn.Error.Replace("\r", ""));

        // unit00's rows again after the others: the file is not grouped by unit.
        string split = Csv("split.csv", rows.Concat(rows.Where(r => r.Id == "unit00").Take(1)));
        var splitRun = CliRun.Of(Panel(split, output, "--chunk", "5"));
        Assert.Equal(2, splitRun.ExitCode);
        Assert.Equal($"its: {split}: row {rows.Count + 2}, column id: unit unit00 appears again after other units; the rows of a unit must be together (sort the file by id)\n", splitRun.Error.Replace("\r", ""));
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));

        File.WriteAllText(output, "keep me");
        var exists = CliRun.Of(Panel(input, output));
        Assert.Equal(2, exists.ExitCode);
        Assert.Contains("exists; give --force to overwrite it", exists.Error);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Equal(0, CliRun.Of(Panel(input, output, "--force")).ExitCode);

        var gls = CliRun.Of(Panel(input, output, "--force", "--errors", "gls-ar:1"));
        Assert.Equal(2, gls.ExitCode);
        Assert.Contains("has no panel path; use ols, hc0..hc3, newey:L (also :parzen or :qs), prais or cochrane-orcutt", gls.Error);

        var missing = CliRun.Of(Panel(Path.Combine(_dir.Path, "nope-*.csv"), output));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no file matches", missing.Error);

        var notParquet = CliRun.Of(Panel(_dir.Write("fake.parquet", "id,month,visits\n"), output, "--force"));
        Assert.Equal(2, notParquet.ExitCode);
        Assert.Contains("not a readable Parquet file", notParquet.Error);
    }

    [Fact]
    public void A_panel_where_no_unit_can_be_fitted_is_refused_with_the_counts_of_the_reasons_and_writes_nothing()
    {
        // 1,000 units of six months, all before the interruption, then 3 units of 48 months with a bad month each.
        var text = new StringBuilder("id,month,visits\n");
        for (int u = 0; u < 1000; u++)
            for (int t = 0; t < 6; t++) text.Append(CultureInfo.InvariantCulture, $"short{u:D4},2016-{t + 1:D2},{100 + t + u % 7}\n");
        int badRow = 0;
        for (int u = 0; u < 3; u++)
            for (int t = 0; t < 48; t++)
            {
                string month = t == 30 ? "2018-13" : $"{2016 + t / 12}-{t % 12 + 1:D2}";
                text.Append(CultureInfo.InvariantCulture, $"dated{u},{month},{100 + t + (t >= 24 ? 5 : 0) + u}\n");
                if (u == 0 && t == 30) badRow = 6000 + 30 + 2;
            }
        string input = _dir.Write("panel.csv", text.ToString());
        string output = Path.Combine(_dir.Path, "out.csv"), summary = Path.Combine(_dir.Path, "summary.json");
        var run = CliRun.Of(Panel(input, output, "--summary", summary, "--chunk", "256"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal($"its: {input}: no unit could be fitted: 1,000 too_few_points (the first, unit short0000: interruption 2018-01 is outside the series 2016-01 to 2016-06 "
            + $"(it must fall after the first month and no later than the last)); 3 invalid (the first, unit dated0: row {badRow}, column month: '2018-13' has month 13, not 1..12)\n",
            run.Error.Replace("\r", ""));
        Assert.Equal([input], Directory.GetFiles(_dir.Path));

        // An earlier run's results are left as they were, not replaced by blanks.
        File.WriteAllText(output, "earlier results");
        Assert.Equal(2, CliRun.Of(Panel(input, output, "--force")).ExitCode);
        Assert.Equal("earlier results", File.ReadAllText(output));
    }

    [Theory]
    [InlineData("beds", "visits", "column beds: '120' is not a date (expected a month as 2016-01, 2016m1, Jan 2016 or 201601, a quarter as 2016-Q1 or Q1 2016, a year as 2016, or a day as 2016-01-15; give --date-format for another form)")]
    [InlineData("month", "region", "column region: 'north' is not a finite number")]
    public void A_date_or_outcome_column_that_makes_every_unit_invalid_is_refused_with_the_reason(string date, string outcome, string reason)
    {
        // beds: a whole number per unit (120 for unit00), not a date; region: text, not a number.
        string input = _dir.Write("panel.csv", "id,month,visits,region,beds\n"
            + string.Concat(Rows().Select(r => $"{r.Id},{r.Month},{r.Value},north,{120 + int.Parse(r.Id[4..], CultureInfo.InvariantCulture)}\n")));
        string output = Path.Combine(_dir.Path, "out.csv");
        var run = CliRun.Of(["panel", input, "--id", "id", "--date", date, "--outcome", outcome, "--interruption", "2018-01", "--out", output]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal($"its: {input}: no unit could be fitted: 30 invalid (the first, unit unit00: row 2, {reason})\n", run.Error.Replace("\r", ""));
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
    }
}
