using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;
using Its.Plots;
using Its.Reporting;
using Its.Robustness;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Sanming;

namespace Its.Notebooks.Tests;

/// <summary>
/// Each branch of the engine's formatter composed with the kit's formatters (<see cref="Kit"/>):
/// text always, HTML where the value has it, every text escaped.
/// </summary>
public sealed class KitFormatterTests
{
    private static readonly NotebookFormatter Formatter = Kit.Formatter;

    private static string Html(MimeBundle bundle)
    {
        Assert.True(bundle.Data.TryGetValue("text/html", out string? html), "no text/html");
        return html!;
    }

    private static void AssertEscaped(string html)
    {
        Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</script> &", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_shows_its_report_and_escapes_the_outcome_name()
    {
        var bundle = Formatter.Format(Results.Fit);
        Assert.Equal(ResultReport.Render(Results.Fit, ReportFormat.Text), bundle.PlainText);
        string html = Html(bundle);
        Assert.Equal(ResultReport.Render(Results.Fit, ReportFormat.Html), html);
        Assert.Contains(WebUtility.HtmlEncode(Results.Hostile), html, StringComparison.Ordinal);
        AssertEscaped(html);
    }

    [Fact]
    public void Placebo_tests_and_sensitivity_grids_show_their_reports()
    {
        var placebo = PlaceboTest.Run(Results.Series, Results.Spec, minimumEachSide: 6);
        var bundle = Formatter.Format(placebo);
        Assert.Equal(RobustnessReport.Render(placebo, Results.Spec, Results.Series.OutcomeName, ReportFormat.Html), Html(bundle));
        AssertEscaped(Html(bundle));
        var grid = Sensitivity.Run(Results.Series, Results.Spec, [Model.ErrorModel.Ols, Model.NeweyWestCovariance.Stata(2)]);
        string html = Html(Formatter.Format(grid));
        Assert.Contains("newey:2", html, StringComparison.Ordinal);
        AssertEscaped(html);
    }

    [Fact]
    public void A_comparison_shows_its_report()
    {
        var comparison = Results.Comparisons[0].Result;
        var bundle = Formatter.Format(comparison);
        Assert.Equal(ComparisonReport.Render(comparison, ReportFormat.Html), Html(bundle));
        Assert.StartsWith("Comparison of", bundle.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Power_and_break_searches_show_their_reports()
    {
        var power = PowerSimulation.Run(new PowerScenario { PeriodsBefore = 12, PeriodsAfter = 12, LevelChange = 1, Replicates = 40 }, 1);
        Assert.Equal(PowerReport.Render(power, ReportFormat.Html), Html(Formatter.Format(power)));
        var breaks = BreakSearch.Run(Results.Series, Results.Spec);
        var bundle = Formatter.Format(breaks);
        Assert.Equal(BreakSearchReport.Render(breaks, ReportFormat.Html), Html(bundle));
        AssertEscaped(Html(bundle));
    }

    [Fact]
    public void A_table_escapes_its_cells()
    {
        var table = new Table("t <b>", ["a", "b"], [["<script>alert(1)</script>", "1"]]);
        var bundle = Formatter.Format(table);
        Assert.Equal(table.ToText(), bundle.PlainText);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", Html(bundle), StringComparison.Ordinal);
        AssertEscaped(Html(bundle));
    }

    [Fact]
    public void The_study_fits_show_the_main_table_and_the_shares_their_own()
    {
        var plan = new StudyPlan();
        var fits = plan.Run(Results.Sanming);
        Assert.Equal(StudyPlan.MainTable(fits).ToHtml(), Html(Formatter.Format(fits)));
        var shares = plan.Shares(Results.Sanming);
        Assert.Equal(StudyPlan.ShareTable(shares).ToHtml(), Html(Formatter.Format(shares)));
        Assert.Equal(StudyPlan.DifferenceTable(Results.Comparisons).ToHtml(), Html(Formatter.Format(Results.Comparisons)));
    }

    [Fact]
    public void A_data_frame_shows_its_first_rows_and_its_size()
    {
        var frame = Results.Sanming.ToDataFrame();
        var bundle = Formatter.Format(frame);
        string html = Html(bundle);
        Assert.Contains($"<caption>{frame.Rows.Count} rows x 6 columns, first 20 shown</caption>", html, StringComparison.Ordinal);
        Assert.Equal(20, html.Split("<tr>").Length - 2);
        Assert.Contains("<th style=\"text-align:right\">outpatient_visits</th>", html, StringComparison.Ordinal);
        Assert.StartsWith($"{frame.Rows.Count} rows x 6 columns, first 20 shown", bundle.PlainText, StringComparison.Ordinal);

        var small = new DataFrame(new StringDataFrameColumn("name", [Results.Hostile]), new DoubleDataFrameColumn("x", [1.5]));
        string smallHtml = Html(Formatter.Format(small));
        Assert.Contains("<caption>1 row x 2 columns</caption>", smallHtml, StringComparison.Ordinal);
        Assert.Contains("<td style=\"text-align:right\">1.5</td>", smallHtml, StringComparison.Ordinal);
        AssertEscaped(smallHtml);
    }

    private static string FigureJson(string html)
    {
        int start = html.IndexOf("var figure = ", StringComparison.Ordinal) + "var figure = ".Length;
        int end = html.IndexOf(";\n", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [Fact]
    public void A_plotly_chart_is_a_div_and_a_script_without_plotly_js()
    {
        var figure = ItsFigure.From(Results.Fit, "visits per month");
        var chart = PlotlyRenderer.Render(figure);
        var bundle = Formatter.Format(chart);
        string html = Html(bundle);
        Assert.StartsWith("<div class=\"its-chart\" id=\"its-chart-", html, StringComparison.Ordinal);
        Assert.Contains("window.Plotly.newPlot(div, figure.data, figure.layout", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(html.Length < 100_000, "plotly.js must not be in the output");
        // The figure in the script is the chart's own, with nothing that can close the script.
        string json = FigureJson(html);
        Assert.DoesNotContain("<", json, StringComparison.Ordinal);
        Assert.Equal(
            JsonDocument.Parse(GenericChart.toFigureJson(chart)).RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString(),
            JsonDocument.Parse(json).RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal($"Plotly chart: Interrupted time series: {Results.Hostile} (6 traces; no static image: the kit draws one for its own figures only)", bundle.PlainText);
        // The same chart gives the same bytes, and the figure itself formats as its chart.
        Assert.Equal(html, Html(Formatter.Format(PlotlyRenderer.Render(figure))));
        Assert.Equal(html, Html(Formatter.Format(figure)));
    }

    [Fact]
    public void A_chart_carries_its_figure_for_jupyter_front_ends_as_json()
    {
        var chart = PlotlyRenderer.Render(ItsFigure.From(Results.Fit, "visits per month"));
        var bundle = Formatter.Format(chart);
        using var figure = JsonDocument.Parse(bundle.Data["application/vnd.plotly.v1+json"]);
        using var expected = JsonDocument.Parse(GenericChart.toFigureJson(chart));
        Assert.Equal(expected.RootElement.GetProperty("data").GetArrayLength(), figure.RootElement.GetProperty("data").GetArrayLength());
        static string? Title(JsonDocument d) => d.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString();
        Assert.Equal(Title(expected), Title(figure));
        // Notebooks and messages carry it as JSON, text types as lines or as one string.
        var inNotebook = bundle.ToJson(lines: true);
        Assert.IsType<JsonObject>(inNotebook["application/vnd.plotly.v1+json"]);
        Assert.IsType<JsonArray>(inNotebook["text/html"]);
        var inMessage = bundle.ToJson(lines: false);
        Assert.IsType<JsonObject>(inMessage["application/vnd.plotly.v1+json"]);
        Assert.Equal(bundle.Data["text/html"], inMessage["text/html"]!.GetValue<string>());
    }

    public static TheoryData<string> KitFigures => ["its", "line", "chart"];

    private static object KitFigure(string kind) => kind switch
    {
        "its" => ItsFigure.From(Results.Fit, "visits per month"),
        "line" => LineFigure.From("Visits", "visits per month", [Results.Series]),
        _ => ChartFigure.Placebo(PlaceboTest.Run(Results.Series, Results.Spec, minimumEachSide: 6), "level1"),
    };

    [Theory]
    [MemberData(nameof(KitFigures))]
    public void A_kit_figure_is_its_figure_json_a_chart_and_a_png_shown_at_screen_size(string kind)
    {
        var bundle = Formatter.Format(KitFigure(kind));
        Assert.Equal(["application/vnd.plotly.v1+json", "image/png", "text/html", "text/plain"], bundle.Data.Keys);
        Assert.StartsWith(PlotlyHtml.ChartMarker, Html(bundle), StringComparison.Ordinal);
        Assert.DoesNotContain("plotly.js v", Html(bundle), StringComparison.Ordinal);
        Assert.DoesNotContain("no static image", bundle.PlainText, StringComparison.Ordinal);
        // Drawn at 144 dpi, shown at its size in CSS pixels (7 x 4.5 inches at 96 per inch).
        byte[] png = Convert.FromBase64String(bundle.Data["image/png"]);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((1008, 648), (bitmap.Width, bitmap.Height));
        var output = new DisplayOutput(bundle).ToJson();
        Assert.Equal(672, (int)output["metadata"]!["image/png"]!["width"]!);
        Assert.Equal(432, (int)output["metadata"]!["image/png"]!["height"]!);
        Assert.Equal(672, (int)new ExecuteResultOutput(bundle, 1).ToJson()["metadata"]!["image/png"]!["width"]!);
        // Not blank: lines and text in dark colours cover part of it, on a white background.
        int dark = 0, white = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 128 && c.Green < 128 && c.Blue < 160) dark++;
                else if (c is { Red: 255, Green: 255, Blue: 255 }) white++;
            }
        int pixels = bitmap.Width * bitmap.Height / 4;
        Assert.InRange(dark, pixels / 200, pixels / 5);
        Assert.True(white > pixels / 4, $"{white} of {pixels} pixels white");
        // The same figure, the same bytes: executed notebooks stay the same run after run.
        Assert.Equal(bundle.Data["image/png"], Formatter.Format(KitFigure(kind)).Data["image/png"]);
    }

    [Fact]
    public void A_plotly_net_or_xplot_chart_has_no_png_and_its_text_says_so()
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", new[] { 1, 2 });
        trace.SetProperty("y", new[] { 3, 4 });
        foreach (var bundle in new[] { Formatter.Format(GenericChart.ofTraceObject(false, trace)), Formatter.Format(XPlot.Plotly.Chart.Line(new[] { Tuple.Create(1, 2.5) })) })
        {
            Assert.Equal(["application/vnd.plotly.v1+json", "text/html", "text/plain"], bundle.Data.Keys);
            Assert.EndsWith("; no static image: the kit draws one for its own figures only)", bundle.PlainText, StringComparison.Ordinal);
            Assert.Empty(bundle.Metadata);
        }
    }

    private const string Fit = "var periods = Enumerable.Range(0, 36).Select(Period.Month(2016, 1).Add).ToArray();\n"
        + "var fit = new ItsModel(new TimeSeries(periods, periods.Select((p, t) => 100 + t - (t >= 18 ? 10 : 0) + Math.Sin(t)).ToArray(), outcomeName: \"visits\"), new ItsSpec { Interruptions = [Period.Month(2017, 7)] }).Fit();";

    private static int PlotlyJsCopies(CellOutput output) => output switch
    {
        DisplayOutput { Data: var d } => PlotlyJsCopies(d),
        ExecuteResultOutput { Data: var r } => PlotlyJsCopies(r),
        _ => 0,
    };

    private static int PlotlyJsCopies(MimeBundle bundle) =>
        System.Text.RegularExpressions.Regex.Matches(Html(bundle), System.Text.RegularExpressions.Regex.Escape($"plotly.js v{Reports.HtmlReport.PlotlyJsVersion}")).Count;

    [Fact]
    public void The_first_chart_of_a_session_carries_plotly_js_once_and_later_charts_do_not()
    {
        var session = new Engine.NotebookSession(Kit.Formatter);
        Assert.Equal(Engine.CellStatus.Ok, session.RunCell(Fit + "\nfit", 1).Status);
        var first = session.RunCell("display(ItsFigure.From(fit));\ndisplay(ItsFigure.From(fit));", 2);
        var later = session.RunCell("ItsFigure.From(fit, \"visits per month\")", 3);
        Assert.Equal([1, 0], first.Outputs.Select(PlotlyJsCopies));
        Assert.Equal([0], later.Outputs.Select(PlotlyJsCopies));
        // Only plotly.js in front differs: the identical chart after it is the formatter's own, PNG and all.
        var (withJs, without) = (((DisplayOutput)first.Outputs[0]).Data, ((DisplayOutput)first.Outputs[1]).Data);
        Assert.EndsWith(Html(without), Html(withJs), StringComparison.Ordinal);
        Assert.Equal(Html(without), PlotlyJsLoader.WithoutPlotlyJs(Html(withJs)));
        Assert.Equal(without.Data["image/png"], withJs.Data["image/png"]);
        Assert.True(JsonNode.DeepEquals(without.Metadata, withJs.Metadata));
        // plotly.js sets window.Plotly with or without require.js: its AMD and CommonJS branches see no define, module or exports.
        Assert.Contains("(function (define, module, exports) {", Html(withJs), StringComparison.Ordinal);
        // A new session sends it again.
        var again = new Engine.NotebookSession(Kit.Formatter);
        Assert.Equal(Engine.CellStatus.Ok, again.RunCell(Fit, 1).Status);
        Assert.Equal([1], again.RunCell("ItsFigure.From(fit)", 2).Outputs.Select(PlotlyJsCopies));
    }

    [Fact]
    public void A_bundle_refuses_a_json_representation_that_is_not_json()
    {
        var e = Assert.Throws<ArgumentException>(() => new MimeBundle(new Dictionary<string, string> { ["text/plain"] = "x", ["application/json"] = "{not json" }));
        Assert.Contains("application/json", e.Message);
        Assert.True(MimeBundle.IsJson("application/vnd.plotly.v1+json"));
        Assert.False(MimeBundle.IsJson("application/javascript"));
    }

    [Fact]
    public void Text_in_a_chart_cannot_close_its_script()
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("x", new[] { 1, 2 });
        trace.SetProperty("y", new[] { 3, 4 });
        trace.SetProperty("name", "</script><script>alert(1)</script>");
        string html = Html(Formatter.Format(GenericChart.ofTraceObject(false, trace)));
        Assert.Equal(1, html.Split("</script>").Length - 1);
        Assert.Equal("</script><script>alert(1)</script>", JsonDocument.Parse(FigureJson(html)).RootElement.GetProperty("data")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void An_xplot_chart_is_drawn_from_its_figure_the_same_way()
    {
        var chart = XPlot.Plotly.Chart.Line(new[] { Tuple.Create(1, 2.5), Tuple.Create(2, 3.5) });
        chart.WithTitle("a </script> b");
        var bundle = Formatter.Format(chart);
        string html = Html(bundle);
        Assert.StartsWith("<div class=\"its-chart\"", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("</script>").Length - 1);
        var figure = JsonDocument.Parse(FigureJson(html)).RootElement;
        Assert.Equal("scatter", figure.GetProperty("data")[0].GetProperty("type").GetString());
        Assert.Equal(2.5, figure.GetProperty("data")[0].GetProperty("y")[0].GetDouble());
        Assert.Equal("a </script> b", figure.GetProperty("layout").GetProperty("title").GetString());
        Assert.Equal("Plotly chart: a </script> b (1 trace; no static image: the kit draws one for its own figures only)", bundle.PlainText);
        // XPlot draws each chart into a div of a random id; the formatter's output does not change with it.
        var again = XPlot.Plotly.Chart.Line(new[] { Tuple.Create(1, 2.5), Tuple.Create(2, 3.5) });
        again.WithTitle("a </script> b");
        Assert.Equal(html, Html(Formatter.Format(again)));
        Assert.DoesNotContain("layout = \"\"", Html(Formatter.Format(XPlot.Plotly.Chart.Line(new[] { Tuple.Create(1, 2) }))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData("<script>alert(1)</script>", "<script>alert(1)</script>")]
    [InlineData(42, "42")]
    [InlineData(1234.5, "1234.5")]
    [InlineData(true, "True")]
    [InlineData(DayOfWeek.Monday, "Monday")]
    public void Strings_and_simple_values_are_plain_text(object? value, string text)
    {
        var bundle = Formatter.Format(value);
        Assert.Equal(text, bundle.PlainText);
        Assert.False(bundle.Data.ContainsKey("text/html"));
    }

    [Fact]
    public void Numbers_and_dates_ignore_the_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            Assert.Equal("0.25", Formatter.Format(0.25m).PlainText);
            Assert.Equal("2017-10-01", Formatter.Format(new DateTime(2017, 10, 1)).PlainText);
            Assert.Equal("2017-10-01", Formatter.Format(new DateOnly(2017, 10, 1)).PlainText);
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = previous; }
    }

    private sealed record Labelled(string Name, int Count);

    private sealed class Plain
    {
        public string Name { get; init; } = Results.Hostile;
        public double Value { get; init; } = 2.5;
        public int[] Lags { get; init; } = [1, 2, 3];
        public Plain? Next { get; init; }
    }

    [Fact]
    public void A_record_is_its_text()
    {
        var bundle = Formatter.Format(new Labelled("<b>", 3));
        Assert.Equal("Labelled { Name = <b>, Count = 3 }", bundle.PlainText);
        Assert.False(bundle.Data.ContainsKey("text/html"));
    }

    [Fact]
    public void An_object_without_a_text_is_a_table_of_its_properties()
    {
        var bundle = Formatter.Format(new Plain { Next = new Plain() });
        string html = Html(bundle);
        Assert.Contains("<caption>Plain</caption>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Name</td><td>" + WebUtility.HtmlEncode(Results.Hostile) + "</td>", html, StringComparison.Ordinal);
        Assert.Contains("[1, 2, 3]", html, StringComparison.Ordinal);
        // One level: a nested object is its text (here its type's name), not another table.
        Assert.Contains(typeof(Plain).ToString(), html, StringComparison.Ordinal);
        AssertEscaped(html);
        Assert.Contains("Lags", bundle.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequence_of_values_is_a_list_capped_at_the_limit()
    {
        var bundle = Formatter.Format(Enumerable.Range(0, 100).ToList());
        Assert.Equal($"[{string.Join(", ", Enumerable.Range(0, 20))}, ...] (100 items, first 20 shown)", bundle.PlainText);
        string html = Html(bundle);
        Assert.Equal(NotebookFormatter.Limit, html.Split("<li>").Length - 1);
        Assert.Contains("100 items, first 20 shown", html, StringComparison.Ordinal);

        // An endless sequence is read only as far as shown.
        Assert.EndsWith("(first 20 items shown)", Formatter.Format(Enumerable.Repeat(1, int.MaxValue).Select(x => x)).PlainText, StringComparison.Ordinal);
        string strings = Html(Formatter.Format(new[] { Results.Hostile, "b" }));
        Assert.Contains("<li>" + WebUtility.HtmlEncode(Results.Hostile) + "</li>", strings, StringComparison.Ordinal);
        AssertEscaped(strings);
    }

    [Fact]
    public void A_sequence_of_objects_without_a_text_is_a_table_of_their_properties()
    {
        string html = Html(Formatter.Format(new[] { new Plain(), new Plain { Value = 3 } }));
        Assert.Contains("<caption>Plain: 2 items</caption>", html, StringComparison.Ordinal);
        // Text on the left, numbers on the right.
        Assert.Contains("<th style=\"text-align:left\">Name</th><th style=\"text-align:right\">Value</th><th style=\"text-align:right\">Lags</th><th style=\"text-align:left\">Next</th>", html, StringComparison.Ordinal);
        AssertEscaped(html);
    }

    [Fact]
    public void A_placebo_test_without_its_model_falls_back_to_text()
    {
        var placebo = PlaceboTest.Run(Results.Series, Results.Spec) with { Spec = null };
        var bundle = Formatter.Format(placebo);
        Assert.StartsWith("PlaceboResult { Real = 2017-10", bundle.PlainText, StringComparison.Ordinal);
        Assert.False(bundle.Data.ContainsKey("text/html"));
    }
}
