using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Its.Batch;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a panel's units, chosen by a hash of each unit's
/// id: the same id falls in the same part on every machine and in every run, whatever the file's
/// order, so N tasks given parts 1/N to N/N fit every unit exactly once between them.
/// </summary>
/// <param name="Index">The part, 1 to <paramref name="Count"/>.</param>
/// <param name="Count">The number of parts, 1 or more.</param>
public sealed record UnitPartition(int Index, int Count)
{
    /// <summary>Checks 1 &lt;= <see cref="Index"/> &lt;= <see cref="Count"/>.</summary>
    public int Index { get; } = Count >= 1 && Index >= 1 && Index <= Count ? Index
        : throw new ArgumentOutOfRangeException(nameof(Index), Index, $"a part of 1 to {Count} parts, and 1 part or more");

    /// <summary>Whether the unit <paramref name="id"/> is in this part.</summary>
    public bool Holds(string id) => PartOf(Hash(id), Count) == Index;

    /// <summary>The part, 1 to <paramref name="count"/>, of a unit whose id has <paramref name="hash"/> (its high bits scaled to the count).</summary>
    public static int PartOf(ulong hash, int count) => 1 + (int)Math.BigMul(hash, (ulong)count, out _);

    /// <summary>
    /// The 64-bit XXH3 hash of a unit id's UTF-16 code units: by it units are assigned to parts,
    /// and a unit that comes back in a file is told.
    /// </summary>
    public static ulong Hash(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));
    }

    /// <summary>K/N, as it is given.</summary>
    public override string ToString() => $"{Index}/{Count}";
}
