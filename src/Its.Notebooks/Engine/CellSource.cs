using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;

namespace Its.Notebooks.Engine;

/// <summary>
/// The .NET Interactive directives a code cell may carry. <c>#!csharp</c> says the cell is C#;
/// <c>#!markdown</c> as the first line makes it markdown, not code. <c>#r "nuget: Id"</c> or
/// <c>#r "nuget: Id, Version"</c> (a version, a range or a wildcard such as <c>5.*</c>; none for
/// the latest) asks for a NuGet package: one the kit carries (its own <c>ItsKit.*</c> libraries,
/// and the packages they use) is already loaded, any other is restored by <c>dotnet restore</c>
/// for the session and referenced by the cell and the cells after it. <c>#i "nuget: source"</c>
/// adds a package source (a feed's URL, or a folder, relative to the notebook's) to the session's
/// later restores. <c>#r "file.dll"</c> and <c>#load</c> are C# scripting's own and stay in the code.
/// Two magics of the kit's own: <c>#!time</c> as the first line times the rest of the cell (the
/// times go to stdout when it ends, as IPython's <c>%%time</c>), and <c>#!about</c> shows the
/// kernel's and the kit's versions and where its data and documentation are.
/// </summary>
public static partial class CellSource
{
    private static readonly string[] csharpMagics = ["#!csharp", "#!c#", "#!C#"];

    /// <summary>The magic that times a cell, on its first line.</summary>
    internal const string TimeMagic = "#!time";

    /// <summary>The magic that shows the versions and links of the kit.</summary>
    internal const string AboutMagic = "#!about";

    // Every magic a cell may carry, for the refusal of any other.
    private static readonly string known = string.Join(", ", [.. csharpMagics.Take(2), "#!markdown (first line)", TimeMagic + " (first line)", AboutMagic]);

    /// <summary>The markdown of a code cell written as a .NET Interactive markdown cell (first line <c>#!markdown</c>); null for any other cell.</summary>
    /// <param name="source">The code cell's text.</param>
    public static string? MarkdownOf(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string[] lines = source.Split('\n');
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0 || lines[first].Trim() != "#!markdown") return null;
        return string.Join('\n', lines.Skip(first + 1));
    }

    /// <summary>
    /// Whether a cell typed so far is ready to run, as a console front end asks before it runs
    /// what was entered: true when complete (errors other than an unfinished end are reported
    /// by running it), false when more is to come (an open brace, an unfinished statement), null
    /// when a directive the kit refuses makes it invalid.
    /// </summary>
    /// <param name="source">The cell's text.</param>
    public static bool? IsComplete(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Prepare(source, ScriptEnvironment.Engine) switch
        {
            PreparedCell.Code code => SyntaxFactory.IsCompleteSubmission(CSharpSyntaxTree.ParseText(code.Text, ScriptEnvironment.ParseOptions)),
            PreparedCell.Refused => null,
            _ => true,
        };
    }

    /// <summary>
    /// The cell as C# scripting compiles it: directive lines the kit handles are blanked, not
    /// removed, so line numbers in messages are the cell's own; with the packages the cell asks
    /// for that the environment does not carry, and the package sources it names, for the session to restore.
    /// </summary>
    internal static PreparedCell Prepare(string source, ScriptEnvironment environment)
    {
        if (MarkdownOf(source) is { } markdown) return new PreparedCell.Markdown(markdown);
        string[] lines = source.Split('\n');
        var notes = new List<string>();
        var packages = new List<PackageDirective>();
        var sources = new List<SourceDirective>();
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        bool timed = false, about = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                string magic = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
                if (magic == TimeMagic && i == first && line == magic) timed = true;
                else if (magic == AboutMagic && line == magic) about = true;
                else if (!csharpMagics.Contains(magic, StringComparer.Ordinal))
                    return new PreparedCell.Refused(i + 1, line, magic switch
                    {
                        "#!markdown" => "only a cell's first line can make it markdown; put the markdown in a cell of its own",
                        TimeMagic when line != magic => $"{TimeMagic} times the whole cell and takes nothing after it on its line",
                        TimeMagic => $"only a cell's first line can time it: put {TimeMagic} first",
                        AboutMagic => $"{AboutMagic} takes nothing after it on its line",
                        _ => $"a .NET Interactive magic command the kit does not run; the kit knows {known}",
                    });
                lines[i] = "";
            }
            else if (NugetReference().Match(line) is { Success: true } nuget)
            {
                string id = nuget.Groups["id"].Value;
                string version = nuget.Groups["version"].Value.Trim();
                if (!PackageId().IsMatch(id))
                    return new PreparedCell.Refused(i + 1, line, $"{id} is not a NuGet package id (letters, digits, and . _ - between them)");
                if (!PackageVersion().IsMatch(version))
                    return new PreparedCell.Refused(i + 1, line, $"{version} is not a NuGet version, range or wildcard (as 1.2.3, [1.0,2.0) or 5.*)");
                if (environment.Carried(id) is { } package)
                {
                    if (version.Length > 0 && !SameVersion(version, package.Version))
                        notes.Add($"{line}: the kit carries {package.Id} {package.Version} and uses it\n");
                }
                else
                {
                    packages.Add(new PackageDirective(id, version.Length > 0 ? version : null, i + 1, line));
                }
                lines[i] = "";
            }
            else if (PackageSource().Match(line) is { Success: true } named)
            {
                string value = named.Groups["source"].Value.Trim();
                if (value.Length == 0)
                    return new PreparedCell.Refused(i + 1, line, "a package source is a feed's URL or a folder: #i \"nuget: https://host/v3/index.json\" or #i \"nuget: ./packages\"");
                sources.Add(new SourceDirective(value, i + 1, line));
                lines[i] = "";
            }
        }
        return new PreparedCell.Code(string.Join('\n', lines), notes) { Packages = packages, Sources = sources, Timed = timed, About = about };
    }

    /// <summary>
    /// The cell with the directive lines <see cref="Prepare"/> blanks replaced by spaces, so that
    /// offsets into it are the cell's own; null for a markdown cell.
    /// </summary>
    internal static string? Mask(string source)
    {
        if (MarkdownOf(source) is not null) return null;
        var text = new StringBuilder(source);
        int start = 0;
        foreach (string line in source.Split('\n'))
        {
            string directive = line.Trim();
            if (directive.StartsWith("#!", StringComparison.Ordinal) || NugetReference().IsMatch(directive) || PackageSource().IsMatch(directive))
                text.Remove(start, line.Length).Insert(start, new string(' ', line.Length));
            start += line.Length + 1;
        }
        return text.ToString();
    }

    // "5.0" asks for 5.0.0; a range or a wildcard ("5.*") asks for nothing in particular.
    private static bool SameVersion(string asked, string carried) =>
        !System.Version.TryParse(asked, out var a) || !System.Version.TryParse(carried.Split('-')[0], out var c)
        || (a.Major, a.Minor, Math.Max(a.Build, 0)) == (c.Major, c.Minor, Math.Max(c.Build, 0));

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<id>[^,"\s]+)\s*(,(?<version>[^"]*))?"$""", RegexOptions.IgnoreCase)]
    private static partial Regex NugetReference();

    [GeneratedRegex("""^#i\s+"nuget:(?<source>[^"]*)"$""", RegexOptions.IgnoreCase)]
    private static partial Regex PackageSource();

    // NuGet's own rule for ids; it also keeps MSBuild's wildcards and separators out of the project.
    [GeneratedRegex(@"^\w+([_.-]\w+)*$")]
    private static partial Regex PackageId();

    // Versions (1.2.3-beta.1+meta), floating versions (5.*, *-*) and ranges ([1.0, 2.0)); empty for the latest.
    [GeneratedRegex(@"^[\w.*+\-\[\](), ]*$")]
    private static partial Regex PackageVersion();
}

