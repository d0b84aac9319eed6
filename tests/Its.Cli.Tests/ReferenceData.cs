using Its.Data;

namespace Its.Cli.Tests;

/// <summary>
/// How the tests find the public reference datasets of data/SOURCES.md: through
/// <see cref="ReferenceDatasets.Locate(string)"/>, the one place that knows them ($ITS_DATA, the
/// kit's own copies, the local cache; each copy checked against its published SHA-256).
/// </summary>
public static class ReferenceData
{
    /// <summary>Path of a verified reference file.</summary>
    public static string Path(string file) => ReferenceDatasets.Locate(file);
}
