namespace Its.Cli.Tests;

/// <summary>
/// <c>--figure FILE</c> on <c>its fit</c> and <c>its compare</c>: the figure written in the format of
/// the extension (SVG, 300-dpi PNG, an interactive page with plotly.js inside), and a file name
/// the kit cannot write refused before any work, with exit code 2 and one line.
/// </summary>
public sealed class FigureOptionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static string[] Sicily(string figure) =>
        ["fit", ReferenceData.Path("sicily.csv"), "--year", "year", "--month", "month", "--outcome", "aces", "--family", "quasipoisson",
         "--offset", "stdpop", "--impact", "level", "--seasonality", "fourier:2", "--interruption", "2005-01", "--figure", figure];

    private static string[] California(string figure) =>
        ["compare", ReferenceData.Path("prop99_smoking.csv"), "--group", "state", "--treated", "California", "--date", "year",
         "--outcome", "cigsale", "--interruption", "1989", "--errors", "newey:1", "--figure", figure];

    public static TheoryData<string, string> Commands() => new()
    {
        { "fit", ".svg" }, { "fit", ".png" }, { "fit", ".html" },
        { "compare", ".svg" }, { "compare", ".png" }, { "compare", ".html" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_figure_is_written_in_the_format_of_its_extension(string command, string extension)
    {
        string file = Path.Combine(_folder.Path, "figure" + extension);
        var run = CliRun.Of(command == "fit" ? Sicily(file) : California(file));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(command == "fit" ? "level1" : "California", run.Output);
        FigureFileFormat.Check(file);
        if (extension == ".svg")
        {
            string svg = File.ReadAllText(file);
            Assert.Contains("width=\"7in\" height=\"4.5in\"", svg);
            Assert.Contains(command == "fit" ? "interruption 2005-01" : "fitted: controls (38 averaged)", svg);
        }
        // Only the figure: no temporary file is left beside it.
        Assert.Equal([file], Directory.GetFiles(_folder.Path));
    }

    [Theory]
    [InlineData("figure.jpg", "a figure file ends in .svg, .png (300 dpi) or .html (interactive)")]
    [InlineData("missing/figure.svg", "does not exist")]
    public void A_figure_file_the_kit_cannot_write_is_refused_before_the_fit(string name, string message)
    {
        string file = Path.Combine(_folder.Path, name);
        var run = CliRun.Of(Sicily(file));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("its: --figure ", run.Error);
        Assert.Contains(message, run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    /// <inheritdoc />
    [Theory]
    [InlineData(".svg")]
    [InlineData(".png")]
    [InlineData(".html")]
    public void A_figure_the_kit_wrote_is_replaced_and_a_file_of_the_users_is_never_overwritten(string extension)
    {
        string file = Path.Combine(_folder.Path, "figure" + extension);
        Assert.Equal(0, CliRun.Of(Sicily(file)).ExitCode);
        byte[] first = File.ReadAllBytes(file);
        FigureFileFormat.Check(file);
        // Written again by the kit: replaced, the same bytes (the output is deterministic).
        var again = CliRun.Of(Sicily(file));
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(first, File.ReadAllBytes(file));

        string mine = Path.Combine(_folder.Path, "mine" + extension);
        File.WriteAllText(mine, "the user's own figure, drawn by hand");
        var refused = CliRun.Of(Sicily(mine));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("exists and is not a figure the kit wrote; remove it or give another file", refused.Error);
        Assert.Equal("the user's own figure, drawn by hand", File.ReadAllText(mine));
    }

    public void Dispose() => _folder.Dispose();
}
