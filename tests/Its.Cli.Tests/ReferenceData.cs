using System.Security.Cryptography;

namespace Its.Cli.Tests;

/// <summary>
/// The one place the tests find the public reference datasets of ../shared/data/SOURCES.md: the
/// folder named by ITS_DATA, else ../shared/data beside the repository. Each file is checked
/// against its published SHA-256 before use.
/// </summary>
public static class ReferenceData
{
    private static readonly Dictionary<string, string> Sha256 = new()
    {
        ["sicily.csv"] = "780806fc955e64e559d28d31a41a20933ed88c6351ce8788aada23df06047fb8",
        ["prop99_smoking.csv"] = "d1b537fc9b69bee16ddee19b92869fd1632afa17f3b0744ae72ba2506da7b582",
    };

    /// <summary>Path of a verified reference file.</summary>
    public static string Path(string file)
    {
        string folder = Environment.GetEnvironmentVariable("ITS_DATA") is { Length: > 0 } env ? env : System.IO.Path.Combine(RepositoryRoot(), "..", "shared", "data");
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file));
        if (!File.Exists(path))
            throw new FileNotFoundException($"reference dataset {file} not found in {folder}; set ITS_DATA to the folder that holds it (see ../shared/data/SOURCES.md)", path);
        string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        if (hash != Sha256[file])
            throw new InvalidDataException($"{path} has SHA-256 {hash}, expected {Sha256[file]}: not the published file");
        return path;
    }

    /// <summary>The folder that holds Research.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Research.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Research.sln not found above the test assembly");
    }
}
