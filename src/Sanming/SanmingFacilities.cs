using System.Globalization;
using System.Text;
using Its.Time;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Sanming;

/// <summary>One institution's month of the facility-level panel.</summary>
/// <param name="Month">The month.</param>
/// <param name="Facility">The institution (H01..H46, C01..C68).</param>
/// <param name="InstitutionType"><c>hospital</c> or <c>chsi</c>.</param>
/// <param name="ExpenditureYuan">Medical expenditure, yuan.</param>
/// <param name="OutpatientVisits">Outpatient and emergency visits.</param>
/// <param name="InpatientAdmissions">Inpatient admissions.</param>
public sealed record FacilityRow(Period Month, string Facility, string InstitutionType, double ExpenditureYuan, double OutpatientVisits, double InpatientAdmissions);

/// <summary>
/// The facility-level Sanming panel: each type's monthly totals of the synthetic panel split among
/// its institutions (46 hospitals, 68 CHSIs), so that the institutions of a type add up to its
/// total in every month and outcome exactly and the city keeps the published pattern. Institution i
/// of a type gets the share exp(w_i) / sum_j exp(w_j) with
/// w_i(t) = z_i + delta_i post(t) + gamma_i (t - T0) post(t) + e_i(t): a size z_i, its own level and
/// slope change at the reform and noise, each normal with the SDs of
/// <see cref="Calibration.FacilityVariation"/> (the size shared by the three outcomes, the rest drawn
/// per outcome). Counts are split into whole numbers and expenditure into fen by largest remainders.
/// </summary>
public static class SanmingFacilities
{
    /// <summary>The CSV columns.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["month", "facility", "institution_type", "expenditure_yuan", "outpatient_visits", "inpatient_admissions"];

    /// <summary>Splits a panel's type totals among the institutions, with draws from <c>options.Seed</c> and the reform at <c>options.Intervention</c>.</summary>
    /// <exception cref="ArgumentException">The panel has a type other than hospital and chsi.</exception>
    public static IReadOnlyList<FacilityRow> Generate(SanmingPanel totals, GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(options);
        // A stream of its own, so the facilities do not change the type totals a seed gives.
        var normal = new Normal(0, 1, new MersenneTwister(options.Seed + 1_000_003));
        var months = totals.Months;
        var rows = new List<FacilityRow>();
        foreach (string type in totals.InstitutionTypes)
        {
            if (!Calibration.Institutions.TryGetValue(type, out var count))
                throw new ArgumentException($"no institutions are calibrated for type {type}", nameof(totals));
            int n = (int)count.Value;
            var variation = Calibration.FacilityVariation[type];
            var size = Enumerable.Range(0, n).Select(_ => variation.Size.Value * normal.Sample()).ToArray();
            var byOutcome = new Dictionary<Outcome, double[][]>();
            foreach (var outcome in new[] { Outcome.Expenditure, Outcome.OutpatientVisits, Outcome.InpatientAdmissions })
            {
                var level = Enumerable.Range(0, n).Select(_ => variation.LevelChange.Value * normal.Sample()).ToArray();
                var slope = Enumerable.Range(0, n).Select(_ => variation.SlopeChange.Value * normal.Sample()).ToArray();
                var total = totals.Series(type, outcome).Outcome;
                double unit = outcome == Outcome.Expenditure ? 100 : 1;
                byOutcome[outcome] = months.Select((month, t) =>
                {
                    int after = month.PeriodsSince(options.Intervention);
                    var weights = Enumerable.Range(0, n).Select(i =>
                        Math.Exp(size[i] + (after >= 0 ? level[i] + slope[i] * after : 0) + variation.Noise.Value * normal.Sample())).ToArray();
                    return Split(total[t] * unit, weights).Select(v => v / unit).ToArray();
                }).ToArray();
            }
            string prefix = type == Calibration.Hospital ? "H" : "C";
            for (int i = 0; i < n; i++)
                for (int t = 0; t < months.Count; t++)
                    rows.Add(new FacilityRow(months[t], $"{prefix}{i + 1:00}", type, byOutcome[Outcome.Expenditure][t][i],
                        byOutcome[Outcome.OutpatientVisits][t][i], byOutcome[Outcome.InpatientAdmissions][t][i]));
        }
        return rows;
    }

    /// <summary>The rows as CSV text, invariant culture.</summary>
    public static string ToCsv(IReadOnlyList<FacilityRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder(string.Join(",", Columns)).Append('\n');
        foreach (var r in rows)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Month},{r.Facility},{r.InstitutionType},{r.ExpenditureYuan:0.00},{r.OutpatientVisits:0},{r.InpatientAdmissions:0}\n"));
        return sb.ToString();
    }

    // A whole total split in proportion to the weights, in whole numbers that add up to it: each part
    // rounded down, the remainder given one by one to the largest fractions (ties to the first).
    private static double[] Split(double total, double[] weights)
    {
        double whole = Math.Round(total), sum = weights.Sum();
        var exact = weights.Select(w => whole * w / sum).ToArray();
        var parts = exact.Select(Math.Floor).ToArray();
        int left = (int)(whole - parts.Sum());
        foreach (int i in Enumerable.Range(0, weights.Length).OrderByDescending(i => exact[i] - parts[i]).ThenBy(i => i).Take(left)) parts[i] += 1;
        return parts;
    }
}
