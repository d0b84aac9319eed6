using System.Text.Json;
using System.Text.Json.Nodes;
using Its.Data;
using Its.Data.Output;
using Its.Notebooks.Reports;

namespace Its.Cli;

/// <summary>
/// The folder <c>its reproduce</c> writes a report into, changed as one piece: the new report is
/// built in a hidden sibling (<c>.D.its-new-*</c>), gets a manifest of every file the kit wrote
/// (<see cref="ManifestName"/>: path, size, SHA-256), and is swapped in by two renames only when
/// every notebook succeeded. A kill at any moment leaves the previous report whole (at worst,
/// between the two renames, as <c>.D.its-old-*</c> beside it, renamed back by the next run). A
/// failed run's partial report goes to <c>D.failed</c>. A folder the kit did not write, or whose
/// files differ from their manifest, is refused unless forced; then the user's files are carried
/// over. The whole run holds the folder's <see cref="OutputLock"/>.
/// </summary>
internal sealed class ReportFolder : IDisposable
{
    /// <summary>The manifest's file name, inside the report folder.</summary>
    public const string ManifestName = ".its-manifest.json";

    /// <summary>The folder inside the report that keeps, under <c>--force</c>, the user's own versions of files the kit writes.</summary>
    public const string ReplacedName = "its-replaced";

    private const string Command = "its reproduce";

    private readonly string _given;
    private readonly string _target;
    private readonly OutputLock _lock;
    private readonly IReadOnlyList<string> _carried;
    private bool _ended;

    private ReportFolder(string given, string target, string staging, OutputLock held, IReadOnlyList<string> carried)
    {
        _given = given;
        _target = target;
        Staging = staging;
        _lock = held;
        _carried = carried;
    }

    /// <summary>The hidden sibling the new report is built in.</summary>
    public string Staging { get; }

    /// <summary>Where a failed run's partial report goes, as the user named the report folder.</summary>
    public string FailedAsGiven => _given.TrimEnd(Path.DirectorySeparatorChar) + ".failed";

    private string Failed => _target + ".failed";

