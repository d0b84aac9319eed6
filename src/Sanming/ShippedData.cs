using Its.Data;
using Its.Model;

namespace Sanming;

/// <summary>Where the kit's own synthetic panel, <c>data/sanming_monthly.csv</c>, is.</summary>
public static class ShippedData
{
    /// <summary>Path of the panel inside the repository.</summary>
    public const string RelativePath = KitData.FolderName + "/" + FileName;

    /// <summary>The panel's file name.</summary>
    public const string FileName = "sanming_monthly.csv";

    /// <summary>
    /// The shipped panel: <c>data/</c> of the repository when run from a clone, else the copy
    /// installed with the kit (<see cref="KitData.Folders"/>).
    /// </summary>
    /// <param name="otherwise">What the user can do instead, for the message; by default, load their own copy.</param>
    /// <exception cref="InputError">Not found.</exception>
    public static string Locate(UserMessage? otherwise = null) =>
        KitData.Locate(FileName, otherwise ?? $"load a copy from its path ({nameof(SanmingLoader)}.{nameof(SanmingLoader.Load)})");
}
