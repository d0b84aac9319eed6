using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Its.Notebooks.Engine;

/// <summary>
/// What cell code compiles against: the engine's assemblies (the kit's libraries it is built on)
/// and the packages it carries, the libraries its host adds (<see cref="ScriptLibraries"/>), and
/// the namespaces every cell imports. Built once per process for each set of libraries; sessions
/// add their directory and the packages they restore.
/// </summary>
internal sealed class ScriptEnvironment
{
    // The NuGet packages the engine references and a notebook can use, with the assembly of each:
    // what `#r "nuget: ..."` finds loaded, not restored. System.CommandLine (the CLI's) is not for
    // notebooks.
    private static readonly (string Id, string Assembly)[] packages =
    [
        ("CsvHelper", "CsvHelper"),
        ("Markdig", "Markdig"),
        ("MathNet.Numerics", "MathNet.Numerics"),
        ("Microsoft.Data.Analysis", "Microsoft.Data.Analysis"),
        ("Plotly.NET", "Plotly.NET"),
    ];

    // The kit's libraries the engine is built on, under the ids they are published as: a notebook
    // written for the packaged kit asks for them, and the engine has them loaded.
    private static readonly (string Id, string Assembly)[] kitPackages =
    [
        ("ItsKit.Core", "Its.Core"),
        ("ItsKit.Data", "Its.Data"),
        ("ItsKit.Plots", "Its.Plots"),
        ("ItsKit.Notebooks", "Its.Notebooks"),
    ];

    // The kit's libraries, and FSharp.Core, whose types (options, lists) Plotly.NET's API is made of.
    private static readonly string[] kitAssemblies = ["Its.Core", "Its.Data", "Its.Plots", "Its.Notebooks", "FSharp.Core"];

    // What .NET Interactive's C# kernel imported, with System.IO and System.Threading (files and
    // Thread.Sleep in notebooks); then the kit and the packages notebooks use. Each with the
    // assembly that must hold the namespace for it to be imported (null: the runtime's).
    private static readonly (string Namespace, string? Assembly)[] imports =
    [
        ("System", null), ("System.Collections", null), ("System.Collections.Generic", null), ("System.IO", null),
        ("System.Linq", null), ("System.Text", null), ("System.Threading", null), ("System.Threading.Tasks", null),
        ("Its.Model", "Its.Core"), ("Its.Time", "Its.Core"), ("Its.Estimation", "Its.Core"),
        ("Its.Diagnostics", "Its.Core"), ("Its.Effects", "Its.Core"), ("Its.Results", "Its.Core"),
        ("Its.Comparison", "Its.Core"), ("Its.Robustness", "Its.Core"), ("Its.Reporting", "Its.Core"), ("Its.Synthetic", "Its.Core"), ("Its.Multilevel", "Its.Core"),
        ("Its.Data", "Its.Data"), ("Its.Plots", "Its.Plots"),
        ("Its.Notebooks.Engine", "Its.Notebooks"),
        ("Microsoft.Data.Analysis", "Microsoft.Data.Analysis"), ("Plotly.NET", "Plotly.NET"),
    ];

    private static readonly ConcurrentDictionary<ScriptLibraries, Lazy<ScriptEnvironment>> built = new();

    private static readonly Lazy<CSharpParseOptions> parseOptions = new(() =>
        (CSharpParseOptions)CSharpScript.Create("", ScriptOptions.Default.WithReferences(Array.Empty<MetadataReference>())).GetCompilation().SyntaxTrees.First().Options);

    private readonly Dictionary<string, CarriedPackage> _carried;
    private readonly Lazy<Script<object>> _root;
    private readonly Lazy<ImmutableArray<MetadataReference>> _documented;

    /// <summary>The environment of sessions with the libraries, built once per process for each set.</summary>
    public static ScriptEnvironment For(ScriptLibraries libraries)
    {
        ArgumentNullException.ThrowIfNull(libraries);
        return built.GetOrAdd(libraries, l => new Lazy<ScriptEnvironment>(() => new ScriptEnvironment(l))).Value;
    }

    /// <summary>The environment of sessions whose host adds no libraries.</summary>
    public static ScriptEnvironment Engine => For(ScriptLibraries.None);

    private ScriptEnvironment(ScriptLibraries libraries)
    {
        var assemblies = kitAssemblies.Concat(packages.Select(p => p.Assembly)).Select(Load).Concat(libraries.Assemblies).Distinct().ToList();
        var byName = assemblies.ToDictionary(a => a.GetName().Name!, StringComparer.Ordinal);
        // A namespace with no public type yet (a project still being written) cannot be imported.
        var present = imports
            .Where(i => i.Assembly is null || byName[i.Assembly].GetExportedTypes().Any(t => t.Namespace == i.Namespace))
            .Select(i => i.Namespace)
            .Concat(libraries.Imports.Where(n => libraries.Assemblies.Any(a => a.GetExportedTypes().Any(t => t.Namespace == n))));
        Options = ScriptOptions.Default
            .AddReferences(assemblies)
            .WithImports(present)
            // Debug information gives exception frames their cell line; a source text needs an encoding for it.
            .WithEmitDebugInformation(true)
            .WithFileEncoding(new UTF8Encoding(false));
        _carried = kitPackages.Concat(packages).Select(p => (p.Id, Assembly: Load(p.Assembly)))
            .Concat(libraries.Packages.Select(p => (p.Id, p.Assembly)))
            .ToDictionary(p => p.Id, p => new CarriedPackage(p.Id, Version(p.Assembly)), StringComparer.OrdinalIgnoreCase);
        // Every session's first cell continues this empty script: its compilation has bound the
        // references once, so a new session's first cell compiles in tens of milliseconds, not half a
        // second. It holds no state; each session runs the chain with its own.
        _root = new(() => CSharpScript.Create("", Options, typeof(NotebookGlobals)));
        _documented = new(() => CodeAssistant.DocumentedReferences(Root));
    }

    /// <summary>References and imports shared by every session of this environment.</summary>
    public ScriptOptions Options { get; }

    /// <summary>The empty script every session's first cell continues.</summary>
    public Script<object> Root => _root.Value;

    /// <summary>The references of <see cref="Root"/>, each with its documentation file, for completion and inspection.</summary>
    public ImmutableArray<MetadataReference> DocumentedReferences => _documented.Value;

    /// <summary>How cells are parsed: as C# script, in the language version the scripting API compiles (whatever the references).</summary>
    public static CSharpParseOptions ParseOptions => parseOptions.Value;

    /// <summary>The C# version cells are written in, as <c>14.0</c>.</summary>
    public static string LanguageVersion => ParseOptions.LanguageVersion.ToDisplayString();

    /// <summary>Compiles and runs a trivial cell, so that the first cell of a session does not pay for loading the compiler.</summary>
    public void Warm() => Root.ContinueWith("1 + 1", Options).RunAsync(new NotebookGlobals()).GetAwaiter().GetResult();

    /// <summary>The namespaces every cell imports.</summary>
    public IReadOnlyList<string> Imports => [.. Options.Imports];

    /// <summary>The carried package with this NuGet id (ids are case-insensitive), the kit's own among them; null when the environment does not carry it.</summary>
    public CarriedPackage? Carried(string id) => _carried.GetValueOrDefault(id);

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
