using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// `its sdid` on the Proposition 99 panel: Arkhangelsky et al.'s (2021) published estimates in
/// every format, and the panels and options it refuses with exit code 2 and one line.
/// </summary>
public sealed class SdidCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Arkhangelsky et al. (2021), Table 1 and the synthdid vignette, rounded to 0.1.
    private static readonly Dictionary<string, double> Published = new() { ["sdid"] = -15.6, ["sc"] = -19.6, ["did"] = -27.3 };

    private static string[] Prop99(params string[] extra) =>
        ["sdid", ReferenceData.Path("prop99_smoking.csv"), "--unit", "state", "--year", "year", "--outcome", "cigsale",
            "--treated", "California", "--interruption", "1989", .. extra];

    [Fact]
    public void The_json_gives_the_published_estimates_and_weights_that_sum_to_one()
    {
        var run = CliRun.Of(Prop99("--format", "json"));
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(38, root.GetProperty("controls").GetInt32());
        Assert.Equal(19, root.GetProperty("pre_periods").GetInt32());
        var estimates = root.GetProperty("estimates").EnumerateArray().ToArray();
        Assert.Equal(["sdid", "sc", "did"], estimates.Select(e => e.GetProperty("estimator").GetString()));
        foreach (var e in estimates)
        {
            string name = e.GetProperty("estimator").GetString()!;
            Assert.InRange(e.GetProperty("estimate").GetDouble(), Published[name] - 0.05, Published[name] + 0.05);
            Assert.Equal(1, e.GetProperty("unit_weights").EnumerateObject().Sum(w => w.Value.GetDouble()), 1e-12);
            Assert.True(e.GetProperty("placebo_se").GetDouble() > 0);
        }
        // With weights on the outcome path alone, California's post/pre RMSPE ratio ranks third of 39
        // (tests/reference/synthdid.R); Abadie et al.'s predictors make it first.
        var space = root.GetProperty("placebo_in_space");
        Assert.Equal(3, space.GetProperty("rank").GetInt32());
        Assert.Equal(39, space.GetProperty("units").GetArrayLength());
    }

    [Fact]
    public void The_table_shows_the_three_estimates_and_the_largest_weights_first()
    {
        var run = CliRun.Of(Prop99());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("synthetic difference-in-differences   -15.604       8.727  -32.709 to 1.501", run.Output);
        Assert.Contains("treated: California from 1989; 38 control units; 19 years before, 12 from 1989 on", run.Output);
        var weights = run.Output[run.Output.IndexOf("Unit weights", StringComparison.Ordinal)..].Split('\n');
        Assert.StartsWith("Nevada", weights[3]);
    }

    [Fact]
    public void One_estimator_alone_is_its_row()
    {
        var run = CliRun.Of(Prop99("--estimator", "sc", "--format", "csv"));
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("synthetic control,-19.6", lines[1]);
    }

    [Fact]
    public void The_figure_draws_california_beside_each_synthetic_counterpart()
    {
        string figure = Path.Combine(_folder.Path, "synthetic.svg");
        var run = CliRun.Of(Prop99("--figure", figure));
        Assert.Equal(0, run.ExitCode);
        string svg = File.ReadAllText(figure);
        Assert.Contains("width=\"7in\" height=\"4.5in\"", svg);
        foreach (string line in new[] { "California", "synthetic difference-in-differences", "synthetic control", "difference-in-differences", "interruption 1989" })
            Assert.Contains(line, svg);
    }

    [Theory]
    [InlineData(new[] { "--estimator", "synth" }, "--estimator", "not an estimator")]
    [InlineData(new[] { "--treated", "Atlantis" }, "treated unit Atlantis is not in the panel", "")]
    [InlineData(new[] { "--interruption", "1970" }, "leaves 0 period(s) before it", "")]
    public void Bad_options_are_refused_in_one_line(string[] extra, string first, string second)
    {
        string[] args = [.. Prop99().Where((a, i) => !(extra[0] == "--treated" && i is 8 or 9) && !(extra[0] == "--interruption" && i is 10 or 11)), .. extra];
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(first, run.Error);
        Assert.Contains(second, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_panel_with_a_unit_missing_a_period_is_refused_naming_both()
    {
        string csv = _folder.Write("panel.csv", "state,year,y\nA,2000,1\nA,2001,2\nA,2002,3\nB,2000,1\nB,2002,2\nC,2000,1\nC,2001,1\nC,2002,5\n");
        var run = CliRun.Of("sdid", csv, "--unit", "state", "--year", "year", "--outcome", "y", "--treated", "C", "--interruption", "2002");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("panel.csv", run.Error);
        Assert.Contains("B", run.Error);
    }
}
