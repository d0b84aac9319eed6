using Its.Model;
using Its.Results;
using Its.Time;
using Sanming;

namespace Its.Notebooks.Tests;

/// <summary>Results shared by the formatter and report tests, each computed once.</summary>
internal static class Results
{
    /// <summary>A name that would run script if any renderer forgot to escape it.</summary>
    public const string Hostile = "<script>alert('x')</script> & co";

    private static readonly Period Start = Period.Month(2016, 1);

    /// <summary>The reform month of the synthetic series.</summary>
    public static readonly Period Reform = Period.Month(2017, 10);

    /// <summary>48 months with a drop at the reform and a deterministic wobble, its outcome named <see cref="Hostile"/>.</summary>
    public static readonly TimeSeries Series = new(
        Enumerable.Range(0, 48).Select(Start.Add).ToArray(),
        Enumerable.Range(0, 48).Select(t => 200 + 1.5 * t - (t >= 21 ? 25 + 0.8 * (t - 21) : 0) + 4 * Math.Sin(1.7 * t)).ToArray(),
        outcomeName: Hostile);

    /// <summary>A level and slope change at the reform, OLS errors.</summary>
    public static readonly ItsSpec Spec = new() { Interruptions = [Reform] };

    /// <summary>The fit of <see cref="Series"/>.</summary>
    public static readonly ItsResult Fit = new ItsModel(Series, Spec).Fit();

    private static readonly Lazy<SanmingPanel> Panel = new(() => SanmingLoader.Load(ShippedData.Locate()));

    /// <summary>The study's panel, shipped with the kit.</summary>
    public static SanmingPanel Sanming => Panel.Value;

    private static readonly Lazy<IReadOnlyList<StudyComparison>> StudyComparisons = new(() => new StudyPlan().Compare(Sanming));

    /// <summary>The study's hospital-versus-CHSI comparisons.</summary>
    public static IReadOnlyList<StudyComparison> Comparisons => StudyComparisons.Value;
}
