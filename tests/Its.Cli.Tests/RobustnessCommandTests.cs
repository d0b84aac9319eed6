using System.Text.Json;
using Sanming;

namespace Its.Cli.Tests;

/// <summary><c>its placebo</c> and <c>its sensitivity</c> on the study data, and their refusals.</summary>
public sealed class RobustnessCommandTests
{
    private static string[] Hospital(string command, params string[] extra) =>
        [command, ShippedData.Locate(), "--where", "institution_type=hospital", "--outcome", "outpatient_visits", "--interruption", "2017-10",
         "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "newey:3", .. extra];

    [Fact]
    public void Placebo_on_the_study_ranks_the_hospital_outpatient_slope_change_first()
    {
        var run = CliRun.Of(Hospital("placebo", "--format", "json"));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        // January 2016 to November 2019 is 47 months: months 12..35 have 12 on each side.
        Assert.Equal(24, json.RootElement.GetProperty("fits").GetArrayLength());
        var slope = json.RootElement.GetProperty("summary").EnumerateArray().Single(s => s.GetProperty("term").GetString() == "slope1");
        Assert.Equal(1, slope.GetProperty("rank").GetInt32());
        Assert.Equal(23, slope.GetProperty("placebos").GetInt32());

        var text = CliRun.Of(Hospital("placebo"));
        Assert.Contains("slope1: the real estimate ranks 1 of 24", text.Output);
        Assert.Contains("2017-10 (real)", text.Output);
    }

    [Fact]
    public void Pre_only_placebos_need_a_smaller_minimum_on_a_21_month_pre_period()
    {
        var refused = CliRun.Of(Hospital("placebo", "--pre-only"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("no pseudo-date has 12 months on each side in the 21 months before 2017-10; lower the minimum", refused.Error);
        var run = CliRun.Of(Hospital("placebo", "--pre-only", "--min-side", "6", "--format", "json"));
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("pre", json.RootElement.GetProperty("window").GetString());
        // Months 6..15 of the 21 qualify; with 16 parameters on 21 months some pseudo-designs are
        // singular (a calendar month seen once in a segment), and those are listed, not dropped silently.
        int fitted = json.RootElement.GetProperty("fits").GetArrayLength(), failed = json.RootElement.GetProperty("failures").GetArrayLength();
        Assert.Equal(10, fitted + failed);
        Assert.True(fitted >= 3);
        Assert.All(json.RootElement.GetProperty("failures").EnumerateArray(), f => Assert.Matches("^2017-0[1-9]: |^2016-1[0-2]: ", f.GetString()!));
    }

    [Fact]
    public void Sensitivity_puts_error_models_and_dates_side_by_side()
    {
        var run = CliRun.Of(Hospital("sensitivity", "--grid", "ols,arima:1,0,0", "--grid", "newey:2", "--also-at", "2018-01", "--format", "json"));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["ols", "arima:1,0,0", "newey:2", "ols", "arima:1,0,0", "newey:2"], rows.Select(r => r.GetProperty("errors").GetString()));
        Assert.Equal("2018-01", rows[^1].GetProperty("interruption").GetString());
        Assert.All(rows, r => Assert.True(r.GetProperty("terms").GetProperty("slope1").GetProperty("p_value").GetDouble() < 0.001));

        var text = CliRun.Of(Hospital("sensitivity"));
        Assert.Equal(0, text.ExitCode);
        foreach (string model in new[] { "ols", "hc3", "newey:0", "newey:6", "newey:auto", "prais", "cochrane-orcutt", "gls-ar:1:reml", "arima:1,0,0" })
            Assert.Contains(model, text.Output);
    }

    [Theory]
    [InlineData("placebo", "--min-side 2", "--min-side 2: must be 3 or more")]
    [InlineData("placebo", "--interruption 2018-06", "moves one interruption")]
    [InlineData("sensitivity", "--grid ols,bogus", "--grid: 'bogus' is not an error model")]
    [InlineData("sensitivity", "--also-at 2018-13", "--also-at 2018-13")]
    [InlineData("sensitivity", "--interruption 2018-06", "varies one interruption")]
    [InlineData("sensitivity", "--also-at 2025-01", "--also-at 2025-01: outside the series 2016-01 to 2019-11")]
    public void Bad_options_are_refused_with_exit_code_2(string command, string options, string message)
    {
        var run = CliRun.Of(Hospital(command, options.Split(' ')));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Csv_is_long_form_numbers_at_full_precision()
    {
        var placebo = CliRun.Of(Hospital("placebo", "--format", "csv"));
        var lines = placebo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("interruption,real,term,estimate,std_error,statistic,df,p_value,ci_lower,ci_upper", lines[0]);
        Assert.Equal(1 + 24 * 2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("2017-10,true,slope1,", StringComparison.Ordinal));
        Assert.DoesNotContain("<", placebo.Output);
        var sensitivity = CliRun.Of(Hospital("sensitivity", "--grid", "ols,prais", "--format", "csv"));
        Assert.StartsWith("interruption,errors,term,estimate,std_error,statistic,df,p_value,ci_lower,ci_upper,failure\n", sensitivity.Output);
        Assert.Equal(1 + 2 * 2, sensitivity.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_real_date_short_of_the_minimum_is_said_to_be()
    {
        var run = CliRun.Of(Hospital("placebo", "--min-side", "22"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("the real date 2017-10 has fewer than 22 fitted periods on a side", run.Output);
    }
}
