using Microsoft.Playwright;

namespace Its.Cli.Tests;

/// <summary>Runs <c>its reproduce</c> twice into two folders, once for every test of the collection.</summary>
public sealed class ReproducedReports : IDisposable
{
    private readonly TempFolder _folder = new();

    public ReproducedReports()
    {
        First = Path.Combine(_folder.Path, "first");
        Second = Path.Combine(_folder.Path, "second");
        FirstRun = CliRun.Of("reproduce", "--out", First);
        SecondRun = CliRun.Of("reproduce", "--out", Second);
    }

    /// <summary>The first run's folder.</summary>
    public string First { get; }

    /// <summary>The second run's folder.</summary>
    public string Second { get; }

    /// <summary>The first run.</summary>
    public CliRun FirstRun { get; }

    /// <summary>The second run.</summary>
    public CliRun SecondRun { get; }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// <c>its reproduce</c> end to end, checked by the real peers: the executed notebooks are valid
/// nbformat for Jupyter's own <c>nbformat.validate</c> and convert with <c>jupyter nbconvert</c>;
/// the HTML pages, opened in headless Chromium, draw their charts, log no console error and make
/// no network request. The peers come from Debian (.ci/run installs them); a missing peer fails
/// the test with the package to install.
/// </summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed class ReproduceTests(ReproducedReports reports)
{
    private const string Python = Peers.Python;

    private static readonly string[] Notebooks = Directory.GetFiles(Its.Data.Repository.Locate("notebooks", "run the tests from the repository"), "*.ipynb")
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Writes_an_executed_notebook_and_a_page_per_notebook_and_an_index()
    {
        Assert.True(reports.FirstRun.ExitCode == 0, reports.FirstRun.Error);
        Assert.Equal("", reports.FirstRun.Error);
        Assert.Contains("00-quickstart", Notebooks);
        foreach (string name in Notebooks)
        {
            Assert.True(File.Exists(Path.Combine(reports.First, "notebooks", name + ".ipynb")), name + ".ipynb");
            Assert.True(File.Exists(Path.Combine(reports.First, name + ".html")), name + ".html");
            Assert.Contains(name + ".html", File.ReadAllText(Path.Combine(reports.First, "index.html")));
        }
        // Figures for manuscripts: every saved figure as SVG and 300-dpi PNG.
        foreach (string extension in new[] { "svg", "png" })
            Assert.True(File.Exists(Path.Combine(reports.First, "figures", "00-hospital-outpatient-visits." + extension)), extension);
    }

    [Fact]
    public void Running_twice_gives_identical_files()
    {
        var first = Files(reports.First);
        Assert.Equal(first, Files(reports.Second));
        Assert.NotEmpty(first);
        foreach (string file in first)
            Assert.True(File.ReadAllBytes(Path.Combine(reports.First, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(reports.Second, file))), $"{file} differs between runs");
        // No machine path leaks into an output.
        foreach (string file in first)
            Assert.DoesNotContain(reports.First, File.ReadAllText(Path.Combine(reports.First, file)));
    }

    [Fact]
    public void Executed_notebooks_are_valid_nbformat_and_convert_with_nbconvert()
    {
        Peers.Require(Python, "python3-nbformat python3-nbconvert");
        foreach (string name in Notebooks)
        {
            string path = Path.Combine(reports.First, "notebooks", name + ".ipynb");
            var (code, output) = Peers.Run(Python, "-c", "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor)", path);
            Assert.True(code == 0, $"nbformat.validate refused {name}: {output}");
            Assert.Contains("4 5", output);
            string converted = Path.Combine(reports.First, "nbconvert");
            (code, output) = Peers.Run(Peers.Require("/usr/bin/jupyter", "jupyter-core jupyter-nbconvert"), "nbconvert", "--to", "html", "--output-dir", converted, path);
            Assert.True(code == 0, $"jupyter nbconvert failed on {name}: {output}");
            Assert.True(File.Exists(Path.Combine(converted, name + ".html")));
        }
    }

    [Fact]
    public async Task Pages_draw_their_charts_offline_without_console_errors()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Peers.LaunchChromium(playwright);
        foreach (string name in Notebooks.Append("index"))
        {
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            var requests = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            page.PageError += (_, e) => errors.Add(e);
            page.Request += (_, r) => requests.Add(r.Url);
            string file = Path.Combine(reports.First, name + ".html");
            await page.GotoAsync(new Uri(file).AbsoluteUri);
            string html = await File.ReadAllTextAsync(file);
            if (html.Contains("class=\"its-chart\"", StringComparison.Ordinal))
            {
                // plotly.js draws each chart as SVG inside its div.
                await page.WaitForSelectorAsync(".its-chart svg.main-svg", new() { Timeout = 20_000, State = WaitForSelectorState.Attached });
                Assert.True(await page.Locator(".its-chart svg.main-svg").CountAsync() > 0, $"{name}: no chart drawn");
            }
            Assert.True(errors.Count == 0, $"{name}: console errors: {string.Join(" | ", errors)}");
            Assert.All(requests, r => Assert.StartsWith("file://", r));
            await page.CloseAsync();
        }
        Assert.Contains(Notebooks, n => File.ReadAllText(Path.Combine(reports.First, n + ".html")).Contains("class=\"its-chart\"", StringComparison.Ordinal));
    }

    private static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.Contains("nbconvert", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToArray();
}
