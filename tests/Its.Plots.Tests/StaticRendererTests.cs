using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Its.Model;
using Its.Time;

namespace Its.Plots.Tests;

/// <summary>The manuscript files: SVG and 300-dpi PNG of a figure, the same bytes every time.</summary>
public sealed class StaticRendererTests
{
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);

    internal static ItsFigure Figure()
    {
        var periods = Enumerable.Range(0, 48).Select(Start.Add).ToArray();
        var y = periods.Select((p, t) => 200_000 + 1500.0 * t - (p.CompareTo(Reform) >= 0 ? 25_000 + 800.0 * p.PeriodsSince(Reform) : 0) + 4000 * Math.Sin(1.7 * t)).ToArray();
        var fit = new ItsModel(new TimeSeries(periods, y, outcomeName: "visits"), new ItsSpec { Interruptions = [Reform] }).Fit();
        return ItsFigure.From(fit, "outpatient visits per month");
    }

    // PNG chunks in order: type and data (PNG specification, 5.3).
    private static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = new List<(string, byte[])>();
        for (int at = 8; at < png.Length;)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at)));
            chunks.Add((Encoding.ASCII.GetString(png, at + 4, 4), png[(at + 8)..(at + 8 + length)]));
            at += 12 + length;
        }
        return chunks;
    }

    [Theory]
    [InlineData(7, 4.5, 2100, 1350)]
    [InlineData(3.5, 2.5, 1050, 750)]
    public void The_png_is_300_dpi_times_the_size_in_inches_and_says_so(double width, double height, int pixelsWide, int pixelsHigh)
    {
        var chunks = Chunks(StaticRenderer.Png(Figure(), new FigureSize(width, height)));
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal((uint)pixelsWide, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data));
        Assert.Equal((uint)pixelsHigh, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data.AsSpan(4)));
        var phys = chunks.Single(c => c.Type == "pHYs").Data;
        Assert.True(chunks.FindIndex(c => c.Type == "pHYs") < chunks.FindIndex(c => c.Type == "IDAT"));
        // 300 dpi = 11811 pixels per metre (unit 1: metre).
        Assert.Equal(11811u, BinaryPrimitives.ReadUInt32BigEndian(phys));
        Assert.Equal(11811u, BinaryPrimitives.ReadUInt32BigEndian(phys.AsSpan(4)));
        Assert.Equal(1, phys[8]);
    }

    [Fact]
    public void A_png_for_a_screen_has_its_dpi_times_the_size_and_says_so()
    {
        var chunks = Chunks(StaticRenderer.Png(Figure(), dpi: 144));
        Assert.Equal(1008u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data));
        Assert.Equal(648u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data.AsSpan(4)));
        // 144 dpi = 5669 pixels per metre.
        Assert.Equal(5669u, BinaryPrimitives.ReadUInt32BigEndian(chunks.Single(c => c.Type == "pHYs").Data));
        Assert.Equal(StaticRenderer.Png(Figure(), dpi: 144), StaticRenderer.Png(Figure(), dpi: 144));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => StaticRenderer.Png(Figure(), dpi: 0));
        Assert.Contains("dpi", e.Message);
    }

    [Fact]
    public void The_png_decodes_at_its_size()
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(StaticRenderer.Png(Figure()));
        Assert.Equal((2100, 1350), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void The_svg_has_the_printed_size_every_label_and_text_in_the_named_font()
    {
        string svg = StaticRenderer.Svg(Figure());
        Assert.Contains("width=\"7in\" height=\"4.5in\" viewBox=\"0 0 672 432\"", svg);
        var texts = Regex.Matches(svg, @"<text[^>]*>\s*(.*?)\s*</text>", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
        foreach (string text in new[] { "Interrupted time series: visits", "outpatient visits per month", "month", "observed", "fitted",
                     "counterfactual (no interruption)", "95% CI of the counterfactual", "interruption 2017-10", "2018", "200,000" })
            Assert.Contains(text, texts);
        // Text needs a font: the one named, from Debian's fonts-dejavu-core (.ci/run installs it).
        Assert.Contains("font-family=\"DejaVu Sans\"", svg);
        Assert.DoesNotContain("font-family=\"DejaVu Serif\"", svg);
    }

    [Fact]
    public void The_same_figure_gives_the_same_bytes()
    {
        var figure = Figure();
        Assert.Equal(StaticRenderer.Svg(figure), StaticRenderer.Svg(Figure()));
        Assert.Equal(StaticRenderer.Png(figure), StaticRenderer.Png(Figure()));
    }

    [Fact]
    public void A_size_out_of_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StaticRenderer.Png(Figure(), new FigureSize(0, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => StaticRenderer.Svg(Figure(), new FigureSize(7, double.NaN)));
    }
}

/// <summary><see cref="FigureFiles"/>: writes only inside a scope with a folder, under names that are safe file names.</summary>
public sealed class FigureFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("its-figures-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void With_a_folder_both_files_are_written_and_the_figure_returned()
    {
        var figure = StaticRendererTests.Figure();
        using (FigureFiles.Into(Path.Combine(_folder, "figures")))
            Assert.Same(figure, FigureFiles.Save(figure, "02-outpatient_visits"));
        Assert.Null(FigureFiles.Directory);
        Assert.Equal(StaticRenderer.Svg(figure), File.ReadAllText(Path.Combine(_folder, "figures", "02-outpatient_visits.svg")));
        Assert.Equal(StaticRenderer.Png(figure), File.ReadAllBytes(Path.Combine(_folder, "figures", "02-outpatient_visits.png")));
    }

    [Fact]
    public void Without_a_folder_nothing_is_written()
    {
        var figure = StaticRendererTests.Figure();
        Assert.Same(figure, FigureFiles.Save(figure, "quiet"));
        using (FigureFiles.Into(_folder))
        using (FigureFiles.Into(null))
            Assert.Same(figure, FigureFiles.Save(figure, "quieter"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Fact]
    public void A_scope_belongs_to_the_code_that_opened_it_and_the_tasks_it_starts()
    {
        var figure = StaticRendererTests.Figure();
        string first = Path.Combine(_folder, "first"), second = Path.Combine(_folder, "second");
        using var both = new Barrier(2);
        // Each thread saves while the other's scope is open: neither sees the other's folder.
        void Save(string folder, string name)
        {
            using var scope = FigureFiles.Into(folder);
            both.SignalAndWait();
            Task.Run(() => FigureFiles.Save(figure, name)).Wait();
            both.SignalAndWait();
        }
        var threads = new[] { new Thread(() => Save(first, "a")), new Thread(() => Save(second, "b")) };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal(["a.png", "a.svg"], Directory.GetFiles(first).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["b.png", "b.svg"], Directory.GetFiles(second).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Null(FigureFiles.Directory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("fig.png")]
    [InlineData("with space")]
    [InlineData("é")]
    public void Bad_names_are_refused(string name)
    {
        using var scope = FigureFiles.Into(_folder);
        var e = Assert.Throws<ArgumentException>(() => FigureFiles.Save(StaticRendererTests.Figure(), name));
        Assert.Equal("name", e.ParamName);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder));
    }
}
