using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Its.Cli;
using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;
using Microsoft.Playwright;

namespace Its.Cli.Tests;

/// <summary>
/// Charts drawn by the front ends that show a notebook's HTML outputs, in headless Chromium:
/// nbconvert's HTML of a notebook the kit ran, and Debian's Jupyter Notebook 6 (the classic
/// Notebook, which loads require.js) running a notebook with the kit's kernel. Every chart ends as a
/// plotly.js SVG, with no line saying plotly.js is missing. Chromium reaches nothing but the file
/// or the local server: plotly.js comes with the notebook's first chart.
/// </summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed class ChartFrontEndTests(InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    // The divs of the kit's charts, and how many of them plotly.js drew; any fallback line left on the page.
    private const string Charts = """
        () => ({
          charts: document.querySelectorAll('div.its-chart').length,
          drawn: Array.prototype.filter.call(document.querySelectorAll('div.its-chart'), d => d.querySelector('.main-svg')).length,
          fallback: /Interactive chart:|plotly\.js is not loaded/.test(document.body.innerText),
        })
        """;

    private const string ChartsDrawn = "() => { const c = document.querySelectorAll('div.its-chart'); return c.length > 0 && Array.prototype.every.call(c, d => d.querySelector('.main-svg')); }";

    private static readonly string NotebookPath = Path.Combine(Its.Data.Repository.Locate("notebooks", "run the tests from the repository"), "02-main-models.ipynb");

    [Fact]
    public async Task Every_chart_of_a_notebook_converted_by_nbconvert_to_html_draws_offline()
    {
        string nbconvert = Peers.Require("/usr/bin/jupyter-nbconvert", "jupyter-nbconvert");
        string folder = Path.Combine(kernel.Folder, "nbconvert");
        Directory.CreateDirectory(folder);
        // Three charts, two of them identical (their divs share an id), after a cell without one.
        string source = Path.Combine(folder, "charts.ipynb");
        File.WriteAllText(source, JsonSerializer.Serialize(new
        {
            cells = new[]
            {
                Fit + "\nfit.Coefficients.Count",
                "display(ItsFigure.From(fit));\ndisplay(ItsFigure.From(fit));",
                "ItsFigure.From(fit, \"visits per month\")",
            }.Select((c, i) => new { cell_type = "code", id = $"c{i}", metadata = new { }, execution_count = (int?)null, outputs = Array.Empty<object>(), source = c }),
            metadata = new { },
            nbformat = 4,
            nbformat_minor = 5,
        }));
        string executed = Path.Combine(folder, "out");
        var run = CliRun.Of("notebook", "run", source, "--output", executed);
        Assert.True(run.ExitCode == 0, run.Error);
        var (code, output) = Peers.Run(nbconvert, folder, new Dictionary<string, string>(), "--to", "html", Path.Combine(executed, "charts.ipynb"), "--output-dir", Path.Combine(folder, "html"));
        Assert.True(code == 0, output);
        string html = Path.Combine(folder, "html", "charts.html");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Peers.LaunchChromium(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("file:", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync());
        await page.GotoAsync(new Uri(html).AbsoluteUri);
        await page.WaitForFunctionAsync(ChartsDrawn, null, new() { Timeout = 30_000 });
        var charts = await page.EvaluateAsync<JsonElement>(Charts);
        Assert.Equal(3, charts.GetProperty("charts").GetInt32());
        Assert.Equal(3, charts.GetProperty("drawn").GetInt32());
        Assert.False(charts.GetProperty("fallback").GetBoolean(), await page.InnerTextAsync("body"));
    }

    [Fact]
    public async Task Every_chart_draws_when_the_classic_notebook_runs_a_notebook_with_the_kits_kernel()
    {
        string server = Peers.Require("/usr/bin/jupyter-notebook", "jupyter-notebook");
        string root = Path.Combine(kernel.Folder, "notebook-server");
        string notebooks = Path.Combine(root, "notebooks");
        Directory.CreateDirectory(notebooks);
        // A copy: the server may save the notebook it runs, and the repository's must not change.
        File.Copy(NotebookPath, Path.Combine(notebooks, "02-main-models.ipynb"));
        int port = FreePort();
        string token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        string[] args = ["--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0", $"--NotebookApp.token={token}", $"--notebook-dir={notebooks}"];
        // CI runs as root, which the server refuses unless told.
        var start = Peers.Start(server, Environment.UserName == "root" ? [.. args, "--allow-root"] : args);
        foreach (var (name, value) in kernel.Environment) start.Environment[name] = value;
        start.Environment["JUPYTER_DATA_DIR"] = Path.Combine(root, "data");
        start.Environment["JUPYTER_CONFIG_DIR"] = Path.Combine(root, "config");
        start.Environment["IPYTHONDIR"] = Path.Combine(root, "ipython");
        using var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string origin = $"http://127.0.0.1:{port}";
            await Listening(origin, token, process, log);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Peers.LaunchChromium(playwright);
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
            await page.RouteAsync("**/*", route => route.Request.Url.StartsWith(origin + "/", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync());
            await page.GotoAsync($"{origin}/notebooks/02-main-models.ipynb?token={token}");
            await page.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", null, new() { Timeout = 120_000 });
            await page.EvaluateAsync("() => { Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells(); }");
            // Every code cell has its execution count and the kernel is idle again.
            await page.WaitForFunctionAsync("""
                () => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code' && c.get_text().trim() !== '').every(c => typeof c.input_prompt_number === 'number')
                  && document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon')
                """, null, new() { Timeout = 300_000, PollingInterval = 500 });
            Assert.Equal(0, await page.Locator(".output_error").CountAsync());
            await page.WaitForFunctionAsync(ChartsDrawn, null, new() { Timeout = 30_000 });
            var charts = await page.EvaluateAsync<JsonElement>(Charts);
            Assert.True(charts.GetProperty("charts").GetInt32() > 0);
            Assert.Equal(charts.GetProperty("charts").GetInt32(), charts.GetProperty("drawn").GetInt32());
            Assert.Equal(charts.GetProperty("charts").GetInt32(), await page.Locator(".output_area .js-plotly-plot").CountAsync());
            Assert.False(charts.GetProperty("fallback").GetBoolean(), await page.InnerTextAsync("#notebook"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    [Fact]
    public async Task A_chart_whose_script_runs_before_plotly_js_waits_for_it_and_without_it_says_how_to_load_it()
    {
        var session = new NotebookSession(KitComposition.Formatter, options: KitComposition.Session());
        Assert.Equal(CellStatus.Ok, session.RunCell(Fit, 1).Status);
        var outputs = session.RunCell("display(ItsFigure.From(fit));\ndisplay(ItsFigure.From(fit, \"visits per month\"));", 2).Outputs;
        string[] html = outputs.Select(o => ((DisplayOutput)o).Data.Data["text/html"]).ToArray();
        Assert.Contains("data-its-plotly-js", html[0], StringComparison.Ordinal);
        Assert.DoesNotContain("data-its-plotly-js", html[1], StringComparison.Ordinal);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Peers.LaunchChromium(playwright);
        // Out of order (a front end that renders outputs as they come, a re-run cell): the later chart first.
        var page = await browser.NewPageAsync();
        await page.SetContentAsync($"<!DOCTYPE html><html><body>{html[1]}{html[0]}</body></html>");
        await page.WaitForFunctionAsync(ChartsDrawn, null, new() { Timeout = 30_000 });
        Assert.Equal(2, (await page.EvaluateAsync<JsonElement>(Charts)).GetProperty("drawn").GetInt32());

        // The first chart's output cleared: the later one waits, then says what to do.
        var alone = await browser.NewPageAsync();
        await alone.Clock.InstallAsync();
        await alone.SetContentAsync($"<!DOCTYPE html><html><body>{html[1]}</body></html>");
        await alone.Clock.RunForAsync(5_000);
        Assert.Contains("Interactive chart:", await alone.InnerTextAsync("div.its-chart"), StringComparison.Ordinal);
        await alone.Clock.RunForAsync(6_000);
        Assert.Equal("plotly.js is not loaded on this page: run the notebook's first chart cell again, or open the notebook's HTML report.", await alone.InnerTextAsync("div.its-chart"));
        Assert.Equal(0, await alone.Locator(".main-svg").CountAsync());
    }

    private const string Fit = "var periods = Enumerable.Range(0, 36).Select(Period.Month(2016, 1).Add).ToArray();\n"
        + "var fit = new ItsModel(new TimeSeries(periods, periods.Select((p, t) => 100 + t - (t >= 18 ? 10 : 0) + Math.Sin(t)).ToArray(), outcomeName: \"visits\"), new ItsSpec { Interruptions = [Period.Month(2017, 7)] }).Fit();";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Waits until the server answers its status API, failing with its log when it ends or takes over a minute.
    private static async Task Listening(string origin, string token, Process process, System.Text.StringBuilder log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) Assert.Fail($"jupyter-notebook ended with exit code {process.ExitCode}:\n{log}");
            try
            {
                if ((await http.GetAsync($"{origin}/api/status?token={token}")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(1)) Assert.Fail($"jupyter-notebook did not answer on {origin} within a minute:\n{log}");
            await Task.Delay(250);
        }
    }
}
