namespace Its.Data;

/// <summary>Where the kit's own files are: the repository that holds Research.sln.</summary>
public static class Repository
{
    /// <summary>
    /// Finds a file or folder of the repository from the current folder or the program's folder
    /// upwards (the first folder holding both Research.sln and <paramref name="relativePath"/>).
    /// </summary>
    /// <param name="relativePath">Path inside the repository, e.g. <c>data/sanming_monthly.csv</c> or <c>notebooks</c>.</param>
    /// <param name="otherwise">What the user can do instead, for the message (e.g. "give --data FILE").</param>
    /// <exception cref="InputError">Not found.</exception>
    public static string Locate(string relativePath, string otherwise) =>
        Find(relativePath) ?? throw new InputError($"{relativePath} not found from the current folder; run from the repository or {otherwise}");

    /// <summary>As <see cref="Locate"/>, but null when the path is not found.</summary>
    /// <param name="relativePath">Path inside the repository.</param>
    public static string? Find(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        foreach (string? start in new[] { CurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, relativePath);
                if ((File.Exists(path) || Directory.Exists(path)) && File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return path;
            }
        return null;
    }

    // The current folder can be gone (deleted under the process) or unreadable.
    private static string? CurrentDirectory()
    {
        try { return Directory.GetCurrentDirectory(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
