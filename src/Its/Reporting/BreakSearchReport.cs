using System.Globalization;
using Its.Model;
using Its.Robustness;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// A break-date search as a report: the sup F, its date, p value, restrictions, trim and the
/// pre-specified date's F and rank, then the F of every candidate; or as one JSON object (fields
/// <c>candidates</c> [{<c>period</c>, <c>index</c>, <c>f</c>}], <c>sup_f</c>, <c>break_period</c>,
/// <c>p_value</c>, <c>restrictions</c>, <c>trim</c>, <c>lambda</c>, <c>prespecified</c>, ...).
/// </summary>
public static class BreakSearchReport
{
    /// <summary>Renders a search in a format; CSV is the candidate table at full precision.</summary>
    public static string Render(BreakSearchResult result, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format switch
        {
            ReportFormat.Json => Json(result),
            ReportFormat.Csv => Candidates(result, ["period", "index", "f", "note"], Exact).ToCsv(),
            _ => ResultReport.Document(Heading(result), Notes(result), [CandidateTable(result)], format, "its-breaks"),
        };
    }

    /// <summary>The F statistic of every candidate date, the sup-F and pre-specified dates noted.</summary>
    public static Table CandidateTable(BreakSearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Candidates(result, [Time.Period.Describe(result.Frequency), "break index", "F", "note"], Statistic);
    }

    private static Table Candidates(BreakSearchResult r, IReadOnlyList<string> columns, Func<double, string> number) =>
        new($"F statistic by candidate break date ({r.Candidates.Count} candidates)", columns,
            r.Candidates.Select(c => (IReadOnlyList<string>)[
                c.Period.ToString(), c.Index.ToString(CultureInfo.InvariantCulture), number(c.F),
                string.Join(", ", new[] { c.Index == r.BreakIndex ? "sup F" : null, c.Period == r.Prespecified?.Period ? "pre-specified" : null }.OfType<string>())]).ToArray());

    private static string Heading(BreakSearchResult r) =>
        $"Break-date search (sup F): {(r.Spec.Transform == OutcomeTransform.Log ? $"log({r.OutcomeName})" : r.OutcomeName)}";

    private static List<string> Notes(BreakSearchResult r)
    {
        string unit = Time.Period.Describe(r.Frequency);
        var first = r.Candidates[0].Period;
        var last = r.Candidates[^1].Period;
        var notes = new List<string>
        {
            $"sup F = {Statistic(r.SupF)} at {r.BreakPeriod}, p {PClause(r.PValue)} (Andrews 1993 sup-F test, Hansen 1997 p value)",
            $"q = {r.Restrictions} restriction(s) ({r.Spec.Impact.Name()} break); F = (RSS0 - RSS1) / (RSS1 / {r.DfResidual}) as strucchange's Fstats: not divided by q, classical errors whatever the error model",
            FormattableString.Invariant($"trim {r.Trim}: {r.Candidates.Count} candidate {unit}s, {first} to {last} (break indices {r.From} to {r.To} of {r.N}); lambda = {Number(r.Lambda)}"),
            r.Prespecified is not { } pre ? "no pre-specified date"
                : pre.Rank is { } rank ? $"pre-specified {pre.Period}: F = {Statistic(pre.F)}, rank {rank} of {r.Candidates.Count}"
                : $"pre-specified {pre.Period}: F = {Statistic(pre.F)}, outside the trimmed range (not ranked)",
        };
        notes.AddRange(r.Warnings.Select(w => "warning: " + w));
        return notes;
    }

    private static string Json(BreakSearchResult r) => ResultJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("outcome", r.OutcomeName);
        w.WriteString("frequency", Time.Period.Describe(r.Frequency));
        w.WriteNumber("n", r.N);
        w.WriteString("impact", r.Spec.Impact.Name());
        w.WriteString("transform", r.Spec.Transform.Name());
        w.WriteString("seasonality", r.Spec.Seasonality.ToString());
        ResultJson.Strings(w, "covariates", r.Spec.Covariates);
        w.WriteNumber("restrictions", r.Restrictions);
        w.WriteNumber("df_residual", r.DfResidual);
        w.WriteNumber("trim", r.Trim);
        w.WriteNumber("from", r.From);
        w.WriteNumber("to", r.To);
        w.WriteNumber("lambda", r.Lambda);
        w.WriteNumber("sup_f", r.SupF);
        w.WriteString("break_period", r.BreakPeriod.ToString());
        w.WriteNumber("break_index", r.BreakIndex);
        w.WriteNumber("p_value", r.PValue);
        if (r.Prespecified is { } pre)
        {
            w.WriteStartObject("prespecified");
            w.WriteString("period", pre.Period.ToString());
            w.WriteNumber("f", pre.F);
            if (pre.Rank is { } rank) w.WriteNumber("rank", rank); else w.WriteNull("rank");
            w.WriteEndObject();
        }
        else w.WriteNull("prespecified");
        w.WriteStartArray("candidates");
        foreach (var c in r.Candidates)
        {
            w.WriteStartObject();
            w.WriteString("period", c.Period.ToString());
            w.WriteNumber("index", c.Index);
            w.WriteNumber("f", c.F);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        ResultJson.Strings(w, "warnings", r.Warnings);
        w.WriteEndObject();
    });
}
