using System.Globalization;
using Its.Model;
using Its.Results;
using Its.Robustness;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>Reports of the robustness checks: placebo dates and the sensitivity grid, in every format.</summary>
public static class RobustnessReport
{
    /// <summary>Renders a placebo test with the model and outcome it carries.</summary>
    public static string Render(PlaceboResult placebo, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(placebo);
        return Render(placebo, placebo.Spec ?? throw new ArgumentException("the placebo result carries no spec", nameof(placebo)), placebo.OutcomeName, format);
    }

    /// <summary>Renders a sensitivity grid, reading the model from its first fitted row.</summary>
    /// <exception cref="ArgumentException">No row was fitted.</exception>
    public static string Render(IReadOnlyList<SensitivityRow> rows, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var first = rows.FirstOrDefault(r => r.Result is not null)?.Result ?? throw new ArgumentException("no row of the grid was fitted", nameof(rows));
        return Render(rows, first.Spec, first.OutcomeName, format);
    }

    /// <summary>Renders a placebo test.</summary>
    /// <param name="placebo">The test.</param>
    /// <param name="spec">The model it moved (for the reading of the coefficients).</param>
    /// <param name="outcome">Name of the outcome.</param>
    /// <param name="format">Output format.</param>
    public static string Render(PlaceboResult placebo, ItsSpec spec, string outcome, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(placebo);
        ArgumentNullException.ThrowIfNull(spec);
        if (format == ReportFormat.Json) return PlaceboJson(placebo, spec);
        var tables = PlaceboTables(placebo, spec);
        if (format == ReportFormat.Csv)
            return CoefficientCsv.Render(["interruption", "real", "term"],
                placebo.Fits.SelectMany(f => f.Effects.Select(c => ((IReadOnlyList<string>)[f.Interruption.ToString(), f.Real ? "true" : "false", c.Term], CoefficientCsv.Cells(c)))));
        bool whole = placebo.Window == PlaceboWindow.WholeSeries;
        var notes = new List<string>
        {
            whole
                ? $"the interruption moved to every period with at least {placebo.MinimumEachSide} fitted periods on each side; the real date {placebo.Real} is ranked by |t| among all dates (1 = most extreme)"
                : $"pseudo-interruptions in the periods before {placebo.Real}, fitted on those periods alone (at least {placebo.MinimumEachSide} on each side): no effect is there to find, so about 5% should be significant",
            $"errors {spec.Errors.Name}" + (whole ? "; dates near the real one pick up part of a real effect" : ""),
        };
        if (whole && !placebo.RealAdmissible)
            notes.Add($"the real date {placebo.Real} has fewer than {placebo.MinimumEachSide} fitted periods on a side, so its estimate rests on fewer periods than the pseudo-dates' and its rank says less");
        foreach (var s in placebo.Summary.Where(s => s.Rank is not null))
            notes.Add($"{s.Term}: the real estimate ranks {s.Rank} of {s.Placebos + 1} (share of dates at least as extreme: {PValue(s.RankPValue!.Value)})");
        notes.AddRange(placebo.Failures.Select(f => "not fitted: " + f));
        return ResultReport.Document($"Placebo interruption dates: {outcome}", notes, tables, format, "its-placebo");
    }

