namespace Its.Notebooks.Engine;

/// <summary>What a host gives the notebook sessions it starts, beside the formatter and the directory.</summary>
public sealed record NotebookSessionOptions
{
    /// <summary>The libraries the host adds to what cells compile against (its assemblies, namespaces and package ids); none by default.</summary>
    public ScriptLibraries Libraries { get; init; } = ScriptLibraries.None;

    /// <summary>
    /// The folder <c>FigureFiles.Save</c> writes figures to (SVG and 300-dpi PNG) while the
    /// session's cells run, relative to the current directory when the session starts; null (the
    /// default): figures are only shown. Each session has its own, also when several run at once.
    /// </summary>
    public string? FiguresDirectory { get; init; }

    /// <summary>The kernel <c>#!about</c> names, as <c>name (display name)</c>; null (the default): the about names none.</summary>
    public string? Kernel { get; init; }

    /// <summary>How <c>#r "nuget: ..."</c> restores packages; null (the default): with the machine's NuGet setup.</summary>
    internal PackageRestoreOptions? PackageRestore { get; init; }
}
