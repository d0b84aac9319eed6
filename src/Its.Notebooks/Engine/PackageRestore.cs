using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Its.Notebooks.Engine;

/// <summary>
/// How a session's package restores run. The defaults use the machine's NuGet setup as
/// <c>dotnet restore</c> finds it (the user's NuGet.config, <c>NUGET_PACKAGES</c> when set); a
/// caller that must not touch it (a test with a feed of its own) gives a configuration file and
/// environment variables of its own.
/// </summary>
internal sealed record PackageRestoreOptions
{
    /// <summary>The options of a session that says nothing: the machine's NuGet setup, 5 minutes a restore.</summary>
    public static PackageRestoreOptions Default { get; } = new();

    /// <summary>
    /// The NuGet.config the restores read instead of the user's (<c>dotnet restore --configfile</c>);
    /// null for the user's configuration.
    /// </summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// Environment variables of the <c>dotnet restore</c> process over the ones it inherits (as
    /// <c>NUGET_PACKAGES</c> for a global packages folder of its own); a null value removes one.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Where the throw-away projects are written: a folder for each set of packages and sources,
    /// which a later restore of the same set reuses. Null for <c>its-notebook-packages</c> in the
    /// user's temporary folder.
    /// </summary>
    public string? ProjectsDirectory { get; init; }

    /// <summary>How long one restore may run, whatever the cell's timeout, before it is stopped; 5 minutes by default.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>dotnet</c> command that restores; null for <see cref="PackageRestore.DotnetHost"/>.</summary>
    public string? Dotnet { get; init; }
}

/// <summary>How a restore ended: its references, the errors it reported, or why it was stopped.</summary>
internal abstract record RestoreOutcome
{
    /// <summary>
    /// The packages were restored: the assembly files the session did not reference yet, each
    /// a restored one or the kit's own copy of an assembly of that name.
    /// </summary>
    public sealed record Restored(IReadOnlyList<string> References) : RestoreOutcome;

    /// <summary>The restore failed: the package it failed on (the first new one when the reasons name none) and its reasons, one a line.</summary>
    public sealed record Failed(PackageDirective Package, IReadOnlyList<string> Reasons) : RestoreOutcome;

    /// <summary>The restore was stopped before it ended.</summary>
    public sealed record Stopped(RestoreStop Why) : RestoreOutcome;
}

/// <summary>Why a restore was stopped.</summary>
internal enum RestoreStop
{
    /// <summary>The cell was interrupted.</summary>
    Interrupted,

    /// <summary>The cell's timeout ran out.</summary>
    CellTimeout,

    /// <summary>The restore ran longer than <see cref="PackageRestoreOptions.Limit"/>.</summary>
    Limit,
}

/// <summary>
/// The packages a session has restored, as .NET Interactive restored them: for a cell that asks
/// for new ones, a throw-away SDK project (a net10.0 class library with a <c>PackageReference</c>
/// for every package of the session so far, and the session's <c>#i</c> sources) is restored by
/// <c>dotnet restore</c> in a child process, and its <c>obj/project.assets.json</c> gives the
/// runtime assemblies of every package and its dependencies. An assembly of the same name as one
/// the kit has loaded (the runtime's, the kit's and its packages', as FSharp.Core or
/// MathNet.Numerics) is not taken from the restore: the kit's copy is referenced instead, since
/// it is the one that runs.
/// </summary>
internal sealed partial class PackageRestore(PackageRestoreOptions options)
{
    private const string AssetsTarget = "net10.0";
    private const int MaxReasons = 12;

