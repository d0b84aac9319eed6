using System.Globalization;
using Its.Estimation;
using Its.Model;
using Its.Multilevel;
using Its.Results;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// A multilevel ITS fit as a report: the fixed effects, the between-unit SDs (and correlations) of
/// the random effects, the within-unit SD and AR(1) coefficient, the likelihood, and every unit's
/// own value of each random term; or as one JSON object (fields <c>outcome</c>, <c>units</c>,
/// <c>n</c>, <c>method</c>, <c>random_covariance</c> (diagonal or general), <c>within</c>, <c>reference_type</c>,
/// <c>compared_types</c>, <c>coefficients</c> (as <c>its fit</c>'s, with nlme's df),
/// <c>covariance</c> (of the fixed effects, as <c>its fit</c>'s), <c>random_sd</c> [{<c>term</c>, <c>sd</c>, <c>ci</c>}],
/// <c>correlations</c> [{<c>first</c>, <c>second</c>, <c>correlation</c>, <c>ci</c>}],
/// <c>sigma</c> and <c>phi</c> ({<c>estimate</c>, <c>ci</c>} or null), <c>log_likelihood</c>,
/// <c>aic</c>, <c>bic</c>, <c>converged</c>, <c>unit_effects</c> [{<c>unit</c>, <c>type</c>, <c>n</c>,
/// <c>effects</c> [{<c>term</c>, <c>deviation</c>, <c>conditional_sd</c>, <c>unit_value</c>}]}],
/// <c>warnings</c>); a CI the approximate covariance cannot give is null.
/// </summary>
public static class MultilevelReport
{
    /// <summary>Renders the fit; CSV is the fixed-effects table at full precision.</summary>
    public static string Render(MultilevelResult result, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format switch
        {
            ReportFormat.Json => Json(result),
            ReportFormat.Csv => CoefficientCsv.Render(["term"], result.FixedEffects.Select(c => ((IReadOnlyList<string>)[c.Term], CoefficientCsv.Cells(c)))),
            _ => ResultReport.Document(Heading(result), Notes(result), Tables(result), format, "its-multilevel"),
        };
    }

    /// <summary>The tables: fixed effects, between-unit variation, within units, model, unit effects.</summary>
    public static IReadOnlyList<Table> Tables(MultilevelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tables = new List<Table> { FixedTable(result), VariationTable(result) };
        if (result.Correlations.Count > 0)
            tables.Add(new Table("Correlations of the random effects", ["terms", "correlation", "95% CI"],
                result.Correlations.Select(c => (IReadOnlyList<string>)[$"{c.First}, {c.Second}", Statistic(c.Correlation.Value), Ci(Statistics, c.Correlation.Ci)]).ToArray()));
        var within = new List<IReadOnlyList<string>> { Row("residual SD (sigma)", result.Sigma, Column([result.Sigma.Value])) };
        if (result.Phi is { } phi) within.Add(Row("AR(1) coefficient (phi)", phi, Statistics));
        tables.Add(new Table("Within units", ["parameter", "estimate", "95% CI"], within));
        tables.Add(new Table("Model", ["units", "observations", "log-likelihood", "AIC", "BIC"],
            [[Count(result.Units.Count), Count(result.Observations), Statistic(result.LogLikelihood), Statistic(result.Aic), Statistic(result.Bic)]]));
        tables.Add(UnitTable(result));
        return tables;
    }

    /// <summary>The fixed effects with nlme's denominator degrees of freedom.</summary>
    public static Table FixedTable(MultilevelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = result.FixedEffects;
        bool log = LogScale.Applies(result.Spec);
        var estimate = Estimates(c.Select(x => x.StdError), c.SelectMany(x => new[] { x.Estimate, x.StdError, x.Ci.Lower, x.Ci.Upper }));
        var percent = Percents(c.Where(x => LogScale.IsChange(x.Term)).SelectMany(x => new[] { x.PercentChange.Value, x.PercentChange.Ci.Lower, x.PercentChange.Ci.Upper }));
        var columns = new List<string> { "term", "estimate", "std. error", "df", "t", "p", "95% CI" };
        if (log) columns.AddRange(["% change", "95% CI (%)"]);
        return new Table($"Fixed effects ({Method(result.Model.Method)}, t on nlme's denominator df)", columns,
            c.Select(x =>
            {
                var row = new List<string> { x.Term, estimate.Format(x.Estimate), estimate.Format(x.StdError), Count(x.Df ?? double.NaN), Statistic(x.Statistic), PValue(x.PValue), estimate.Ci(x.Ci) };
                if (log) row.AddRange(LogScale.IsChange(x.Term) ? [percent.Format(x.PercentChange.Value), percent.Ci(x.PercentChange.Ci)] : ["", ""]);
                return (IReadOnlyList<string>)row;
            }).ToArray());
    }

    /// <summary>The between-unit SD of each random effect, with its CI.</summary>
    public static Table VariationTable(MultilevelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var column = Column(result.RandomSds.SelectMany(s => new[] { s.Sd.Value, s.Sd.Ci?.Lower ?? s.Sd.Value, s.Sd.Ci?.Upper ?? s.Sd.Value }));
        return new Table("Between-unit variation: SD of each random effect", ["term", "SD between units", "95% CI"],
            result.RandomSds.Select(s => Row(s.Term, s.Sd, column)).ToArray());
    }

