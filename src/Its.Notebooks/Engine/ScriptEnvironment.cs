using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Its.Notebooks.Engine;

/// <summary>
/// What cell code compiles against: the kit's assemblies and the packages it carries, and the
/// namespaces every cell imports. Built once per process; sessions add their directory and the
/// packages they restore.
/// </summary>
internal static class ScriptEnvironment
{
    // The NuGet packages the kit's projects reference and a notebook can use, with the assembly
    // of each: what `#r "nuget: ..."` finds loaded, not restored. System.CommandLine (the CLI's)
    // is not for notebooks.
    private static readonly (string Id, string Assembly)[] packages =
    [
        ("CsvHelper", "CsvHelper"),
        ("Markdig", "Markdig"),
        ("MathNet.Numerics", "MathNet.Numerics"),
        ("Microsoft.Data.Analysis", "Microsoft.Data.Analysis"),
        ("Plotly.NET", "Plotly.NET"),
    ];

    // The kit's own libraries under the ids they are published as: a notebook written for the
    // packaged kit asks for them, and the engine has them loaded.
    private static readonly (string Id, string Assembly)[] kitPackages =
    [
        ("ItsKit.Core", "Its.Core"),
        ("ItsKit.Data", "Its.Data"),
        ("ItsKit.Plots", "Its.Plots"),
        ("ItsKit.Sanming", "Sanming"),
        ("ItsKit.Notebooks", "Its.Notebooks"),
    ];

    // The kit itself, and FSharp.Core, whose types (options, lists) Plotly.NET's API is made of.
    private static readonly string[] kitAssemblies = ["Its.Core", "Its.Data", "Sanming", "Its.Plots", "Its.Notebooks", "FSharp.Core"];

    // What .NET Interactive's C# kernel imported, with System.IO and System.Threading (files and
    // Thread.Sleep in notebooks); then the kit and the packages notebooks use. Each with the
    // assembly that must hold the namespace for it to be imported (null: the runtime's).
    private static readonly (string Namespace, string? Assembly)[] imports =
    [
        ("System", null), ("System.Collections", null), ("System.Collections.Generic", null), ("System.IO", null),
        ("System.Linq", null), ("System.Text", null), ("System.Threading", null), ("System.Threading.Tasks", null),
        ("Its.Model", "Its.Core"), ("Its.Time", "Its.Core"), ("Its.Estimation", "Its.Core"),
        ("Its.Diagnostics", "Its.Core"), ("Its.Effects", "Its.Core"), ("Its.Results", "Its.Core"),
        ("Its.Comparison", "Its.Core"), ("Its.Robustness", "Its.Core"), ("Its.Reporting", "Its.Core"),
        ("Its.Data", "Its.Data"), ("Sanming", "Sanming"), ("Its.Plots", "Its.Plots"),
        ("Its.Notebooks.Engine", "Its.Notebooks"),
        ("Microsoft.Data.Analysis", "Microsoft.Data.Analysis"), ("Plotly.NET", "Plotly.NET"),
    ];

    private static readonly Lazy<ScriptOptions> options = new(Build);

    private static readonly Lazy<Dictionary<string, CarriedPackage>> carried = new(() => kitPackages.Concat(packages).ToDictionary(
        p => p.Id,
        p => new CarriedPackage(p.Id, Version(Load(p.Assembly))),
        StringComparer.OrdinalIgnoreCase));

    // Every session's first cell continues this empty script: its compilation has bound the
    // references once, so a new session's first cell compiles in tens of milliseconds, not half a
    // second. It holds no state; each session runs the chain with its own.
    private static readonly Lazy<Script<object>> root = new(() => CSharpScript.Create("", Options, typeof(NotebookGlobals)));

    /// <summary>References and imports shared by every session.</summary>
    public static ScriptOptions Options => options.Value;

    /// <summary>The empty script every session's first cell continues.</summary>
    public static Script<object> Root => root.Value;

    /// <summary>How cells are parsed: as C# script, in the language version the scripting API compiles.</summary>
    public static CSharpParseOptions ParseOptions => (CSharpParseOptions)Root.GetCompilation().SyntaxTrees.First().Options;

    /// <summary>The C# version cells are written in, as <c>14.0</c>.</summary>
    public static string LanguageVersion => ParseOptions.LanguageVersion.ToDisplayString();

    /// <summary>Compiles and runs a trivial cell, so that the first cell of a session does not pay for loading the compiler.</summary>
    public static void Warm() => Root.ContinueWith("1 + 1", Options).RunAsync(new NotebookGlobals()).GetAwaiter().GetResult();

    /// <summary>The namespaces every cell imports.</summary>
    public static IReadOnlyList<string> Imports => [.. Options.Imports];

    /// <summary>The carried package with this NuGet id (ids are case-insensitive), the kit's own among them; null when the kit does not carry it.</summary>
    public static CarriedPackage? Carried(string id) => carried.Value.GetValueOrDefault(id);

    private static ScriptOptions Build()
    {
        var assemblies = kitAssemblies.Concat(packages.Select(p => p.Assembly)).Select(Load).ToList();
        var byName = assemblies.ToDictionary(a => a.GetName().Name!, StringComparer.Ordinal);
        // A namespace with no public type yet (a project still being written) cannot be imported.
        var present = imports
            .Where(i => i.Assembly is null || byName[i.Assembly].GetExportedTypes().Any(t => t.Namespace == i.Namespace))
            .Select(i => i.Namespace);
        return ScriptOptions.Default
            .AddReferences(assemblies)
            .WithImports(present)
            // Debug information gives exception frames their cell line; a source text needs an encoding for it.
            .WithEmitDebugInformation(true)
            .WithFileEncoding(new UTF8Encoding(false));
    }

    private static Assembly Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"the notebook engine needs the assembly {name}, which this application does not ship ({e.Message})", e);
        }
    }

    private static string Version(Assembly assembly)
    {
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Package builds append the commit ("0.23.1+a4f730ec"); the package version is what precedes it.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3) ?? "";
    }
}

/// <summary>A NuGet package the kit carries: its id as the kit spells it, and the version it ships.</summary>
internal sealed record CarriedPackage(string Id, string Version);
