using System.Text.Json;
using System.Text.RegularExpressions;
using Its.Model;
using Its.Time;
using Plotly.NET;

namespace Its.Plots.Tests;

/// <summary>
/// The value axis at every magnitude, in both renderers alike: large values in millions with the
/// unit in the title, so tick labels stay short; log axes ticked at decades and 1-2-5
/// intermediates; the interactive chart's title kept clear of the tick labels.
/// </summary>
public sealed class ValueAxisTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);

    private static ItsFigure Figure(double scale)
    {
        var periods = Enumerable.Range(0, 48).Select(Start.Add).ToArray();
        var y = periods.Select((p, t) => scale * (200 + 1.5 * t - (p.CompareTo(Reform) >= 0 ? 25 + 0.8 * p.PeriodsSince(Reform) : 0) + 4 * Math.Sin(1.7 * t))).ToArray();
        return ItsFigure.From(new ItsModel(new TimeSeries(periods, y, outcomeName: "expenditure"), new ItsSpec { Interruptions = [Reform] }).Fit(), "expenditure, yuan per month");
    }

    private static JsonElement YAxis(GenericChart chart) =>
        JsonDocument.Parse(GenericChart.toFigureJson(chart)).RootElement.GetProperty("layout").GetProperty("yaxis");

    // The tick labels of the value axis in an SVG: the text left of the data area, at the axis.
    private static string[] SvgTexts(string svg) =>
        Regex.Matches(svg, @"<text[^>]*>\s*(.*?)\s*</text>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();

    [Theory]
    [InlineData(1.0, "expenditure, yuan per month")]
    [InlineData(1_000.0, "expenditure, yuan per month")]
    [InlineData(1_000_000.0, "expenditure, yuan per month (millions)")]
    [InlineData(10_000_000.0, "expenditure, yuan per month (billions)")]
    public void Large_values_are_shown_in_millions_or_billions_with_the_unit_in_the_title(double scale, string title)
    {
        var figure = Figure(scale);
        var axis = YAxis(PlotlyRenderer.Render(figure));
        Assert.Equal(title, axis.GetProperty("title").GetProperty("text").GetString());
        Assert.True(axis.GetProperty("automargin").GetBoolean());
        Assert.True(axis.GetProperty("title").GetProperty("standoff").GetInt32() > 0);
        var texts = SvgTexts(StaticRenderer.Svg(figure));
        Assert.Contains(title, texts);
        // No tick label is longer than "200,000" (what 1,000-fold values give before millions take over).
        var ticks = texts.Where(t => Regex.IsMatch(t, @"^-?[\d,]+(\.\d+)?$")).Where(t => !Regex.IsMatch(t, @"^(2016|2017|2018|2019)$")).ToArray();
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.True(t.Length <= 7, $"tick label {t} at scale {scale}"));
    }

    [Fact]
    public void The_drawn_values_are_those_of_the_axis_units()
    {
        var figure = Figure(1_000_000);
        var traces = JsonDocument.Parse(GenericChart.toFigureJson(PlotlyRenderer.Render(figure))).RootElement.GetProperty("data");
        var observed = traces.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "observed");
        Assert.Equal(figure.Observed.Select(o => o.Value / 1e6), observed.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Theory]
    [InlineData(15.0, 380.0, new[] { 10.0, 20, 50, 100, 200, 500 })]
    [InlineData(0.3, 4.0, new[] { 0.2, 0.5, 1, 2, 5 })]
    [InlineData(2.0, 90_000.0, new[] { 10.0, 100, 1000, 10_000, 100_000 })]
    public void Log_axes_are_ticked_at_decades_and_a_few_intermediates(double low, double high, double[] ticks)
    {
        var periods = Enumerable.Range(0, 24).Select(Start.Add).ToArray();
        var lines = new[] { low, high }.Select((level, i) => new Line($"line {i}", periods.Select((p, t) => new FittedPoint(p, level * (1 + 0.001 * t))).ToArray())).ToArray();
        var figure = new LineFigure { Title = "two levels", ValueLabel = "visits", Frequency = Frequency.Month, Lines = lines, LogAxis = true };
        var axis = YAxis(PlotlyRenderer.Render(figure));
        Assert.Equal("log", axis.GetProperty("type").GetString());
        Assert.Equal("visits (log scale)", axis.GetProperty("title").GetProperty("text").GetString());
        var values = axis.GetProperty("tickvals").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(ticks, values);
        Assert.Equal(values.Select(v => v.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture)), axis.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        // The files label the ticks inside the drawn range alike.
        var texts = SvgTexts(StaticRenderer.Svg(figure));
        Assert.Contains("visits (log scale)", texts);
        Assert.Contains(values.Select(v => v.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture)), texts.Contains);
    }

    [Fact]
    public void A_log_axis_of_large_values_is_in_millions_too()
    {
        var periods = Enumerable.Range(0, 24).Select(Start.Add).ToArray();
        var lines = new[] { 2e7, 3e8 }.Select((level, i) => new Line($"line {i}", periods.Select(p => new FittedPoint(p, level)).ToArray())).ToArray();
        var axis = YAxis(PlotlyRenderer.Render(new LineFigure { Title = "t", ValueLabel = "yuan", Frequency = Frequency.Month, Lines = lines, LogAxis = true }));
        Assert.Equal("yuan (millions, log scale)", axis.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(["20", "50", "100", "200"], axis.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
    }
}