/// <summary>A code cell after its directives: C# to compile, markdown, or refused.</summary>
internal abstract record PreparedCell
{
    /// <summary>
    /// C# to compile, notes for stderr (a package version the kit replaces with its own), and the
    /// packages to restore and package sources the cell's directives name, in the cell's order.
    /// </summary>
    public sealed record Code(string Text, IReadOnlyList<string> Notes) : PreparedCell
    {
        /// <summary>The packages the cell asks for that the kit does not carry.</summary>
        public IReadOnlyList<PackageDirective> Packages { get; init; } = [];

        /// <summary>The package sources the cell adds.</summary>
        public IReadOnlyList<SourceDirective> Sources { get; init; } = [];

        /// <summary>Whether the cell's first line is <c>#!time</c>.</summary>
        public bool Timed { get; init; }

        /// <summary>Whether the cell has an <c>#!about</c> line.</summary>
        public bool About { get; init; }
    }

    /// <summary>A .NET Interactive markdown cell: not run.</summary>
    public sealed record Markdown(string Text) : PreparedCell;

    /// <summary>A directive the kit cannot honour, on a 1-based line of the cell.</summary>
    public sealed record Refused(int Line, string Directive, string Reason) : PreparedCell;
}

/// <summary>A <c>#r "nuget: ..."</c> directive for a package the kit does not carry.</summary>
/// <param name="Id">The package id, as written.</param>
/// <param name="Version">The version, range or wildcard asked for; null for the latest.</param>
/// <param name="Line">The directive's 1-based line in the cell.</param>
/// <param name="Directive">The directive as written, trimmed, for messages.</param>
internal sealed record PackageDirective(string Id, string? Version, int Line, string Directive)
{
    /// <summary>The id and version as messages show them: <c>Foo.Bar 1.2.3</c>, or <c>Foo.Bar</c> for the latest.</summary>
    public string Named => Version is null ? Id : $"{Id} {Version}";
}

/// <summary>A <c>#i "nuget: ..."</c> directive: a package source, as written.</summary>
internal sealed record SourceDirective(string Source, int Line, string Directive);
