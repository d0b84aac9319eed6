using System.Text.Json;
using Sanming;

namespace Its.Cli.Tests;

/// <summary><c>its sanming</c> runs the plan on the shipped panel and on a user's file in the same schema.</summary>
public sealed class SanmingCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Prints_the_main_table_for_every_outcome_and_group_and_says_the_data_are_synthetic()
    {
        var run = CliRun.Of("sanming");
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        foreach (string outcome in new[] { "expenditure", "outpatient visits", "inpatient admissions" })
            foreach (string group in new[] { "city", "hospital", "chsi" })
                Assert.Matches($"{outcome} +{group} ", run.Output);
        Assert.Contains("SYNTHETIC", run.Output);
        Assert.Contains("reform 2017-10 (newey:3 errors", run.Output);
    }

    [Fact]
    public void Prints_the_hospital_vs_chsi_difference_tests_and_the_chsi_share_models()
    {
        var run = CliRun.Of("sanming", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var comparisons = json.RootElement.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(["expenditure_yuan", "outpatient_visits", "inpatient_admissions"], comparisons.Select(c => c.GetProperty("outcome_name").GetString()));
        foreach (var c in comparisons)
        {
            var comparison = c.GetProperty("comparison");
            Assert.Equal("chsi", comparison.GetProperty("reference").GetString());
            Assert.Equal(["level1", "slope1", "level1+slope1"], comparison.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("term").GetString()));
        }
        // Expenditure slows more in CHSIs: hospital minus CHSI slope change is positive and significant.
        var expenditure = comparisons[0].GetProperty("comparison").GetProperty("tests")[1];
        Assert.True(expenditure.GetProperty("estimate").GetDouble() > 0);
        Assert.True(expenditure.GetProperty("p_value").GetDouble() < 0.05);
        var shares = json.RootElement.GetProperty("shares").EnumerateArray().ToArray();
        Assert.Equal(3, shares.Length);
        Assert.All(shares, s => Assert.Equal("chsi share (%)", s.GetProperty("group").GetString()));
        Assert.Equal("none", shares[1].GetProperty("result").GetProperty("transform").GetString());

        var text = CliRun.Of("sanming");
        Assert.Contains("Hospitals vs CHSIs: slope change %/month", text.Output);
        Assert.Contains("CHSI share of hospitals + CHSIs (%)", text.Output);
        var prais = CliRun.Of("sanming", "--errors", "prais");
        Assert.Equal(0, prais.ExitCode);
        Assert.Contains("difference tests need ols, hc0-hc3 or newey:L errors; they are not computed under prais", prais.Output);
    }

    [Fact]
    public void Runs_unchanged_on_a_real_data_file_with_extra_types_and_columns()
    {
        var lines = File.ReadAllLines(ShippedData.Locate()).ToList();
        var real = lines.Select((l, i) => i == 0 ? "region," + l + ",notes" : "Sanming," + l + ",\"checked, ok\"").ToList();
        real.AddRange(lines.Skip(1).Where(l => l.Contains(",chsi,", StringComparison.Ordinal))
            .Select(l => "Sanming," + l.Replace(",chsi,", ",township,", StringComparison.Ordinal) + ","));
        string file = _folder.Write("real.csv", string.Join("\n", real) + "\n");
        var run = CliRun.Of("sanming", "--data", file, "--intervention", "2018-01", "--format", "json");
        Assert.Equal("", run.Error);
        var fits = JsonDocument.Parse(run.Output).RootElement.GetProperty("fits").EnumerateArray().ToArray();
        Assert.Equal(12, fits.Length);
        Assert.Contains(fits, f => f.GetProperty("group").GetString() == "township");
        Assert.All(fits, f => Assert.Equal("2018-01", f.GetProperty("result").GetProperty("interruptions")[0].GetString()));
        Assert.DoesNotContain("SYNTHETIC", run.Output);
    }

    [Fact]
    public void Generate_refuses_to_overwrite_without_force_and_reproduces_the_shipped_file()
    {
        string path = _folder.Write("panel.csv", "keep me");
        var refused = CliRun.Of("sanming", "generate", "--out", path);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("exists; give --force", refused.Error);
        Assert.Equal("keep me", File.ReadAllText(path));

        var forced = CliRun.Of("sanming", "generate", "--out", path, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(File.ReadAllText(ShippedData.Locate()), File.ReadAllText(path));
    }

    [Fact]
    public void Generate_facilities_writes_every_institution_and_multilevel_reads_it()
    {
        string path = Path.Combine(_folder.Path, "facilities.csv");
        var run = CliRun.Of("sanming", "generate", "--facilities", "--out", path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("facility level", run.Output);
        var lines = File.ReadAllLines(path);
        Assert.Equal("month,facility,institution_type,expenditure_yuan,outpatient_visits,inpatient_admissions", lines[0]);
        Assert.Equal(1 + (46 + 68) * 47, lines.Length);
        var fit = CliRun.Of("multilevel", path, "--outcome", "inpatient_admissions", "--unit", "facility", "--type", "institution_type",
            "--reference", "hospital", "--interruption", "2017-10", "--transform", "log", "--random", "intercept,slope1", "--format", "json");
        Assert.Equal(0, fit.ExitCode);
        using var json = JsonDocument.Parse(fit.Output);
        Assert.Equal(114, json.RootElement.GetProperty("units").GetInt32());
        Assert.Equal(["chsi"], json.RootElement.GetProperty("compared_types").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData(new[] { "sanming", "--intervention", "2017-13" }, "--intervention 2017-13")]
    [InlineData(new[] { "sanming", "--intervention", "2016-02" }, "before interruption 2016-02")]
    [InlineData(new[] { "sanming", "--errors", "newey" }, "--errors")]
    [InlineData(new[] { "sanming", "--data", "/nonexistent/real.csv" }, "/nonexistent/real.csv: file not found")]
    [InlineData(new[] { "sanming", "generate", "--out", "x.csv", "--chsi", "stations" }, "--chsi stations")]
    public void Bad_options_are_one_line_and_exit_2(string[] args, string fragment)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(fragment, run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Calibration_prints_every_tag()
    {
        var run = CliRun.Of("sanming", "calibration", "--format", "markdown");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("| level L, Jan 2016 | hospital expenditure | 215000000 | [D] |", run.Output);
        Assert.Contains("[P]", run.Output);
        Assert.Contains("[A]", run.Output);
    }
}
