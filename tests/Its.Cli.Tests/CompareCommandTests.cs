using System.Text.Json;
using Sanming;

namespace Its.Cli.Tests;

/// <summary>
/// <c>its compare</c> on Proposition 99 (Linden 2015's multiple-group example) and on the shipped
/// Sanming panel, whose published heterogeneity it reproduces; <c>its fit --share-of</c>; and the
/// refusals of both.
/// </summary>
public sealed class CompareCommandTests
{
    private static readonly string[] Prop99 = ["--group", "state", "--treated", "California", "--date", "year", "--outcome", "cigsale", "--interruption", "1989", "--errors", "newey:1"];

    private static string[] Study(string outcome) =>
        ["compare", ShippedData.Locate(), "--group", "institution_type", "--treated", "hospital", "--outcome", outcome,
         "--interruption", "2017-10", "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "newey:3", "--format", "json"];

    private static JsonElement Json(CliRun run)
    {
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    private static JsonElement Test(JsonElement json, string term) =>
        json.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("term").GetString() == term);

    private static JsonElement Coefficient(JsonElement fit, string term) =>
        fit.GetProperty("coefficients").EnumerateArray().Single(c => c.GetProperty("term").GetString() == term);

    private static JsonElement Group(JsonElement json, string name) =>
        json.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("name").GetString() == name).GetProperty("result");

    [Fact]
    public void Stacked_states_with_lags_across_reproduce_Stata_itsa()
    {
        // Linden's Stata help for ITSA power quotes P = 0.136 for _z_x_t1989 of
        // itsa cigsale, treatid(3) trperiod(1989) lag(1).
        var json = Json(CliRun.Of(["compare", ReferenceData.Path("prop99_smoking.csv"), .. Prop99, "--controls", "stack", "--lags", "across", "--format", "json"]));
        Assert.Equal(0.136, Math.Round(Test(json, "slope1").GetProperty("p_value").GetDouble(), 3));
        Assert.Equal(39, json.GetProperty("pooled").GetProperty("series").GetInt32());
        Assert.Equal("across", json.GetProperty("pooled").GetProperty("lag_scope").GetString());
    }

    [Fact]
    public void The_treated_group_fit_is_the_same_as_its_fit_and_the_report_names_the_reference()
    {
        string file = ReferenceData.Path("prop99_smoking.csv");
        var json = Json(CliRun.Of(["compare", file, .. Prop99, "--format", "json"]));
        var alone = Json(CliRun.Of("fit", file, "--where", "state=California", "--date", "year", "--outcome", "cigsale", "--interruption", "1989", "--errors", "newey:1", "--format", "json"));
        Assert.Equal("controls (38 averaged)", json.GetProperty("reference").GetString());
        string Numbers(JsonElement fit) => string.Join(";", fit.GetProperty("coefficients").EnumerateArray()
            .Select(c => $"{c.GetProperty("term")} {c.GetProperty("estimate").GetDouble():R} {c.GetProperty("std_error").GetDouble():R} {c.GetProperty("p_value").GetDouble():R}"));
        Assert.Equal(Numbers(alone), Numbers(Group(json, "California")));
        var text = CliRun.Of(["compare", file, .. Prop99]);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Comparison of cigsale: California against controls (38 averaged)", text.Output);
        Assert.Contains("level1+slope1 jointly", text.Output);
    }

