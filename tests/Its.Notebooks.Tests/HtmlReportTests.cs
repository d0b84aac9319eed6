using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using Its.Notebooks.Reports;
using Its.Plots;

namespace Its.Notebooks.Tests;

/// <summary>The report page: escaped, markdown rendered, plotly.js once when needed, offline, deterministic.</summary>
public sealed class HtmlReportTests
{
    private static readonly NotebookFormatter Formatter = Kit.Formatter;

    private static Cell Markdown(string source, JsonObject? attachments = null) => new("markdown", source) { Attachments = attachments };

    private static Cell Code(string source, int count, params CellOutput[] outputs) => new("code", source) { ExecutionCount = count, Outputs = outputs };

    private static Cell Chart(int count) =>
        Code("display(ItsFigure.From(fit));", count, new DisplayOutput(Formatter.Format(ItsFigure.From(Results.Fit, "visits per month"))));

    private static Notebook Executed(bool chart) => new(
    [
        Markdown("# Visits after the reform\n\nWhat the model *assumes*.\n\n| term | estimate |\n|---|--:|\n| level1 | -25.0 |\n"),
        Code("var fit = new ItsModel(series, spec).Fit();\nfit", 1, new ExecuteResultOutput(Formatter.Format(Results.Fit), 1)),
        .. chart ? new[] { Chart(2), Chart(3) } : [],
        Code("Console.WriteLine(\"<b>done</b>\");", 4, new StreamOutput("stdout", "<b>done</b>\n"), new StreamOutput("stderr", "careful <i>\n")),
    ]);

    private static void AssertHas(string page, params string[] parts)
    {
        foreach (string part in parts) Assert.Contains(part, page, StringComparison.Ordinal);
    }

    private static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    [Fact]
    public void Text_from_code_outputs_and_errors_is_escaped()
    {
        var notebook = new Notebook(
        [
            Code("var s = \"<script>alert(1)</script>\";", 1,
                new ExecuteResultOutput(Formatter.Format("<script>alert(2)</script>"), 1),
                new StreamOutput("stdout", "<script>alert(3)</script>"),
                new ErrorOutput("Bad<Exception>", "<script>alert(4)</script>", ["\u001b[31mat <cell> line 1\u001b[0m"])),
        ]);
        string page = HtmlReport.Render(notebook, "<script>alert(5)</script>");
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        foreach (string i in new[] { "1", "2", "3", "4", "5" }) Assert.Contains($"&lt;script&gt;alert({i})&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", page, StringComparison.Ordinal);
        AssertHas(page, "<span class=\"ename\">Bad&lt;Exception&gt;</span>", "at &lt;cell&gt; line 1",
            "<div class=\"prompt\">In&nbsp;[1]:</div>", "<div class=\"prompt\">Out[1]:</div>");
    }

    [Fact]
    public void Markdown_is_rendered_and_raw_html_in_it_shown_as_text()
    {
        var notebook = new Notebook(
        [
            Markdown("## Reading the table\n\n**bold** <script>alert(1)</script> <b onclick=\"x()\">b</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n"),
            Markdown("[click](javascript:alert(1)) <javascript:alert(2)> [site](https://example.org) [next](02-compare.html) ![chart](attachment:fig.png)\n\nA paragraph {onclick=alert(3)} and [a reference][r].\n\n[r]: javascript:alert(4)\n",
                new JsonObject { ["fig.png"] = new JsonObject { ["image/png"] = "iVBORw0KGgo=" } }),
        ]);
        string page = HtmlReport.Render(notebook);
        AssertHas(page, "<h2 id=\"reading-the-table\">Reading the table</h2>", "<strong>bold</strong>", "<table>", "<td>1</td>", "type=\"checkbox\"",
            "<title>Reading the table</title>", "&lt;script&gt;alert(1)&lt;/script&gt;");
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("onclick=\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", page, StringComparison.OrdinalIgnoreCase);
        AssertHas(page, "<a href=\"#\">click</a>", "<a href=\"#\">a reference</a>", "<a href=\"https://example.org\">site</a>",
            "<a href=\"02-compare.html\">next</a>", "src=\"data:image/png;base64,iVBORw0KGgo=\"");
    }

