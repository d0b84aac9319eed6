using System.Text.Json;
using Its.Synthetic;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// Synthetic DiD, synthetic control and DiD estimates of one panel as a report: the estimates with
/// their placebo standard errors and CIs, the unit weights of each estimator side by side, and the
/// time weights; or as one JSON object (fields <c>outcome</c>, <c>treated</c>, <c>interruption</c>,
/// <c>controls</c>, <c>pre_periods</c>, <c>post_periods</c>, <c>estimates</c> [{<c>estimator</c>,
/// <c>estimate</c>, <c>placebo_se</c>, <c>ci</c>, <c>noise_level</c>, <c>zeta_omega</c>,
/// <c>unit_weights</c>, <c>time_weights</c>, <c>placebo_estimates</c>}], <c>placebo_in_space</c>
/// {<c>rank</c>, <c>p_value</c>, <c>units</c> [{<c>unit</c>, <c>treated</c>, <c>pre_rmspe</c>,
/// <c>post_rmspe</c>, <c>ratio</c>}]} or null).
/// </summary>
public static class SyntheticReport
{
    // Unit weights below this are shown as 0 in the tables (they stay exact in JSON and CSV).
    private const double Shown = 5e-4;

    /// <summary>Renders the estimates of a panel, with the synthetic control's placebo in space if given; CSV is the estimate table at full precision.</summary>
    public static string Render(PanelOutcomes panel, string outcome, IReadOnlyList<SyntheticDidResult> results, PlaceboInSpace? space, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(results);
        var notes = Notes(panel);
        if (space is not null)
            notes.Add($"placebo in space (Abadie et al. 2010): the treated unit's post/pre RMSPE ratio ranks {space.Rank} of {space.Units.Count}, permutation p = {Number(space.PValue)}");
        return format switch
        {
            ReportFormat.Json => Json(panel, outcome, results, space),
            ReportFormat.Csv => EstimateTable(results, Exact, (lower, upper) => $"{Exact(lower)} to {Exact(upper)}").ToCsv(),
            _ => ResultReport.Document($"Synthetic difference-in-differences: {outcome}", notes,
                [.. Tables(panel, results), .. space is null ? [] : new[] { SpaceTable(space) }], format, "its-sdid"),
        };
    }

    /// <summary>The placebo in space: the units with the largest post/pre RMSPE ratios, down to the treated one and at least ten.</summary>
    public static Table SpaceTable(PlaceboInSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        int shown = Math.Max(10, space.Units.ToList().FindIndex(u => u.Treated) + 1);
        var column = Estimates(space.Units.Select(u => u.PreRmspe), space.Units.SelectMany(u => new[] { u.PreRmspe, u.PostRmspe }));
        return new Table($"Placebo in space: the synthetic control of each unit as if treated, by post/pre RMSPE ({Math.Min(shown, space.Units.Count)} of {space.Units.Count})",
            ["rank", "unit", "pre RMSPE", "post RMSPE", "post / pre"],
            space.Units.Take(shown).Select((u, i) => (IReadOnlyList<string>)[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                u.Treated ? $"{u.Unit} (treated)" : u.Unit, column.Format(u.PreRmspe), column.Format(u.PostRmspe), Statistic(u.Ratio)]).ToArray());
    }