    /// <summary>The placebo tables: the summary per term, and every date fitted.</summary>
    public static IReadOnlyList<Table> PlaceboTables(PlaceboResult placebo, ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(placebo);
        ArgumentNullException.ThrowIfNull(spec);
        // The quantiles and the real estimate share one format, on the scale of the estimates.
        var quantile = Column(placebo.Summary.SelectMany(s => s.Quantiles.Concat(s.Real is { } r ? [r.Estimate] : Array.Empty<double>())));
        var summary = new Table($"Pseudo-effects (real date excluded; {(LogScale.Applies(spec) ? "log scale" : "outcome scale")})",
            ["term", "dates", "p < 0.05", "min", "25%", "median", "75%", "max", "real", "rank"],
            placebo.Summary.Select(s => (IReadOnlyList<string>)[
                s.Term, s.Placebos.ToString(CultureInfo.InvariantCulture), Percent(100 * s.ShareSignificant) + "%",
                .. s.Quantiles.Select(quantile.Format),
                s.Real is { } r ? quantile.Format(r.Estimate) : "", s.Rank is { } rank ? $"{rank} of {s.Placebos + 1}" : ""]).ToArray());
        var terms = placebo.Summary.Select(s => s.Term).ToArray();
        // One format per term's column, at the precision of that term's SEs across the dates.
        var byTerm = Enumerable.Range(0, terms.Length).Select(k =>
        {
            var cs = placebo.Fits.Where(f => f.Effects.Count > k).Select(f => f.Effects[k]).ToArray();
            return Estimates(cs.Select(c => c.StdError), cs.Select(c => c.Estimate));
        }).ToArray();
        var fits = new Table("Every date fitted",
            ["interruption", .. terms.SelectMany(t => new[] { t, "p" })],
            placebo.Fits.Select(f => (IReadOnlyList<string>)[
                f.Real ? $"{f.Interruption} (real)" : f.Interruption.ToString(),
                .. f.Effects.SelectMany((c, k) => new[] { byTerm[k].Format(c.Estimate), PValue(c.PValue) })]).ToArray());
        return [summary, fits];
    }

    /// <summary>Renders a sensitivity grid.</summary>
    /// <param name="rows">The grid.</param>
    /// <param name="spec">The model (for the reading of the coefficients).</param>
    /// <param name="outcome">Name of the outcome.</param>
    /// <param name="format">Output format.</param>
    public static string Render(IReadOnlyList<SensitivityRow> rows, ItsSpec spec, string outcome, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(spec);
        if (format == ReportFormat.Json) return SensitivityJson(rows, spec);
        if (format == ReportFormat.Csv)
        {
            var terms = Model.Design.InterruptionTerms(spec);
            return CoefficientCsv.Render(["interruption", "errors", "term"],
                rows.SelectMany(r => terms.Select(t => ((IReadOnlyList<string>)[r.Interruption.ToString(), r.Errors.Name, t],
                    (IReadOnlyList<string>)[.. r.Result is { } result ? CoefficientCsv.Cells(result[t]) : CoefficientCsv.Empty, r.Failure ?? ""]))),
                ["failure"]);
        }
        var table = SensitivityTable(rows, spec);
        var notes = new List<string> { "the same model under each error model and interruption date; a conclusion that holds across the rows does not hang on one choice" };
        notes.AddRange(rows.Where(r => r.Failure is not null).Select(r => $"{r.Errors.Name} at {r.Interruption}: not fitted: {r.Failure}"));
        return ResultReport.Document($"Sensitivity: {outcome}", notes, [table], format, "its-sensitivity");
    }

