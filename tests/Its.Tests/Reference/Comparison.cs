using System.Text.Json;
using System.Text.RegularExpressions;
using Its.Results;
using Xunit.Sdk;

namespace Its.Tests.Reference;

/// <summary>
/// The comparison of one fixture case with the kit: every value at the tolerance the fixture states
/// for its field, all failures collected and reported together with the fixture, case, field, kit
/// value, R value and tolerance.
/// </summary>
public sealed partial class Comparison(Fixture fixture)
{
    private readonly List<string> _failures = [];

    /// <summary>The case compared.</summary>
    public Fixture Fixture { get; } = fixture;

    /// <summary>Values compared with R (numbers at a tolerance, and exact integers, names, periods, nulls).</summary>
    public int Compared { get; private set; }

    /// <summary>Values R reports that the fixture marks as not compared, with its reason.</summary>
    public int NotCompared { get; private set; }

    /// <summary>The largest |kit - R| among the numbers compared at a tolerance.</summary>
    public double MaxDifference { get; private set; }

    /// <summary>The largest |kit - R| / allowed, and its field: how close the case came to failing.</summary>
    public (double Ratio, string Label) Closest { get; private set; } = (0, "");

    /// <summary>A number at the tolerance of its field; an expected null requires the kit to report none.</summary>
    public void Number(string label, JsonElement expected, double? actual, double scale = 1)
    {
        if (expected.ValueKind == JsonValueKind.Null) Absent(label, actual);
        else Number(label, expected.GetDouble(), actual, scale);
    }

    /// <summary>A number at the tolerance of its field, <paramref name="scale"/> multiplying the floor.</summary>
    public void Number(string label, double expected, double? actual, double scale = 1)
    {
        var tolerance = Fixture.Tolerance(label, Field(label));
        if (!tolerance.Compared)
        {
            NotCompared++;
            return;
        }
        Compared++;
        if (actual is not { } value)
        {
            Fail($"{label}: kit reports nothing, R {expected:R}");
            return;
        }
        // One-sided: only the amount by which the kit's value exceeds R's counts.
        double difference = tolerance.AtMost ? Math.Max(0, value - expected) : Math.Abs(value - expected);
        double allowed = tolerance.Allowed(expected, scale);
        if (double.IsFinite(difference)) MaxDifference = Math.Max(MaxDifference, difference);
        double ratio = allowed > 0 ? difference / allowed : difference == 0 ? 0 : double.PositiveInfinity;
        if (ratio > Closest.Ratio) Closest = (ratio, label);
        if (!(difference <= allowed))
            Fail($"{label}: kit {value:R}, R {expected:R}, {(tolerance.AtMost ? "kit above R by" : "|difference|")} {difference:G3} > allowed {allowed:G3} " +
                 $"(relative {tolerance.Relative:G3}, floor {tolerance.Floor:G3}{(scale == 1 ? "" : $" x {scale:G3}")}: {tolerance.Reason})");
    }

    /// <summary>A field R reports for information only: its tolerance must say it is not compared.</summary>
    public void Informative(string label)
    {
        if (IsCompared(label)) Fail($"{label}: the checker reads it for information only, and the fixture compares it");
        else NotCompared++;
    }

    /// <summary>Whether the fixture compares the value of this label (false where it marks it not compared).</summary>
    public bool IsCompared(string label) => Fixture.Tolerance(label, Field(label)).Compared;

    /// <summary>A value that must be equal: a count, a term, a period, a flag.</summary>
    public void Same<T>(string label, T expected, T actual)
    {
        Compared++;
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) Fail($"{label}: kit {actual}, R {expected}");
    }

    /// <summary>An integer, or null that requires the kit to report none.</summary>
    public void Integer(string label, JsonElement expected, int? actual) =>
        Same(label, expected.ValueKind == JsonValueKind.Null ? null : expected.GetInt32(), actual);

    /// <summary>An interval [lower, upper], or null that requires the kit to report none.</summary>
    public void Interval(string label, JsonElement expected, Interval? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Absent(label, actual);
            return;
        }
        var bounds = Fixture.Numbers(expected);
        Same($"{label} length", 2, bounds.Length);
        Number($"{label}[lower]", bounds[0], actual?.Lower);
        Number($"{label}[upper]", bounds[1], actual?.Upper);
    }

    /// <summary>A sequence of numbers (ACF at lags 1, 2, ...), its length first.</summary>
    public void Series(string label, JsonElement expected, IReadOnlyList<double> actual)
    {
        var values = Fixture.Numbers(expected);
        Same($"{label} length", values.Length, actual.Count);
        for (int i = 0; i < Math.Min(values.Length, actual.Count); i++) Number($"{label}[{i + 1}]", values[i], actual[i]);
    }

    /// <summary>A covariance matrix, the floor scaled as its tolerance says.</summary>
    public void Covariance(string label, JsonElement expected, Its.Results.CovarianceMatrix actual)
    {
        var v = expected.EnumerateArray().Select(Fixture.Numbers).ToArray();
        int k = v.Length;
        Same($"{label} size", k, actual.Size);
        if (actual.Size != k) return;
        var scale = Fixture.Tolerance(label, label).Scale;
        double largest = Enumerable.Range(0, k).Max(i => Math.Abs(v[i][i]));
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                Number($"{label}[{i},{j}]", v[i][j], actual[i, j], scale switch
                {
                    FloorScale.LargestVariance => largest,
                    FloorScale.VariancePair => Math.Sqrt(Math.Abs(v[i][i] * v[j][j])),
                    _ => 1,
                });
    }

    /// <summary>Named parameters (error or family parameters): the same names in order, then each value.</summary>
    public void Parameters(string label, ExpectedValues expected, IReadOnlyList<ErrorParameter> actual)
    {
        Same($"{label} names", string.Join(", ", expected.Names), string.Join(", ", actual.Select(a => a.Name)));
        foreach (string name in expected.Names)
            Number($"{label}.{name}", expected[name], actual.FirstOrDefault(a => a.Name == name)?.Estimate);
    }

    /// <summary>Fails the comparison with a message about one field.</summary>
    public void Fail(string message) => _failures.Add(message);

    /// <summary>
    /// Throws, listing every failure and, given the case's expected values, every field the checker
    /// did not read (a test of part of a case passes none).
    /// </summary>
    public void ThrowIfFailed(ExpectedValues? expected = null)
    {
        foreach (string field in expected?.Unread() ?? []) Fail($"{field}: a field the checker does not know for kind '{Fixture.Kind}'");
        if (_failures.Count == 0) return;
        const int shown = 20;
        throw new XunitException($"{Fixture}: {_failures.Count} of {Compared} values differ from R (R call: {Fixture.Call})\n  "
            + string.Join("\n  ", _failures.Take(shown)) + (_failures.Count > shown ? $"\n  ... and {_failures.Count - shown} more" : ""));
    }

    private void Absent<T>(string label, T? actual)
    {
        if (!IsCompared(label))
        {
            NotCompared++;
            return;
        }
        Compared++;
        if (actual is not null) Fail($"{label}: kit {actual}, R reports none");
    }

    // The tolerance path of a label: "coefficients[level1].ci[lower]" -> "coefficients.ci".
    private static string Field(string label) => Index().Replace(label, "");

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Index();
}
