using System.Text.RegularExpressions;
using Its.Data.Output;

namespace Its.Plots;

/// <summary>
/// Figures saved for manuscripts: while <see cref="Directory"/> is set (the notebook runner sets it
/// for the duration of a run, <c>its reproduce</c> to <c>reports/figures</c>), <see cref="Save(ItsFigure, string, FigureSize?)"/>
/// writes each figure (an <see cref="ItsFigure"/> or a <see cref="LineFigure"/>) there as SVG and 300-dpi PNG (<see cref="StaticRenderer"/>). A notebook cell
/// <c>FigureFiles.Save(ItsFigure.From(fit), "02-outpatient")</c> both saves the figure and shows it.
/// </summary>
public static partial class FigureFiles
{
    private static volatile string? _directory;

    /// <summary>The folder the figures are written to (created when needed); null: nothing is written.</summary>
    public static string? Directory
    {
        get => _directory;
        set => _directory = value;
    }

    /// <summary>
    /// Writes <c>{Directory}/{name}.svg</c> and <c>{Directory}/{name}.png</c> when
    /// <see cref="Directory"/> is set (replacing files of that name), and returns the figure.
    /// </summary>
    /// <param name="figure">The figure.</param>
    /// <param name="name">The files' name without extension: letters, digits, <c>-</c> and <c>_</c>.</param>
    /// <param name="size">The printed size; <see cref="FigureSize.Default"/> when null.</param>
    /// <returns>The figure, so that a notebook displays it.</returns>
    /// <exception cref="ArgumentException">The name is empty or holds other characters.</exception>
    public static ItsFigure Save(ItsFigure figure, string name, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(name, () => StaticRenderer.Svg(figure, size), () => StaticRenderer.Png(figure, size));
        return figure;
    }

    /// <summary>Saves a line figure as <see cref="Save(ItsFigure, string, FigureSize?)"/> does, and returns it.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds other characters.</exception>
    public static LineFigure Save(LineFigure figure, string name, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(name, () => StaticRenderer.Svg(figure, size), () => StaticRenderer.Png(figure, size));
        return figure;
    }

    /// <summary>Saves a chart (<see cref="ChartFigure"/>) as <see cref="Save(ItsFigure, string, FigureSize?)"/> does, and returns it.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds other characters.</exception>
    public static ChartFigure Save(ChartFigure figure, string name, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(figure);
        Write(name, () => ChartRenderer.Svg(figure, size), () => ChartRenderer.Png(figure, size));
        return figure;
    }

    private static void Write(string name, Func<string> svg, Func<byte[]> png)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!FileName().IsMatch(name))
            throw new ArgumentException($"figure name \"{name}\": use letters, digits, - and _ only", nameof(name));
        if (Directory is not { } directory) return;
        System.IO.Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, name + ".svg"), svg());
        AtomicFile.WriteAllBytes(Path.Combine(directory, name + ".png"), png());
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex FileName();
}
