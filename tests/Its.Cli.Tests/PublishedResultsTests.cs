using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// `its fit` on the published data reproduces the published tables of data/SOURCES.md:
/// Linden (2015)'s Stata `itsa` table for California (Newey-West lag 1) and Lopez Bernal et al.
/// (2017)'s rate ratios for the Sicily smoking ban, to the printed 4 decimals.
/// </summary>
public sealed class PublishedResultsTests
{
    [Fact]
    public void California_newey_lag1_reproduces_the_published_table()
    {
        var run = CliRun.Of("fit", ReferenceData.Path("prop99_smoking.csv"), "--where", "state=California", "--date", "year",
            "--outcome", "cigsale", "--interruption", "1989", "--errors", "newey:1", "--format", "json");
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var published = new Dictionary<string, (double Estimate, double Se)>
        {
            ["intercept"] = (132.2258, 4.2531),
            ["time"] = (-1.7795, 0.3834),
            ["level1"] = (-20.0581, 4.7244),
            ["slope1"] = (-1.4947, 0.4368),
        };
        var coefficients = json.RootElement.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(published.Keys, coefficients.Select(c => c.GetProperty("term").GetString()));
        foreach (var c in coefficients)
        {
            var (estimate, se) = published[c.GetProperty("term").GetString()!];
            // Published to 4 decimals: equal after rounding.
            Assert.Equal(estimate, Math.Round(c.GetProperty("estimate").GetDouble(), 4));
            Assert.Equal(se, Math.Round(c.GetProperty("std_error").GetDouble(), 4));
            Assert.Equal(27, c.GetProperty("df").GetInt32());
        }
        Assert.Equal(31, json.RootElement.GetProperty("n").GetInt32());
        Assert.Equal("newey:1", json.RootElement.GetProperty("errors").GetString());
    }

    [Theory]
    [InlineData("level", 0.8851, 0.8394, 0.9332)]
    [InlineData("level+slope", 0.8778, 0.8291, 0.9292)]
    public void Sicily_quasipoisson_reproduces_the_published_rate_ratio(string impact, double ratio, double lower, double upper)
    {
        var run = CliRun.Of("fit", ReferenceData.Path("sicily.csv"), "--year", "year", "--month", "month", "--outcome", "aces",
            "--family", "quasipoisson", "--offset", "stdpop", "--impact", impact, "--seasonality", "fourier:2",
            "--interruption", "2005-01", "--format", "json");
        Assert.Equal("", run.Error);
        var level = JsonDocument.Parse(run.Output).RootElement.GetProperty("coefficients").EnumerateArray()
            .Single(c => c.GetProperty("term").GetString() == "level1");
        Assert.Equal(ratio, Math.Round(level.GetProperty("rate_ratio").GetDouble(), 4));
        Assert.Equal(lower, Math.Round(level.GetProperty("rate_ratio_ci")[0].GetDouble(), 4));
        Assert.Equal(upper, Math.Round(level.GetProperty("rate_ratio_ci")[1].GetDouble(), 4));
    }

    [Theory]
    [InlineData("text", @"\nintercept +132\.2258 +4\.2531 .*\ntime +-1\.7795 +0\.3834 .*\nlevel1 +-20\.0581 +4\.7244 .*\nslope1 +-1\.4947 +0\.4368 ")]
    [InlineData("markdown", @"\| intercept \| 132\.2258 \| 4\.2531 \|")]
    [InlineData("latex", @"intercept & 132\.2258 & 4\.2531 &")]
    [InlineData("html", @"<td>intercept</td><td style=""text-align:right"">132\.2258</td><td style=""text-align:right"">4\.2531</td>")]
    public void California_prints_the_published_table(string format, string pattern)
    {
        var run = CliRun.Of("fit", ReferenceData.Path("prop99_smoking.csv"), "--where", "state=California", "--date", "year",
            "--outcome", "cigsale", "--interruption", "1989", "--errors", "newey:1", "--format", format);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(pattern, run.Output);
    }

    [Fact]
    public void Sicily_prints_the_published_rate_ratio()
    {
        var run = CliRun.Of("fit", ReferenceData.Path("sicily.csv"), "--year", "year", "--month", "month", "--outcome", "aces",
            "--family", "quasipoisson", "--offset", "stdpop", "--impact", "level", "--seasonality", "fourier:2",
            "--interruption", "2005-01");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"\nlevel1 .* 0\.8851 +0\.8394 to 0\.9332\n", run.Output);
    }

    [Fact]
    public void Json_has_every_contract_field()
    {
        var run = CliRun.Of("fit", ReferenceData.Path("sicily.csv"), "--year", "year", "--month", "month", "--outcome", "aces",
            "--interruption", "2005-01", "--seasonality", "fourier:2", "--transform", "log", "--errors", "newey:auto", "--effects-at", "0,12", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        foreach (string field in new[] { "n", "parameters", "df_residual", "errors", "family", "transform", "coefficients", "ar", "sigma", "log_likelihood", "aic", "diagnostics", "effects", "warnings" })
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        foreach (string field in new[] { "term", "estimate", "std_error", "statistic", "df", "p_value", "ci_lower", "ci_upper" })
            Assert.True(root.GetProperty("coefficients")[0].TryGetProperty(field, out _), $"missing coefficients.{field}");
        foreach (string field in new[] { "durbin_watson", "breusch_godfrey", "ljung_box" })
            Assert.True(root.GetProperty("diagnostics").TryGetProperty(field, out _), $"missing diagnostics.{field}");
        var effects = root.GetProperty("effects").EnumerateArray().ToArray();
        Assert.Equal([0, 12], effects.Select(e => e.GetProperty("months_after").GetInt32()));
        Assert.Equal(["2005-01", "2006-01"], effects.Select(e => e.GetProperty("month").GetString()));
        foreach (string field in new[] { "fitted", "counterfactual", "absolute", "absolute_ci", "relative", "relative_ci" })
            Assert.True(effects[0].TryGetProperty(field, out _), $"missing effects.{field}");
        Assert.Equal(12, root.GetProperty("diagnostics").GetProperty("breusch_godfrey").GetArrayLength());
        Assert.Equal(59, root.GetProperty("trajectory").GetArrayLength());
    }
}
