using Its.Model;

namespace Its.Data;

/// <summary>
/// The kit's own data files: the synthetic Sanming panel and the public reference datasets with
/// their <c>SOURCES.md</c>. They are in <c>data/</c> of the repository, and every build and
/// package of the kit installs a copy in a <c>data</c> folder beside its assemblies (the tool,
/// and a project that references the library packages), so they are found outside a clone too.
/// </summary>
public static class KitData
{
    /// <summary>The name of the folder that holds them, in the repository and beside the assemblies.</summary>
    public const string FolderName = "data";

    /// <summary>
    /// The folders that exist, in search order: <c>data/</c> of the repository found from the
    /// current folder or the program's folder upwards (so a clone uses its own, possibly
    /// regenerated, files), then the copy installed beside the kit's assemblies.
    /// </summary>
    public static IReadOnlyList<string> Folders()
    {
        var folders = new List<string>();
        if (Repository.Find(FolderName) is { } repository) folders.Add(Path.GetFullPath(repository));
        foreach (string? home in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(KitData).Assembly.Location) })
            if (home is { Length: > 0 } && Path.GetFullPath(Path.Combine(home, FolderName)) is var installed && Directory.Exists(installed))
                folders.Add(installed);
        return folders.Select(f => f.TrimEnd(Path.DirectorySeparatorChar)).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Path of one of the kit's data files: the first of <see cref="Folders"/> that holds it.</summary>
    /// <param name="fileName">The file's name, e.g. <c>sanming_monthly.csv</c>.</param>
    /// <param name="otherwise">What the user can do instead, for the message (e.g. "load a copy from its path").</param>
    /// <exception cref="InputError">No folder holds it.</exception>
    public static string Locate(string fileName, UserMessage otherwise)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var folders = Folders();
        return folders.Select(f => Path.Combine(f, fileName)).FirstOrDefault(File.Exists)
            ?? throw new InputError(new UserMessage($"{fileName} not found in the kit's data ({(folders.Count == 0 ? "no data folder in a repository or beside the kit" : string.Join(", ", folders))}); {otherwise}"));
    }
}
