using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Plotly.NET;

namespace Its.Notebooks.Reports;

/// <summary>
/// An executed notebook as one self-contained HTML page that works offline: markdown cells
/// rendered, code cells shown with their execution count, every output in its richest form, and
/// plotly.js embedded once in the head when the page has a chart (never a CDN). The same notebook
/// always gives the same bytes.
/// </summary>
/// <remarks>
/// Markdown is rendered with Markdig's extensions for tables (pipe and grid), footnotes, task and
/// definition lists, emphasis extras, figures, math spans and alert blocks. Raw HTML in markdown
/// is shown as text, not inserted: a notebook is shared and copied, and a report must be safe to
/// open whatever a cell says; the markdown itself covers what a narrative needs. For the same
/// reason generic attributes (<c>{onclick=...}</c>) are not enabled, links and images keep only
/// http, https, mailto, relative and anchor targets (and images <c>data:image/</c>), and media
/// links are not turned into embedded players. Images attached to a cell
/// (<c>attachment:name.png</c>) are inlined.
/// </remarks>
public static partial class HtmlReport
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAbbreviations()
        .UseAutoIdentifiers()
        .UseCitations()
        .UseCustomContainers()
        .UseDefinitionLists()
        .UseEmphasisExtras()
        .UseFigures()
        .UseFooters()
        .UseFootnotes()
        .UseGridTables()
        .UseMathematics()
        .UsePipeTables()
        .UseListExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .UseAlertBlocks()
        .DisableHtml()
        .Build();

    // The plotly.js Plotly.NET ships, as every offline page of the kit embeds it.
    private static Lazy<string> PlotlyJs => Its.Plots.FigureExport.PlotlyJs;

    /// <summary>The version of plotly.js a page embeds (the one Plotly.NET ships).</summary>
    public const string PlotlyJsVersion = Globals.PLOTLYJS_VERSION;

    /// <summary>The kit's version as a page's footer shows it: the informational version of this assembly, without the <c>+commit</c> suffix.</summary>
    public static string KitVersion { get; } = (typeof(HtmlReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HtmlReport).Assembly.GetName().Version?.ToString() ?? "0.0.0").Split('+')[0];

    /// <summary>Renders an executed notebook as a page.</summary>
    /// <param name="notebook">The notebook, with the outputs of its code cells.</param>
    /// <param name="title">The page title; the first markdown heading of the notebook when null, else "Notebook".</param>
    /// <param name="version">The kit version the footer names; <see cref="KitVersion"/> when null.</param>
    /// <param name="provenance">The footer's note on where the data come from, as HTML the host writes (not escaped); null for none.</param>
    public static string Render(Notebook notebook, string? title = null, string? version = null, string? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var body = new StringBuilder();
        var page = new PageContext();
        bool chart = false;
        int contents = 0;
        foreach (var cell in notebook.Cells)
        {
            // A .NET Interactive markdown cell is a code cell whose first line is #!markdown.
            string? interactiveMarkdown = cell.IsCode ? Engine.CellSource.MarkdownOf(cell.Source) : null;
            switch (interactiveMarkdown is null ? cell.Type : "markdown")
            {
                case "markdown":
                    body.Append("<section class=\"cell markdown\">\n").Append(MarkdownHtml(interactiveMarkdown is null ? cell : cell with { Source = interactiveMarkdown }, page, toc: true)).Append("</section>\n");
                    // The contents go below the cell with the title (the first heading).
                    if (contents == 0 && page.Headings.Count > 0) contents = body.Length;
                    break;
                case "code":
                    body.Append("<section class=\"cell code\">\n");
                    body.Append("<div class=\"input\"><div class=\"prompt\">In&nbsp;[").Append(cell.ExecutionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "&nbsp;")
                        .Append("]:</div><pre class=\"source\"><code class=\"language-csharp\">").Append(E(cell.Source)).Append("</code></pre></div>\n");
                    foreach (var output in cell.Outputs)
                    {
                        body.Append(Output(output, page));
                        chart |= output is DisplayOutput { Data: var d } && PlotlyJsLoader.IsChart(d) || output is ExecuteResultOutput { Data: var r } && PlotlyJsLoader.IsChart(r);
                    }
                    body.Append("</section>\n");
                    break;
                default:
                    body.Append("<section class=\"cell raw\"><pre>").Append(E(cell.Source)).Append("</pre></section>\n");
                    break;
            }
        }
        title ??= FirstHeading(notebook) ?? "Notebook";
        return Page(title, body.Insert(contents, Toc(page.Headings)).ToString(), chart, version, provenance);
    }

    /// <summary>
    /// A notebook's purpose, as Markdown: its <c>metadata.purpose</c> when it has one, else the first
    /// paragraph of its markdown cells (after the title heading); null when it has neither.
    /// </summary>
    public static string? Purpose(Notebook notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        if (notebook.Metadata["purpose"] is JsonValue v && v.TryGetValue(out string? purpose) && !string.IsNullOrWhiteSpace(purpose)) return purpose.Trim();
        foreach (var cell in notebook.Cells)
        {
            string? source = cell.Type == "markdown" ? cell.Source : cell.IsCode ? Engine.CellSource.MarkdownOf(cell.Source) : null;
            if (source is null) continue;
            if (Markdown.Parse(source, Pipeline).Descendants<ParagraphBlock>().FirstOrDefault() is { } paragraph)
                return source.Substring(paragraph.Span.Start, paragraph.Span.Length).Trim();
        }
        return null;
    }

    /// <summary>An index page linking the notebooks' pages, with a line of summary each.</summary>
    /// <param name="notebooks">Title, link (relative to the index) and summary of each page, in order.</param>
    /// <param name="title">The index's title.</param>
    public static string Index(IEnumerable<(string Title, string Href, string Summary)> notebooks, string title = "Reports")
    {
        ArgumentNullException.ThrowIfNull(notebooks);
        return Index(notebooks.Select(n => new IndexEntry(n.Title, n.Href) { Note = n.Summary }), title);
    }

    /// <summary>An index page: each notebook's page, its purpose and thumbnails of its figures, each linked.</summary>
    /// <param name="notebooks">The entries, in order.</param>
    /// <param name="title">The index's title.</param>
    /// <param name="version">The kit version the footer names; <see cref="KitVersion"/> when null.</param>
    /// <param name="provenance">The footer's note on where the data come from, as HTML the host writes (not escaped); null for none.</param>
    public static string Index(IEnumerable<IndexEntry> notebooks, string title = "Reports", string? version = null, string? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(notebooks);
        var body = new StringBuilder();
        var page = new PageContext();
        body.Append("<h1>").Append(E(title)).Append("</h1>\n<ul class=\"index\">\n");
        foreach (var entry in notebooks)
        {
            body.Append("<li>\n<h2><a href=\"").Append(E(SafeUrl(entry.Href, image: false))).Append("\">").Append(E(entry.Title)).Append("</a></h2>\n");
            if (!string.IsNullOrWhiteSpace(entry.Purpose))
                body.Append("<div class=\"purpose\">").Append(MarkdownHtml(new Cell("markdown", entry.Purpose), page, toc: false)).Append("</div>\n");
            if (!string.IsNullOrWhiteSpace(entry.Note)) body.Append("<p class=\"note\">").Append(E(entry.Note)).Append("</p>\n");
            if (entry.Figures is { Count: > 0 } figures)
            {
                body.Append("<div class=\"thumbs\">\n");
                foreach (string figure in figures)
                {
                    string href = E(SafeUrl(figure, image: false));
                    string name = E(Path.GetFileNameWithoutExtension(figure));
                    body.Append("<a href=\"").Append(href).Append("\" title=\"").Append(name).Append("\"><img src=\"").Append(href).Append("\" alt=\"").Append(name).Append("\"></a>\n");
                }
                body.Append("</div>\n");
            }
            body.Append("</li>\n");
        }
        body.Append("</ul>\n");
        return Page(title, body.ToString(), chart: false, version, provenance);
    }

    private static string Page(string title, string body, bool chart, string? version, string? provenance)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n");
        if (chart) page.Append("<script type=\"text/javascript\">\n").Append(PlotlyJs.Value).Append("\n</script>\n");
        page.Append("</head>\n<body>\n<main>\n").Append(body).Append("</main>\n").Append(Footer(version ?? KitVersion, provenance)).Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static string Footer(string version, string? provenance) =>
        "<footer class=\"page-footer\">\n<p>Made with the ITS kit, version <span class=\"version\">" + E(version) + "</span>.</p>\n"
        + (provenance is null ? "" : "<p class=\"provenance\">" + provenance + "</p>\n")
        + "</footer>\n";

    // The table of contents: the headings of the markdown cells below the title, linked to their anchors.
    private static string Toc(List<(int Level, string Text, string Id)> headings)
    {
        var entries = headings.Where(h => h.Level is 2 or 3).ToList();
        if (entries.Count == 0) return "";
        var toc = new StringBuilder("<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>\n<ul>\n");
        bool nested = false;
        for (int i = 0; i < entries.Count; i++)
        {
            var (level, text, id) = entries[i];
            if (level == 3 && !nested && i > 0) { toc.Length -= "</li>\n".Length; toc.Append("\n<ul>\n"); nested = true; }
            else if (level == 2 && nested) { toc.Append("</ul></li>\n"); nested = false; }
            toc.Append("<li><a href=\"#").Append(E(id)).Append("\">").Append(E(text)).Append("</a></li>\n");
        }
        if (nested) toc.Append("</ul></li>\n");
        return toc.Append("</ul>\n</nav>\n").ToString();
    }

    private static string Output(CellOutput output, PageContext page) => output switch
    {
        StreamOutput s => $"<pre class=\"output stream {(s.Name == "stderr" ? "stderr" : "stdout")}\">{E(s.Text)}</pre>\n",
        ExecuteResultOutput r => $"<div class=\"output result\"><div class=\"prompt\">Out[{r.ExecutionCount}]:</div>{Bundle(r.Data, page)}</div>\n",
        DisplayOutput d => $"<div class=\"output display\">{Bundle(d.Data, page)}</div>\n",
        ErrorOutput x => $"<pre class=\"output error\"><span class=\"ename\">{E(x.Name)}</span>: {E(x.Value)}"
            + string.Concat(x.Traceback.Select(t => "\n" + E(Ansi().Replace(t, ""))))
            + "</pre>\n",
        _ => "",
    };

    // The richest representation: the kit's HTML (escaped where it is made), SVG, a bitmap, Markdown, then text.
    private static string Bundle(MimeBundle bundle, PageContext page)
    {
        var data = bundle.Data;
        // The page has plotly.js in its head: a session's first chart does not bring a second copy.
        if (data.TryGetValue("text/html", out string? html)) return $"<div class=\"html\">{TableCells.Classify(PlotlyJsLoader.WithoutPlotlyJs(html))}</div>";
        if (data.TryGetValue("image/svg+xml", out string? svg)) return $"<div class=\"svg\">{svg}</div>";
        foreach (string type in new[] { "image/png", "image/jpeg" })
            if (data.TryGetValue(type, out string? b64))
                return $"<img class=\"image\" alt=\"\" src=\"data:{type};base64,{E(Regex.Replace(b64, @"\s", ""))}\">";
        if (data.TryGetValue("text/markdown", out string? markdown)) return $"<div class=\"markdown\">{MarkdownHtml(new Cell("markdown", markdown), page, toc: false)}</div>";
        return $"<pre class=\"text\">{E(bundle.PlainText)}</pre>";
    }

    // What one page has made so far: heading ids (unique on the page, though each cell is parsed alone) and the headings for the contents.
    private sealed class PageContext
    {
        public HashSet<string> Ids { get; } = new(StringComparer.Ordinal);

        public List<(int Level, string Text, string Id)> Headings { get; } = [];
    }

    private static string MarkdownHtml(Cell cell, PageContext page, bool toc)
    {
        var document = Markdown.Parse(cell.Source, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var attributes = heading.GetAttributes();
            string id = string.IsNullOrEmpty(attributes.Id) ? "section" : attributes.Id;
            string unique = id;
            for (int n = 1; !page.Ids.Add(unique); n++) unique = $"{id}-{n}";
            attributes.Id = unique;
            if (toc) page.Headings.Add((heading.Level, PlainText(heading.Inline), unique));
        }
        foreach (var link in document.Descendants<LinkInline>())
        {
            string url = link.GetDynamicUrl?.Invoke() ?? link.Url ?? "";
            link.GetDynamicUrl = null;
            link.Url = link.IsImage && Attachment(cell.Attachments, url) is { } inline ? inline : SafeUrl(url, link.IsImage);
        }
        // An autolink shows its target as its text: an unsafe one stays as text, without the link.
        foreach (var link in document.Descendants<AutolinkInline>().Where(l => !l.IsEmail && SafeUrl(l.Url, image: false) != l.Url).ToArray())
            link.ReplaceBy(new LiteralInline(link.Url));
        return Markdown.ToHtml(document, Pipeline);
    }

    // Jupyter's attachments: {"name.png": {"image/png": "<base64>"}}, cited as attachment:name.png.
    private static string? Attachment(JsonObject? attachments, string url)
    {
        const string prefix = "attachment:";
        if (attachments is null || !url.StartsWith(prefix, StringComparison.Ordinal)) return null;
        if (attachments[Uri.UnescapeDataString(url[prefix.Length..])] is not JsonObject bundle) return null;
        foreach (var (type, value) in bundle)
            if (type.StartsWith("image/", StringComparison.Ordinal) && value is JsonValue v && v.TryGetValue(out string? b64))
                return $"data:{type};base64,{Regex.Replace(b64, @"\s", "")}";
        return null;
    }

    /// <summary>A link target kept only if it cannot run script: http, https, mailto, relative or an anchor (and data:image/ for images).</summary>
    private static string SafeUrl(string url, bool image)
    {
        var scheme = UrlScheme().Match(url);
        if (!scheme.Success) return url;
        string s = scheme.Groups[1].Value.ToLowerInvariant();
        bool ok = s is "http" or "https" || (s == "mailto" && !image) || (image && url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase));
        return ok ? url : "#";
    }

    private static string PlainText(Inline? inline) => inline switch
    {
        null => "",
        LiteralInline l => l.Content.ToString(),
        CodeInline c => c.Content,
        LineBreakInline => " ",
        AutolinkInline a => a.Url,
        ContainerInline c => string.Concat(c.Select(PlainText)),
        _ => "",
    };

    private static string? FirstHeading(Notebook notebook)
    {
        foreach (var cell in notebook.Cells.Where(c => c.Type == "markdown"))
            if (Markdown.Parse(cell.Source, Pipeline).Descendants<HeadingBlock>().FirstOrDefault() is { Inline: { } inline })
                return string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
        return null;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*):")]
    private static partial Regex UrlScheme();

    // ANSI colour codes in tracebacks (as IPython writes them) mean nothing in a page.
    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();

    private const string Css = """
        body { margin: 0; background: #fff; color: #1d1d1f; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main, .page-footer { max-width: 70rem; margin: 0 auto; padding: 1.5rem 1.25rem 2rem; box-sizing: border-box; overflow-wrap: break-word; }
        h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.6em; }
        h1 { font-size: 1.9rem; } h2 { font-size: 1.45rem; } h3 { font-size: 1.15rem; }
        a { color: #1f5fa8; }
        .cell { margin: 1rem 0; }
        .prompt { color: #6b6b6b; font: 0.78rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin-bottom: 0.2rem; }
        pre, code { font: 0.86rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        pre { margin: 0; padding: 0.6rem 0.8rem; overflow-x: auto; white-space: pre; }
        .source { background: #f5f6f8; border: 1px solid #e1e3e8; border-radius: 4px; }
        .markdown code, .page-footer code { background: #f5f6f8; padding: 0.05em 0.3em; border-radius: 3px; }
        .markdown pre code { background: none; padding: 0; }
        .markdown pre { background: #f5f6f8; border-radius: 4px; }
        .output { margin-top: 0.5rem; min-width: 0; }
        .output > .html, .output > .markdown { overflow-wrap: anywhere; }
        .stream { padding-left: 0; }
        .stderr { background: #fff4f2; color: #8a1f11; padding-left: 0.8rem; }
        .error { background: #fdecea; color: #8a1f11; border-left: 3px solid #c62828; }
        .error .ename { font-weight: bold; }
        table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.84rem; font-variant-numeric: tabular-nums; max-width: 100%; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding: 0.3rem 0; }
        th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid #e1e3e8; vertical-align: top; overflow-wrap: break-word; }
        th { text-align: left; border-bottom: 2px solid #c4c7cf; background: #fafbfc; vertical-align: bottom; overflow-wrap: normal; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        td.text, th.text { text-align: left !important; white-space: normal; min-width: 4rem; }
        td.num, th.num { text-align: right !important; }
        td.num { overflow-wrap: normal; white-space: nowrap; } td.num.long { white-space: normal; }
        .its-result h3, .its-comparison h3, .its-placebo h3, .its-sensitivity h3, .its-breaks h3, .its-power h3 { font-size: 1rem; margin: 0.4rem 0; }
        .its-result ul, .its-comparison ul, .its-placebo ul, .its-sensitivity ul, .its-breaks ul, .its-power ul { font-size: 0.88rem; color: #444; padding-left: 1.2rem; }
        .its-chart { min-height: 2rem; color: #6b6b6b; font-size: 0.88rem; width: 100%; }
        .its-chart[data-default-height] { height: 450px; }
        .its-list ol { font: 0.86rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .image, .svg svg { max-width: 100%; height: auto; }
        blockquote { margin: 1rem 0; padding: 0.2rem 1rem; border-left: 3px solid #c4c7cf; color: #444; }
        .markdown-alert { border-left: 3px solid #1f5fa8; padding: 0.2rem 1rem; margin: 1rem 0; }
        .toc { margin: 1rem 0 2rem; padding: 0.6rem 1rem; background: #f7f8fa; border: 1px solid #e1e3e8; border-radius: 4px; font-size: 0.92rem; }
        .toc .toc-title { margin: 0 0 0.3rem; font-weight: 600; }
        .toc ul { margin: 0; padding-left: 1.2rem; } .toc li { margin: 0.1rem 0; }
        .page-footer { border-top: 1px solid #e1e3e8; color: #555; font-size: 0.85rem; width: calc(100% - 2.5rem); max-width: 67.5rem; padding: 0.8rem 0 2rem; }
        .page-footer p { margin: 0.3rem 0; }
        .index { list-style: none; padding: 0; }
        .index > li { margin: 0 0 1.6rem; padding-bottom: 1rem; border-bottom: 1px solid #e1e3e8; } .index > li:last-child { border-bottom: none; }
        .index h2 { font-size: 1.2rem; margin: 0.4rem 0; }
        .index .purpose p { margin: 0.2rem 0; color: #333; } .index .note { margin: 0.2rem 0; color: #6b6b6b; font-size: 0.85rem; }
        .thumbs { display: flex; flex-wrap: wrap; gap: 0.6rem; margin-top: 0.6rem; }
        .thumbs img { display: block; height: 9rem; width: auto; max-width: 100%; border: 1px solid #e1e3e8; border-radius: 3px; background: #fff; }
        @media print {
          body { font-size: 11pt; }
          main, .page-footer { max-width: none; width: auto; padding: 0; }
          .page-footer { margin-top: 1.5rem; padding-top: 0.5rem; }
          .toc, .prompt { display: none; }
          a { color: inherit; text-decoration: none; }
          pre { white-space: pre-wrap; overflow: visible; }
          table, figure, .its-chart, .image, .svg, .thumbs img { break-inside: avoid; }
          h1, h2, h3, h4 { break-after: avoid; }
          .source { border: none; background: none; }
        }

        """;
}
