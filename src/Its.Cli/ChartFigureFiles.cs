using Its.Plots;

namespace Its.Cli;

/// <summary>
/// The <c>--figure FILE</c> of the robustness commands: a <see cref="ChartFigure"/> per interruption
/// term, the first term in FILE and each further term beside it as FILE-TERM (e.g. <c>placebo.svg</c>
/// with the level change and <c>placebo-slope1.svg</c> with the slope change), since the terms are on
/// different scales.
/// </summary>
public static class ChartFigureFiles
{
    /// <summary>The file of the <paramref name="index"/>th term.</summary>
    public static string PathOf(string file, int index, string term)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (index == 0) return file;
        string folder = Path.GetDirectoryName(file) ?? "";
        return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(file)}-{term}{Path.GetExtension(file)}");
    }

    /// <summary>Writes the figure of every term when a file was asked for.</summary>
    public static void Write(string? file, IReadOnlyList<string> terms, Func<string, ChartFigure> figure)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(figure);
        if (file is null) return;
        for (int i = 0; i < terms.Count; i++)
        {
            string path = PathOf(file, i, terms[i]);
            FigureOption.Write(path, f => FigureExport.Write(figure(terms[i]), f));
        }
    }
}
