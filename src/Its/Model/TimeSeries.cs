using Its.Time;

namespace Its.Model;

/// <summary>
/// A validated series: strictly increasing periods of one frequency, a finite outcome for each,
/// and optional named covariates of the same length.
/// </summary>
public sealed class TimeSeries
{
    /// <summary>Builds and checks a series.</summary>
    /// <param name="periods">Periods in increasing order.</param>
    /// <param name="outcome">Outcome values, one per period.</param>
    /// <param name="covariates">Optional covariates by name, one value per period.</param>
    /// <param name="outcomeName">Name of the outcome, used in messages and tables.</param>
    /// <exception cref="ItsException">Empty, unordered, duplicated, non-finite or mis-sized input.</exception>
    public TimeSeries(
        IReadOnlyList<Period> periods,
        IReadOnlyList<double> outcome,
        IReadOnlyDictionary<string, double[]>? covariates = null,
        string outcomeName = "y")
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(outcome);
        if (periods.Count == 0) throw new ItsException("the series is empty");
        if (outcome.Count != periods.Count)
            throw new ItsException($"{periods.Count} periods but {outcome.Count} outcome values");
        Frequency = periods[0].Frequency;
        for (int i = 1; i < periods.Count; i++)
        {
            if (periods[i].Frequency != Frequency)
                throw new ItsException($"period {periods[i]} is {Period.Adjective(periods[i].Frequency)}, but the series is {Period.Adjective(Frequency)}");
            int step = periods[i].PeriodsSince(periods[i - 1]);
            if (step == 0) throw new ItsException($"period {periods[i]} appears twice");
            if (step < 0) throw new ItsException($"period {periods[i]} comes after {periods[i - 1]}: periods must be in increasing order");
            MissingPeriods += step - 1;
        }
        for (int i = 0; i < outcome.Count; i++)
            if (!double.IsFinite(outcome[i]))
                throw new ItsException($"{outcomeName} is not a finite number at {periods[i]}");
        var covs = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, values) in covariates ?? new Dictionary<string, double[]>())
        {
            if (values.Length != periods.Count)
                throw new ItsException($"covariate {name} has {values.Length} values for {periods.Count} periods");
            for (int i = 0; i < values.Length; i++)
                if (!double.IsFinite(values[i]))
                    throw new ItsException($"covariate {name} is not a finite number at {periods[i]}");
            covs[name] = (double[])values.Clone();
        }
        Periods = periods.ToArray();
        Outcome = outcome.ToArray();
        Covariates = covs;
        OutcomeName = outcomeName;
    }

    /// <summary>The periods, increasing.</summary>
    public IReadOnlyList<Period> Periods { get; }

    /// <summary>The outcome, untransformed.</summary>
    public IReadOnlyList<double> Outcome { get; }

    /// <summary>Covariates by name.</summary>
    public IReadOnlyDictionary<string, double[]> Covariates { get; }

    /// <summary>Name of the outcome.</summary>
    public string OutcomeName { get; }

    /// <summary>Monthly, quarterly or annual.</summary>
    public Frequency Frequency { get; }

    /// <summary>Number of periods missing between the first and the last (0 for a complete series).</summary>
    public int MissingPeriods { get; }

    /// <summary>Number of observed periods.</summary>
    public int Count => Periods.Count;
}
