using System.Text.RegularExpressions;
using Its.Data.Output;

namespace Its.Plots;

/// <summary>
/// Figures saved for manuscripts: inside a scope opened with <see cref="Into"/> (a notebook
/// session opens one around each cell it runs, <c>its reproduce</c> with <c>reports/figures</c>),
/// <see cref="Save(ItsFigure, string, FigureSize?)"/> writes each figure (an <see cref="ItsFigure"/>,
/// a <see cref="LineFigure"/> or a <see cref="ChartFigure"/>) to the scope's folder as SVG and
/// 300-dpi PNG (<see cref="StaticRenderer"/>). A notebook cell <c>FigureFiles.Save(ItsFigure.From(fit), "02-outpatient")</c>
/// both saves the figure and shows it.
/// </summary>
/// <remarks>
/// The scope belongs to the code that opened it and to the threads and tasks that code starts
/// (an <see cref="AsyncLocal{T}"/>), so two sessions in one process each write to their own
/// folder, and code outside every scope writes nothing.
/// </remarks>
public static partial class FigureFiles
{
    private static readonly AsyncLocal<string?> directory = new();

    /// <summary>The folder the running code's figures are written to (created when needed); null outside a scope with a folder: nothing is written.</summary>
    public static string? Directory => directory.Value;

    /// <summary>
    /// Opens a scope in which figures are written to a folder, for the code that runs until it is
    /// disposed and for the threads and tasks that code starts; disposing it restores the scope it replaced.
    /// </summary>
    /// <param name="folder">The folder, resolved against the current directory now; null: figures are only shown.</param>
    /// <returns>The scope, to dispose on the thread that opened it.</returns>
    public static IDisposable Into(string? folder)
    {
        var scope = new Scope(directory.Value);
        directory.Value = folder is null ? null : Path.GetFullPath(folder);
        return scope;
    }

    private sealed class Scope(string? replaced) : IDisposable
    {
        public void Dispose() => directory.Value = replaced;
    }

    /// <summary>
    /// Writes <c>{Directory}/{name}.svg</c> and <c>{Directory}/{name}.png</c> when the running
    /// code is in a scope with a folder (<see cref="Into"/>), replacing files of that name, and returns the figure.
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
        if (Directory is not { } folder) return;
        System.IO.Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, name + ".svg"), svg());
        AtomicFile.WriteAllBytes(Path.Combine(folder, name + ".png"), png());
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex FileName();
}
