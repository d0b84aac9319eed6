using Its.Data;

namespace Sanming;

/// <summary>Where the kit's own synthetic panel, <c>data/sanming_monthly.csv</c>, is.</summary>
public static class ShippedData
{
    /// <summary>Path of the panel inside the repository.</summary>
    public const string RelativePath = "data/sanming_monthly.csv";

    /// <summary>
    /// Finds the shipped panel from the current folder or the program's folder upwards (the
    /// repository that holds Research.sln).
    /// </summary>
    /// <exception cref="InputError">Not found.</exception>
    public static string Locate() => Repository.Locate(RelativePath, "give --data FILE");
}
