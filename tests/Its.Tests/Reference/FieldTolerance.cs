using System.Text.Json;
using Xunit.Sdk;

namespace Its.Tests.Reference;

/// <summary>What multiplies a tolerance's floor: 1, or a scale taken from R's covariance matrix.</summary>
public enum FloorScale
{
    /// <summary>The floor is absolute.</summary>
    None,

    /// <summary>The floor times max |V_ii|: a covariance 0 up to rounding is compared on the scale of the largest variance.</summary>
    LargestVariance,

    /// <summary>The floor times sqrt(V_ii V_jj): a correlation below the floor counts as 0.</summary>
    VariancePair,
}

/// <summary>
/// How closely one field of a fixture must agree with R: |kit - R| &lt;= relative * max(|R|, floor * scale);
/// or, for a minimum both search for (<paramref name="AtMost"/>), kit - R &lt;= the same allowance, so the
/// kit may find a lower one; or not compared at all, with the reason (a quantity R reports that has no
/// finite limit at a boundary).
/// </summary>
/// <param name="Relative">Relative tolerance.</param>
/// <param name="Floor">The smallest |R| the relative tolerance applies to, so a value 0 up to rounding does not demand more digits than R printed.</param>
/// <param name="Scale">What multiplies the floor.</param>
/// <param name="Compared">False for a field the kit is not expected to reproduce.</param>
/// <param name="Reason">Why this tolerance (or why not compared).</param>
/// <param name="AtMost">One-sided: the kit's value may be any amount below R's.</param>
public sealed record FieldTolerance(double Relative, double Floor, FloorScale Scale, bool Compared, string Reason, bool AtMost = false)
{
    /// <summary>The largest |kit - R| allowed for R's value <paramref name="expected"/>.</summary>
    public double Allowed(double expected, double scale = 1) => Relative * Math.Max(Math.Abs(expected), Floor * scale);

    /// <summary>Reads a case's "tolerance" object, failing on any entry outside the schema.</summary>
    public static IReadOnlyDictionary<string, FieldTolerance> ReadAll(JsonElement tolerance, string where) =>
        tolerance.EnumerateObject().ToDictionary(p => p.Name, p => Read(p.Value, $"{where}: tolerance {p.Name}"));

    private static FieldTolerance Read(JsonElement e, string where)
    {
        var names = e.EnumerateObject().Select(p => p.Name).ToHashSet();
        string reason = e.TryGetProperty("reason", out var r) ? r.GetString()! : throw new XunitException($"{where}: no reason");
        if (e.TryGetProperty("compared", out var compared))
        {
            if (compared.GetBoolean() || names.Count != 2) throw new XunitException($"{where}: 'compared' is false and comes with a reason only");
            return new FieldTolerance(0, 0, FloorScale.None, false, reason);
        }
        if (!names.IsSubsetOf(["relative", "floor", "floor_scale", "compare", "reason"]) || !names.IsSupersetOf(["relative", "floor"]))
            throw new XunitException($"{where}: a tolerance has relative, floor, reason and optionally floor_scale and compare; got {string.Join(", ", names)}");
        bool atMost = e.TryGetProperty("compare", out var side) && (side.GetString() == "kit_at_most"
            ? true
            : throw new XunitException($"{where}: unknown compare '{side.GetString()}' (kit_at_most is the one-sided comparison)"));
        var scale = e.TryGetProperty("floor_scale", out var s)
            ? s.GetString() switch
            {
                "largest_variance" => FloorScale.LargestVariance,
                "variance_pair" => FloorScale.VariancePair,
                var other => throw new XunitException($"{where}: unknown floor_scale '{other}'"),
            }
            : FloorScale.None;
        return new FieldTolerance(e.GetProperty("relative").GetDouble(), e.GetProperty("floor").GetDouble(), scale, true, reason, atMost);
    }
}
