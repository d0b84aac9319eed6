using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary><c>its power</c>: deterministic for a seed, the JSON contract, every format, and bad values refused naming the option.</summary>
public sealed class PowerCommandTests
{
    /// <summary><c>its power</c> with a small valid scenario, the given options replacing or adding to it.</summary>
    private static string[] Power(params string[] options)
    {
        var values = new Dictionary<string, string>
        {
            ["--before"] = "12", ["--after"] = "12", ["--level"] = "1", ["--slope"] = "0.1", ["--replicates"] = "40",
        };
        for (int i = 0; i < options.Length; i += 2) values[options[i]] = options[i + 1];
        return ["power", .. values.SelectMany(v => new[] { v.Key, v.Value })];
    }

    [Fact]
    public void Gives_the_same_report_twice_and_reads_it_in_one_line()
    {
        var first = CliRun.Of(Power("--rho", "0.3", "--errors", "prais"));
        var second = CliRun.Of(Power("--rho", "0.3", "--errors", "prais"));
        Assert.Equal("", first.Error);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        Assert.Contains("Scenario: 12 months before the interruption and 12 from it on", first.Output);
        Assert.Contains("prais errors; 40 replicates, seed 1", first.Output);
        Assert.Matches(@"term +true value +power +MC SE +mean estimate +empirical SD +mean SE +coverage", first.Output);
        Assert.Matches(@"Power for the level change is 0\.\d{3} \+/- 0\.\d{3}; power for the slope change is 0\.\d{3} \+/- 0\.\d{3}", first.Output);
        Assert.NotEqual(first.Output, CliRun.Of(Power("--rho", "0.3", "--errors", "prais", "--seed", "2")).Output);
    }

    [Fact]
    public void Prints_one_json_object_with_the_scenario_and_each_term()
    {
        var run = CliRun.Of(Power("--format", "json", "--impact", "slope", "--period", "quarter", "--alpha", "0.1"));
        Assert.Equal(0, run.ExitCode);
        var root = JsonDocument.Parse(run.Output).RootElement;
        var scenario = root.GetProperty("scenario");
        Assert.Equal(12, scenario.GetProperty("periods_before").GetInt32());
        Assert.Equal(12, scenario.GetProperty("periods_after").GetInt32());
        Assert.Equal("quarter", scenario.GetProperty("frequency").GetString());
        Assert.Equal("2003-Q1", scenario.GetProperty("interruption").GetString());
        Assert.Equal(0.1, scenario.GetProperty("slope_change").GetDouble());
        Assert.Equal(0, scenario.GetProperty("rho").GetDouble());
        Assert.Equal(1, scenario.GetProperty("innovation_sd").GetDouble());
        Assert.Equal("slope", scenario.GetProperty("impact").GetString());
        Assert.Equal("ols", scenario.GetProperty("errors").GetString());
        Assert.Equal(0.1, scenario.GetProperty("alpha").GetDouble());
        Assert.Equal(1, scenario.GetProperty("seed").GetInt32());
        Assert.Equal(40, root.GetProperty("replicates").GetInt32());
        Assert.Equal(0, root.GetProperty("failed").GetInt32());
        var term = Assert.Single(root.GetProperty("terms").EnumerateArray());
        Assert.Equal("slope1", term.GetProperty("term").GetString());
        foreach (string field in new[] { "power", "mc_se", "coverage" })
            Assert.InRange(term.GetProperty(field).GetDouble(), 0, 1);
        foreach (string field in new[] { "mean_estimate", "empirical_sd", "mean_std_error" })
            Assert.True(double.IsFinite(term.GetProperty(field).GetDouble()), field);
    }

    [Fact]
    public void Says_when_fits_fail_and_when_the_intervals_under_cover()
    {
        var ols = CliRun.Of(Power("--rho", "0.7", "--replicates", "100"));
        Assert.Contains("Warning: the 95% CIs of slope1 hold the true value in only", ols.Output);
        var satterthwaite = CliRun.Of(Power("--rho", "0.8", "--errors", "gls-ar:1:satterthwaite"));
        Assert.Equal(0, satterthwaite.ExitCode);
        Assert.Matches(@"\d+ of 40 fits failed and are left out; the first: gls-ar:1:reml:satterthwaite: the Satterthwaite degrees of freedom are undefined", satterthwaite.Output);
    }

