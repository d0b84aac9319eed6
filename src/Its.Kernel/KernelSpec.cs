using System.Text.Json;
using System.Text.Json.Nodes;
using Its.Data.Output;

namespace Its.Kernel;

/// <summary>
/// The kit's kernelspec (https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs):
/// a folder <c>its-csharp</c> with a <c>kernel.json</c> that tells Jupyter front ends how to start
/// the kernel, under a <c>kernels</c> folder they search.
/// </summary>
public static class KernelSpec
{
    /// <summary>The kernel's name, as notebooks' <c>metadata.kernelspec.name</c> gives it.</summary>
    public const string Name = "its-csharp";

    /// <summary>The name front ends show in their kernel pickers.</summary>
    public const string DisplayName = "C# (ITS kit)";

    /// <summary>
    /// The language as kernelspecs and notebooks name it: <c>C#</c>, as .NET Interactive's C#
    /// kernel wrote it, which front ends map to their C# highlighting (see <see cref="LanguageInfo"/>).
    /// </summary>
    public const string Language = "C#";

    private const string SpecFile = "kernel.json";

    /// <summary>
    /// The <c>language_info</c> of <c>kernel_info_reply</c> and of notebook metadata: name <c>C#</c>,
    /// mimetype and CodeMirror mode <c>text/x-csharp</c>, extension <c>.cs</c>, pygments lexer
    /// <c>csharp</c>, so syntax colouring works in Notebook, JupyterLab, VS Code and nbconvert.
    /// </summary>
    /// <param name="version">The C# language version cells are compiled with, or null to leave it out.</param>
    public static JsonObject LanguageInfo(string? version)
    {
        var info = new JsonObject { ["name"] = Language };
        if (version is not null) info["version"] = version;
        info["mimetype"] = "text/x-csharp";
        info["file_extension"] = ".cs";
        info["pygments_lexer"] = "csharp";
        info["codemirror_mode"] = "text/x-csharp";
        return info;
    }

    /// <summary>
    /// The <c>kernels</c> folder of the user's Jupyter data directory: <c>$JUPYTER_DATA_DIR</c> when
    /// set, else <c>~/.local/share/jupyter</c> (or <c>$XDG_DATA_HOME/jupyter</c>) on Linux,
    /// <c>~/Library/Jupyter</c> on macOS and <c>%APPDATA%\jupyter</c> on Windows, as Jupyter has it.
    /// </summary>
    public static string UserKernels()
    {
        string? data = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
        if (string.IsNullOrEmpty(data))
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            data = OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter")
                : OperatingSystem.IsMacOS() ? Path.Combine(home, "Library", "Jupyter")
                : Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "jupyter");
        }
        return Path.Combine(data, "kernels");
    }

    /// <summary>The <c>kernels</c> folder of an installation prefix (a virtual environment, a conda environment): <c>PREFIX/share/jupyter/kernels</c>.</summary>
    public static string PrefixKernels(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return Path.Combine(Path.GetFullPath(prefix), "share", "jupyter", "kernels");
    }

    /// <summary>The <c>kernel.json</c> of a kernel started by the command: the command, then <c>kernel --connection-file {connection_file}</c>.</summary>
    /// <param name="command">The program (and, for <c>dotnet its.dll</c>, its first argument) that runs the <c>its</c> command.</param>
    public static JsonObject Json(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("the kernel's command is empty", nameof(command));
        return new JsonObject
        {
            ["argv"] = new JsonArray([.. command.Select(c => (JsonNode?)c), "kernel", "--connection-file", "{connection_file}"]),
            ["display_name"] = DisplayName,
            ["language"] = Language,
            ["interrupt_mode"] = "message",
            ["metadata"] = new JsonObject { ["debugger"] = false },
        };
    }

    /// <summary>Writes the kernelspec under a kernels folder (created when needed), replacing the kit's own spec if one is there.</summary>
    /// <param name="kernels">The <c>kernels</c> folder.</param>
    /// <param name="command">The program that runs the <c>its</c> command (see <see cref="Json"/>).</param>
    /// <returns>The kernelspec's folder.</returns>
    public static string Install(string kernels, IReadOnlyList<string> command)
    {
        ArgumentException.ThrowIfNullOrEmpty(kernels);
        string folder = Path.Combine(kernels, Name);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, SpecFile), Json(command).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return folder;
    }

    /// <summary>
    /// Removes the kernelspec from a kernels folder: its <c>kernel.json</c>, and the folder when
    /// nothing else is in it (files someone added stay).
    /// </summary>
    /// <param name="kernels">The <c>kernels</c> folder.</param>
    /// <returns>The kernelspec's folder, or null when no kernelspec of the kit was there.</returns>
    public static string? Uninstall(string kernels)
    {
        ArgumentException.ThrowIfNullOrEmpty(kernels);
        string folder = Path.Combine(kernels, Name);
        string spec = Path.Combine(folder, SpecFile);
        if (!File.Exists(spec)) return null;
        File.Delete(spec);
        if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        return folder;
    }
}
