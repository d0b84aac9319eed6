using System.Globalization;
using System.Text.Json;
using Its.Comparison;
using Its.Model;
using Its.Results;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// A group comparison as a report: the per-group level and slope changes side by side, the pooled
/// interaction model, the difference tests, and the permutation test when there is one. JSON has
/// <c>groups</c> (each group's fit as <c>its fit</c> writes it), <c>pooled</c>, <c>tests</c> and
/// <c>permutation</c>.
/// </summary>
public static class ComparisonReport
{
    /// <summary>Renders a comparison in a format.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="format">Output format.</param>
    /// <param name="permutation">A permutation test to add, or null.</param>
    public static string Render(ComparisonResult comparison, ReportFormat format, PermutationResult? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (format == ReportFormat.Json) return Json(comparison, permutation);
        var tables = Tables(comparison, permutation);
        if (format == ReportFormat.Csv) return Csv(comparison, permutation);
        string heading = $"Comparison of {comparison.Groups[0].Result.OutcomeName}: {string.Join(", ", comparison.Pooled.Compared)} against {comparison.Pooled.Reference}";
        return ResultReport.Document(heading, Notes(comparison), tables, format, "its-comparison");
    }

    /// <summary>
    /// The tables: interruption terms by group (percent for log models), the difference tests, the
    /// pooled model's coefficients, and the permutation test when given.
    /// </summary>
    public static IReadOnlyList<Table> Tables(ComparisonResult comparison, PermutationResult? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var spec = comparison.Pooled.Spec;
        bool log = LogScale.Applies(spec);
        string unit = Time.Period.Describe(comparison.Groups[0].Result.Frequency);
        var terms = Design.InterruptionTerms(spec);
        string Reading(string term) => term.StartsWith("slope", StringComparison.Ordinal) ? $"per {unit}" : "";
        // One format per column: percents for log models, else the precision of the SEs of the rows.
        Func<IntervalEstimate, string> Value;
        Func<IntervalEstimate, string> Interval;
        IntervalEstimate Shown(IntervalEstimate e) => log ? LogScale.Percent(e) : e;
        ColumnFormat Shared(IEnumerable<(IntervalEstimate Estimate, double StdError)> rows)
        {
            var list = rows.ToArray();
            var ends = list.Select(r => Shown(r.Estimate)).SelectMany(e => new[] { e.Value, e.Ci.Lower, e.Ci.Upper });
            return log ? Percents(ends) : Estimates(list.Select(r => r.StdError), ends);
        }
        void Use(ColumnFormat f)
        {
            Value = e => log ? f.Format(Shown(e).Value) + "%" : f.Format(e.Value);
            Interval = e => log ? $"{f.Format(Shown(e).Ci.Lower)}% to {f.Format(Shown(e).Ci.Upper)}%" : f.Ci(e.Ci);
        }

        var shown = comparison.Groups.SelectMany(g => new[] { "time" }.Concat(terms).Select(t => g.Result[t])).ToArray();
        Use(Shared(shown.Select(c => (new IntervalEstimate(c.Estimate, c.Ci), c.StdError))));
        var byGroup = new Table(
            $"Changes at the interruption by group ({spec.Errors.Name} errors{(log ? "; % change, 100(exp(b) - 1)" : "")})",
            ["group", "term", "estimate", "95% CI", "p"],
            comparison.Groups.SelectMany(g => new[] { "time" }.Concat(terms).Select(t =>
            {
                var c = g.Result[t];
                string label = t == "time" ? $"pre-period trend per {unit}" : $"{t} {Reading(t)}".Trim();
                var estimate = new IntervalEstimate(c.Estimate, c.Ci);
                return (IReadOnlyList<string>)[g.Name, label, Value!(estimate), Interval!(estimate), PValue(c.PValue)];
            })).ToArray());

        bool z = comparison.Pooled.Coefficients[0].Df is null;
        Use(Shared(comparison.Tests.Where(t => !t.Joint).Select(t => (t.Difference!.Value, t.StdError!.Value))));
        var tests = new Table(
            $"Differences from {comparison.Pooled.Reference} (pooled model; {(z ? "Wald z and chi-square" : "t and F")} tests{(log ? "; % difference, 100(exp(b) - 1)" : "")})",
            ["group", "term", "difference", "95% CI", "statistic", "p"],
            comparison.Tests.Select(t => (IReadOnlyList<string>)(t.Joint
                ? [t.Group, $"{t.Term} jointly", "", "", $"{(t.DfResidual is { } d ? $"F({t.Df}, {d.ToString(CultureInfo.InvariantCulture)})" : $"chi2({t.Df})")} = {Statistic(t.Statistic)}", PValue(t.PValue)]
                : [t.Group, $"{t.Term} {Reading(t.Term)}".Trim(), Value!(t.Difference!.Value), Interval!(t.Difference!.Value), $"{(z ? "z" : "t")} = {Statistic(t.Statistic)}", PValue(t.PValue)])).ToArray());

        var tables = new List<Table>
        {
            byGroup,
            tests,
            ResultReport.CoefficientTable("Pooled interaction model", comparison.Pooled.Coefficients, spec, comparison.Pooled.DfResidual),
        };
        if (permutation is not null)
            tables.Add(new Table($"Permutation test over {permutation.Units.Count - 1} control units (each unit, as if treated, against the mean of the other controls; |t| of the treated unit ranked among all {permutation.Units.Count} units)",
                ["term", "treated difference", "rank", "permutation p"],
                PermutationRows(permutation, log)));
        return tables;
    }

