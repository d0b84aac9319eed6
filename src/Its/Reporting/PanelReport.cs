using System.Globalization;
using System.Text.Json;
using Its.Batch;
using Its.Model;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// A <see cref="PanelSummary"/> as a report: the units by status in a sentence, then one row per
/// interruption term with the distribution of the unit estimates, the share significant and the
/// pooled estimates; or as one JSON object (<c>source</c>, <c>query</c> for a query, <c>results</c>
/// or <c>parts</c>, <c>units</c>, <c>status</c>, the model: <c>outcome</c>, <c>errors</c>,
/// <c>impact</c>, <c>interruptions</c>, <c>transform</c>, <c>seasonality</c>, <c>transition</c>;
/// then <c>terms</c> and <c>forest</c>).
/// </summary>
public static class PanelReport
{
    /// <summary>Renders the summary of a panel, or of parts of one merged (<paramref name="parts"/>), in a format.</summary>
    /// <param name="summary">The summary.</param>
    /// <param name="model">How every unit was fitted.</param>
    /// <param name="source">Where the units came from (a file name), for the heading.</param>
    /// <param name="format">Text, Markdown, HTML, LaTeX or JSON.</param>
    /// <param name="results">The results file of a run, when one was written; null for parts merged.</param>
    /// <param name="parts">The parts merged (JSON: <c>parts</c>); null for one run.</param>
    public static string Render(PanelSummary summary, PanelModel model, string source, ReportFormat format, PanelResultsFile? results = null, IReadOnlyList<PanelPart>? parts = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(model);
        if (format == ReportFormat.Json) return ResultJson.Document(w => Write(w, summary, model, source, results, parts));
        var notes = new List<string> { Counts(summary), $"Each unit's {model.Outcome} fitted alone: {model.Impact} impact at {string.Join(", ", model.Interruptions)}, {model.Errors} errors{Options(model)}." };
        if (parts is { Count: > 0 }) notes.Add($"Merged from {parts.Count} parts: {string.Join(", ", parts.Select(p => p.Summary))}.");
        var table = DistributionTable(summary);
        if (table.Rows.Count == 0) notes.Add("No unit was fitted; see the status and note columns of the results.");
        else notes.Add("Quantiles are of the unit estimates; significant means p < 0.05 in the unit's own test; the pooled estimates are inverse-variance (fixed effect) and DerSimonian-Laird (random effects) with 95% CIs.");
        return ResultReport.Document($"ITS panel: {source}", notes, table.Rows.Count > 0 ? [table] : [], format, "its-panel");
    }

    /// <summary>One row per interruption term: units, mean, SD, quantiles, share significant (+/-), pooled estimates, tau^2 and I^2.</summary>
    public static Table DistributionTable(PanelSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var rows = summary.Distributions().ToArray();
        // One format per column: 4 significant digits of the column's values (a pooled estimate and its CI share its column's).
        var mean = Column(rows.Select(d => d.Mean));
        var sd = Column(rows.Select(d => d.Sd ?? 0));
        int nq = PanelSummary.Probabilities.Count;
        var q = Enumerable.Range(0, nq).Select(k => Column(rows.Select(d => d.Quantiles[k]))).ToArray();
        static IEnumerable<double> Values(PooledEstimate? p) => p is null ? [] : [p.Estimate, p.Ci.Lower, p.Ci.Upper];
        var fixedEffect = Column(rows.SelectMany(d => Values(d.FixedEffect)));
        var randomEffects = Column(rows.SelectMany(d => Values(d.RandomEffects)));
        var tau2 = Column(rows.Select(d => d.Tau2 ?? 0));
        static string Ci(ColumnFormat f, PooledEstimate? p) => p is null ? "n/a" : $"{f.Format(p.Estimate)} ({f.Ci(p.Ci)})";
        var quantiles = PanelSummary.Probabilities.Select(p => p switch { 0 => "min", 1 => "max", 0.5 => "median", _ => $"p{(int)Math.Round(100 * p)}" });
        return new Table("Interruption effects across units",
            ["term", "units", "mean", "SD", .. quantiles, "significant", "(+)", "(-)", "fixed effect (95% CI)", "random effects (95% CI)", "tau2", "I2 %"],
            rows.Select(d => (IReadOnlyList<string>)[d.Term, Count(d.Units), mean.Format(d.Mean),
                d.Sd is { } s ? sd.Format(s) : "n/a", .. d.Quantiles.Select((v, k) => q[k].Format(v)), Share(d.ShareSignificant), Share(d.ShareSignificantPositive),
                Share(d.ShareSignificantNegative), Ci(fixedEffect, d.FixedEffect), Ci(randomEffects, d.RandomEffects), d.Tau2 is { } t ? tau2.Format(t) : "n/a",
                d.I2 is { } i ? Percent(i) : "n/a"]).ToArray());
    }

