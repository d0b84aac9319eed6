using System.Text.Json;
using System.Text.RegularExpressions;
using Its.Model;
using Its.Robustness;
using Its.Time;
using Plotly.NET;

namespace Its.Plots.Tests;

/// <summary>
/// The robustness charts hold what their results say (points, intervals, the real estimate marked,
/// reference lines), and both renderers draw them: the Plotly JSON with its traces and a height,
/// the SVG with its text and an explicit fill on every shape, the same bytes twice.
/// </summary>
public sealed class ChartFigureTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);
    private static readonly ItsSpec Spec = new() { Interruptions = [Reform] };

    // 48 months of a trend with a drop at the reform and a deterministic wobble, so no seed is needed.
    private static readonly TimeSeries Series = new(
        Enumerable.Range(0, 48).Select(Start.Add).ToArray(),
        Enumerable.Range(0, 48).Select(t => 200 + 1.5 * t - (t >= 21 ? 25 + 0.8 * (t - 21) : 0) + 4 * Math.Sin(1.7 * t)).ToArray(),
        outcomeName: "visits");

    private static readonly PlaceboResult Placebo = PlaceboTest.Run(Series, Spec, minimumEachSide: 6);
    private static readonly IReadOnlyList<SensitivityRow> Grid = Sensitivity.Run(Series, Spec, [ErrorModel.Ols, ErrorModel.Parse("newey:2"), ErrorModel.Parse("prais")]);
    private static readonly BreakSearchResult Breaks = BreakSearch.Run(Series, Spec);
    private static readonly IReadOnlyList<PowerResult> Curve = PowerCurve.Run(
        new PowerScenario { PeriodsBefore = 12, PeriodsAfter = 12, SlopeChange = 0, Replicates = 50 }, PowerCurveEffect.Slope, [0, 0.2, 0.5]);

    public static TheoryData<string> Figures => ["placebo", "sensitivity", "power", "breaks"];

    private static ChartFigure Figure(string name) => name switch
    {
        "placebo" => ChartFigure.Placebo(Placebo, "level1"),
        "sensitivity" => ChartFigure.Sensitivity(Grid, "slope1"),
        "power" => ChartFigure.Power(Curve, "slope1"),
        _ => ChartFigure.Breaks(Breaks),
    };

    [Fact]
    public void The_placebo_figure_has_every_pseudo_date_with_its_ci_and_the_real_estimate_marked()
    {
        var figure = ChartFigure.Placebo(Placebo, "level1");
        Assert.Contains("level change", figure.Title);
        Assert.Equal(ChartAxis.Date, figure.Axis);
        var pseudo = figure.Series[0];
        var real = Assert.Single(figure.Series[1].Points);
        Assert.Equal(Placebo.Fits.Count(f => !f.Real), pseudo.Points.Count);
        var fit = Placebo.Fits.First(f => !f.Real);
        var c = fit.Effects.Single(e => e.Term == "level1");
        Assert.Equal(new ChartPoint(ItsFigure.AxisDate(fit.Interruption).ToOADate(), c.Estimate, c.Ci.Lower, c.Ci.Upper), pseudo.Points[0]);
        var realFit = Placebo.Fits.Single(f => f.Real).Effects.Single(e => e.Term == "level1");
        Assert.Equal(realFit.Estimate, real.Value);
        Assert.Equal(ItsFigure.AxisDate(Reform).ToOADate(), real.At);
        Assert.NotEqual(figure.Series[0].Colour, figure.Series[1].Colour);
        Assert.Contains("real interruption 2017-10", figure.Series[1].Name);
        Assert.Equal(0, Assert.Single(figure.References).At);
        Assert.Equal(["level1", "slope1"], ChartFigure.Terms(Placebo));
        Assert.Contains("slope change", ChartFigure.Placebo(Placebo, "slope1").Title);
        Assert.Contains("visits", figure.Title);
    }

    [Fact]
    public void The_sensitivity_figure_is_a_labelled_row_per_error_model_with_a_line_at_zero()
    {
        var figure = ChartFigure.Sensitivity(Grid, "level1");
        Assert.True(figure.Horizontal);
        Assert.Equal(["ols", "newey:2", "prais"], figure.Categories);
        var points = figure.Series.Single().Points;
        Assert.Equal([0.0, 1, 2], points.Select(p => p.At));
        var c = Grid[2].Result!["level1"];
        Assert.Equal(new ChartPoint(2, c.Estimate, c.Ci.Lower, c.Ci.Upper), points[2]);
        var reference = Assert.Single(figure.References);
        Assert.Equal(0, reference.At);
        Assert.False(reference.OnPositionAxis);
        Assert.Equal(["level1", "slope1"], ChartFigure.Terms(Grid));
    }

    [Fact]
    public void The_power_figure_is_the_power_with_its_monte_carlo_interval_by_effect_with_a_line_at_0_8()
    {
        var figure = ChartFigure.Power(Curve, "slope1");
        var points = figure.Series.Single().Points;
        Assert.Equal([0.0, 0.2, 0.5], points.Select(p => p.At));
        for (int i = 0; i < Curve.Count; i++)
        {
            var t = Curve[i]["slope1"];
            Assert.Equal(t.Power, points[i].Value);
            Assert.Equal(Math.Max(0, t.Power - 1.96 * t.MonteCarloSe), points[i].Lower);
            Assert.Equal(Math.Min(1, t.Power + 1.96 * t.MonteCarloSe), points[i].Upper);
        }
        Assert.Equal(0.8, Assert.Single(figure.References).At);
        Assert.Equal("true slope change", figure.PositionLabel);
        // The curve varies the effect alone: the same seeds at every point.
        Assert.All(Curve, r => Assert.Equal(Curve[0].Scenario with { SlopeChange = 0 }, r.Scenario with { SlopeChange = 0 }));
        // Lengths that differ with one effect: power by series length.
        var byLength = ChartFigure.Power([Curve[1], PowerSimulation.Run(Curve[1].Scenario with { PeriodsAfter = 24 })], "slope1");
        Assert.Equal([24.0, 36], byLength.Series.Single().Points.Select(p => p.At));
        Assert.Contains("series length", byLength.Title);
    }

    [Fact]
    public void The_breaks_figure_has_every_candidate_the_critical_value_and_the_chosen_date()
    {
        var figure = ChartFigure.Breaks(Breaks);
        Assert.Equal(Breaks.Candidates.Select(c => c.F), figure.Series[0].Points.Select(p => p.Value));
        var chosen = Assert.Single(figure.Series[1].Points);
        Assert.Equal(Breaks.SupF, chosen.Value);
        Assert.Equal(ItsFigure.AxisDate(Breaks.BreakPeriod).ToOADate(), chosen.At);
        var critical = figure.References.Single(r => !r.OnPositionAxis);
        Assert.Equal(0.05, SupFPValue.Hansen(critical.At, Breaks.Restrictions, Breaks.Lambda), 6);
        Assert.Contains(figure.References, r => r.OnPositionAxis && r.Label == "pre-specified 2017-10");
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Plotly_draws_every_series_with_a_height_and_the_reference_lines(string name)
    {
        var figure = Figure(name);
        var json = JsonDocument.Parse(GenericChart.toFigureJson(ChartRenderer.Render(figure))).RootElement;
        var traces = json.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(figure.Series.Select(s => s.Name), traces.Select(t => t.GetProperty("name").GetString()));
        var layout = json.GetProperty("layout");
        Assert.True(layout.GetProperty("height").GetInt32() >= 400);
        Assert.Equal(figure.References.Count, layout.GetProperty("shapes").GetArrayLength());
        Assert.Equal(figure.References.Select(r => r.Label), layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()));
        Assert.True(layout.GetProperty("xaxis").GetProperty("automargin").GetBoolean());
        Assert.True(layout.GetProperty("yaxis").GetProperty("automargin").GetBoolean());
        if (figure.Series[0].Points.Any(p => p.HasInterval))
            Assert.True(traces[0].TryGetProperty(figure.Horizontal ? "error_x" : "error_y", out _));
        Assert.Equal(GenericChart.toFigureJson(ChartRenderer.Render(figure)), GenericChart.toFigureJson(ChartRenderer.Render(Figure(name))));
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void The_svg_has_its_text_and_explicit_fills_and_both_files_are_the_same_twice(string name)
    {
        var figure = Figure(name);
        string svg = ChartRenderer.Svg(figure);
        Assert.Contains("<svg", svg);
        Assert.Contains(figure.Title, svg);
        Assert.Contains(figure.ValueLabel, svg);
        Assert.Contains(figure.PositionLabel, svg);
        foreach (var series in figure.Series) Assert.Contains(series.Name, svg);
        var texts = Regex.Matches(svg, @"<text\b[^>]*>(?<t>[^<]*)</text>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["t"].Value.Trim())).ToHashSet();
        Assert.Contains(figure.Title, texts);
        foreach (var category in figure.Categories) Assert.Contains(category, texts);
        string body = Regex.Replace(svg, @"<clipPath\b.*?</clipPath>", "", RegexOptions.Singleline);
        foreach (Match shape in Regex.Matches(body, @"<(rect|path|circle|ellipse|line|polygon|polyline)\b[^>]*>"))
        {
            Assert.Matches(@"\sfill=", shape.Value);
            Assert.Matches(@"\sstroke=", shape.Value);
        }
        Assert.Equal(svg, ChartRenderer.Svg(Figure(name)));
        byte[] png = ChartRenderer.Png(figure);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(png, ChartRenderer.Png(Figure(name)));
    }

    [Theory]
    [InlineData(20, 6.0, 1)]
    [InlineData(36, 9.0, 1)]
    [InlineData(114, 9.0, 4)]
    public void A_forest_of_many_rows_prints_a_page_high_with_every_label_that_fits_and_svg_and_png_of_one_shape(int rows, double inches, int step)
    {
        var figure = new ChartFigure
        {
            Title = "many rows",
            PositionLabel = "unit",
            ValueLabel = "estimate",
            Axis = ChartAxis.Category,
            Horizontal = true,
            Categories = Enumerable.Range(0, rows).Select(i => $"U{i:000}").ToArray(),
            Series = [new ChartSeries("units", ChartMark.Points, Enumerable.Range(0, rows).Select(i => new ChartPoint(i, i, i - 1, i + 1)).ToArray())],
        };
        Assert.Equal(inches, ChartRenderer.DefaultSize(figure).HeightInches);
        Assert.Equal(step, ChartRenderer.LabelStep(figure));
        var texts = Regex.Matches(ChartRenderer.Svg(figure), @"<text\b[^>]*>(?<t>[^<]*)</text>").Select(m => m.Groups["t"].Value.Trim()).ToHashSet();
        for (int i = 0; i < rows; i++) Assert.Equal(i % step == 0, texts.Contains($"U{i:000}"));
        // 96 SVG units and 300 PNG pixels an inch: the same aspect, so Chromium draws the SVG at the PNG's size.
        var box = Regex.Match(ChartRenderer.Svg(figure), @"viewBox=""0 0 (\d+) (\d+)""");
        using var png = SkiaSharp.SKBitmap.Decode(ChartRenderer.Png(figure));
        Assert.Equal(png.Height * 96, int.Parse(box.Groups[2].Value) * 300);
        Assert.Equal(png.Width * 96, int.Parse(box.Groups[1].Value) * 300);
    }

    [Fact]
    public void Export_and_save_write_a_chart_in_every_format()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var figure = Figure("breaks");
            foreach (string ext in new[] { "svg", "png", "html" }) FigureExport.Write(figure, Path.Combine(folder, "f." + ext));
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, "f.svg")));
            Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(folder, "f.png"))[0]);
            string html = File.ReadAllText(Path.Combine(folder, "f.html"));
            Assert.Contains("Plotly.newPlot", html);
            Assert.DoesNotContain("<script src=", html);
            using (FigureFiles.Into(folder)) Assert.Same(figure, FigureFiles.Save(figure, "chart"));
            Assert.True(File.Exists(Path.Combine(folder, "chart.svg")));
            Assert.True(File.Exists(Path.Combine(folder, "chart.png")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
