using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Its.Time;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Its.Plots;

/// <summary>The printed size of a figure.</summary>
/// <param name="WidthInches">Width in inches.</param>
/// <param name="HeightInches">Height in inches.</param>
public readonly record struct FigureSize(double WidthInches, double HeightInches)
{
    /// <summary>7 x 4.5 inches: a full text width of a journal page, the interactive chart's proportions.</summary>
    public static FigureSize Default { get; } = new(7, 4.5);
}

/// <summary>
/// Draws an <see cref="ItsFigure"/> as files for manuscripts with ScottPlot: SVG, and PNG at
/// 300 dpi. It draws what <see cref="PlotlyRenderer"/> draws, in the same colours and with the same
/// legend names: the post period shaded, the counterfactual's 95% band and dashed line under the
/// solid fitted segments, the observations on top (open markers for those left out of the fit), a
/// dotted labelled line at each interruption, a date axis and the value axis with its units.
/// A <see cref="LineFigure"/> (observed series without a model) is drawn with the same frame.
/// The same figure gives the same bytes.
/// </summary>
public static partial class StaticRenderer
{
    /// <summary>Pixels per inch of the PNG: 300, the resolution journals ask for.</summary>
    public const int PngDpi = 300;

    /// <summary>
    /// SVG user units (CSS pixels) per inch: 96. The figure is laid out in these units, so text
    /// and line widths keep their printed size in both files.
    /// </summary>
    public const int SvgUnitsPerInch = 96;

    // The font named explicitly, so the files do not depend on which fonts come first on a machine
    // (Debian: fonts-dejavu-core); where it is missing, ScottPlot's choice of a system font.
    internal const string FontFamily = "DejaVu Sans";

    /// <summary>
    /// The figure as an SVG document, <paramref name="size"/> in inches (<c>width="7in"</c>) over a
    /// view box of <see cref="SvgUnitsPerInch"/> units per inch. Text stays text.
    /// </summary>
    /// <param name="figure">The figure.</param>
    /// <param name="size">Its printed size; <see cref="FigureSize.Default"/> when null.</param>
    public static string Svg(ItsFigure figure, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return Svg(scale => Build(figure, scale), size ?? FigureSize.Default);
    }