    [Fact]
    public void Permutation_ranks_California_among_all_39_states()
    {
        var json = Json(CliRun.Of(["compare", ReferenceData.Path("prop99_smoking.csv"), .. Prop99, "--permute", "--format", "json"]));
        var permutation = json.GetProperty("permutation");
        Assert.Equal(39, permutation.GetProperty("units").GetArrayLength());
        var slope = permutation.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("term").GetString() == "slope1");
        int rank = slope.GetProperty("rank").GetInt32();
        Assert.InRange(rank, 1, 39);
        Assert.Equal(rank / 39.0, slope.GetProperty("p_value").GetDouble(), 12);
        Assert.True(permutation.GetProperty("units")[0].GetProperty("treated").GetBoolean());
    }

    [Fact]
    public void Sanming_visits_slow_in_hospitals_not_in_community_institutions()
    {
        foreach (string outcome in new[] { "outpatient_visits", "inpatient_admissions" })
        {
            var json = Json(CliRun.Of(Study(outcome)));
            Assert.True(Coefficient(Group(json, "hospital"), "slope1").GetProperty("p_value").GetDouble() < 0.05, $"{outcome}: hospital slope change significant");
            Assert.True(Coefficient(Group(json, "chsi"), "slope1").GetProperty("p_value").GetDouble() > 0.05, $"{outcome}: CHSI slope change not significant");
            Assert.True(Test(json, "slope1").GetProperty("estimate").GetDouble() < 0, $"{outcome}: hospitals slow more");
        }
        // The difference in outpatient slope changes is itself significant (for admissions, p is about 0.1 on the shipped panel).
        Assert.True(Test(Json(CliRun.Of(Study("outpatient_visits"))), "slope1").GetProperty("p_value").GetDouble() < 0.05);
        var expenditure = Json(CliRun.Of(Study("expenditure_yuan")));
        double hospital = Coefficient(Group(expenditure, "hospital"), "slope1").GetProperty("estimate").GetDouble();
        double chsi = Coefficient(Group(expenditure, "chsi"), "slope1").GetProperty("estimate").GetDouble();
        Assert.True(chsi < hospital, $"CHSI expenditure slows more: {chsi} vs {hospital}");
        Assert.True(Test(expenditure, "slope1").GetProperty("estimate").GetDouble() > 0);
    }

    [Fact]
    public void Fit_share_of_fits_the_community_share_of_visits()
    {
        var run = CliRun.Of("fit", ShippedData.Locate(), "--share-of", "institution_type=chsi", "--outcome", "outpatient_visits",
            "--interruption", "2017-10", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "newey:3", "--format", "json");
        var json = Json(run);
        Assert.Equal("chsi share of outpatient_visits (%)", json.GetProperty("outcome").GetString());
        var first = json.GetProperty("trajectory")[0].GetProperty("observed").GetDouble();
        Assert.InRange(first, 1, 99);
    }

    [Theory]
    [InlineData("--treated Nowhere", "--treated Nowhere: no row has state=Nowhere")]
    [InlineData("--treated California --reference Utah", "not both")]
    [InlineData("--reference Nowhere", "--reference Nowhere: no row has state=Nowhere")]
    [InlineData("--permute", "--permute needs --treated")]
    [InlineData("--treated California --lags sideways", "--lags sideways: expected within or across")]
    [InlineData("--treated California --controls pooled", "--controls pooled: expected average or stack")]
    [InlineData("--treated California --errors prais", "takes ols, hc0-hc3 or newey:L")]
    [InlineData("--treated California --errors newey:auto", "fixed Newey-West lag")]
    [InlineData("--treated California --share-of state=Utah", "--share-of: its compare compares the groups")]
    [InlineData("--treated California --group nosuch", "nosuch")]
    public void Bad_options_are_refused_with_exit_code_2(string options, string message)
    {
        var args = new List<string> { "compare", ReferenceData.Path("prop99_smoking.csv"), "--date", "year", "--outcome", "cigsale", "--interruption", "1989" };
        if (!options.Contains("--group", StringComparison.Ordinal)) args.AddRange(["--group", "state"]);
        args.AddRange(options.Split(' '));
        var run = CliRun.Of([.. args]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void One_group_is_refused()
    {
        var run = CliRun.Of("compare", ReferenceData.Path("prop99_smoking.csv"), "--where", "state=Utah", "--group", "state", "--date", "year", "--outcome", "cigsale", "--interruption", "1989");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("column state has one value (Utah)", run.Error);
    }

    [Theory]
    [InlineData("institution_type", "expected COL=VALUE")]
    [InlineData("institution_type=clinic", "no row has institution_type=clinic (values: hospital, chsi)")]
    public void Bad_share_of_is_refused(string value, string message)
    {
        var run = CliRun.Of("fit", ShippedData.Locate(), "--share-of", value, "--outcome", "outpatient_visits", "--interruption", "2017-10");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Csv_holds_every_section_and_markdown_escapes_group_names()
    {
        string file = ReferenceData.Path("prop99_smoking.csv");
        var csv = CliRun.Of(["compare", file, .. Prop99, "--permute", "--format", "csv"]);
        Assert.Equal(0, csv.ExitCode);
        var sections = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).Distinct().ToArray();
        Assert.Equal(["group_fit", "pooled", "difference", "permutation_unit", "permutation_test"], sections);

        using var folder = new TempFolder();
        var rows = new List<string> { "month,unit,y" };
        for (int t = 0; t < 24; t++)
            foreach (string unit in new[] { "<b>A&", "B" })
                rows.Add($"{2016 + t / 12}-{t % 12 + 1:D2},{unit},{(100 + t + (unit == "B" ? 5 : 0) + Math.Sin(t * (unit == "B" ? 1.3 : 0.7))).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        string path = folder.Write("groups.csv", string.Join("\n", rows) + "\n");
        var markdown = CliRun.Of("compare", path, "--group", "unit", "--outcome", "y", "--interruption", "2017-01", "--format", "markdown");
        Assert.Equal(0, markdown.ExitCode);
        Assert.DoesNotContain("<b>", markdown.Output);
        Assert.Contains("&lt;b&gt;A&amp;", markdown.Output);
    }
}
