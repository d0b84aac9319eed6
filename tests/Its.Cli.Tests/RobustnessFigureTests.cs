using Sanming;

namespace Its.Cli.Tests;

/// <summary>
/// <c>--figure FILE</c> of <c>its placebo</c>, <c>sensitivity</c>, <c>breaks</c> and <c>power</c>
/// (and <c>power from-data</c>): a file of the format its extension names, one per interruption
/// term where the terms are on different scales, and a bad extension refused before any work.
/// </summary>
public sealed class RobustnessFigureTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] HospitalModel =
        [ShippedData.Locate(), "--where", "institution_type=hospital", "--outcome", "outpatient_visits", "--interruption", "2017-10",
         "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "newey:3"];

    public static TheoryData<string, string> Commands
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string command in new[] { "placebo", "sensitivity", "breaks", "power", "power-from-data", "power-curve" })
                foreach (string ext in new[] { "svg", "png", "html" }) data.Add(command, ext);
            return data;
        }
    }

    private static string[] Arguments(string command, string figure) => command switch
    {
        "placebo" => ["placebo", .. HospitalModel, "--figure", figure],
        "sensitivity" => ["sensitivity", .. HospitalModel, "--grid", "ols,newey:2", "--figure", figure],
        "breaks" => ["breaks", ReferenceData.Path("prop99_smoking.csv"), "--where", "state=California", "--date", "year",
            "--outcome", "cigsale", "--interruption", "1989", "--figure", figure],
        "power" => ["power", "--before", "12", "--after", "12", "--level", "1", "--slope", "0.1", "--replicates", "40", "--figure", figure],
        "power-from-data" => ["power", "from-data", .. HospitalModel, "--level", "0.05", "--slope", "0", "--replicates", "20", "--figure", figure],
        _ => ["power", "--before", "12", "--after", "12", "--level", "0", "--slope", "0", "--replicates", "40", "--curve", "0,0.1,0.2", "--figure", figure],
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Figure_writes_a_file_of_its_extensions_format(string command, string ext)
    {
        string path = Path.Combine(_folder.Path, $"figure.{ext}");
        var run = CliRun.Of(Arguments(command, path));
        Assert.True(run.ExitCode == 0, run.Error);
        FigureFileFormat.Check(path);
        // The level and slope changes are on different scales: the second term beside the first.
        if (command is "placebo" or "sensitivity" or "power" or "power-from-data")
            FigureFileFormat.Check(Path.Combine(_folder.Path, $"figure-slope1.{ext}"));
        else
            Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Theory]
    [InlineData("placebo")]
    [InlineData("sensitivity")]
    [InlineData("breaks")]
    [InlineData("power")]
    [InlineData("power-from-data")]
    public void A_bad_extension_is_refused_in_one_line_naming_the_option(string command)
    {
        string path = Path.Combine(_folder.Path, "figure.jpg");
        var run = CliRun.Of(Arguments(command, path));
        Assert.Equal(2, run.ExitCode);
        string error = run.Error.Trim();
        Assert.Single(error.Split('\n'));
        Assert.Contains("--figure", error);
        Assert.Contains(".svg", error);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_curve_that_is_not_numbers_is_refused()
    {
        var run = CliRun.Of("power", "--before", "12", "--after", "12", "--level", "0", "--slope", "0", "--curve", "0,x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--curve 0,x: 'x' is not a number", run.Error);
    }

    [Fact]
    public void A_curve_is_listed_after_the_report()
    {
        var run = CliRun.Of("power", "--before", "12", "--after", "12", "--level", "0", "--slope", "0", "--replicates", "40", "--curve", "0,0.5", "--curve-of", "level");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Power curve of the level change", run.Output);
    }
}
