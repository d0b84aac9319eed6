using System.Text.Json;
using System.Text.RegularExpressions;
using Its.Notebooks.Reports;
using Microsoft.Playwright;

namespace Its.Cli.Tests;

/// <summary>
/// The pages of a real <c>its reproduce</c>, opened in headless Chromium: they fit a 1280 px window
/// (no sideways scrolling, no table wider than its container, nothing clipped; only code blocks
/// scroll), align text left and numbers right, print with their charts, have a table of contents
/// whose links resolve and a footer with the kit's version and the data's provenance; the index
/// lists every notebook with its purpose and thumbnails of its figures.
/// </summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed partial class ReproducedPageTests(ReproducedReports reports)
{

    private static readonly string[] Notebooks = Directory.GetFiles(Its.Data.Repository.Locate("notebooks", "run the tests from the repository"), "*.ipynb")
        .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();

    // Everything on the page that does not fit: the document's sideways scroll, tables wider than
    // their container or past the main column, and elements (not pre) that clip or scroll their content.
    private const string LayoutProblems = """
        () => {
          const problems = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > doc.clientWidth) problems.push(`the document scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
          const label = e => (e.querySelector('caption')?.textContent || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 70);
          const main = document.querySelector('main').getBoundingClientRect();
          for (const t of document.querySelectorAll('table')) {
            const width = t.getBoundingClientRect().width, room = t.parentElement.clientWidth;
            if (width > room + 1) problems.push(`table wider than its container (${Math.round(width)} > ${room}): ${label(t)}`);
            if (t.getBoundingClientRect().right > main.right + 1) problems.push(`table past the page's column: ${label(t)}`);
          }
          for (const e of document.querySelectorAll('td, th, div, section, nav, footer, main, p, li')) {
            if (e.closest('pre') || e.closest('.its-chart')) continue;
            const overflow = getComputedStyle(e).overflowX;
            if (overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1)
              problems.push(`${e.tagName.toLowerCase()}.${e.className} ${overflow === 'hidden' || overflow === 'clip' ? 'clips' : 'scrolls'} its content (${e.scrollWidth} > ${e.clientWidth}): ${label(e)}`);
          }
          return problems;
        }
        """;

    private const string Alignment = """
        () => {
          const wrong = [];
          let text = 0, num = 0;
          for (const td of document.querySelectorAll('.output td.text, .output td.num')) {
            const want = td.classList.contains('num') ? 'right' : 'left';
            if (td.classList.contains('num')) num++; else text++;
            const align = getComputedStyle(td).textAlign;
            if (align !== want && !(want === 'left' && align === 'start')) wrong.push(`${td.textContent.trim().slice(0, 40)}: ${align}, not ${want}`);
          }
          return { text, num, wrong };
        }
        """;

    private async Task<IBrowser> Browser(IPlaywright playwright)
    {
        Assert.True(reports.FirstRun.ExitCode == 0, reports.FirstRun.Error);
        return await Peers.LaunchChromium(playwright);
    }

    private async Task<IPage> Open(IBrowser browser, string name)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(new Uri(Path.Combine(reports.First, name + ".html")).AbsoluteUri);
        if (await page.Locator(".its-chart").CountAsync() > 0)
            await page.WaitForSelectorAsync(".its-chart svg.main-svg", new() { Timeout = 20_000, State = WaitForSelectorState.Attached });
        return page;
    }

    [Fact]
    public async Task Every_page_fits_a_1280_px_window_and_aligns_text_left_and_numbers_right()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        var problems = new List<string>();
        int text = 0, num = 0;
        foreach (string name in Notebooks.Append("index"))
        {
            var page = await Open(browser, name);
            problems.AddRange((await page.EvaluateAsync<string[]>(LayoutProblems)).Select(p => $"{name}: {p}"));
            var alignment = await page.EvaluateAsync<JsonElement>(Alignment);
            text += alignment.GetProperty("text").GetInt32();
            num += alignment.GetProperty("num").GetInt32();
            problems.AddRange(alignment.GetProperty("wrong").EnumerateArray().Select(w => $"{name}: {w.GetString()}"));
            // A chart drawn at a sensible height, not a strip.
            foreach (var chart in await page.Locator(".its-chart").AllAsync())
                if ((await chart.BoundingBoxAsync())!.Height is var height and < 200) problems.Add($"{name}: a chart {height} px high");
            await page.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(text > 50 && num > 500, $"{text} text cells, {num} numeric cells");
    }

    [Fact]
    public async Task A_page_prints_to_pdf_with_its_charts()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        var page = await Open(browser, "04-resource-allocation");
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        // Under print media the charts are still there and drawn; the contents are not.
        Assert.True(await page.Locator(".its-chart svg.main-svg").CountAsync() >= 2);
        foreach (var chart in await page.Locator(".its-chart").AllAsync())
            Assert.True((await chart.BoundingBoxAsync())!.Height >= 200, "a chart collapsed in print");
        Assert.False(await page.Locator("nav.toc").IsVisibleAsync());
        byte[] pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true });
        int pages = PdfPage().Matches(System.Text.Encoding.Latin1.GetString(pdf)).Count;
        Assert.InRange(pages, 3, 30);
        // The same page without its charts is much smaller: the charts are printed.
        await page.AddStyleTagAsync(new() { Content = ".its-chart { display: none !important; }" });
        byte[] text = await page.PdfAsync(new() { Format = "A4", PrintBackground = true });
        Assert.True(pdf.Length > text.Length + 20_000, $"with charts {pdf.Length} bytes, without {text.Length}");
        await page.CloseAsync();
    }

    [Fact]
    public async Task Pages_have_a_title_a_table_of_contents_that_resolves_and_a_footer_with_version_and_provenance()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        foreach (string name in Notebooks.Append("index"))
        {
            var page = await Open(browser, name);
            Assert.False(string.IsNullOrWhiteSpace(await page.TitleAsync()), name);
            string footer = await page.Locator("footer.page-footer").InnerTextAsync();
            Assert.Contains(HtmlReport.KitVersion, footer);
            Assert.DoesNotContain("+", await page.Locator("footer .version").InnerTextAsync());
            foreach (string part in new[] { "synthetic", "data/README.md", "data/SOURCES.md" }) Assert.Contains(part, footer);
            if (name == "index") { await page.CloseAsync(); continue; }
            // Every h2 and h3 of the markdown cells is in the contents, in order, and every link lands on its heading.
            var headings = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('section.markdown h2, section.markdown h3')].map(h => h.textContent.trim())");
            var links = await page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('nav.toc a')].map(a => [a.textContent.trim(), a.getAttribute('href'), document.getElementById(a.getAttribute('href').slice(1))?.textContent.trim() ?? ''])");
            Assert.True(headings.Length > 0, name);
            Assert.Equal(headings, links.Select(l => l[0]).ToArray());
            Assert.All(links, l => Assert.Equal(l[0], l[2]));
            var ids = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[id]')].map(e => e.id)");
            Assert.Equal(ids.Length, ids.Distinct().Count());
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task The_index_lists_every_notebook_with_its_purpose_and_thumbnails_of_its_figures()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser(playwright);
        var page = await Open(browser, "index");
        var entries = await page.Locator("ul.index > li").AllAsync();
        Assert.Equal(Notebooks.Length, entries.Count);
        var shown = new List<string>();
        for (int i = 0; i < Notebooks.Length; i++)
        {
            Assert.Equal(Notebooks[i] + ".html", await entries[i].Locator("h2 a").GetAttributeAsync("href"));
            string purpose = await entries[i].Locator(".purpose").InnerTextAsync();
            Assert.True(purpose.Length > 60, $"{Notebooks[i]}: purpose '{purpose}'");
            foreach (var image in await entries[i].Locator(".thumbs a img").AllAsync())
            {
                string src = (await image.GetAttributeAsync("src"))!;
                Assert.StartsWith("figures/", src);
                Assert.True(File.Exists(Path.Combine(reports.First, src)), src);
                Assert.True(await image.EvaluateAsync<int>("i => i.naturalWidth") > 0, src + " did not load");
                shown.Add(Path.GetFileName(src));
            }
        }
        // Every figure written is on the index once, under its notebook (whose number it carries).
        var written = Directory.GetFiles(Path.Combine(reports.First, "figures"), "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(written);
        Assert.Equal(written, shown.Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("synthetic", await entries[0].Locator(".purpose").InnerTextAsync());
        await page.CloseAsync();
    }

    [GeneratedRegex(@"/Type\s*/Page(?![s\w])")]
    private static partial Regex PdfPage();
}
