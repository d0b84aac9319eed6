using Its.Data;
using Its.Model;

namespace Sanming;

/// <summary>Where the kit's own synthetic panels, <c>data/sanming_monthly.csv</c> and its facility-level split <c>data/sanming_facilities.csv</c>, are.</summary>
public static class ShippedData
{
    /// <summary>Path of the panel inside the repository.</summary>
    public const string RelativePath = KitData.FolderName + "/" + FileName;

    /// <summary>The panel's file name.</summary>
    public const string FileName = "sanming_monthly.csv";

    /// <summary>The facility-level panel's file name (<see cref="SanmingFacilities"/> of the shipped seed).</summary>
    public const string FacilitiesFileName = "sanming_facilities.csv";

    /// <summary>
    /// The shipped panel: <c>data/</c> of the repository when run from a clone, else the copy
    /// installed with the kit (<see cref="KitData.Folders"/>).
    /// </summary>
    /// <param name="otherwise">What the user can do instead, for the message; by default, load their own copy.</param>
    /// <exception cref="InputError">Not found.</exception>
    public static string Locate(UserMessage? otherwise = null) =>
        KitData.Locate(FileName, otherwise ?? $"load a copy from its path ({nameof(SanmingLoader)}.{nameof(SanmingLoader.Load)})");

    /// <summary>The shipped facility-level panel, found as <see cref="Locate"/> finds the panel.</summary>
    /// <exception cref="InputError">Not found.</exception>
    public static string LocateFacilities() =>
        KitData.Locate(FacilitiesFileName, $"write one with its sanming generate --facilities --out {FacilitiesFileName}");
}
