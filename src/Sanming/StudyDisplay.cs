using Its.Reporting;

namespace Sanming;

/// <summary>The study's fits and comparisons in a notebook, as the tables of its plan (text and HTML).</summary>
public sealed class StudyDisplay : IDisplayFormatter
{
    /// <inheritdoc />
    public Display? Format(object value) => value switch
    {
        IEnumerable<StudyFit> fits => Display.Of(StudyTable(fits.ToArray())),
        IEnumerable<StudyComparison> comparisons => Display.Of(StudyPlan.DifferenceTable(comparisons.ToArray())),
        _ => null,
    };

    // The share fits are in percentage points of an untransformed share, the others in percent of a log outcome.
    private static Table StudyTable(StudyFit[] fits) =>
        fits.Length > 0 && fits.All(f => f.Group == StudyPlan.ShareGroup) ? StudyPlan.ShareTable(fits) : StudyPlan.MainTable(fits);
}
