using System.CommandLine;
using Its.Data;
using Its.Plots;

namespace Its.Cli;

/// <summary>
/// <c>--figure FILE</c>, taken by every command that has a figure: the figure of its result
/// written as SVG, 300-dpi PNG or an interactive HTML page, by the file's extension.
/// </summary>
public sealed class FigureOption
{
    private readonly Option<string?> _option = new("--figure") { Description = "Also write the figure: FILE.svg, FILE.png (300 dpi) or FILE.html (interactive, offline)" };

    /// <summary>Adds the option to a command.</summary>
    public void AddTo(Command command) => command.Options.Add(_option);

    /// <summary>
    /// The file asked for, checked before any work is done (a known extension, an existing folder);
    /// null when the option is not given.
    /// </summary>
    /// <exception cref="InputError">The extension is not one of the three, or the folder does not exist.</exception>
    public string? Path(ParseResult p)
    {
        if (p.GetValue(_option) is not { } path) return null;
        try { FigureExport.FormatOf(path); }
        catch (ArgumentException e) { throw new InputError($"--figure {e.Message}"); }
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new InputError($"--figure {path}: the folder {folder} does not exist");
        if (Directory.Exists(path)) throw new InputError($"--figure {path}: is a folder");
        return path;
    }

    /// <summary>Writes the figure when a file was asked for, reporting a file that cannot be written as an input error.</summary>
    public static void Write(string? path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (path is null) return;
        try { write(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputError($"--figure {path}: cannot write the file: {e.Message}");
        }
    }
}
