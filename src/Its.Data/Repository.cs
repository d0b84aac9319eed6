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
    public static string Locate(string relativePath, string otherwise)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, relativePath);
                if ((File.Exists(path) || Directory.Exists(path)) && File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return path;
            }
        throw new InputError($"{relativePath} not found from the current folder; run from the repository or {otherwise}");
    }
}
