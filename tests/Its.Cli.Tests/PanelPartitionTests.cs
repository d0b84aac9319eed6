using System.Globalization;
using System.Text.Json.Nodes;

namespace Its.Cli.Tests;

/// <summary>
/// <c>its panel --partition K/N</c> and <c>its panel merge</c>: N tasks fit every unit of a panel
/// exactly once between them, and their summaries merge into the whole panel's summary, number for
/// number; parts that are not one panel's, or results that are not their summary's, are refused.
/// </summary>
public sealed class PanelPartitionTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // 90 clinics, 2016-01 to 2019-12, with a level change at 2018-01 of each clinic's own size; one
    // clinic has a value that is not a number, so the status counts are tested too.
    private string Panel()
    {
        var rng = new Random(7);
        var csv = new System.Text.StringBuilder("clinic,month,visits\n");
        for (int c = 0; c < 90; c++)
        {
            double level = 50 + rng.NextDouble() * 50, change = rng.NextDouble() * 20 - 5;
            for (int t = 0; t < 48; t++)
            {
                string v = c == 13 && t == 5 ? "n/a?" : (level + 0.3 * t + (t >= 24 ? change : 0) + rng.NextDouble() * 8).ToString("R", CultureInfo.InvariantCulture);
                csv.Append(CultureInfo.InvariantCulture, $"c{c:D3},{2016 + t / 12}-{t % 12 + 1:D2},{v}\n");
            }
        }
        return _dir.Write("clinics.csv", csv.ToString());
    }

    private string At(string name) => Path.Combine(_dir.Path, name);

    private static string[] Fit(string input, string results, string summary, params string[] more) =>
        ["panel", input, "--id", "clinic", "--outcome", "visits", "--interruption", "2018-01", "--errors", "newey:2", "--out", results, "--summary", summary, .. more];

    // The parts of a run in three, results as CSV, CSV and Parquet.
    private string[] Parts(string panel, int count = 3, params string[] more)
    {
        var summaries = new List<string>();
        for (int k = 1; k <= count; k++)
        {
            string summary = At($"part-{k}.json");
            var run = CliRun.Of(Fit(panel, At(k == 3 ? "part-3.parquet" : $"part-{k}.csv"), summary, ["--partition", $"{k}/{count}", .. more]));
            Assert.Equal("", run.Error);
            Assert.Equal(0, run.ExitCode);
            summaries.Add(summary);
        }
        return [.. summaries];
    }

    private static JsonNode Json(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    [Fact]
    public void Partitions_fit_every_unit_once_and_their_summaries_merge_to_the_summary_of_the_whole()
    {
        string panel = Panel();
        Assert.Equal(0, CliRun.Of(Fit(panel, At("whole.csv"), At("whole.json"))).ExitCode);
        var summaries = Parts(panel);

        // Every unit in one part, and none empty: units are spread by a hash of the id.
        var counts = summaries.Select(s => (int)Json(s)["units"]!).ToArray();
        Assert.Equal(90, counts.Sum());
        Assert.All(counts, n => Assert.InRange(n, 15, 45));
        var csvRows = File.ReadAllLines(At("part-1.csv")).Skip(1).Concat(File.ReadAllLines(At("part-2.csv")).Skip(1));
        var wholeRows = File.ReadAllLines(At("whole.csv")).Skip(1).ToArray();
        Assert.Subset(wholeRows.ToHashSet(), csvRows.ToHashSet());
        Assert.Equal(2, (int)Json(At("part-2.json"))["partition"]!["index"]!);

        var merge = CliRun.Of("panel", "merge", At("part-*.json"), "--summary", At("merged.json"));
        Assert.Equal("", merge.Error);
        Assert.Equal(0, merge.ExitCode);
        Assert.Contains("90 units, 89 fitted; not fitted: 1 invalid.", merge.Output);
        Assert.Contains("Merged from 3 parts", merge.Output);
        var whole = Json(At("whole.json"));
        var merged = Json(At("merged.json"));
        // The same counts, quantiles and pooled estimates, to the last digit of the JSON.
        foreach (string field in new[] { "source", "units", "status", "outcome", "errors", "impact", "interruptions", "transform", "seasonality", "transition", "terms" })
            Assert.Equal(whole[field]!.ToJsonString(), merged[field]!.ToJsonString());
        Assert.Null(merged["results"]);
        var parts = merged["parts"]!.AsArray();
        Assert.Equal(3, parts.Count);
        Assert.Equal(At("part-3.parquet"), (string)parts[2]!["results"]!["file"]!);
        Assert.Equal((string)Json(At("part-3.json"))["results"]!["sha256"]!, (string)parts[2]!["results"]!["sha256"]!);
        Assert.Equal(30, merged["forest"]!.AsArray().Count / 2);

        // A query partitioned the same way fits the same units as the file.
        var numeric = CliRun.Of(["panel", "--sql", $"SELECT clinic, month, TRY_CAST(visits AS DOUBLE) AS visits FROM read_csv('{panel}', types = {{'visits': 'VARCHAR'}})",
            "--id", "clinic", "--outcome", "visits", "--interruption", "2018-01", "--errors", "newey:2", "--out", At("query-1.csv"), "--partition", "1/3"]);
        Assert.Equal(0, numeric.ExitCode);
        Assert.Equal(File.ReadAllLines(At("part-1.csv")).Select(l => l.Split(',')[0]).Distinct(), File.ReadAllLines(At("query-1.csv")).Select(l => l.Split(',')[0]).Distinct());
    }

    [Fact]
    public void Parts_that_are_not_the_parts_of_one_panel_are_refused()
    {
        string panel = Panel();
        var summaries = Parts(panel);
        CliRun Merge(params string[] files) => CliRun.Of(["panel", "merge", .. files]);

        var missing = Merge(summaries[0], summaries[2]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal($"its: partition 2/3 of {panel} is missing: the merge of 2 of 3 parts would not be the whole panel\n", missing.Error);
        Assert.Contains("is given twice", Merge(summaries[0], summaries[1], summaries[2], summaries[1]).Error);

        // A part fitted with another model, or with its units split in another number of parts.
        Assert.Equal(0, CliRun.Of([.. Fit(panel, At("other.csv"), At("other.json"), "--partition", "2/3").Select(a => a == "newey:2" ? "newey:3" : a)]).ExitCode);
        Assert.StartsWith($"its: {At("other.json")}: fitted with visits, newey:3 errors, level+slope impact at 2018-01, transform none, seasonality none, 0 transition periods, but {summaries[0]} with visits, newey:2 errors",
            Merge(summaries[0], At("other.json"), summaries[2]).Error);
        Assert.Equal(0, CliRun.Of(Fit(panel, At("log.csv"), At("log.json"), "--partition", "2/3", "--transform", "log")).ExitCode);
        Assert.Contains("transform log, seasonality none", Merge(summaries[0], At("log.json"), summaries[2]).Error);
        Assert.Equal(0, CliRun.Of(Fit(panel, At("half.csv"), At("half.json"), "--partition", "2/2")).ExitCode);
        Assert.Contains("partition 2/2 is of 2 parts", Merge(summaries[0], At("half.json"), summaries[2]).Error);
        Assert.Equal(0, CliRun.Of(Fit(panel, At("whole.csv"), At("whole.json"))).ExitCode);
        Assert.Contains("fitted the whole of", Merge(summaries[0], At("whole.json")).Error);
        // The same partition of a panel written out as two files: a unit in both is refused.
        Assert.Contains("is given twice", Merge(At("whole.json"), At("whole.json")).Error);
        File.Copy(At("whole.csv"), At("copy.csv"));
        File.WriteAllText(At("copy.json"), File.ReadAllText(At("whole.json")).Replace(At("whole.csv"), At("copy.csv")));
        Assert.Contains("is also in the results of", Merge(At("whole.json"), At("copy.json")).Error);

        // Results that are not their summary's: changed, gone, or a summary that is already a merge.
        var merged = Merge([.. summaries, "--summary", At("merged.json")]);
        Assert.Equal(0, merged.ExitCode);
        Assert.Contains("is itself a merge of parts", Merge(At("merged.json")).Error);
        byte[] kept = File.ReadAllBytes(At("merged.json"));
        var again = Merge([.. summaries, "--summary", At("merged.json")]);
        Assert.Equal($"its: {At("merged.json")}: exists; give --force to overwrite it\n", again.Error);
        var onPart = Merge([.. summaries, "--summary", summaries[1], "--force"]);
        Assert.StartsWith($"its: {summaries[1]}: is {summaries[1]}, which the merge read", onPart.Error);
        Assert.Equal(kept, File.ReadAllBytes(At("merged.json")));
        // Parts moved elsewhere: their results are found beside their summaries (where the runs wrote
        // them is gone), and the merge's output may not be one of those files either.
        string moved = Directory.CreateDirectory(At("moved")).FullName;
        foreach (string name in new[] { "part-1.json", "part-1.csv", "part-2.json", "part-2.csv", "part-3.json", "part-3.parquet" })
            File.Copy(At(name), Path.Combine(moved, name));
        string[] movedSummaries = [.. summaries.Select(f => Path.Combine(moved, Path.GetFileName(f)))];
        foreach (string name in new[] { "part-1.csv", "part-2.csv", "part-3.parquet" }) File.Move(At(name), At(name + ".away"));
        Assert.Equal(0, Merge([.. movedSummaries, "--summary", At("moved.json")]).ExitCode);
        Assert.StartsWith($"its: {Path.Combine(moved, "part-1.csv")}: is {Path.Combine(moved, "part-1.csv")}, which the merge read",
            Merge([.. movedSummaries, "--summary", Path.Combine(moved, "part-1.csv"), "--force"]).Error);
        foreach (string name in new[] { "part-1.csv", "part-2.csv", "part-3.parquet" }) File.Move(At(name + ".away"), At(name));
        File.AppendAllText(At("part-2.csv"), "c999,level1,1,1,1,44,0.5,0,2,48,1,,ok,\r\n");
        var changed = Merge(summaries);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains($"{At("part-2.csv")}: its SHA-256 is ", changed.Error);
        Assert.Contains($"as {summaries[1]} says: these results are not the ones that summary was made with", changed.Error);
        File.Delete(At("part-2.csv"));
        Assert.Contains($"its results file {At("part-2.csv")} is not found", Merge(summaries).Error);
        Assert.Contains("not JSON", Merge(_dir.Write("broken.json", "{\"units\": ")).Error);
        Assert.Contains("not the summary of an its panel run (no object field 'results')", Merge(_dir.Write("stranger.json", "{\"units\": 3}")).Error);
        Assert.Contains("file not found", Merge(At("nope.json")).Error);
    }

    [Fact]
    public void A_partition_outside_its_count_is_refused_and_one_that_holds_no_unit_is_a_part_all_the_same()
    {
        string panel = Panel();
        foreach (var (given, message) in new[] { ("0/3", "K must be 1 to 3"), ("4/3", "K must be 1 to 3"), ("3", "expected K/N"), ("a/b", "expected K/N"), ("1/0", "expected K/N") })
        {
            var run = CliRun.Of(Fit(panel, At("out.csv"), At("out.json"), "--partition", given));
            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith($"its: --partition {given}: {message}", run.Error);
            Assert.False(File.Exists(At("out.csv")));
        }
        // Two units in 8 parts: most parts hold none, and still write their (empty) results and
        // summary, so that the parts merge into the whole.
        string two = _dir.Write("two.csv", string.Concat(File.ReadLines(panel).Take(97).Select(l => l + "\n")));
        var runs = Enumerable.Range(1, 8).Select(k => CliRun.Of(Fit(two, At($"e{k}.csv"), At($"e{k}.json"), "--partition", $"{k}/8"))).ToArray();
        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        Assert.Contains(runs, r => r.Output.Contains("0 units, 0 fitted.", StringComparison.Ordinal));
        var merged = CliRun.Of(["panel", "merge", .. Enumerable.Range(1, 8).Select(k => At($"e{k}.json"))]);
        Assert.Equal("", merged.Error);
        Assert.Contains("2 units, 2 fitted.", merged.Output);
    }
}