    /// <summary>Each unit's own value of every random term (its type's fixed effect plus its predicted deviation), with the deviation's conditional SD.</summary>
    public static Table UnitTable(MultilevelResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool typed = result.ReferenceType is not null;
        var formats = result.RandomTerms.Select((_, k) => Column(result.Units.SelectMany(u => new[] { u.Effects[k].UnitValue, u.Effects[k].ConditionalSd }))).ToArray();
        var columns = new List<string> { "unit" };
        if (typed) columns.Add("type");
        columns.Add("n");
        columns.AddRange(result.RandomTerms.Select(t => $"{t} (cond. SD)"));
        return new Table("Units: each unit's own value of the random terms (conditional SD of its deviation)", columns,
            result.Units.Select(u =>
            {
                var row = new List<string> { u.Unit };
                if (typed) row.Add(u.Type!);
                row.Add(Count(u.Observations));
                row.AddRange(u.Effects.Select((e, k) => $"{formats[k].Format(e.UnitValue)} ({formats[k].Format(e.ConditionalSd)})"));
                return (IReadOnlyList<string>)row;
            }).ToArray());
    }

    private static IReadOnlyList<string> Row(string label, VarianceEstimate v, ColumnFormat format) => [label, format.Format(v.Value), Ci(format, v.Ci)];

    private static string Ci(ColumnFormat format, Interval? ci) => ci is { } i ? format.Ci(i) : "not estimable";

    private static string Method(LikelihoodMethod method) => method == LikelihoodMethod.Reml ? "REML" : "ML";

    private static string Heading(MultilevelResult r) =>
        $"Multilevel ITS: {(r.Spec.Transform == OutcomeTransform.Log ? $"log({r.OutcomeName})" : r.OutcomeName)}";

    private static List<string> Notes(MultilevelResult r)
    {
        var notes = new List<string>
        {
            $"{r.Units.Count} units, {r.Observations} observations; interruption {string.Join(", ", r.Spec.Interruptions)}",
            $"random effects per unit: {string.Join(", ", r.RandomTerms)} ({(r.Model.Covariance == RandomCovariance.Diagonal ? "diagonal" : "general")} covariance); errors within units {(r.Model.WithinAr1 ? "AR(1)" : "independent")}; {Method(r.Model.Method)}, as R nlme::lme",
            "CIs of SDs, correlations, sigma and phi: Wald on nlme's natural scale (log SD, log((1 + r) / (1 - r))), as intervals(lme)",
        };
        if (r.ReferenceType is { } reference)
            notes.Add($"types: {string.Join(", ", r.ComparedTypes.Select(t => $"{Comparison.GroupComparison.Prefix(t, r.ComparedTypes.Count)} = {t}"))}, each compared with {reference}");
        notes.AddRange(r.Warnings.Select(w => "warning: " + w));
        return notes;
    }

    private static string Json(MultilevelResult r) => ResultJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("outcome", r.OutcomeName);
        w.WriteNumber("units", r.Units.Count);
        w.WriteNumber("n", r.Observations);
        w.WriteString("method", r.Model.Method == LikelihoodMethod.Reml ? "reml" : "ml");
        w.WriteString("random_covariance", r.Model.Covariance == RandomCovariance.Diagonal ? "diagonal" : "general");
        w.WriteString("within", r.Model.WithinAr1 ? "ar1" : "independent");
        if (r.ReferenceType is null) w.WriteNull("reference_type"); else w.WriteString("reference_type", r.ReferenceType);
        ResultJson.Strings(w, "compared_types", r.ComparedTypes);
        ResultJson.WriteCoefficients(w, r.FixedEffects, r.Spec);
        ResultJson.WriteCovariance(w, r.Covariance);
        w.WriteStartArray("random_sd");
        foreach (var s in r.RandomSds)
        {
            w.WriteStartObject();
            w.WriteString("term", s.Term);
            Estimate(w, "sd", s.Sd);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("correlations");
        foreach (var c in r.Correlations)
        {
            w.WriteStartObject();
            w.WriteString("first", c.First);
            w.WriteString("second", c.Second);
            Estimate(w, "correlation", c.Correlation);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Variance(w, "sigma", r.Sigma);
        Variance(w, "phi", r.Phi);
        w.WriteNumber("log_likelihood", r.LogLikelihood);
        w.WriteNumber("aic", r.Aic);
        w.WriteNumber("bic", r.Bic);
        w.WriteBoolean("converged", r.Converged);
        w.WriteStartArray("unit_effects");
        foreach (var u in r.Units)
        {
            w.WriteStartObject();
            w.WriteString("unit", u.Unit);
            if (u.Type is null) w.WriteNull("type"); else w.WriteString("type", u.Type);
            w.WriteNumber("n", u.Observations);
            w.WriteStartArray("effects");
            foreach (var e in u.Effects)
            {
                w.WriteStartObject();
                w.WriteString("term", e.Term);
                w.WriteNumber("deviation", e.Deviation);
                w.WriteNumber("conditional_sd", e.ConditionalSd);
                w.WriteNumber("unit_value", e.UnitValue);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        ResultJson.Strings(w, "warnings", r.Warnings);
        w.WriteEndObject();
    });

    private static void Estimate(System.Text.Json.Utf8JsonWriter w, string name, VarianceEstimate v)
    {
        w.WriteNumber(name, v.Value);
        if (v.Ci is { } ci) ResultJson.Pair(w, "ci", ci); else w.WriteNull("ci");
    }

    private static void Variance(System.Text.Json.Utf8JsonWriter w, string name, VarianceEstimate? v)
    {
        if (v is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        Estimate(w, "estimate", v);
        w.WriteEndObject();
    }
}
