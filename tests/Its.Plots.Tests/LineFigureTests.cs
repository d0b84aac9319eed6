using System.Text.Json;
using Its.Model;
using Its.Time;
using Plotly.NET;

namespace Its.Plots.Tests;

/// <summary>The line figure holds the series as given, and the chart draws one line per series.</summary>
public sealed class LineFigureTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);

    private static TimeSeries Series(string name, double scale) =>
        new(Enumerable.Range(0, 24).Select(Start.Add).ToArray(), Enumerable.Range(0, 24).Select(t => scale * (1 + 0.01 * t)).ToArray(), outcomeName: name);

    [Fact]
    public void Every_series_is_a_line_with_every_value()
    {
        var figure = LineFigure.From("visits", "visits per month", [Series("hospital", 1000), Series("chsi", 100)], Reform, logAxis: true);
        Assert.Equal(["hospital", "chsi"], figure.Lines.Select(l => l.Name));
        Assert.Equal(24, figure.Lines[1].Points.Count);
        Assert.Equal(100 * 1.23, figure.Lines[1].Points[^1].Value, 9);
        Assert.Equal(new PeriodSpan(Start, Start.Add(23)), figure.Span);

        var json = JsonDocument.Parse(GenericChart.toFigureJson(PlotlyRenderer.Render(figure))).RootElement;
        var traces = json.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["hospital", "chsi"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("2016-01-01", traces[0].GetProperty("x")[0].GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal(2, layout.GetProperty("shapes").GetArrayLength());
        Assert.Equal("interruption 2017-10", layout.GetProperty("annotations")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Names_replace_the_series_names_and_no_interruption_draws_no_marks()
    {
        var figure = LineFigure.From("t", "v", [Series("a", 1)], names: ["city <all>"]);
        Assert.Equal("city <all>", figure.Lines[0].Name);
        string json = GenericChart.toFigureJson(PlotlyRenderer.Render(figure));
        Assert.Equal(json, GenericChart.toFigureJson(PlotlyRenderer.Render(figure)));
        var layout = JsonDocument.Parse(json).RootElement.GetProperty("layout");
        Assert.Equal(0, layout.GetProperty("shapes").GetArrayLength());
        Assert.Equal(0, layout.GetProperty("annotations").GetArrayLength());
        Assert.Equal("linear", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Throws<ArgumentException>(() => LineFigure.From("t", "v", []));
        Assert.Throws<ArgumentException>(() => LineFigure.From("t", "v", [Series("a", 1)], names: ["a", "b"]));
    }

    [Fact]
    public void Files_for_manuscripts_have_the_lines_and_log_ticks_in_the_original_units()
    {
        var figure = LineFigure.From("visits", "visits per month", [Series("hospital", 1000), Series("chsi", 100)], Reform, logAxis: true);
        string svg = StaticRenderer.Svg(figure);
        Assert.Equal(svg, StaticRenderer.Svg(figure));
        foreach (string text in new[] { "hospital", "chsi", "visits per month (log scale)", "interruption 2017-10", "\t1,000\n", "\t100\n", "\t200\n" })
            Assert.Contains(text, svg, StringComparison.Ordinal);
        byte[] png = StaticRenderer.Png(figure);
        Assert.Equal(png, StaticRenderer.Png(figure));
        Assert.Equal(2100, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));

        string folder = Directory.CreateTempSubdirectory("its-figures-").FullName;
        try
        {
            using (FigureFiles.Into(folder)) Assert.Same(figure, FigureFiles.Save(figure, "01-visits"));
            Assert.True(File.Exists(Path.Combine(folder, "01-visits.svg")) && File.Exists(Path.Combine(folder, "01-visits.png")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