    /// <summary>The sensitivity table: per date and error model, each interruption term with its CI and p.</summary>
    public static Table SensitivityTable(IReadOnlyList<SensitivityRow> rows, ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(spec);
        bool log = LogScale.Applies(spec);
        var terms = Model.Design.InterruptionTerms(spec);
        var fitted = rows.Where(r => r.Result is not null).Select(r => r.Result!).ToArray();
        // One format per term (its estimate and CI columns): percents for log models, else the precision of its SEs.
        var formats = terms.ToDictionary(t => t, t => log
            ? Percents(fitted.Select(r => r[t].PercentChange).SelectMany(p => new[] { p.Value, p.Ci.Lower, p.Ci.Upper }))
            : Estimates(fitted.Select(r => r[t].StdError), fitted.SelectMany(r => new[] { r[t].Estimate, r[t].Ci.Lower, r[t].Ci.Upper })));
        string Value(string t, Coefficient c) => log ? formats[t].Format(c.PercentChange.Value) + "%" : formats[t].Format(c.Estimate);
        string Ci(string t, Coefficient c) => log ? $"{formats[t].Format(c.PercentChange.Ci.Lower)}% to {formats[t].Format(c.PercentChange.Ci.Upper)}%" : formats[t].Ci(c.Ci);
        return new Table($"Interruption terms by error model{(log ? " (% change, 100(exp(b) - 1))" : "")}",
            ["interruption", "errors", .. terms.SelectMany(t => new[] { t, "95% CI", "p" }), "note"],
            rows.Select(r => (IReadOnlyList<string>)(r.Result is { } result
                ? [r.Interruption.ToString(), r.Errors.Name,
                   .. terms.SelectMany(t => new[] { Value(t, result[t]), Ci(t, result[t]), PValue(result[t].PValue) }),
                   string.Join(", ", result.ErrorParameters.Select(a => $"{a.Name} {Number(a.Estimate)}").Concat(result.Lag is { } lag ? [$"lag {lag}"] : []))]
                : [r.Interruption.ToString(), r.Errors.Name, .. terms.SelectMany(_ => new[] { "", "", "" }), "not fitted"])).ToArray());
    }

    private static string PlaceboJson(PlaceboResult placebo, ItsSpec spec) => ResultJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("real", placebo.Real.ToString());
        w.WriteString("window", placebo.Window == PlaceboWindow.WholeSeries ? "whole" : "pre");
        w.WriteNumber("minimum_each_side", placebo.MinimumEachSide);
        w.WriteString("errors", spec.Errors.Name);
        w.WriteStartArray("summary");
        foreach (var s in placebo.Summary)
        {
            w.WriteStartObject();
            w.WriteString("term", s.Term);
            w.WriteNumber("placebos", s.Placebos);
            w.WriteNumber("share_significant", s.ShareSignificant);
            w.WriteStartArray("quantiles");
            foreach (double q in s.Quantiles) w.WriteNumberValue(q);
            w.WriteEndArray();
            ResultJson.Nullable(w, "real_estimate", s.Real?.Estimate);
            ResultJson.Nullable(w, "real_p_value", s.Real?.PValue);
            ResultJson.Nullable(w, "rank", s.Rank);
            ResultJson.Nullable(w, "rank_p_value", s.RankPValue);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("fits");
        foreach (var f in placebo.Fits)
        {
            w.WriteStartObject();
            w.WriteString("interruption", f.Interruption.ToString());
            w.WriteBoolean("real", f.Real);
            WriteTerms(w, f.Effects);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        ResultJson.Strings(w, "failures", placebo.Failures);
        w.WriteEndObject();
    });

    private static string SensitivityJson(IReadOnlyList<SensitivityRow> rows, ItsSpec spec) => ResultJson.Document(w =>
    {
        var terms = Model.Design.InterruptionTerms(spec);
        w.WriteStartObject();
        w.WriteStartArray("rows");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("interruption", r.Interruption.ToString());
            w.WriteString("errors", r.Errors.Name);
            if (r.Result is { } result)
            {
                WriteTerms(w, terms.Select(t => result[t]).ToArray());
                w.WriteStartObject("ar");
                foreach (var a in result.ErrorParameters) w.WriteNumber(a.Name, a.Estimate);
                w.WriteEndObject();
                ResultJson.Nullable(w, "lag", result.Lag);
                w.WriteNull("failure");
            }
            else w.WriteString("failure", r.Failure);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteTerms(System.Text.Json.Utf8JsonWriter w, IReadOnlyList<Coefficient> coefficients)
    {
        w.WriteStartObject("terms");
        foreach (var c in coefficients)
        {
            w.WriteStartObject(c.Term);
            w.WriteNumber("estimate", c.Estimate);
            w.WriteNumber("std_error", c.StdError);
            w.WriteNumber("p_value", c.PValue);
            ResultJson.Pair(w, "ci", c.Ci);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
