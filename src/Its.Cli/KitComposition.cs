using Its.Kernel;
using Its.Notebooks.Engine;
using Its.Notebooks.Formatting;
using Its.Plots;
using Its.Reporting;
using Sanming;

namespace Its.Cli;

/// <summary>
/// The notebook engine as the kit runs it, composed in one place for <c>its notebook run</c>,
/// <c>its reproduce</c> and <c>its kernel</c>: the formatters of the kit's libraries, the study's
/// library for the cells, the kernel's name, and the report footer's note on the data.
/// </summary>
public static class KitComposition
{
    /// <summary>Each library's formatter for the types it owns, tried in this order before the engine's own.</summary>
    public static IReadOnlyList<IDisplayFormatter> Formatters { get; } = [new ResultDisplay(), new StudyDisplay(), new FigureDisplay()];

    /// <summary>The formatter of the kit's notebooks.</summary>
    public static IMimeFormatter Formatter { get; } = new NotebookFormatter(Formatters);

    /// <summary>
    /// The study's library for the cells, beside the engine's own: <c>using Sanming;</c> is
    /// implied, and <c>#r "nuget: ItsKit.Sanming"</c> finds it loaded.
    /// </summary>
    public static ScriptLibraries Libraries { get; } = new()
    {
        Assemblies = [typeof(SanmingPanel).Assembly],
        Imports = ["Sanming"],
        Packages = [new LibraryPackage("ItsKit.Sanming", typeof(SanmingPanel).Assembly)],
    };

    /// <summary>What each session of the kit's notebooks is given; the figures go to the folder given, none when null.</summary>
    public static NotebookSessionOptions Session(string? figures = null) => new()
    {
        Libraries = Libraries,
        FiguresDirectory = figures,
        Kernel = $"{KernelSpec.Name} ({KernelSpec.DisplayName})",
    };

    /// <summary>The report footer's note on where the data of the kit's notebooks come from, as HTML.</summary>
    public const string Provenance =
        "<strong>Data.</strong> The Sanming panel (<code>data/sanming_monthly.csv</code>) is <strong>synthetic</strong>: "
        + "generated from a model calibrated to the published results of Lin, Liu, Xiang and Luo (2025), because the real data are not public; "
        + "its numbers illustrate the method, not Sanming (<code>data/README.md</code>, <code>data/CALIBRATION.md</code>). "
        + "The reference datasets (Sicily, Lopez Bernal et al. 2017; California's Proposition 99, Linden 2015) are copies of the files their authors published; "
        + "their origins and checksums are in <code>data/SOURCES.md</code>.";
}
