using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// `its synth` on the Proposition 99 panel with Abadie et al.'s (2010) predictors: the published
/// synthetic California, the 2000 gap and the placebo-in-space p value in JSON, the tables, every
/// figure kind, and what it refuses with exit code 2 and one line.
/// </summary>
public sealed class SynthCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Predictors =
        ["--predictor", "lnincome:1980-1988", "--predictor", "retprice:1980-1988", "--predictor", "age15to24:1980-1988",
            "--predictor", "beer:1984-1988", "--predictor", "cigsale:1975", "--predictor", "cigsale:1980", "--predictor", "cigsale:1988"];

    private static string[] Prop99(params string[] extra) =>
        ["synth", ReferenceData.Path("prop99_smoking.csv"), "--unit", "state", "--year", "year", "--outcome", "cigsale",
            "--treated", "California", "--interruption", "1989", .. extra];

    [Fact]
    public void The_json_gives_the_published_synthetic_california_gap_and_p_value()
    {
        var run = CliRun.Of(Prop99([.. Predictors, "--leave-one-out", "--in-time", "1980", "--format", "json"]));
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(38, root.GetProperty("donors").GetInt32());
        var weights = root.GetProperty("weights").EnumerateObject().ToDictionary(w => w.Name, w => w.Value.GetDouble());
        Assert.Equal(1, weights.Values.Sum(), 1e-12);
        // Abadie et al. (2010), Table 2.
        var published = new Dictionary<string, double> { ["Colorado"] = 0.164, ["Connecticut"] = 0.069, ["Montana"] = 0.199, ["Nevada"] = 0.234, ["Utah"] = 0.334 };
        Assert.Equal(published.Keys.Order(), weights.Where(w => w.Value > 0.01).Select(w => w.Key).Order());
        foreach (var (state, w) in published) Assert.InRange(weights[state], w - 0.01, w + 0.01);
        var path = root.GetProperty("path").EnumerateArray().ToArray();
        Assert.Equal("2000", path[^1].GetProperty("period").GetString());
        Assert.InRange(path[^1].GetProperty("gap").GetDouble(), -27, -25);
        Assert.Equal(7, root.GetProperty("predictors").GetArrayLength());
        var space = root.GetProperty("placebo_in_space");
        Assert.Equal(1, space.GetProperty("rank").GetInt32());
        Assert.Equal(1.0 / 39, space.GetProperty("p_value").GetDouble(), 1e-12);
        Assert.Equal(5, root.GetProperty("leave_one_out").GetArrayLength());
        var inTime = root.GetProperty("in_time");
        Assert.Equal("1980", inTime.GetProperty("pseudo").GetString());
        Assert.Equal(["beer 1975-1979", "cigsale 1966"], inTime.GetProperty("dropped_predictors").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void The_tables_show_weights_balance_and_the_gap_and_csv_is_the_path()
    {
        var run = CliRun.Of(Prop99([.. Predictors, "--skip-placebos"]));
        Assert.Equal(0, run.ExitCode);
        foreach (string text in new[] { "Donor weights", "Utah", "Predictor balance", "cigsale 1975", "California and its synthetic control by period", "gap in 2000" })
            Assert.Contains(text, run.Output);
        Assert.DoesNotContain("Placebo in space", run.Output);
        var csv = CliRun.Of(Prop99("--skip-placebos", "--format", "csv"));
        Assert.Equal(0, csv.ExitCode);
        var lines = csv.Output.Trim().Split('\n');
        Assert.Equal("period,treated,synthetic,gap", lines[0].Trim());
        Assert.Equal(32, lines.Length);
    }

    [Theory]
    [InlineData("path", "California and its synthetic control")]
    [InlineData("gaps", "Gap to the synthetic control: California and the placebos")]
    [InlineData("weights", "Donor weights of synthetic California")]
    [InlineData("leave-one-out", "leaving out one donor at a time")]
    public void Every_figure_kind_is_written(string kind, string title)
    {
        string figure = Path.Combine(_folder.Path, kind + ".svg");
        string[] placebos = kind == "gaps" ? [] : ["--skip-placebos"];
        var run = CliRun.Of(Prop99(["--leave-one-out", "--figure", figure, "--figure-kind", kind, .. placebos]));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(title, File.ReadAllText(figure));
    }

    [Theory]
    [InlineData("--predictor: 'lnincome' is not a predictor", "--predictor", "lnincome")]
    [InlineData("on or after the interruption 1989", "--predictor", "cigsale:1990")]
    [InlineData("no column 'smokers' (asked for by --predictor)", "--predictor", "smokers:1980")]
    [InlineData("--figure-kind bars: expected path, gaps, weights, leave-one-out", "--figure-kind", "bars")]
    [InlineData("--figure-kind leave-one-out needs --leave-one-out", "--figure-kind", "leave-one-out")]
    [InlineData("--in-time-predictor needs --in-time", "--in-time-predictor", "cigsale:1975")]
    [InlineData("must come before the interruption 1989", "--in-time", "1995")]
    public void Bad_options_are_exit_2_in_one_line(string message, params string[] extra)
    {
        var run = CliRun.Of(Prop99([.. extra, "--skip-placebos"]));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }
}