    [Theory]
    [InlineData("csv", "term,true_value,power,mc_se")]
    [InlineData("markdown", "| term | true value | power |")]
    [InlineData("html", "<table class=\"its-table\">")]
    [InlineData("latex", "\\begin{tabular}")]
    public void Renders_every_table_format(string format, string fragment)
    {
        var run = CliRun.Of(Power("--format", format));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(fragment, run.Output);
    }

    [Theory]
    [InlineData(new[] { "--replicates", "0" }, "--replicates 0: must be 1 to 1,000,000")]
    [InlineData(new[] { "--rho", "1" }, "--rho 1: must be between -1 and 1")]
    [InlineData(new[] { "--rho", "-1.2" }, "--rho -1.2: must be between -1 and 1")]
    [InlineData(new[] { "--sd", "0" }, "--sd 0: must be a positive number")]
    [InlineData(new[] { "--before", "2" }, "--before 2: must be 3 to 5,000")]
    [InlineData(new[] { "--after", "1" }, "--after 1: must be 3 to 5,000")]
    [InlineData(new[] { "--alpha", "1.5" }, "--alpha 1.5: must be between 0 and 1")]
    [InlineData(new[] { "--before", "twelve" }, "--before")]
    [InlineData(new[] { "--errors", "newey" }, "--errors")]
    [InlineData(new[] { "--seasonality", "weekly" }, "--seasonality")]
    [InlineData(new[] { "--impact", "up" }, "--impact")]
    [InlineData(new[] { "--period", "week" }, "--period week")]
    [InlineData(new[] { "--format", "pdf" }, "--format pdf")]
    [InlineData(new[] { "--seasonality", "month", "--period", "quarter" }, "seasonality month needs monthly data")]
    [InlineData(new[] { "--errors", "arima:1,0,0:1,0,0", "--period", "year", "--replicates", "3" }, "every one of the 3 fits failed")]
    public void Refuses_a_bad_value_in_one_line(string[] options, string message)
    {
        var run = CliRun.Of(Power(options));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void Needs_the_effects_and_the_periods()
    {
        var run = CliRun.Of("power", "--before", "12", "--after", "12", "--slope", "0.1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--level", run.Error);
    }

    [Fact]
    public void From_data_takes_the_study_length_and_its_prais_rho_and_sd()
    {
        string[] args = ["power", "from-data", Sanming.ShippedData.Locate(), "--where", "institution_type=chsi", "--outcome", "outpatient_visits",
            "--interruption", "2017-10", "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "newey:3",
            "--level", "0", "--slope", "-0.005", "--replicates", "200", "--format", "json"];
        var run = CliRun.Of(args);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var scenario = json.RootElement.GetProperty("scenario");
        Assert.Equal(21, scenario.GetProperty("periods_before").GetInt32());
        Assert.Equal(26, scenario.GetProperty("periods_after").GetInt32());
        // The same rho and SD as its fit --errors prais reports for the series.
        var prais = CliRun.Of("fit", Sanming.ShippedData.Locate(), "--where", "institution_type=chsi", "--outcome", "outpatient_visits",
            "--interruption", "2017-10", "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "prais", "--format", "json");
        using var fit = JsonDocument.Parse(prais.Output);
        Assert.Equal(fit.RootElement.GetProperty("ar").GetProperty("rho").GetDouble(), scenario.GetProperty("rho").GetDouble());
        Assert.Equal(fit.RootElement.GetProperty("sigma").GetDouble(), scenario.GetProperty("innovation_sd").GetDouble());
        Assert.Equal(run.Output, CliRun.Of(args).Output);

        var counts = CliRun.Of("power", "from-data", Sanming.ShippedData.Locate(), "--where", "institution_type=chsi", "--outcome", "outpatient_visits",
            "--interruption", "2017-10", "--family", "poisson", "--level", "0", "--slope", "0");
        Assert.Equal(2, counts.ExitCode);
        Assert.Contains("power is simulated for Gaussian models", counts.Error);
        var two = CliRun.Of("power", "from-data", Sanming.ShippedData.Locate(), "--where", "institution_type=chsi", "--outcome", "outpatient_visits",
            "--interruption", "2017-10", "--interruption", "2018-10", "--level", "0", "--slope", "0");
        Assert.Equal(2, two.ExitCode);
        Assert.Contains("one interruption without transition periods", two.Error);
    }
}
