using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// `its multilevel` on the simulated facility panel of tests/reference/multilevel.R: nlme's numbers
/// through the command line, the caterpillar figure, and the inputs it refuses with exit code 2.
/// </summary>
public sealed class MultilevelCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Reference(string file) => Path.Combine(AppContext.BaseDirectory, "reference", file);

    private static string[] Facilities(params string[] extra) =>
        ["multilevel", Reference("multilevel_facilities.csv"), "--outcome", "visits", "--unit", "facility", "--type", "type",
            "--reference", "hospital", "--interruption", "2017-11", .. extra];

    // The nlme fit of a case of tests/reference/multilevel.json.
    private static JsonElement Expected(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Reference("multilevel.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("expected").Clone();
    }

    [Fact]
    public void The_json_gives_nlmes_fit_with_ar1_errors_within_units()
    {
        var run = CliRun.Of(Facilities("--errors", "gls-ar:1", "--format", "json"));
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        var expected = Expected("facilities-reml-diagonal-ar1");
        Assert.Equal(30, root.GetProperty("units").GetInt32());
        Assert.Equal(1410, root.GetProperty("n").GetInt32());
        Assert.Equal("ar1", root.GetProperty("within").GetString());
        // The fixture's tolerance for estimates (1e-4 relative) and for the log-likelihood (1e-9).
        foreach (var (kit, r) in root.GetProperty("coefficients").EnumerateArray().Zip(expected.GetProperty("coefficients").EnumerateArray()))
        {
            Assert.Equal(r.GetProperty("term").GetString(), kit.GetProperty("term").GetString());
            Assert.Equal(r.GetProperty("estimate").GetDouble(), kit.GetProperty("estimate").GetDouble(), 1e-4 * Math.Abs(r.GetProperty("estimate").GetDouble()));
            Assert.Equal(r.GetProperty("df").GetDouble(), kit.GetProperty("df").GetDouble());
        }
        foreach (var (kit, r) in root.GetProperty("random_sd").EnumerateArray().Zip(expected.GetProperty("random_sd").EnumerateArray()))
            Assert.Equal(r.GetProperty("sd").GetDouble(), kit.GetProperty("sd").GetDouble(), 1e-4 * r.GetProperty("sd").GetDouble());
        double ll = expected.GetProperty("log_likelihood").GetDouble();
        Assert.Equal(ll, root.GetProperty("log_likelihood").GetDouble(), 1e-9 * Math.Abs(ll));
        Assert.Equal(expected.GetProperty("phi").GetProperty("estimate").GetDouble(), root.GetProperty("phi").GetProperty("estimate").GetDouble(), 1e-4);
        Assert.Equal(30, root.GetProperty("unit_effects").GetArrayLength());
    }

    [Fact]
    public void The_table_names_the_types_and_shows_each_units_own_changes()
    {
        var run = CliRun.Of(Facilities());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("types: group = community, each compared with hospital", run.Output);
        Assert.Contains("Between-unit variation: SD of each random effect", run.Output);
        Assert.Matches(@"F01\s+hospital\s+47\s", run.Output);
        Assert.Contains("REML, as R nlme::lme", run.Output);
    }

    [Fact]
    public void The_csv_is_the_fixed_effects_at_full_precision()
    {
        var run = CliRun.Of(Facilities("--method", "ml", "--random", "intercept,time", "--covariance", "general", "--format", "csv"));
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.TrimEnd().Split('\n');
        Assert.Equal(9, lines.Length);
        var expected = Expected("facilities-ml-general").GetProperty("coefficients")[0];
        var cells = lines[1].Split(',');
        Assert.Equal("intercept", cells[0]);
        Assert.Equal(expected.GetProperty("estimate").GetDouble(), double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), 1e-4);
        Assert.Equal(expected.GetProperty("std_error").GetDouble(), double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), 1e-6);
    }

    [Fact]
    public void The_figure_is_a_caterpillar_of_the_chosen_term()
    {
        string figure = Path.Combine(_folder.Path, "units.svg");
        var run = CliRun.Of(Facilities("--figure", figure, "--figure-term", "slope1"));
        Assert.Equal(0, run.ExitCode);
        string svg = File.ReadAllText(figure);
        Assert.Contains("slope change by unit: visits", svg);
        foreach (string label in new[] { "F01", "F30", "hospital: fixed effect", "community: fixed effect" }) Assert.Contains(label, svg);
        // 30 rows of 0.2 in make the figure taller than the default 4.5 inches: 1.8 + 6 in, in quarter inches.
        Assert.Matches("height=\"8(\\.0+)?in\"", svg);
    }

    [Theory]
    [InlineData(new[] { "--errors", "newey:3" }, "--errors newey:3", "gls-ar:1")]
    [InlineData(new[] { "--errors", "gls-ar:1:ml" }, "--method", "")]
    [InlineData(new[] { "--random", "intercept,wobble" }, "random term wobble is not a term of the design", "")]
    [InlineData(new[] { "--covariance", "blocked" }, "--covariance", "diagonal or general")]
    [InlineData(new[] { "--figure-term", "time", "--random", "intercept,level1" }, "--figure-term time", "intercept, level1")]
    [InlineData(new[] { "--reference", "clinic" }, "reference type clinic is not a type of the panel", "community")]
    public void Bad_options_are_refused_in_one_line(string[] extra, string first, string second)
    {
        var args = Facilities().ToList();
        if (extra[0] == "--reference") args.RemoveRange(args.IndexOf("--reference"), 2);
        var run = CliRun.Of([.. args, .. extra]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(first, run.Error);
        Assert.Contains(second, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_unit_whose_type_changes_is_refused_naming_the_row()
    {
        string csv = _folder.Write("panel.csv", "unit,type,month,y\nA,h,2020-01,1\nA,h,2020-02,2\nA,c,2020-03,3\nB,c,2020-01,1\nB,c,2020-02,2\nB,c,2020-03,2\n");
        var run = CliRun.Of("multilevel", csv, "--outcome", "y", "--unit", "unit", "--type", "type", "--interruption", "2020-02");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("panel.csv: row 4, column type", run.Error);
        Assert.Contains("A is c here and h in an earlier row", run.Error);
    }
}