    // The packages restored so far, in the order the cells asked for them; the sources the cells
    // added, as full paths or URLs; the files given to the session as references.
    private readonly List<PackageDirective> _packages = [];
    private readonly List<string> _sources = [];
    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);

    /// <summary>How long one restore may run, whatever the cell's timeout.</summary>
    public TimeSpan Limit => options.Limit;

    /// <summary>
    /// Adds a package source for the later restores: an http(s) URL as it is, a folder (or a
    /// <c>file:</c> URL) as a full path, a relative one taken from the notebook's directory.
    /// </summary>
    public void AddSource(string source, string directory)
    {
        string full = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? source
            : uri is { IsFile: true } && source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
                ? uri.LocalPath
                : Path.GetFullPath(source, directory);
        if (!_sources.Contains(full, StringComparer.Ordinal)) _sources.Add(full);
    }

    /// <summary>The package of this id restored earlier in the session; null when it is new.</summary>
    public PackageDirective? Restored(string id) => _packages.Find(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Restores the session's packages with the new ones and returns the references they add;
    /// the new ones join the session's only when the restore succeeds. It waits for
    /// <c>dotnet restore</c> until it ends, the cell is interrupted, the cell's time runs out
    /// (<paramref name="budget"/>) or the restore's own limit is reached, and kills it then.
    /// </summary>
    /// <param name="added">New packages, ids not restored before, each once.</param>
    /// <param name="budget">The time left to the cell; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="interrupted">Cancelled when the cell is interrupted.</param>
    public RestoreOutcome Restore(IReadOnlyList<PackageDirective> added, TimeSpan budget, CancellationToken interrupted)
    {
        ArgumentOutOfRangeException.ThrowIfZero(added.Count);
        string project = Project([.. _packages, .. added]);
        string folder = Path.Combine(options.ProjectsDirectory ?? Path.Combine(Path.GetTempPath(), "its-notebook-packages"), Key(project));

        using var cellTime = budget == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(budget);
        using var limit = new CancellationTokenSource(options.Limit);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupted, cellTime.Token, limit.Token);
        RestoreOutcome Stopped() => new RestoreOutcome.Stopped(interrupted.IsCancellationRequested ? RestoreStop.Interrupted
            : cellTime.IsCancellationRequested ? RestoreStop.CellTimeout : RestoreStop.Limit);

        List<string> assemblies;
        try
        {
            Directory.CreateDirectory(folder);
            // Sessions (in this process or another) restoring the same set take turns in its folder.
            using var turn = Lock(folder, stop.Token);
            if (turn is null) return Stopped();
            string path = Path.Combine(folder, "restore.csproj");
            if (!File.Exists(path) || File.ReadAllText(path) != project) File.WriteAllText(path, project);
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow);

            var run = Run(path, stop.Token);
            if (run is null) return Stopped();
            if (run.Error is { } error) return new RestoreOutcome.Failed(added[0], [error]);
            if (run.ExitCode != 0)
            {
                var reasons = Reasons(run.Lines, folder);
                return new RestoreOutcome.Failed(Blamed(added, reasons), reasons);
            }
            // Read while the folder is this session's: another restore of the set rewrites it.
            assemblies = RuntimeAssemblies(Path.Combine(folder, "obj", "project.assets.json"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RestoreOutcome.Failed(added[0], [$"the restore's project in {folder} cannot be written or read: {e.Message}"]);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            return new RestoreOutcome.Failed(added[0], [$"the restore's project.assets.json cannot be read: {e.Message}"]);
        }
        Prune(Path.GetDirectoryName(folder)!, folder);

        var references = new List<string>();
        foreach (string assembly in assemblies)
        {
            if (SimpleName(assembly) is not { } name) continue;
            string reference = KitAssembly(name) ?? assembly;
            if (_referenced.Add(reference)) references.Add(reference);
        }
        _packages.AddRange(added);
        return new RestoreOutcome.Restored(references);
    }

    /// <summary>The throw-away project: a class library with a reference to each package and the session's sources.</summary>
    private string Project(IReadOnlyList<PackageDirective> packages)
    {
        var properties = new XElement("PropertyGroup",
            new XElement("TargetFramework", AssetsTarget),
            new XElement("EnableDefaultItems", "false"),
            // An audit asks every source for vulnerability data: more requests, and warnings no one sees here.
            new XElement("NuGetAudit", "false"));
        if (_sources.Count > 0)
            properties.Add(new XElement("RestoreAdditionalProjectSources", string.Join(';', _sources.Select(Escape))));
        var references = new XElement("ItemGroup", packages.Select(p => new XElement("PackageReference",
            new XAttribute("Include", p.Id),
            new XAttribute("Version", p.Version ?? "*"))));
        var document = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"), properties, references);
        return document + "\n";
    }

    // A folder name for the project and the settings it is restored with.
    private string Key(string project)
    {
        var text = new StringBuilder(project).Append('\n').Append(options.ConfigFile);
        foreach (var (name, value) in options.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append('\n').Append(name).Append('=').Append(value);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    // MSBuild reads %, ;, $, @, ', * and ? in a property value as its own; a source path keeps them as they are.
    private static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (char c in value)
            text.Append(c is '%' or ';' or '$' or '@' or '\'' or '*' or '?' ? $"%{(int)c:X2}" : c.ToString());
        return text.ToString();
    }

    // The folder's lock, waited for until it is free or the restore is stopped (null then).
    private static FileStream? Lock(string folder, CancellationToken stop)
    {
        string path = Path.Combine(folder, "restore.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                if (stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200))) return null;
            }
        }
    }

    private sealed record Finished(int ExitCode, IReadOnlyList<string> Lines, string? Error);

    // Runs dotnet restore; null when stopped, after killing it.
    private Finished? Run(string project, CancellationToken stop)
    {
        string dotnet = options.Dotnet ?? DotnetHost();
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (string argument in new[]
        {
            "restore", project, "--verbosity", "quiet", "-nologo", "--disable-build-servers",
            // A Directory.Build.props or central package versions above the temporary folder are not the notebook's.
            "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false", "-p:ImportDirectoryPackagesProps=false",
        })
            start.ArgumentList.Add(argument);
        if (options.ConfigFile is { } config)
        {
            start.ArgumentList.Add("--configfile");
            start.ArgumentList.Add(config);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in options.Environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var lines = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (lines) lines.Add(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (lines) lines.Add(line); };
        try
        {
            if (stop.IsCancellationRequested) return null;
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new Finished(-1, [], $"the .NET SDK's dotnet command, which restores packages, cannot be started ({dotnet}: {e.Message}); "
                + "install the .NET SDK, and put dotnet on the PATH or set DOTNET_HOST_PATH to it");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            process.WaitForExitAsync(stop).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            return null;
        }
        lock (lines) return new Finished(process.ExitCode, [.. lines], null);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
        catch (Win32Exception)
        {
            // A child that could not be killed ends with its parent's pipes closed.
        }
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>The <c>dotnet</c> that runs the restore: <c>DOTNET_HOST_PATH</c> when it names a file, else <c>dotnet</c> on the PATH.</summary>
    internal static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    // The error lines of the restore's output, without the project's path: "NU1101: Unable to find package X. ...".
    private static List<string> Reasons(IReadOnlyList<string> lines, string folder)
    {
        var reasons = new List<string>();
        foreach (string line in lines)
        {
            if (ErrorLine().Match(line) is not { Success: true } error) continue;
            string code = error.Groups["code"].Value;
            string text = Spaces().Replace(error.Groups["text"].Value.Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal), " ").Trim();
            string reason = code.Length > 0 ? $"{code}: {text}" : text;
            if (!reasons.Contains(reason, StringComparer.Ordinal)) reasons.Add(reason);
        }
        if (reasons.Count == 0)
        {
            // No error line (no SDK, a crash): the end of what it said.
            reasons.AddRange(lines.Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(5));
            if (reasons.Count == 0) reasons.Add("dotnet restore failed and said nothing");
        }
        return reasons.Count > MaxReasons ? [.. reasons.Take(MaxReasons), $"... and {reasons.Count - MaxReasons} more"] : reasons;
    }

    // The new package the errors name first, else the first new one.
    private static PackageDirective Blamed(IReadOnlyList<PackageDirective> added, IReadOnlyList<string> reasons) =>
        reasons.SelectMany(r => added.Where(p => Regex.IsMatch(r, $@"(?<![\w.\-]){Regex.Escape(p.Id)}(?![\w\-]|\.\w)", RegexOptions.IgnoreCase))).FirstOrDefault()
        ?? added[0];

    /// <summary>The runtime assemblies of every package of the target, as full paths in the package folders.</summary>
    internal static List<string> RuntimeAssemblies(string assetsFile)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var root = assets.RootElement;
        var folders = root.GetProperty("packageFolders").EnumerateObject().Select(f => f.Name).ToList();
        var libraries = root.GetProperty("libraries");
        if (!root.GetProperty("targets").TryGetProperty(AssetsTarget, out var target))
            throw new InvalidDataException($"it has no {AssetsTarget} target");
        var found = new List<string>();
        foreach (var package in target.EnumerateObject())
        {
            if (package.Value.TryGetProperty("type", out var type) && type.GetString() != "package") continue;
            if (!package.Value.TryGetProperty("runtime", out var runtime)) continue;
            string folder = libraries.GetProperty(package.Name).GetProperty("path").GetString()
                ?? throw new InvalidDataException($"{package.Name} has no path");
            foreach (var asset in runtime.EnumerateObject())
            {
                // "_._" stands for "nothing here" (the framework has it).
                if (Path.GetFileName(asset.Name) == "_._" || !asset.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) continue;
                string? file = folders.Select(f => Path.GetFullPath(Path.Combine(f, folder, asset.Name))).FirstOrDefault(File.Exists);
                found.Add(file ?? throw new InvalidDataException($"{package.Name}'s {asset.Name} is in none of the package folders {string.Join(", ", folders)}"));
            }
        }
        return found;
    }

    private static string? SimpleName(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Name;
        }
        catch (BadImageFormatException)
        {
            // Not a .NET assembly (a native library under lib/): nothing to reference.
            return null;
        }
    }

    // The kit's file for an assembly of this name: one the default context has loaded, or one the
    // application was started with (the runtime's, the kit's and its packages'); null for neither.
    private static string? KitAssembly(string name)
    {
        foreach (var loaded in AssemblyLoadContext.Default.Assemblies)
            if (!loaded.IsDynamic && loaded.Location.Length > 0 && string.Equals(loaded.GetName().Name, name, StringComparison.OrdinalIgnoreCase))
                return loaded.Location;
        return platform.Value.GetValueOrDefault(name);
    }

    private static readonly Lazy<Dictionary<string, string>> platform = new(() =>
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string file in ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            files.TryAdd(Path.GetFileNameWithoutExtension(file), file);
        return files;
    });

    // Project folders no session has used for a month go; one in use (locked) stays.
    private static void Prune(string root, string current)
    {
        try
        {
            foreach (var folder in new DirectoryInfo(root).EnumerateDirectories())
            {
                if (folder.FullName == current || folder.LastWriteTimeUtc > DateTime.UtcNow.AddDays(-30)) continue;
                try
                {
                    using (new FileStream(Path.Combine(folder.FullName, "restore.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)) { }
                    folder.Delete(recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // In use, or not ours to remove.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Pruning is a courtesy; a folder that cannot be listed is left as it is.
        }
    }

    // "/tmp/x/restore.csproj : error NU1101: Unable to ..." and "error : ..." (no code), without
    // the " [/tmp/x/restore.csproj]" MSBuild may end a line with.
    [GeneratedRegex(@"(^|\s:\s)error\s*(?<code>[A-Z]+\d+)?\s*:\s*(?<text>.*?)(\s+\[[^\]]*proj\])?$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
