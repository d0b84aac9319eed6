using System.Globalization;
using System.Text;

namespace Its.Cli.Tests;

/// <summary>Panels with awkward values given to the multiple-group and robustness commands.</summary>
public sealed class GroupInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // 36 months from 2016-01 of two groups in two regions; scale multiplies every outcome.
    private static string Panel(double scale = 1, Action<List<string[]>>? edit = null)
    {
        var rows = new List<string[]> { new[] { "month", "grp", "y", "region" } };
        foreach (var (g, b) in new[] { ("A", 100.0), ("B", 150.0) })
            for (int t = 0; t < 36; t++)
                rows.Add([
                    $"{2016 + t / 12}-{t % 12 + 1:D2}", g,
                    (scale * (b + 2 * t + (t >= 18 && g == "A" ? 10 : 0) + 3 * Math.Sin(1.7 * t + b))).ToString("R", CultureInfo.InvariantCulture),
                    "north",
                ]);
        edit?.Invoke(rows);
        var sb = new StringBuilder();
        foreach (var r in rows) sb.Append(string.Join(",", r)).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void An_empty_group_is_reported_at_a_row_the_filters_keep()
    {
        string file = _folder.Write("panel.csv", Panel(edit: rows =>
        {
            rows[3][1] = ""; rows[3][3] = "south"; // left out by --where region=north
            rows[10][1] = "";                      // kept: the row to name (line 11)
        }));
        var run = CliRun.Of("compare", file, "--group", "grp", "--outcome", "y", "--interruption", "2017-07", "--where", "region=north");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("row 11, column grp: missing value", run.Error);
    }

    [Fact]
    public void A_pooled_model_that_overflows_says_so()
    {
        string file = _folder.Write("huge.csv", Panel(1e300));
        var run = CliRun.Of("compare", file, "--group", "grp", "--outcome", "y", "--interruption", "2017-07");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("overflows", run.Error);
        Assert.DoesNotContain("exactly", run.Error);
    }

    [Fact]
    public void A_negative_binomial_comparison_does_not_claim_the_per_group_estimates()
    {
        string[] args = ["compare", Sanming.ShippedData.Locate(), "--group", "institution_type", "--outcome", "inpatient_admissions", "--interruption", "2017-07"];
        var negbin = CliRun.Of([.. args, "--family", "negbin"]);
        Assert.Equal(0, negbin.ExitCode);
        Assert.Contains("one negative binomial theta for all groups", negbin.Output);
        Assert.DoesNotContain("equal the per-group fits", negbin.Output);
        var poisson = CliRun.Of([.. args, "--family", "poisson"]);
        Assert.Contains("so its point estimates equal the per-group fits", poisson.Output);
    }

    [Fact]
    public void A_sensitivity_grid_in_which_nothing_fits_is_an_error()
    {
        string file = _folder.Write("huge.csv", Panel(1e300));
        var run = CliRun.Of("sensitivity", file, "--where", "grp=A", "--outcome", "y", "--interruption", "2017-07");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no fit of the grid succeeded", run.Error);
        Assert.Equal("", run.Output);
    }
}
