using System.Globalization;
using System.Text.Json;
using Its.Synthetic;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// Abadie et al.'s synthetic control as a report: the fit (pre- and post-period RMSPE, the average
/// gap), the donor weights, the predictor balance with the V weights, the gap in every period, the
/// placebo in space, and leave-one-out and the in-time placebo when asked for; or as one JSON
/// object (fields <c>outcome</c>, <c>treated</c>, <c>interruption</c>, <c>donors</c>,
/// <c>pre_periods</c>, <c>post_periods</c>, <c>start</c>, <c>loss_v</c>, <c>loss_w</c>,
/// <c>pre_rmspe</c>, <c>post_rmspe</c>, <c>average_post_gap</c>, <c>weights</c>,
/// <c>predictors</c> [{<c>name</c>, <c>v</c>, <c>treated</c>, <c>synthetic</c>, <c>donor_mean</c>}],
/// <c>path</c> [{<c>period</c>, <c>treated</c>, <c>synthetic</c>, <c>gap</c>}],
/// <c>placebo_in_space</c> (as <see cref="SyntheticReport"/>'s), <c>leave_one_out</c>
/// [{<c>dropped</c>, <c>weights</c>, <c>pre_rmspe</c>, <c>average_post_gap</c>, <c>gaps</c>}] or null,
/// <c>in_time</c> {<c>pseudo</c>, <c>dropped_predictors</c>, <c>weights</c>, <c>pre_rmspe</c>,
/// <c>pseudo_post_rmspe</c>, <c>average_pseudo_gap</c>} or null).
/// </summary>
public static class SynthReport
{
    // Weights below this are shown as 0 in the tables (they stay exact in JSON).
    private const double Shown = 5e-4;

    /// <summary>What a synth run found: the fit and the inference asked for.</summary>
    /// <param name="Fit">The synthetic control of the treated unit.</param>
    /// <param name="Space">The placebo in space, if run.</param>
    /// <param name="LeaveOneOut">The fits without each weighted donor, if run.</param>
    /// <param name="InTime">The in-time placebo, if run.</param>
    public sealed record Findings(SynthResult Fit, PlaceboInSpace? Space, IReadOnlyList<SynthLeaveOneOut>? LeaveOneOut, SynthInTime? InTime);

    /// <summary>Renders the findings; CSV is the path (treated, synthetic and gap by period) at full precision.</summary>
    public static string Render(PanelOutcomes panel, string outcome, Findings findings, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(findings);
        return format switch
        {
            ReportFormat.Json => Json(panel, outcome, findings),
            ReportFormat.Csv => PathTable(findings.Fit, Exact).ToCsv(),
            _ => ResultReport.Document($"Synthetic control: {outcome}", Notes(panel, findings), Tables(findings), format, "its-synth"),
        };
    }

    /// <summary>The tables: the fit, weights, predictor balance, the path, and each inference run.</summary>
    public static IReadOnlyList<Table> Tables(Findings findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var fit = findings.Fit;
        var column = Column(fit.Path.SelectMany(p => new[] { p.Treated, p.Synthetic }));
        var tables = new List<Table>
        {
            new("Fit", ["pre-period RMSPE", "post-period RMSPE", "average gap from the interruption", $"gap in {fit.Path[^1].Period}"],
                [[column.Format(fit.PreRmspe), column.Format(fit.PostRmspe), column.Format(fit.AveragePostGap), column.Format(fit.Gaps[^1])]]),
            WeightTable(fit),
        };
        if (fit.Balance.Count > 0)
        {
            var values = Column(fit.Balance.SelectMany(b => new[] { b.Treated, b.Synthetic, b.DonorMean }));
            tables.Add(new Table("Predictor balance (V: the predictors' weights in the match, summing to 1)", ["predictor", "V", "treated", "synthetic", "donors' mean"],
                fit.Balance.Select(b => (IReadOnlyList<string>)[b.Name, b.V.ToString("F3", CultureInfo.InvariantCulture), values.Format(b.Treated), values.Format(b.Synthetic), values.Format(b.DonorMean)]).ToArray()));
        }
        tables.Add(PathTable(fit, column.Format));
        if (findings.Space is { } space) tables.Add(SyntheticReport.SpaceTable(space));
        if (findings.LeaveOneOut is { } loo)
            tables.Add(new Table("Leave one out: the synthetic control without each weighted donor", ["donor left out", "largest weights", "pre-period RMSPE", "average gap", $"gap in {fit.Path[^1].Period}"],
                loo.Select(d => (IReadOnlyList<string>)[d.Dropped, Largest(d.Fit), column.Format(d.Fit.PreRmspe), column.Format(d.Fit.AveragePostGap), column.Format(d.Fit.Gaps[^1])]).ToArray()));
        if (findings.InTime is { } inTime)
        {
            var f = inTime.Fit;
            tables.Add(new Table($"In-time placebo: the interruption pretended at {inTime.Pseudo}" + (inTime.Dropped.Count > 0 ? $" (left out, no value before it: {string.Join(", ", inTime.Dropped)})" : ""),
                ["pseudo interruption", "largest weights", "pre-period RMSPE", $"RMSPE {inTime.Pseudo} to {f.Path[^1].Period}", "average gap"],
                [[inTime.Pseudo.ToString(), Largest(f), column.Format(f.PreRmspe), column.Format(f.PostRmspe), column.Format(f.AveragePostGap)]]));
        }
        return tables;
    }

