using System.Text.Json;
using Its.Comparison;
using Its.Reporting;

namespace Sanming;

/// <summary>Everything the study's plan computes on one panel.</summary>
/// <param name="Plan">The plan that was run.</param>
/// <param name="Fits">Every outcome of every group (<see cref="StudyPlan.Run"/>).</param>
/// <param name="Comparisons">The hospital-versus-CHSI comparisons; empty when the plan's error model has no pooled model (<see cref="GroupComparison.Supports"/>).</param>
/// <param name="Shares">The CHSI shares (<see cref="StudyPlan.Shares"/>).</param>
public sealed record StudyResults(StudyPlan Plan, IReadOnlyList<StudyFit> Fits, IReadOnlyList<StudyComparison> Comparisons, IReadOnlyList<StudyFit> Shares)
{
    /// <summary>Runs the whole plan on a panel: the fits, the comparisons where the error model allows them, and the shares.</summary>
    /// <exception cref="Its.Model.ItsException">A series cannot be fitted (the message names it).</exception>
    public static StudyResults Run(StudyPlan plan, SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(panel);
        return new StudyResults(plan, plan.Run(panel), GroupComparison.Supports(plan.Errors) ? plan.Compare(panel) : [], plan.Shares(panel));
    }
}

/// <summary>
/// The study's results in every report format, as <c>its sanming</c> prints them: the main table,
/// the difference table and the share table as text, Markdown, HTML or LaTeX; every fit, comparison
/// and share fit as one JSON document; the interruption terms at full precision as one long CSV.
/// </summary>
public static class StudyReport
{
    /// <summary>Renders the results in a format.</summary>
    public static string Render(StudyResults study, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (format == ReportFormat.Json) return Json(study);
        if (format == ReportFormat.Csv) return Csv(study);
        var tables = new List<Table> { StudyPlan.MainTable(study.Fits) };
        if (study.Comparisons.Count > 0) tables.Add(StudyPlan.DifferenceTable(study.Comparisons));
        tables.Add(StudyPlan.ShareTable(study.Shares));
        string Join(Func<Table, string> render, string separator) => string.Join(separator, tables.Select(render));
        switch (format)
        {
            case ReportFormat.Markdown: return Join(t => t.ToMarkdown(), "\n");
            case ReportFormat.Html: return Join(t => t.ToHtml(), "");
            case ReportFormat.Latex: return Join(t => t.ToLatex(), "\n");
            default:
                var warnings = study.Fits.Concat(study.Shares).SelectMany(f => f.Result.Warnings.Select(w => $"warning ({f.Outcome.Label()}, {f.Group}): {w}\n"));
                string skipped = study.Comparisons.Count == 0
                    ? $"The hospital-vs-CHSI difference tests need ols, hc0-hc3 or newey:L errors; they are not computed under {study.Plan.Errors.Name}.\n"
                    : "";
                return Join(t => t.ToText(), "\n") + skipped + string.Concat(warnings);
        }
    }

    private static string Json(StudyResults study) => ResultJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("fits");
        foreach (var f in study.Fits) WriteFit(w, f);
        w.WriteEndArray();
        w.WriteStartArray("comparisons");
        foreach (var c in study.Comparisons)
        {
            w.WriteStartObject();
            w.WriteString("outcome_name", c.Outcome.Column());
            w.WritePropertyName("comparison");
            ComparisonReport.Write(w, c.Result);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("shares");
        foreach (var f in study.Shares) WriteFit(w, f);
        w.WriteEndArray();
        w.WriteEndObject();
    }) + "\n";

    // Long form, one table: the fits and share fits (interruption terms and pre-period trend) and
    // the difference tests, every number at full precision.
    private static string Csv(StudyResults study)
    {
        string[] terms = ["time", "level1", "slope1"];
        var rows = new List<(IReadOnlyList<string>, IReadOnlyList<string>)>();
        foreach (var (section, fits) in new[] { ("fit", study.Fits), ("share", study.Shares) })
            foreach (var f in fits)
                rows.AddRange(terms.Select(t => ((IReadOnlyList<string>)[section, f.Outcome.Column(), f.Group, t], CoefficientCsv.Cells(f.Result[t]))));
        foreach (var c in study.Comparisons)
            foreach (var t in c.Result.Tests.Where(t => !t.Joint))
            {
                var pooled = c.Result.Pooled[$"group:{t.Term}"];
                rows.Add((["difference", c.Outcome.Column(), $"{t.Group} - {t.Reference}", t.Term], CoefficientCsv.Cells(pooled)));
            }
        return CoefficientCsv.Render(["section", "outcome", "group", "term"], rows);
    }

    private static void WriteFit(Utf8JsonWriter w, StudyFit f)
    {
        w.WriteStartObject();
        w.WriteString("outcome_name", f.Outcome.Column());
        w.WriteString("group", f.Group);
        w.WritePropertyName("result");
        ResultJson.Write(w, f.Result);
        w.WriteEndObject();
    }
}