    /// <summary>
    /// The figure as a PNG image of <paramref name="size"/> x <paramref name="dpi"/> pixels (7 x 4.5
    /// inches at 300 dpi: 2100 x 1350), with a pHYs chunk saying its dpi so layout programs place it
    /// at its size. Text and lines keep their printed size at any dpi.
    /// </summary>
    /// <param name="figure">The figure.</param>
    /// <param name="size">Its printed size; <see cref="FigureSize.Default"/> when null.</param>
    /// <param name="dpi">Pixels per inch: <see cref="PngDpi"/> for print, less for a screen.</param>
    /// <exception cref="ArgumentOutOfRangeException">The dpi is not between 24 and 1200.</exception>
    public static byte[] Png(ItsFigure figure, FigureSize? size = null, int dpi = PngDpi)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return Png(scale => Build(figure, scale), size ?? FigureSize.Default, dpi);
    }

    /// <summary>A line figure as an SVG document (see the <see cref="ItsFigure"/> overload).</summary>
    public static string Svg(LineFigure figure, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return Svg(scale => Build(figure, scale), size ?? FigureSize.Default);
    }

    /// <summary>A line figure as a PNG image, 300 dpi by default (see the <see cref="ItsFigure"/> overload).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dpi is not between 24 and 1200.</exception>
    public static byte[] Png(LineFigure figure, FigureSize? size = null, int dpi = PngDpi)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return Png(scale => Build(figure, scale), size ?? FigureSize.Default, dpi);
    }

    internal static string Svg(Func<double, Plot> build, FigureSize size)
    {
        var (width, height) = Pixels(size, SvgUnitsPerInch);
        using var plot = build(1);
        return StableSvg(plot.GetSvgXml(width, height), size, width, height);
    }

    internal static byte[] Png(Func<double, Plot> build, FigureSize size, int dpi)
    {
        if (dpi is < 24 or > 1200) throw new ArgumentOutOfRangeException(nameof(dpi), dpi, "a PNG's dpi must be between 24 and 1200");
        var (width, height) = Pixels(size, dpi);
        // ScottPlot lays out in units scaled by ScaleFactor: the same layout as the SVG, at dpi / 96.
        using var plot = build((double)dpi / SvgUnitsPerInch);
        return WithResolution(plot.GetImageBytes(width, height, ImageFormat.Png), dpi);
    }

    private static (int Width, int Height) Pixels(FigureSize size, int perInch)
    {
        if (!(size.WidthInches > 0 && size.HeightInches > 0 && size.WidthInches <= 100 && size.HeightInches <= 100))
            throw new ArgumentOutOfRangeException(nameof(size), size, "a figure's width and height must be more than 0 and at most 100 inches");
        return ((int)Math.Round(size.WidthInches * perInch), (int)Math.Round(size.HeightInches * perInch));
    }

    private static Plot Build(ItsFigure figure, double scale)
    {
        var axis = ValueAxis.For(figure.OutcomeLabel, figure.Values(), log: false);
        var plot = Frame(scale, figure.Observed[0].Period, figure.Observed[^1].Period, figure.PostPeriod, figure.Interruptions);
        if (figure.Counterfactual.Count > 0)
        {
            var band = figure.Counterfactual;
            double[] xs = band.Select(b => X(ItsFigure.AxisDate(b.Period))).ToArray();
            var fill = plot.Add.FillY(xs, band.Select(b => axis.Scale(b.Lower)).ToArray(), band.Select(b => axis.Scale(b.Upper)).ToArray());
            fill.FillColor = Colour(FigureStyle.Band);
            fill.LineWidth = 0;
            fill.LegendText = figure.Named(FigureStyle.BandName);
            var line = plot.Add.ScatterLine(xs, band.Select(b => axis.Scale(b.Value)).ToArray(), Colour(FigureStyle.Counterfactual));
            line.LineWidth = 2;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = figure.Named(FigureStyle.CounterfactualName);
        }

        for (int s = 0; s < figure.FittedSegments.Count; s++)
        {
            var segment = figure.FittedSegments[s];
            var line = plot.Add.ScatterLine(segment.Select(p => X(ItsFigure.AxisDate(p.Period))).ToArray(), segment.Select(p => axis.Scale(p.Value)).ToArray(), Colour(FigureStyle.Fitted));
            line.LineWidth = 2;
            if (s == 0) line.LegendText = figure.Named(FigureStyle.FittedName);
        }

        if (figure.Control is { } control)
        {
            for (int s = 0; s < control.FittedSegments.Count; s++)
            {
                var segment = control.FittedSegments[s];
                var line = plot.Add.ScatterLine(segment.Select(p => X(ItsFigure.AxisDate(p.Period))).ToArray(), segment.Select(p => axis.Scale(p.Value)).ToArray(), Colour(FigureStyle.Control));
                line.LineWidth = 2;
                if (s == 0) line.LegendText = $"{FigureStyle.FittedName}: {control.Name}";
            }
            Markers(plot, axis, control.Observed, $"{FigureStyle.ObservedName}: {control.Name}", MarkerShape.FilledSquare, 5, FigureStyle.Control);
        }
        Markers(plot, axis, figure.Observed.Where(o => o.InFit).ToArray(), figure.Named(FigureStyle.ObservedName), MarkerShape.FilledCircle, 6);
        Markers(plot, axis, figure.Observed.Where(o => !o.InFit).ToArray(), figure.Named(FigureStyle.LeftOutName), MarkerShape.OpenCircle, 7);
        plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = ValueAxis.Label };
        return Labels(plot, figure.Title, figure.Frequency, axis.Title);
    }

    // Lines with markers in the shared palette; a log axis draws log10 of the values with labels
    // in the axis's units (ScottPlot has no log axis of its own).
    private static Plot Build(LineFigure figure, double scale)
    {
        var span = figure.Span;
        var axis = ValueAxis.For(figure.ValueLabel, figure.Lines.SelectMany(l => l.Points).Select(p => p.Value), figure.LogAxis);
        var plot = Frame(scale, span.First, span.Last, figure.Interruption is { } at ? new PeriodSpan(at, span.Last) : null, figure.Interruption is { } i ? [i] : []);
        if (figure.ZeroLine)
        {
            var zero = plot.Add.HorizontalLine(0, 1, Colour(FigureStyle.Interruption), LinePattern.Dashed);
            zero.ExcludeFromLegend = true;
        }
        // Muted lines first, under the others; the legend names the first of them.
        bool named = false;
        foreach (var (entry, colour) in LineColours(figure).OrderBy(x => !x.Line.Muted))
        {
            var points = entry.Points.Where(p => !figure.LogAxis || p.Value > 0).ToArray();
            var line = plot.Add.Scatter(points.Select(p => X(ItsFigure.AxisDate(p.Period))).ToArray(),
                points.Select(p => figure.LogAxis ? Math.Log10(axis.Scale(p.Value)) : axis.Scale(p.Value)).ToArray(), Colour(colour));
            line.LineWidth = entry.Muted ? 1 : 2;
            line.MarkerSize = entry.Muted ? 0 : 4;
            if (entry.Muted && named) line.LegendText = "";
            else line.LegendText = entry.Name;
            named |= entry.Muted;
        }
        if (figure.LogAxis)
        {
            var ticks = new NumericManual();
            foreach (double tick in axis.LogTicks) ticks.AddMajor(Math.Log10(tick), ValueAxis.Label(tick));
            plot.Axes.Left.TickGenerator = ticks;
        }
        else plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = ValueAxis.Label };
        return Labels(plot, figure.Title, figure.Frequency, axis.Title);
    }

    // Each line's colour: the palette in order for the lines, grey for the muted ones.
    internal static IEnumerable<(Line Line, FigureColour Colour)> LineColours(LineFigure figure)
    {
        int next = 0;
        foreach (var line in figure.Lines)
            yield return (line, line.Muted ? FigureStyle.Muted : FigureStyle.Palette[next++ % FigureStyle.Palette.Count]);
    }

    // What every figure has under its data: the font, the shaded post period, the dotted
    // interruption lines with their labels, and the time axis over the whole series.
    private static Plot Frame(double scale, Period first, Period last, PeriodSpan? post, IReadOnlyList<Period> interruptions)
    {
        var plot = new Plot { ScaleFactor = scale };
        string? font = Fonts.GetTypeface(FontFamily, bold: false, italic: false)?.FamilyName == FontFamily ? FontFamily : null;
        if (font is not null) plot.Font.Set(font);
        if (post is { } p)
        {
            var shade = plot.Add.HorizontalSpan(X(ItsFigure.BoundaryBefore(p.First)), X(ItsFigure.BoundaryBefore(p.Last.Add(1))), Colour(FigureStyle.PostShade));
            shade.LineWidth = 0;
        }
        foreach (var interruption in interruptions)
        {
            var mark = plot.Add.VerticalLine(X(ItsFigure.BoundaryBefore(interruption)), 1.5f, Colour(FigureStyle.Interruption), LinePattern.Dotted);
            mark.Text = FigureStyle.InterruptionLabel(interruption);
            mark.LabelOppositeAxis = true;
            mark.LabelFontSize = 11;
            mark.LabelFontColor = Colour(FigureStyle.Interruption);
            mark.LabelBackgroundColor = Colors.White;
            mark.ExcludeFromLegend = true;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Axes.SetLimitsX(X(ItsFigure.BoundaryBefore(first)), X(ItsFigure.BoundaryBefore(last.Add(1))));
        return plot;
    }

    private static Plot Labels(Plot plot, string title, Frequency frequency, string valueLabel)
    {
        plot.Title(title);
        // Centred on the figure, not the data area, so a long title beside wide axis labels is not cut.
        plot.Axes.Title.FullFigureCenter = true;
        plot.XLabel(Period.Describe(frequency), size: 14);
        // 14 points: a value label with its unit and scale fits the height of a 4.5-inch figure.
        plot.YLabel(valueLabel, size: 14);
        plot.Grid.MajorLineColor = Colour(FigureStyle.Grid);
        plot.Legend.Orientation = Orientation.Horizontal;
        // A flat legend: a drop shadow is a translucent black the SVG would draw opaque.
        plot.Legend.ShadowOffset = new PixelOffset(0, 0);
        plot.Legend.ShadowColor = Colour(FigureStyle.None);
        plot.ShowLegend(Edge.Top);
        return plot;
    }

    private static void Markers(Plot plot, ValueAxis axis, IReadOnlyList<ObservedPoint> points, string name, MarkerShape shape, float size, FigureColour? colour = null)
    {
        if (points.Count == 0) return;
        var markers = plot.Add.ScatterPoints(points.Select(p => X(ItsFigure.AxisDate(p.Period))).ToArray(), points.Select(p => axis.Scale(p.Value)).ToArray(), Colour(colour ?? FigureStyle.Observed));
        markers.MarkerShape = shape;
        markers.MarkerSize = size;
        markers.LegendText = name;
    }

    // ScottPlot's date axis reads OLE automation dates (days since 1899-12-30).
    private static double X(DateTime t) => t.ToOADate();

    // The SVG writer leaves out the colour black as SVG's default fill, and its opacity with it, so a
    // translucent black would be drawn opaque: it is written as the black next to it, which keeps both.
    internal static Color Colour(FigureColour c) =>
        c is { R: 0, G: 0, B: 0, Alpha: < 1 } ? new(1, 1, 1, (byte)Math.Round(c.Alpha * 255)) : new(c.R, c.G, c.B, (byte)Math.Round(c.Alpha * 255));

    // Skia numbers the SVG's clip paths with a counter shared by the process ("cl_4", "cl_1f"...):
    // numbered again from 1 in order of appearance, so the same figure gives the same bytes. The
    // root element gets the printed size in inches over a view box in user units.
    private static string StableSvg(string svg, FigureSize size, int width, int height)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        svg = Regex.Replace(svg, @"\bcl_[0-9a-fA-F]+\b", m =>
        {
            if (!ids.TryGetValue(m.Value, out string? id)) ids.Add(m.Value, id = "clip" + (ids.Count + 1).ToString(CultureInfo.InvariantCulture));
            return id;
        });
        svg = ExplicitPaint(svg);
        string root = string.Create(CultureInfo.InvariantCulture, $"width=\"{width}\" height=\"{height}\"");
        int at = svg.IndexOf(root, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("unexpected SVG from ScottPlot: no width and height on its root element");
        string sized = string.Create(CultureInfo.InvariantCulture,
            $"width=\"{size.WidthInches:0.###}in\" height=\"{size.HeightInches:0.###}in\" viewBox=\"0 0 {width} {height}\"");
        return string.Concat(svg.AsSpan(0, at), sized, svg.AsSpan(at + root.Length));
    }

    // Every shape gets an explicit fill and stroke: the SVG writer leaves out what equals SVG's
    // defaults (fill black, no stroke), which is right for a viewer but leaves the reader of the
    // file to guess. Clip paths are geometry only and stay as they are.
    private static string ExplicitPaint(string svg) => Shape().Replace(svg, m =>
    {
        if (m.Groups["clip"].Success) return m.Value;
        string attributes = m.Groups["attributes"].Value;
        if (!Regex.IsMatch(attributes, @"\sfill=")) attributes += " fill=\"#000000\"";
        if (!Regex.IsMatch(attributes, @"\sstroke=")) attributes += " stroke=\"none\"";
        return $"<{m.Groups["name"].Value}{attributes}{m.Groups["end"].Value}>";
    });

    [GeneratedRegex(@"(?<clip><clipPath\b.*?</clipPath>)|<(?<name>rect|path|circle|ellipse|line|polygon|polyline)\b(?<attributes>[^>]*?)(?<end>/?)>", RegexOptions.Singleline)]
    private static partial Regex Shape();

    // A pHYs chunk (PNG specification, 11.3.5.3) after IHDR: pixels per metre in x and y, unit 1 = metre.
    private static byte[] WithResolution(byte[] png, int dpi)
    {
        const int signature = 8, ihdr = 8 + 13 + 4;
        if (png.Length < signature + ihdr || Encoding.ASCII.GetString(png, signature + 4, 4) != "IHDR")
            throw new InvalidOperationException("unexpected PNG from ScottPlot: IHDR is not the first chunk");
        uint perMetre = (uint)Math.Round(dpi / 0.0254);
        var chunk = new byte[4 + 4 + 9 + 4];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, 9);
        Encoding.ASCII.GetBytes("pHYs", chunk.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8), perMetre);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(12), perMetre);
        chunk[16] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(17), Crc32(chunk.AsSpan(4, 4 + 9)));
        return [.. png.AsSpan(0, signature + ihdr), .. chunk, .. png.AsSpan(signature + ihdr)];
    }

    // The PNG chunk CRC (PNG specification, Annex D): CRC-32, polynomial 0xEDB88320 reflected.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
