using Its.Comparison;
using Its.Results;
using Its.Robustness;

namespace Its.Reporting;

/// <summary>
/// The estimators' results in a notebook, as text and HTML by their reports: fits, comparisons, multilevel fits,
/// power, break searches, placebo and sensitivity runs, and tables.
/// </summary>
/// <remarks>
/// Results that a report needs more to render take sensible defaults: a comparison is shown
/// without a permutation test. A <see cref="PlaceboResult"/> that does not carry the model it moved,
/// whose scale its report needs, is left to the engine (its text); render it with
/// <see cref="RobustnessReport"/>.
/// </remarks>
public sealed class ResultDisplay : IDisplayFormatter
{
    /// <inheritdoc />
    public Display? Format(object value) => value switch
    {
        ItsResult r => Display.TextAndHtml(ResultReport.Render(r, ReportFormat.Text), ResultReport.Render(r, ReportFormat.Html)),
        Multilevel.MultilevelResult m => Display.TextAndHtml(MultilevelReport.Render(m, ReportFormat.Text), MultilevelReport.Render(m, ReportFormat.Html)),
        ComparisonResult c => Display.TextAndHtml(ComparisonReport.Render(c, ReportFormat.Text), ComparisonReport.Render(c, ReportFormat.Html)),
        PowerResult p => Display.TextAndHtml(PowerReport.Render(p, ReportFormat.Text), PowerReport.Render(p, ReportFormat.Html)),
        BreakSearchResult b => Display.TextAndHtml(BreakSearchReport.Render(b, ReportFormat.Text), BreakSearchReport.Render(b, ReportFormat.Html)),
        PlaceboResult { Spec: not null } p => Display.TextAndHtml(RobustnessReport.Render(p, ReportFormat.Text), RobustnessReport.Render(p, ReportFormat.Html)),
        IReadOnlyList<SensitivityRow> rows when rows.Any(r => r.Result is not null) => Display.TextAndHtml(RobustnessReport.Render(rows, ReportFormat.Text), RobustnessReport.Render(rows, ReportFormat.Html)),
        Table t => Display.Of(t),
        _ => null,
    };
}