    private static Table WeightTable(SynthResult fit)
    {
        var shown = fit.Weights.Where(w => w.Value >= Shown).OrderByDescending(w => w.Value).ToArray();
        return new Table($"Donor weights (W; the {fit.Weights.Count - shown.Length} other donors weigh less than {Shown:G1})", ["donor", "weight"],
            shown.Select(w => (IReadOnlyList<string>)[w.Name, w.Value.ToString("F3", CultureInfo.InvariantCulture)]).ToArray());
    }

    private static Table PathTable(SynthResult fit, Func<double, string> number) =>
        new($"{fit.Treated} and its synthetic control by period", ["period", "treated", "synthetic", "gap"],
            fit.Path.Select(p => (IReadOnlyList<string>)[p.Period.ToString(), number(p.Treated), number(p.Synthetic), number(p.Treated - p.Synthetic)]).ToArray());

    // "Utah 0.39, Montana 0.23, ..." : the three largest weights.
    private static string Largest(SynthResult fit) => string.Join(", ", fit.Weights.Where(w => w.Value >= Shown).OrderByDescending(w => w.Value).Take(3)
        .Select(w => $"{w.Name} {w.Value.ToString("F2", CultureInfo.InvariantCulture)}"));

    private static List<string> Notes(PanelOutcomes panel, Findings findings)
    {
        var fit = findings.Fit;
        string unit = Time.Period.Describe(panel.Periods[0].Frequency);
        var notes = new List<string>
        {
            $"treated: {fit.Treated} from {panel.Interruption}; {panel.Controls} donors; {panel.PrePeriods} {unit}s before, {panel.PostPeriods} from {panel.Interruption} on",
            fit.Balance.Count == 0
                ? "Abadie et al. (2010): donor weights W (non-negative, summing to 1) that match the pre-period outcome path"
                : $"Abadie et al. (2010), as R Synth computes it: W matches the {fit.Balance.Count} predictors, each scaled by its sd, weighted by V; V minimises the pre-period mean squared gap (loss V {Number(fit.LossV)}, from the {fit.Start} start)",
        };
        if (findings.Space is { } space)
            notes.Add($"placebo in space: the treated unit's post/pre RMSPE ratio ranks {space.Rank} of {space.Units.Count}, permutation p = {Number(space.PValue)}");
        return notes;
    }

    private static string Json(PanelOutcomes panel, string outcome, Findings findings) => ResultJson.Document(w =>
    {
        var fit = findings.Fit;
        w.WriteStartObject();
        w.WriteString("outcome", outcome);
        w.WriteString("treated", fit.Treated);
        w.WriteString("interruption", panel.Interruption.ToString());
        w.WriteNumber("donors", panel.Controls);
        w.WriteNumber("pre_periods", panel.PrePeriods);
        w.WriteNumber("post_periods", panel.PostPeriods);
        w.WriteString("start", fit.Start);
        w.WriteNumber("loss_v", fit.LossV);
        w.WriteNumber("loss_w", fit.LossW);
        Summary(w, fit, "post_rmspe", "average_post_gap");
        w.WriteStartArray("predictors");
        foreach (var b in fit.Balance)
        {
            w.WriteStartObject();
            w.WriteString("name", b.Name);
            w.WriteNumber("v", b.V);
            w.WriteNumber("treated", b.Treated);
            w.WriteNumber("synthetic", b.Synthetic);
            w.WriteNumber("donor_mean", b.DonorMean);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("path");
        foreach (var p in fit.Path)
        {
            w.WriteStartObject();
            w.WriteString("period", p.Period.ToString());
            w.WriteNumber("treated", p.Treated);
            w.WriteNumber("synthetic", p.Synthetic);
            w.WriteNumber("gap", p.Treated - p.Synthetic);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        SyntheticReport.Placebos(w, findings.Space);
        if (findings.LeaveOneOut is not { } loo) w.WriteNull("leave_one_out");
        else
        {
            w.WriteStartArray("leave_one_out");
            foreach (var d in loo)
            {
                w.WriteStartObject();
                w.WriteString("dropped", d.Dropped);
                Summary(w, d.Fit, "post_rmspe", "average_post_gap");
                ResultJson.Numbers(w, "gaps", d.Fit.Gaps);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (findings.InTime is not { } inTime) w.WriteNull("in_time");
        else
        {
            w.WriteStartObject("in_time");
            w.WriteString("pseudo", inTime.Pseudo.ToString());
            ResultJson.Strings(w, "dropped_predictors", inTime.Dropped);
            Summary(w, inTime.Fit, "pseudo_post_rmspe", "average_pseudo_gap");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });

    private static void Summary(Utf8JsonWriter w, SynthResult fit, string postRmspe, string averageGap)
    {
        w.WriteNumber("pre_rmspe", fit.PreRmspe);
        w.WriteNumber(postRmspe, fit.PostRmspe);
        w.WriteNumber(averageGap, fit.AveragePostGap);
        SyntheticReport.Weights(w, "weights", fit.Weights);
    }
}