    private static IReadOnlyList<string>[] PermutationRows(PermutationResult permutation, bool log)
    {
        // The treated differences have no SE of their own here: 4 significant digits of the column, or percents.
        var f = log ? Percents(permutation.Tests.Select(t => LogScale.Percent(t.Estimate))) : Column(permutation.Tests.Select(t => t.Estimate));
        return permutation.Tests.Select(t => (IReadOnlyList<string>)[t.Term, log ? f.Format(LogScale.Percent(t.Estimate)) + "%" : f.Format(t.Estimate),
            $"{t.Rank} of {permutation.Units.Count}", PValue(t.PValue)]).ToArray();
    }

    // Long form: every group's coefficients, the pooled model's, the difference tests and the
    // permutation test, each row named by its section, group and term.
    private static string Csv(ComparisonResult c, PermutationResult? permutation)
    {
        var rows = new List<(IReadOnlyList<string>, IReadOnlyList<string>)>();
        foreach (var g in c.Groups)
            rows.AddRange(g.Result.Coefficients.Select(x => ((IReadOnlyList<string>)["group_fit", g.Name, x.Term], Cells(x, ""))));
        rows.AddRange(c.Pooled.Coefficients.Select(x => ((IReadOnlyList<string>)["pooled", "", x.Term], Cells(x, ""))));
        foreach (var t in c.Tests)
            rows.Add((["difference", t.Group, t.Joint ? t.Term + " jointly" : t.Term],
                [t.Estimate is { } e ? Exact(e) : "", t.StdError is { } se ? Exact(se) : "", Exact(t.Statistic),
                 t.Joint ? t.Df.ToString(CultureInfo.InvariantCulture) : CoefficientCsv.Df(t.DfResidual), Exact(t.PValue),
                 t.Ci is { } ci ? Exact(ci.Lower) : "", t.Ci is { } ci2 ? Exact(ci2.Upper) : "", ""]));
        if (permutation is not null)
        {
            foreach (var u in permutation.Units)
                rows.AddRange(u.Differences.Select(d => ((IReadOnlyList<string>)["permutation_unit", u.Name, d.Term], Cells(d, ""))));
            foreach (var t in permutation.Tests)
                rows.Add((["permutation_test", "", t.Term], [Exact(t.Estimate), "", "", "", Exact(t.PValue), "", "", t.Rank.ToString(CultureInfo.InvariantCulture)]));
        }
        return CoefficientCsv.Render(["section", "group", "term"], rows, ["rank"]);
    }

    private static IReadOnlyList<string> Cells(Coefficient c, string rank) => [.. CoefficientCsv.Cells(c), rank];