    /// <summary>The tables: estimates, unit weights (units with a weight in any estimator), time weights.</summary>
    public static IReadOnlyList<Table> Tables(PanelOutcomes panel, IReadOnlyList<SyntheticDidResult> results)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(results);
        var weighted = results.Where(r => r.Estimator != SyntheticEstimator.DifferenceInDifferences).ToArray();
        var column = Estimates(results.Select(r => r.PlaceboStandardError), results.SelectMany(r => new[] { r.Estimate, r.Ci.Lower, r.Ci.Upper }));
        var tables = new List<Table> { EstimateTable(results, column.Format, (lower, upper) => column.Ci(new Results.Interval(lower, upper))) };
        if (weighted.Length > 0)
        {
            var units = Enumerable.Range(0, panel.Controls)
                .Where(i => weighted.Any(r => r.UnitWeights[i].Value >= Shown))
                .OrderByDescending(i => weighted[0].UnitWeights[i].Value).ToArray();
            tables.Add(new Table($"Unit weights (omega; the {panel.Controls - units.Length} other controls weigh less than {Shown:G1} in each)",
                ["unit", .. weighted.Select(r => r.Estimator.Name())],
                units.Select(i => (IReadOnlyList<string>)[panel.Units[i], .. weighted.Select(r => Shown3(r.UnitWeights[i].Value))]).ToArray()));
        }
        if (results.FirstOrDefault(r => r.Estimator == SyntheticEstimator.SyntheticDid) is { } sdid)
            tables.Add(new Table("Time weights of the synthetic DiD (lambda; the other pre-periods weigh 0)", ["period", "sdid"],
                sdid.TimeWeights.Where(w => w.Value >= Shown).Select(w => (IReadOnlyList<string>)[w.Name, Shown3(w.Value)]).ToArray()));
        return tables;
    }

    private static string Shown3(double w) => w < Shown ? "0" : w.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    private static Table EstimateTable(IReadOnlyList<SyntheticDidResult> results, Func<double, string> number, Func<double, double, string> interval) =>
        new("Average effect on the treated over the post periods", ["estimator", "estimate", "placebo SE", "95% CI"],
            results.Select(r => (IReadOnlyList<string>)[r.Estimator.Title(), number(r.Estimate), number(r.PlaceboStandardError),
                interval(r.Ci.Lower, r.Ci.Upper)]).ToArray());

    private static List<string> Notes(PanelOutcomes panel)
    {
        string unit = Time.Period.Describe(panel.Periods[0].Frequency);
        return
        [
            $"treated: {string.Join(", ", panel.Units.Skip(panel.Controls))} from {panel.Interruption}; {panel.Controls} control units; {panel.PrePeriods} {unit}s before, {panel.PostPeriods} from {panel.Interruption} on",
            "Arkhangelsky et al. (2021), as R synthdid computes it: unit weights by Frank-Wolfe with zeta = (N1 T1)^(1/4) noise (synthetic DiD) or 1e-6 noise without intercept (synthetic control), time weights for the synthetic DiD; DiD weighs every unit and pre-period alike",
            "placebo SE: every control once as the treated unit (synthdid's placebo method draws 200 at random); CI: estimate +/- 1.96 SE",
        ];
    }

    private static string Json(PanelOutcomes panel, string outcome, IReadOnlyList<SyntheticDidResult> results, PlaceboInSpace? space) => ResultJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("outcome", outcome);
        ResultJson.Strings(w, "treated", panel.Units.Skip(panel.Controls));
        w.WriteString("interruption", panel.Interruption.ToString());
        w.WriteNumber("controls", panel.Controls);
        w.WriteNumber("pre_periods", panel.PrePeriods);
        w.WriteNumber("post_periods", panel.PostPeriods);
        w.WriteStartArray("estimates");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("estimator", r.Estimator.Name());
            w.WriteNumber("estimate", r.Estimate);
            w.WriteNumber("placebo_se", r.PlaceboStandardError);
            ResultJson.Pair(w, "ci", r.Ci);
            w.WriteNumber("noise_level", r.NoiseLevel);
            w.WriteNumber("zeta_omega", r.ZetaOmega);
            Weights(w, "unit_weights", r.UnitWeights);
            Weights(w, "time_weights", r.TimeWeights);
            Weights(w, "placebo_estimates", r.Placebos);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Placebos(w, space);
        w.WriteEndObject();
    });

    // placebo_in_space: {rank, p_value, units [{unit, treated, pre_rmspe, post_rmspe, ratio}]}, or null.
    internal static void Placebos(Utf8JsonWriter w, PlaceboInSpace? space)
    {
        if (space is null)
        {
            w.WriteNull("placebo_in_space");
            return;
        }
        w.WriteStartObject("placebo_in_space");
        w.WriteNumber("rank", space.Rank);
        w.WriteNumber("p_value", space.PValue);
        w.WriteStartArray("units");
        foreach (var u in space.Units)
        {
            w.WriteStartObject();
            w.WriteString("unit", u.Unit);
            w.WriteBoolean("treated", u.Treated);
            w.WriteNumber("pre_rmspe", u.PreRmspe);
            w.WriteNumber("post_rmspe", u.PostRmspe);
            w.WriteNumber("ratio", u.Ratio);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void Weights(Utf8JsonWriter w, string name, IReadOnlyList<SyntheticWeight> weights)
    {
        w.WriteStartObject(name);
        foreach (var x in weights) w.WriteNumber(x.Name, x.Value);
        w.WriteEndObject();
    }
}