    [Fact]
    public void A_dotnet_interactive_markdown_cell_is_rendered_as_markdown()
    {
        string page = HtmlReport.Render(new Notebook([new Cell("code", "#!markdown\n## Written in Polyglot\n\n*kept*")]));
        AssertHas(page, "<h2 id=\"written-in-polyglot\">Written in Polyglot</h2>", "<em>kept</em>");
        Assert.DoesNotContain("#!markdown", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Plotly_js_is_embedded_once_with_charts_and_not_at_all_without()
    {
        string with = HtmlReport.Render(Executed(chart: true));
        string without = HtmlReport.Render(Executed(chart: false));
        string banner = $"plotly.js v{HtmlReport.PlotlyJsVersion}";
        Assert.Equal(1, Count(with, banner));
        Assert.Equal(2, Count(with, "<div class=\"its-chart\""));
        Assert.True(with.IndexOf(banner, StringComparison.Ordinal) < with.IndexOf("</head>", StringComparison.Ordinal));
        Assert.True(with.Length > 3_000_000);
        Assert.Equal(0, Count(without, banner));
        Assert.Equal(0, Count(without, "<script"));
        Assert.True(without.Length < 100_000);
    }

    [Fact]
    public void A_notebook_whose_first_chart_carries_plotly_js_gives_a_page_with_plotly_js_once()
    {
        const string fit = "var periods = Enumerable.Range(0, 36).Select(Period.Month(2016, 1).Add).ToArray();\n"
            + "var fit = new ItsModel(new TimeSeries(periods, periods.Select((p, t) => 100 + t - (t >= 18 ? 10 : 0) + Math.Sin(t)).ToArray(), outcomeName: \"visits\"), new ItsSpec { Interruptions = [Period.Month(2017, 7)] }).Fit();";
        var run = new Engine.NotebookRunner(Formatter).Run(new Notebook(
        [
            Markdown("# Two charts"),
            new Cell("code", fit),
            new Cell("code", "display(ItsFigure.From(fit));"),
            new Cell("code", "ItsFigure.From(fit, \"visits per month\")"),
        ]), AppContext.BaseDirectory);
        Assert.True(run.Succeeded, string.Join("\n", run.Failures.Select(f => f.Message)));
        string banner = $"plotly.js v{HtmlReport.PlotlyJsVersion}";
        Assert.Equal(1, Count(run.Notebook.ToJson(), banner));
        string page = HtmlReport.Render(run.Notebook);
        Assert.Equal(1, Count(page, banner));
        Assert.Equal(0, Count(page, "data-its-plotly-js"));
        Assert.Equal(2, Count(page, "<div class=\"its-chart\""));
        Assert.True(page.IndexOf(banner, StringComparison.Ordinal) < page.IndexOf("</head>", StringComparison.Ordinal));
        // The page is the one the charts' own fragments make: as large as before the notebooks carried plotly.js.
        Assert.InRange(page.Length, FigureExport.PlotlyJs.Value.Length, FigureExport.PlotlyJs.Value.Length + 300_000);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_page_loads_nothing_from_the_network(bool chart)
    {
        string page = HtmlReport.Render(Executed(chart));
        Assert.DoesNotMatch(new Regex(@"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase), page);
        Assert.DoesNotMatch(new Regex(@"@import|url\(\s*[""']?(https?:)?//", RegexOptions.IgnoreCase), page);
    }

    [Fact]
    public void The_same_notebook_gives_the_same_bytes()
    {
        Assert.Equal(HtmlReport.Render(Executed(chart: true)), HtmlReport.Render(Executed(chart: true)));
        string page = HtmlReport.Render(Executed(chart: false));
        Assert.Equal(page, HtmlReport.Render(Executed(chart: false)));
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", page, StringComparison.Ordinal);
        Assert.Contains("<title>Visits after the reform</title>", page, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"output stream stderr\">careful &lt;i&gt;\n</pre>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_show_in_their_richest_form()
    {
        var svg = new MimeBundle(new Dictionary<string, string> { ["text/plain"] = "figure", ["image/svg+xml"] = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>" });
        var png = new MimeBundle(new Dictionary<string, string> { ["text/plain"] = "figure", ["image/png"] = "iVBORw0K\nGgo=" });
        string page = HtmlReport.Render(new Notebook([Code("figures", 1, new DisplayOutput(svg), new DisplayOutput(png), new DisplayOutput(MimeBundle.Plain("a < b")))]));
        Assert.Contains("<div class=\"svg\"><svg xmlns=", page, StringComparison.Ordinal);
        Assert.Contains("<img class=\"image\" alt=\"\" src=\"data:image/png;base64,iVBORw0KGgo=\">", page, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"text\">a &lt; b</pre>", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_index_links_each_page_with_its_summary()
    {
        string page = HtmlReport.Index([("Main <models>", "01-models.html", "Level & slope"), ("Bad", "javascript:alert(1)", "")], "ITS <reports>");
        Assert.Contains("<title>ITS &lt;reports&gt;</title>", page, StringComparison.Ordinal);
        Assert.Contains("<li>\n<h2><a href=\"01-models.html\">Main &lt;models&gt;</a></h2>\n<p class=\"note\">Level &amp; slope</p>\n</li>", page, StringComparison.Ordinal);
        Assert.Contains("<li>\n<h2><a href=\"#\">Bad</a></h2>\n</li>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.Equal(page, HtmlReport.Index([("Main <models>", "01-models.html", "Level & slope"), ("Bad", "javascript:alert(1)", "")], "ITS <reports>"));
    }

    [Fact]
    public void The_index_shows_each_purpose_as_markdown_and_thumbnails_linked_to_the_figures()
    {
        IndexEntry[] entries =
        [
            new("Main models", "01-models.html") { Purpose = "Fits the **main** models <script>alert(1)</script> [x](javascript:alert(2))", Figures = ["figures/01-visits.png", "figures/01 <b>.png"] },
            new("No figures", "02.html"),
        ];
        string page = HtmlReport.Index(entries, version: "1.2.3");
        AssertHas(page, "<div class=\"purpose\"><p>Fits the <strong>main</strong> models &lt;script&gt;alert(1)&lt;/script&gt; <a href=\"#\">x</a></p>",
            "<a href=\"figures/01-visits.png\" title=\"01-visits\"><img src=\"figures/01-visits.png\" alt=\"01-visits\"></a>",
            "<img src=\"figures/01 &lt;b&gt;.png\"", "<span class=\"version\">1.2.3</span>");
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.Equal(1, Count(page, "class=\"thumbs\""));
        Assert.Equal(page, HtmlReport.Index(entries, version: "1.2.3"));
    }

    [Fact]
    public void A_notebooks_purpose_is_its_first_paragraph_or_its_metadata()
    {
        var notebook = new Notebook([Markdown("# Title\n\nThis notebook *fits* the models.\nSecond line.\n\nMore."), Markdown("Other.")]);
        Assert.Equal("This notebook *fits* the models.\nSecond line.", HtmlReport.Purpose(notebook));
        Assert.Equal("Set by hand.", HtmlReport.Purpose(new Notebook(notebook.Cells, new JsonObject { ["purpose"] = "Set by hand." })));
        Assert.Null(HtmlReport.Purpose(new Notebook([Code("1", 1)])));
    }

    [Fact]
    public void Markdown_displayed_by_a_cell_is_rendered_with_raw_html_still_escaped()
    {
        var bundle = new MimeBundle(new Dictionary<string, string> { ["text/markdown"] = "**bold** and <b onclick=\"x()\">raw</b> [x](javascript:alert(1))\n\n## Shown", ["text/plain"] = "**bold**" });
        string page = HtmlReport.Render(new Notebook([Markdown("## Shown"), Code("display(Markdown(\"**bold**\"))", 1, new DisplayOutput(bundle), new ExecuteResultOutput(bundle, 1))]));
        AssertHas(page, "<div class=\"output display\"><div class=\"markdown\"><p><strong>bold</strong> and &lt;b onclick=&quot;x()&quot;&gt;raw&lt;/b&gt; <a href=\"#\">x</a></p>");
        Assert.DoesNotContain("<pre class=\"text\">**bold**", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b onclick", page, StringComparison.Ordinal);
        // Its headings get ids of their own on the page, and stay out of the contents.
        AssertHas(page, "<h2 id=\"shown\">Shown</h2>", "<h2 id=\"shown-1\">Shown</h2>", "<h2 id=\"shown-2\">Shown</h2>", "<li><a href=\"#shown\">Shown</a></li>");
        Assert.Equal(1, Count(page, "<li><a href="));
    }

    [Fact]
    public void A_page_has_contents_from_its_headings_below_the_title_and_a_footer()
    {
        var notebook = new Notebook(
        [
            Markdown("# The study\n\nIntro."),
            Markdown("## Data <i>\n\n### `Loading` it\n\n## Models\n\n## Data <i>"),
            Code("1", 1),
        ]);
        const string provenance = "<strong>Data.</strong> The panel is <strong>synthetic</strong> (<code>data/README.md</code>; <code>data/SOURCES.md</code>).";
        string page = HtmlReport.Render(notebook, version: "0.9.0", provenance: provenance);
        AssertHas(page, $"<p class=\"provenance\">{provenance}</p>\n</footer>", "<nav class=\"toc\" aria-label=\"Contents\">", "<li><a href=\"#data-i\">Data &lt;i&gt;</a>\n<ul>\n<li><a href=\"#loading-it\">Loading it</a></li>\n</ul></li>",
            "<li><a href=\"#models\">Models</a></li>", "<li><a href=\"#data-i-1\">Data &lt;i&gt;</a></li>", "<h2 id=\"data-i-1\">",
            "<footer class=\"page-footer\">", "<span class=\"version\">0.9.0</span>", "<strong>synthetic</strong>", "data/SOURCES.md", "data/README.md");
        Assert.DoesNotContain("href=\"#the-study\"", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("Intro.", StringComparison.Ordinal) < page.IndexOf("<nav", StringComparison.Ordinal));
        Assert.True(page.IndexOf("<nav", StringComparison.Ordinal) < page.IndexOf("<h2", StringComparison.Ordinal));
        // The kit's version without the +commit suffix, so that pages do not change with each commit.
        Assert.DoesNotContain("+", HtmlReport.KitVersion, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"version\">{HtmlReport.KitVersion}</span>", HtmlReport.Render(notebook), StringComparison.Ordinal);
        Assert.Contains("@media print", page, StringComparison.Ordinal);
        // The note on the data is the host's: a page without one has none.
        Assert.DoesNotContain("class=\"provenance\"", HtmlReport.Render(notebook), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_cells_of_outputs_are_marked_as_numbers_or_text()
    {
        var table = new Its.Reporting.Table("t", ["term", "estimate", "95% CI", "p", "month", "note"],
        [
            ["level <1>", "-25.0", "-0.9321 to -0.0293", "<0.001", "2017-10", "a long note & more"],
            ["slope", "1,234.5%", "(0.1, 0.3)", "0.04", "2018-01", "1.2 not a number"],
        ]);
        string page = HtmlReport.Render(new Notebook([Code("table", 1, new DisplayOutput(Formatter.Format(table)))]));
        AssertHas(page, ">level &lt;1&gt;</td>", "<td class=\"num\"", "<td class=\"text\"");
        foreach (string number in new[] { "-25.0", "-0.9321 to -0.0293", "&lt;0.001", "1,234.5%", "(0.1, 0.3)", "0.04" })
            Assert.Matches($"<td class=\"num\"[^>]*>{Regex.Escape(number)}</td>", page);
        foreach (string text in new[] { "level &lt;1&gt;", "slope", "2017-10", "a long note &amp; more", "1.2 not a number" })
            Assert.Matches($"<td class=\"text\"[^>]*>{Regex.Escape(text)}</td>", page);
        // A header over numbers is aligned with them.
        Assert.Matches("<th class=\"num\"[^>]*>estimate</th>", page);
        Assert.Matches("<th(?! class=\"num\")[^>]*>term</th>", page);
        Assert.True(TableCells.IsNumeric("\u22120.5 \u2013 1.2e-3"));
        Assert.False(TableCells.IsNumeric("n/a"));
    }

    [Fact]
    public void A_chart_without_a_height_gets_a_default_one()
    {
        var figure = new JsonObject { ["data"] = new JsonArray(), ["layout"] = new JsonObject() };
        Assert.Contains(" data-default-height>", PlotlyHtml.Fragment(figure), StringComparison.Ordinal);
        Assert.StartsWith(PlotlyHtml.ChartMarker, PlotlyHtml.Fragment(figure), StringComparison.Ordinal);
        Assert.Contains($".its-chart[data-default-height] {{ height: {PlotlyHtml.DefaultHeight}px; }}", HtmlReport.Render(new Notebook([])), StringComparison.Ordinal);
        figure["layout"] = new JsonObject { ["height"] = 300 };
        Assert.DoesNotContain("data-default-height", PlotlyHtml.Fragment(JsonNode.Parse(figure.ToJsonString())!.AsObject()), StringComparison.Ordinal);
    }
}
