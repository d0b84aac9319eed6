using Its.Notebooks.Engine;
using Its.Notebooks.Formatting;
using Its.Plots;
using Its.Reporting;
using Sanming;

namespace Its.Notebooks.Tests;

/// <summary>The engine composed as the its command composes it: the kit's formatters and the study's library for the cells.</summary>
public static class Kit
{
    /// <summary>The kit's formatters, in the command's order.</summary>
    public static NotebookFormatter Formatter { get; } = new([new ResultDisplay(), new StudyDisplay(), new FigureDisplay()]);

    /// <summary>The study's library: <c>using Sanming;</c> implied, <c>#r "nuget: ItsKit.Sanming"</c> found loaded.</summary>
    public static ScriptLibraries Libraries { get; } = new()
    {
        Assemblies = [typeof(SanmingPanel).Assembly],
        Imports = ["Sanming"],
        Packages = [new LibraryPackage("ItsKit.Sanming", typeof(SanmingPanel).Assembly)],
    };

    /// <summary>The kernel's name as the about shows it.</summary>
    public const string Kernel = "its-csharp (C# (ITS kit))";

    /// <summary>A session's options with the study's library and the kernel's name.</summary>
    public static NotebookSessionOptions Session { get; } = new() { Libraries = Libraries, Kernel = Kernel };
}
