using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SkiaSharp;

namespace Its.Cli.Tests;

/// <summary>
/// The figure files of <c>its reproduce</c> as a reader sees them: every SVG, drawn by headless
/// Chromium at the PNG's size, has the PNG's colours region by region (a shape drawn in another
/// colour, as a fill left to SVG's default black, shows as a region that differs), no region of
/// the SVG is near black where the PNG is not, the post period is shaded light, and every shape
/// in the SVG names its fill and stroke.
/// </summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed class FigureFileTests(ReproducedReports reports)
{

    // Regions of 1/30 of the width by 1/20 of the height: a cell is about 70 x 68 PNG pixels,
    // large enough that the two text rasterisers' differences average out, small enough that a
    // wrongly coloured shape (a shaded period, a band, a legend box) fills several cells.
    private const int Columns = 30, Rows = 20;

    // Largest difference of a region's mean colour, per channel, out of 255. Text and line edges
    // antialiased by two different rasterisers differ by a few units; a wrong fill differs by tens.
    private const double Tolerance = 12;

    private string Figures => Path.Combine(reports.First, "figures");

    [Fact]
    public void Every_shape_of_every_svg_names_its_fill_and_stroke()
    {
        var files = Directory.GetFiles(Figures, "*.svg");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            string body = Regex.Replace(File.ReadAllText(file), @"<clipPath\b.*?</clipPath>", "", RegexOptions.Singleline);
            foreach (Match shape in Regex.Matches(body, @"<(rect|path|circle|ellipse|line|polygon|polyline)\b[^>]*>"))
            {
                Assert.True(Regex.IsMatch(shape.Value, @"\sfill="), $"{Path.GetFileName(file)}: no fill on {shape.Value[..Math.Min(120, shape.Value.Length)]}");
                Assert.True(Regex.IsMatch(shape.Value, @"\sstroke="), $"{Path.GetFileName(file)}: no stroke on {shape.Value[..Math.Min(120, shape.Value.Length)]}");
            }
        }
    }

    [Fact]
    public async Task Every_svg_draws_in_chromium_with_the_colours_of_its_png()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Peers.LaunchChromium(playwright);
        var svgs = Directory.GetFiles(Figures, "*.svg").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(svgs);
        foreach (string svg in svgs)
        {
            string name = Path.GetFileName(svg);
            using var png = SKBitmap.Decode(Path.ChangeExtension(svg, ".png"));
            Assert.NotNull(png);
            // The SVG is 96 user units an inch, the PNG 300 pixels: the page is zoomed to the PNG's size.
            var size = Regex.Match(File.ReadAllText(svg), @"viewBox=""0 0 (\d+) (\d+)""");
            int width = int.Parse(size.Groups[1].Value), height = int.Parse(size.Groups[2].Value);
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = (float)png.Width / width });
            await page.GotoAsync(new Uri(svg).AbsoluteUri);
            byte[] shot = await page.ScreenshotAsync(new() { FullPage = false });
            await page.CloseAsync();
            using var drawn = SKBitmap.Decode(shot);
            Assert.True(drawn.Width == png.Width && drawn.Height == png.Height, $"{name}: Chromium drew {drawn.Width}x{drawn.Height}, the PNG is {png.Width}x{png.Height}");

            var fromSvg = Means(drawn);
            var fromPng = Means(png);
            var differing = new List<string>();
            for (int r = 0; r < Rows; r++)
                for (int c = 0; c < Columns; c++)
                {
                    var (a, b) = (fromSvg[r, c], fromPng[r, c]);
                    double worst = Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));
                    if (worst > Tolerance) differing.Add($"region ({c},{r}) svg {a} png {b}");
                    Assert.False(Luminance(a) < 80 && Luminance(b) >= 80, $"{name}: region ({c},{r}) is dark in the SVG ({a}) but not in the PNG ({b})");
                }
            Assert.True(differing.Count == 0, $"{name}: {differing.Count} of {Rows * Columns} regions differ from the PNG: {string.Join("; ", differing.Take(5))}");
        }
    }

    [Fact]
    public void The_post_period_is_shaded_light_in_the_png()
    {
        // The right end of the data area, above the series of a figure whose series rise: the shade alone.
        using var png = SKBitmap.Decode(Path.Combine(Figures, "02-city-outpatient-visits.png"));
        var shade = png.GetPixel((int)(png.Width * 0.97), (int)(png.Height * 0.40));
        var before = png.GetPixel((int)(png.Width * 0.18), (int)(png.Height * 0.40));
        Assert.InRange(Luminance(new(shade.Red, shade.Green, shade.Blue)), 225, 250);
        Assert.True(Luminance(new(before.Red, before.Green, before.Blue)) > 250, $"not white before the interruption: {before}");
    }

    private readonly record struct Mean(double R, double G, double B)
    {
        public override string ToString() => $"({R:0},{G:0},{B:0})";
    }

    private static double Luminance(Mean m) => 0.2126 * m.R + 0.7152 * m.G + 0.0722 * m.B;

    // Mean colour of each region, over a white background (the SVG and PNG both paint one).
    private static Mean[,] Means(SKBitmap image)
    {
        var means = new Mean[Rows, Columns];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                int x0 = c * image.Width / Columns, x1 = (c + 1) * image.Width / Columns;
                int y0 = r * image.Height / Rows, y1 = (r + 1) * image.Height / Rows;
                double red = 0, green = 0, blue = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        var p = image.GetPixel(x, y);
                        double alpha = p.Alpha / 255.0;
                        red += p.Red * alpha + 255 * (1 - alpha);
                        green += p.Green * alpha + 255 * (1 - alpha);
                        blue += p.Blue * alpha + 255 * (1 - alpha);
                    }
                double count = (x1 - x0) * (y1 - y0);
                means[r, c] = new(red / count, green / count, blue / count);
            }
        return means;
    }
}
