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
    private static readonly KitFormatter Formatter = new();

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
        Assert.Contains("<li><a href=\"01-models.html\">Main &lt;models&gt;</a><p>Level &amp; slope</p></li>", page, StringComparison.Ordinal);
        Assert.Contains("<li><a href=\"#\">Bad</a></li>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.Equal(page, HtmlReport.Index([("Main <models>", "01-models.html", "Level & slope"), ("Bad", "javascript:alert(1)", "")], "ITS <reports>"));
    }
}
