using System.Text;

namespace Its.Cli.Tests;

/// <summary>What a <c>--figure</c> file must be, by its extension: an SVG document, a PNG image, or a page with plotly.js inside.</summary>
public static class FigureFileFormat
{
    /// <summary>Fails the test when the file is not of its extension's format.</summary>
    public static void Check(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string text = Encoding.UTF8.GetString(bytes);
        switch (Path.GetExtension(path))
        {
            case ".svg":
                Assert.StartsWith("<?xml", text);
                Assert.Contains("<svg", text);
                break;
            case ".png":
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
                break;
            default:
                Assert.StartsWith("<!DOCTYPE html>", text);
                Assert.Contains("Plotly.newPlot", text);
                Assert.DoesNotContain("<script src=", text, StringComparison.OrdinalIgnoreCase);
                // plotly.js itself is inside the page.
                Assert.True(text.Length > 1_000_000, $"{path}: {text.Length} characters, plotly.js is not inline");
                break;
        }
    }
}
