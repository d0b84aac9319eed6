using System.Globalization;
using System.Text.Json.Nodes;

namespace Its.Cli.Tests;

/// <summary>
/// A missing outcome is a missing period in every command: refused with its row unless
/// <c>--allow-gaps</c>, and then fitted exactly as if the row were not there; <c>--na</c> names the
/// tokens; a missing covariate is refused.
/// </summary>
public sealed class MissingValueTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Model = ["--outcome", "visits", "--interruption", "2017-01", "--format", "json"];

    // 24 months of a trend with a covariate; the row of 2016-06 (line 7) holds the given outcome text, or is left out.
    private string Series(string name, string? june)
    {
        var lines = new List<string> { "month,visits,x" };
        for (int t = 0; t < 24; t++)
        {
            string month = $"{2016 + t / 12}-{t % 12 + 1:D2}";
            string value = (100 + 2 * t + 3 * Math.Sin(1.7 * t)).ToString("F3", CultureInfo.InvariantCulture);
            string x = Math.Cos(0.9 * t).ToString("F3", CultureInfo.InvariantCulture);
            if (t == 5 && june is null) continue;
            lines.Add($"{month},{(t == 5 ? june : value)},{x}");
        }
        return _folder.Write(name, string.Join("\n", lines) + "\n");
    }

    private static JsonNode Fit(params string[] args)
    {
        var run = CliRun.Of(["fit", .. args]);
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonNode.Parse(run.Output)!;
    }

    [Theory]
    [InlineData("")]
    [InlineData("NA")]
    [InlineData("NaN")]
    [InlineData(".")]
    [InlineData("null")]
    public void A_missing_outcome_is_refused_with_its_row_and_the_option_that_fits_it(string token)
    {
        var run = CliRun.Of(["fit", Series("m.csv", token), .. Model]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("row 7, column visits: missing value (the month 2016-06); give --allow-gaps", run.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("NA")]
    [InlineData(".")]
    public void With_allow_gaps_a_missing_outcome_is_fitted_as_if_its_row_were_not_there(string token)
    {
        var withToken = Fit([Series("m.csv", token), .. Model, "--allow-gaps"]);
        var without = Fit([Series("absent.csv", null), .. Model, "--allow-gaps"]);
        Assert.Equal(23, (int)withToken["n"]!);
        Assert.True(JsonNode.DeepEquals(without["coefficients"], withToken["coefficients"]), withToken["coefficients"]!.ToJsonString());
    }

    [Fact]
    public void The_na_option_names_the_missing_tokens()
    {
        string file = Series("m.csv", "-999");
        var refused = CliRun.Of(["fit", file, .. Model, "--na", "-999"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("row 7, column visits: missing value", refused.Error);
        var fitted = Fit([file, .. Model, "--na", "-999", "--allow-gaps"]);
        Assert.Equal(23, (int)fitted["n"]!);
        // Given --na, NA is a value like any other: here not a number.
        var na = CliRun.Of(["fit", Series("na.csv", "NA"), .. Model, "--na", "-999", "--allow-gaps"]);
        Assert.Equal(2, na.ExitCode);
        Assert.Contains("'NA' is not a number", na.Error);
    }

    [Fact]
    public void A_missing_covariate_where_the_outcome_is_present_is_refused_even_with_allow_gaps()
    {
        var lines = File.ReadAllLines(Series("m.csv", "110"));
        lines[6] = "2016-06,110,NA";
        string file = _folder.Write("c.csv", string.Join("\n", lines) + "\n");
        var run = CliRun.Of(["fit", file, .. Model, "--covariate", "x", "--allow-gaps"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("row 7, column x: missing value", run.Error);
    }

    [Fact]
    public void Fit_and_panel_read_the_same_cell_as_the_same_missing_period()
    {
        string file = Series("m.csv", "NA");
        var fit = Fit([file, .. Model, "--allow-gaps"]);
        string panelFile = _folder.Write("p.csv", "id," + string.Join("\nA,", File.ReadAllLines(file)) + "\n");
        string results = Path.Combine(_folder.Path, "results.csv");
        var panel = CliRun.Of("panel", panelFile, "--id", "id", "--outcome", "visits", "--interruption", "2017-01", "--out", results);
        Assert.True(panel.ExitCode == 0, panel.Error);
        var level = File.ReadLines(results).First(l => l.Contains(",level1,", StringComparison.Ordinal)).Split(',');
        var header = File.ReadLines(results).First().Split(',');
        double estimate = double.Parse(level[Array.IndexOf(header, "estimate")], CultureInfo.InvariantCulture);
        double expected = (double)fit["coefficients"]!.AsArray().First(c => (string?)c!["term"] == "level1")!["estimate"]!;
        Assert.Equal(expected, estimate, 1e-9 * Math.Abs(expected));
        Assert.Equal("23", level[Array.IndexOf(header, "n")]);
    }
}