    private static List<string> Notes(ComparisonResult c)
    {
        var p = c.Pooled;
        var notes = new List<string>
        {
            $"pooled model: {p.Series} series stacked, {p.N} observations, {p.Coefficients.Count} parameters; every term interacted with the group, "
                + (p.Spec.Family == Family.NegativeBinomial
                    ? "with one negative binomial theta for all groups, so its point estimates differ slightly from the per-group fits (each with its own theta)"
                    : "so its point estimates equal the per-group fits"),
            $"errors {p.Spec.Errors.Name}" + (p.Lag is { } lag
                ? $" (lag {lag}, {(p.LagScope == LagScope.WithinSeries ? "within each series" : "running across the stacked series, as Stata itsa")})"
                : ""),
        };
        // Model-based count covariances pool one dispersion over all groups: say so when the groups' own differ.
        if (p.Spec.Family == Family.QuasiPoisson && p.Spec.Errors.IsClassical)
            notes.Add($"the pooled quasi-Poisson model has one dispersion for all groups ({Number(p.ResidualScale * p.ResidualScale)}; each group's own: "
                + string.Join(", ", c.Groups.Select(g => $"{g.Name} {Number(g.Result.FamilyParameters.Single(f => f.Name == "dispersion").Estimate)}"))
                + "): where they differ, the group with the larger one sets every standard error; hc0-hc3 or newey:L errors do not pool it");
        foreach (string group in p.Compared)
        {
            string prefix = p.Prefix(group);
            notes.Add($"before the interruption, {group} differs from {p.Reference} in level (p {PClause(p[prefix].PValue)}) and in trend (p {PClause(p[prefix + ":time"].PValue)}): "
                + "a small p here means the groups were not comparable before the interruption");
        }
        notes.AddRange(c.Groups.SelectMany(g => g.Result.Warnings.Select(w => $"warning ({g.Name}): {w}")));
        return notes;
    }


    private static string Json(ComparisonResult c, PermutationResult? permutation) => ResultJson.Document(w => Write(w, c, permutation));

    /// <summary>Writes a comparison as one JSON object: <c>reference</c>, <c>compared</c>, <c>groups</c>, <c>pooled</c>, <c>tests</c>, <c>permutation</c>.</summary>
    public static void Write(Utf8JsonWriter w, ComparisonResult c, PermutationResult? permutation = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(c);
        var p = c.Pooled;
        w.WriteStartObject();
        w.WriteString("reference", p.Reference);
        ResultJson.Strings(w, "compared", p.Compared);
        w.WriteStartArray("groups");
        foreach (var g in c.Groups)
        {
            w.WriteStartObject();
            w.WriteString("name", g.Name);
            w.WritePropertyName("result");
            ResultJson.Write(w, g.Result);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("pooled");
        w.WriteNumber("series", p.Series);
        w.WriteNumber("n", p.N);
        w.WriteNumber("parameters", p.Coefficients.Count);
        w.WriteNumber("df_residual", p.DfResidual);
        w.WriteString("errors", p.Spec.Errors.Name);
        ResultJson.Nullable(w, "lag", p.Lag);
        w.WriteString("lag_scope", p.LagScope == LagScope.WithinSeries ? "within" : "across");
        w.WriteNumber("sigma", p.ResidualScale);
        ResultJson.WriteCoefficients(w, p.Coefficients, p.Spec);
        ResultJson.WriteCovariance(w, p.Covariance);
        w.WriteEndObject();

        w.WriteStartArray("tests");
        foreach (var t in c.Tests)
        {
            w.WriteStartObject();
            w.WriteString("group", t.Group);
            w.WriteString("reference", t.Reference);
            w.WriteString("term", t.Term);
            w.WriteBoolean("joint", t.Joint);
            ResultJson.Nullable(w, "estimate", t.Estimate);
            ResultJson.Nullable(w, "std_error", t.StdError);
            if (t.Ci is { } ci) ResultJson.Pair(w, "ci", ci); else w.WriteNull("ci");
            w.WriteNumber("statistic", t.Statistic);
            w.WriteNumber("df", t.Df);
            ResultJson.Nullable(w, "df_residual", t.DfResidual);
            w.WriteNumber("p_value", t.PValue);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (permutation is null) w.WriteNull("permutation");
        else
        {
            w.WriteStartObject("permutation");
            w.WriteStartArray("units");
            foreach (var u in permutation.Units)
            {
                w.WriteStartObject();
                w.WriteString("unit", u.Name);
                w.WriteBoolean("treated", u.Treated);
                foreach (var d in u.Differences)
                {
                    w.WriteNumber(d.Term["group:".Length..], d.Estimate);
                    w.WriteNumber(d.Term["group:".Length..] + "_statistic", d.Statistic);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tests");
            foreach (var t in permutation.Tests)
            {
                w.WriteStartObject();
                w.WriteString("term", t.Term);
                w.WriteNumber("estimate", t.Estimate);
                w.WriteNumber("rank", t.Rank);
                w.WriteNumber("p_value", t.PValue);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