    /// <summary>
    /// Checks the folder, takes its lock, puts back a report a kill left beside it, removes dead
    /// runs' staging folders and makes a new one.
    /// </summary>
    /// <param name="given">The folder as the user named it (a link is followed: the report goes where it points).</param>
    /// <param name="force">Replace a folder the kit did not write (or whose files were changed), carrying the user's files over.</param>
    /// <param name="inputs">Folders the report must neither be, lie in, nor contain: the notebooks and the data.</param>
    /// <exception cref="InputError">The folder is refused, or another run holds it.</exception>
    public static ReportFolder Open(string given, bool force, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(given);
        var link = new FileInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(given)));
        if (link.LinkTarget is not null && !Path.Exists(link.FullName))
            throw new InputError($"{given}: is a link to {link.LinkTarget}, which does not exist");
        if (File.Exists(given)) throw new InputError($"{given}: is a file, not a folder");
        string target = Path.TrimEndingDirectorySeparator(FileIdentity.Resolve(given));
        var inputList = inputs.ToList();
        Refuse(given, target, inputList);
        Refuse(given + ".failed", target + ".failed", inputList);
        var held = OutputLock.Acquire(given, Command);
        try
        {
            Recover(target);
            Recover(target + ".failed");
            var carried = Check(given, target, force, "give another folder, or --force to replace it (your files are carried over)");
            Check(given + ".failed", target + ".failed", force: false, "a failed run keeps its partial report there: move it away");
            string staging = Sibling(target, "new");
            Directory.CreateDirectory(staging);
            return new ReportFolder(given, target, staging, held, carried);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>The line that tells what <c>--force</c> carried over, or null when nothing was.</summary>
    public string? CarriedMessage => _carried.Count == 0 ? null
        : $"{_given}: {_carried.Count} file(s) of yours (not in its manifest, or changed) carried over into the new report ({Names(_carried)}); your versions of files the kit writes, if any, are in {Path.Combine(_given, ReplacedName)}";

    /// <summary>Carries the user's files over, writes the manifest and swaps the new report in.</summary>
    public void Commit()
    {
        var written = Entries(Staging).Where(e => e.Kind == EntryKind.File).Select(e => e.Path).ToList();
        var kitFiles = written.ToHashSet(StringComparer.Ordinal);
        foreach (string relative in _carried)
        {
            string from = Path.Combine(_target, relative);
            string to = Path.Combine(Staging, kitFiles.Contains(relative) ? Path.Combine(ReplacedName, relative) : relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            var info = new FileInfo(from);
            if (info.LinkTarget is { } pointsTo) File.CreateSymbolicLink(to, pointsTo);
            else if (Directory.Exists(from)) Directory.CreateDirectory(to);
            else File.Copy(from, to);
        }
        WriteManifest(Staging, written);
        Swap(Staging, _target);
        _ended = true;
    }

    /// <summary>Keeps the partial new report in <c>D.failed</c> (with its manifest, so the next failure may replace it); the report folder is left as it was.</summary>
    public void Fail()
    {
        if (_ended) return;
        WriteManifest(Staging, Entries(Staging).Where(e => e.Kind == EntryKind.File).Select(e => e.Path).ToList());
        Swap(Staging, Failed);
        _ended = true;
    }

    /// <summary>Removes the staging folder of a run that neither committed nor failed, and releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            if (!_ended && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    // "/", the home folder, the repository, and any folder that is, holds or lies in the notebooks or the data.
    private static void Refuse(string given, string target, IReadOnlyList<string> inputs)
    {
        if (Path.GetPathRoot(target) == target || target.Length == 0)
            throw new InputError($"{given}: is the root of the file system; give a folder of its own for the report");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0 && FileIdentity.Same(target, home))
            throw new InputError($"{given}: is your home folder; give a folder of its own for the report");
        if (Repository.Find("Research.sln") is { } solution && Path.GetDirectoryName(Path.GetFullPath(solution)) is { } repository
            && (FileIdentity.Same(target, repository) || FileIdentity.IsWithin(repository, target)))
            throw new InputError($"{given}: is the repository (or holds it); give a folder of its own for the report, e.g. reports");
        foreach (string input in inputs)
            if (FileIdentity.IsWithin(target, input) || FileIdentity.IsWithin(input, target))
                throw new InputError($"{given}: {(FileIdentity.IsWithin(target, input) ? "lies in" : "holds")} {input}, which the run reads; give a folder of its own for the report");
    }

    // Between the two renames of a swap the folder is missing and its previous self is beside it: put it back.
    private static void Recover(string target)
    {
        var previous = Siblings(target, "old").OrderByDescending(Directory.GetLastWriteTimeUtc).ToList();
        if (!Directory.Exists(target) && previous.Count > 0)
        {
            Directory.Move(previous[0], target);
            previous.RemoveAt(0);
        }
        // What is left: old copies a swap had not finished deleting, and staging folders of dead runs (the lock says none is alive).
        foreach (string dead in previous.Concat(Siblings(target, "new"))) Directory.Delete(dead, recursive: true);
    }

    // The user's files to carry over (none unless forced); refuses a folder the kit did not write or whose files changed.
    private static List<string> Check(string given, string target, bool force, string otherwise)
    {
        if (!Directory.Exists(target)) return [];
        var entries = Entries(target).ToList();
        if (entries.Count == 0) return [];
        var manifest = ReadManifest(target);
        var foreign = entries.Where(e => manifest is null || !manifest.TryGetValue(e.Path, out var file) || e.Kind != EntryKind.File || Differs(target, e.Path, file))
            .Select(e => e.Path).ToList();
        if (foreign.Count == 0) return [];
        if (force) return foreign;
        string why = manifest is null
            ? $"holds {entries.Count} file(s) and no kit manifest ({ManifestName}): it is not a report the kit wrote"
            : $"{foreign.Count} file(s) differ from its manifest ({Names(foreign)}): changed or put there since the kit wrote it";
        throw new InputError($"{given}: {why}; {otherwise}");
    }

    private static bool Differs(string folder, string relative, (long Size, string Sha256) expected)
    {
        var info = new FileInfo(Path.Combine(folder, relative));
        return info.Length != expected.Size || ReferenceDatasets.HashFile(info.FullName) != expected.Sha256;
    }

    private static Dictionary<string, (long Size, string Sha256)>? ReadManifest(string folder)
    {
        string path = Path.Combine(folder, ManifestName);
        if (!File.Exists(path)) return null;
        try
        {
            var files = JsonNode.Parse(File.ReadAllText(path))?["files"]?.AsArray() ?? throw new JsonException("no files");
            return files.ToDictionary(f => (string)f!["path"]!, f => ((long)f!["size"]!, (string)f!["sha256"]!), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new InputError($"{path}: not a manifest the kit can read ({e.Message}); move the folder away");
        }
    }

    private static void WriteManifest(string folder, IEnumerable<string> files)
    {
        var list = new JsonArray();
        foreach (string relative in files.Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(folder, relative);
            list.Add(new JsonObject { ["path"] = relative, ["size"] = new FileInfo(path).Length, ["sha256"] = ReferenceDatasets.HashFile(path) });
        }
        var manifest = new JsonObject { ["written_by"] = Command, ["kit_version"] = HtmlReport.KitVersion, ["files"] = list };
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    // Puts a complete folder in place of the target in two renames; the previous target is deleted after.
    private static void Swap(string ready, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(ready, target);
            return;
        }
        string previous = Sibling(target, "old");
        Directory.Move(target, previous);
        Directory.Move(ready, target);
        Directory.Delete(previous, recursive: true);
    }

    private static string Sibling(string target, string role) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.its-{role}-{Guid.NewGuid():N}");

    private static IEnumerable<string> Siblings(string target, string role)
    {
        string parent = Path.GetDirectoryName(target)!;
        return Directory.Exists(parent) ? Directory.GetDirectories(parent, $".{Path.GetFileName(target)}.its-{role}-*") : [];
    }

    private enum EntryKind { File, Link, EmptyFolder }

    // Every file, link and empty folder under a folder, by relative path with '/', the manifest left out; links are not followed.
    private static IEnumerable<(string Path, EntryKind Kind)> Entries(string folder)
    {
        var pending = new Stack<string>([folder]);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            var children = new DirectoryInfo(current).GetFileSystemInfos();
            if (children.Length == 0 && current != folder) yield return (Relative(folder, current), EntryKind.EmptyFolder);
            foreach (var child in children)
            {
                string relative = Relative(folder, child.FullName);
                if (child.LinkTarget is not null) yield return (relative, EntryKind.Link);
                else if (child is DirectoryInfo) pending.Push(child.FullName);
                else if (relative != ManifestName) yield return (relative, EntryKind.File);
            }
        }
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    private static string Names(IReadOnlyList<string> files) =>
        string.Join(", ", files.Take(5)) + (files.Count > 5 ? $" and {files.Count - 5} more" : "");
}