    /// <summary>
    /// Writes the summary as one JSON object: <c>results</c> (<c>file</c>, <c>sha256</c>) and the
    /// <c>partition</c> fitted when <paramref name="results"/> is given; <c>parts</c> (each with its
    /// <c>summary</c>, <c>source</c>, <c>partition</c> and <c>results</c>) when <paramref name="parts"/> is.
    /// </summary>
    public static void Write(Utf8JsonWriter w, PanelSummary summary, PanelModel model, string source, PanelResultsFile? results = null, IReadOnlyList<PanelPart>? parts = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(model);
        w.WriteStartObject();
        w.WriteString("source", source);
        if (results is not null) Provenance(w, results);
        if (parts is not null)
        {
            w.WriteStartArray("parts");
            foreach (var part in parts)
            {
                w.WriteStartObject();
                w.WriteString("summary", part.Summary);
                w.WriteString("source", part.Source);
                Provenance(w, part.Results);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteNumber("units", summary.Units);
        w.WriteStartObject("status");
        foreach (var (status, count) in summary.StatusCounts) w.WriteNumber(status.Name(), count);
        w.WriteEndObject();
        w.WriteString("outcome", model.Outcome);
        w.WriteString("errors", model.Errors);
        w.WriteString("impact", model.Impact);
        ResultJson.Strings(w, "interruptions", model.Interruptions);
        w.WriteString("transform", model.Transform);
        w.WriteString("seasonality", model.Seasonality);
        w.WriteNumber("transition", model.Transition);
        w.WriteStartArray("terms");
        foreach (var d in summary.Distributions())
        {
            w.WriteStartObject();
            w.WriteString("term", d.Term);
            w.WriteNumber("units", d.Units);
            w.WriteNumber("mean", d.Mean);
            ResultJson.Nullable(w, "sd", d.Sd);
            w.WriteStartObject("quantiles");
            for (int i = 0; i < d.Quantiles.Count; i++) w.WriteNumber(Exact(PanelSummary.Probabilities[i]), d.Quantiles[i]);
            w.WriteEndObject();
            w.WriteNumber("share_significant", d.ShareSignificant);
            w.WriteNumber("share_significant_positive", d.ShareSignificantPositive);
            w.WriteNumber("share_significant_negative", d.ShareSignificantNegative);
            Pooled(w, "fixed_effect", d.FixedEffect);
            Pooled(w, "random_effects", d.RandomEffects);
            ResultJson.Nullable(w, "tau2", d.Tau2);
            w.WriteNumber("q", d.Q);
            ResultJson.Nullable(w, "i2", d.I2);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("forest");
        foreach (var r in summary.Forest)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("term", r.Term);
            w.WriteNumber("estimate", r.Estimate);
            w.WriteNumber("ci_lower", r.Ci.Lower);
            w.WriteNumber("ci_upper", r.Ci.Upper);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    // The model's options that are not the default, as the command line spells them.
    private static string Options(PanelModel model) =>
        (model.Transform != "none" ? $", {model.Transform} outcome" : "") + (model.Seasonality != "none" ? $", {model.Seasonality} seasonality" : "")
        + (model.Transition > 0 ? $", {model.Transition} transition periods left out" : "");

    // The query read, the partition of the panel fitted, and the results file (file, sha256).
    private static void Provenance(Utf8JsonWriter w, PanelResultsFile results)
    {
        if (results.Query is { } query) w.WriteString("query", query);
        if (results.Partition is { } partition)
        {
            w.WriteStartObject("partition");
            w.WriteNumber("index", partition.Index);
            w.WriteNumber("count", partition.Count);
            w.WriteEndObject();
        }
        w.WriteStartObject("results");
        w.WriteString("file", results.File);
        w.WriteString("sha256", results.Sha256);
        w.WriteEndObject();
    }

    private static string Counts(PanelSummary summary)
    {
        var others = summary.StatusCounts.Where(s => s.Key != UnitStatus.Ok && s.Value > 0).Select(s => $"{s.Value:N0} {s.Key.Name()}").ToArray();
        return $"{summary.Units:N0} units, {summary.StatusCounts[UnitStatus.Ok]:N0} fitted" + (others.Length > 0 ? $"; not fitted: {string.Join(", ", others)}" : "") + ".";
    }

    private static string Share(double x) => Percent(100 * x) + "%";

    private static void Pooled(Utf8JsonWriter w, string name, PooledEstimate? p)
    {
        if (p is null) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteNumber("estimate", p.Estimate);
        w.WriteNumber("std_error", p.StdError);
        w.WriteNumber("ci_lower", p.Ci.Lower);
        w.WriteNumber("ci_upper", p.Ci.Upper);
        w.WriteEndObject();
    }
}
