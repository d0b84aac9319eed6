using Its.Model;
using Its.Time;

namespace Its.Plots;

/// <summary>One line of a <see cref="LineFigure"/>: a named series of values by period.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Points">The values, in time order.</param>
public sealed record Line(string Name, IReadOnlyList<FittedPoint> Points);

/// <summary>
/// Observed series over time, without a model: several lines on one value axis (e.g. one outcome
/// by institution type), the interruption marked and the post period shaded as in
/// <see cref="ItsFigure"/>, optionally on a log axis so that series of different sizes show their
/// growth side by side. For a fitted model use <see cref="ItsFigure"/>.
/// </summary>
public sealed record LineFigure
{
    /// <summary>Title of the figure.</summary>
    public required string Title { get; init; }

    /// <summary>The value axis label with units.</summary>
    public required string ValueLabel { get; init; }

    /// <summary>Frequency of the series (the time axis).</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>The lines, in legend order.</summary>
    public required IReadOnlyList<Line> Lines { get; init; }

    /// <summary>The interruption to mark, with the post period shaded from it to the last period; none when null.</summary>
    public Period? Interruption { get; init; }

    /// <summary>A log value axis: equal growth rates show as equal slopes.</summary>
    public bool LogAxis { get; init; }

    /// <summary>The figure of series with the same frequency, each line named by its series' outcome name unless <paramref name="names"/> are given.</summary>
    /// <exception cref="ArgumentException">No series, frequencies differ, or the names do not match the series.</exception>
    public static LineFigure From(string title, string valueLabel, IReadOnlyList<TimeSeries> series, Period? interruption = null, IReadOnlyList<string>? names = null, bool logAxis = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("a line figure needs at least one series", nameof(series));
        if (series.Select(s => s.Frequency).Distinct().Count() > 1) throw new ArgumentException("the series have different frequencies", nameof(series));
        if (names is not null && names.Count != series.Count) throw new ArgumentException($"{names.Count} names for {series.Count} series", nameof(names));
        return new LineFigure
        {
            Title = title,
            ValueLabel = valueLabel,
            Frequency = series[0].Frequency,
            Lines = series.Select((s, i) => new Line(names?[i] ?? s.OutcomeName,
                s.Periods.Zip(s.Outcome, (p, y) => new FittedPoint(p, y)).Where(p => double.IsFinite(p.Value)).ToArray())).ToArray(),
            Interruption = interruption,
            LogAxis = logAxis,
        };
    }

    /// <summary>
    /// The treated units' mean beside the synthetic counterpart of each estimate (Arkhangelsky et
    /// al. 2021, Figure 1): the gap after the interruption is the effect, on average the estimate.
    /// </summary>
    /// <exception cref="ArgumentException">No estimate.</exception>
    public static LineFigure From(Synthetic.PanelOutcomes panel, IReadOnlyList<Synthetic.SyntheticDidResult> results, string valueLabel, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("a synthetic figure needs at least one estimate", nameof(results));
        var treated = panel.Units.Skip(panel.Controls).ToArray();
        string treatedName = treated.Length == 1 ? treated[0] : $"treated ({treated.Length} units, mean)";
        return new LineFigure
        {
            Title = title ?? $"{treatedName} and its synthetic counterparts",
            ValueLabel = valueLabel,
            Frequency = panel.Periods[0].Frequency,
            Lines = [new Line(treatedName, results[0].Path.Select(p => new FittedPoint(p.Period, p.Treated)).ToArray()),
                .. results.Select(r => new Line(Synthetic.SyntheticEstimators.Title(r.Estimator), r.Path.Select(p => new FittedPoint(p.Period, p.Synthetic)).ToArray()))],
            Interruption = panel.Interruption,
        };
    }

    /// <summary>First and last period over all lines.</summary>
    public PeriodSpan Span => new(Lines.SelectMany(l => l.Points).Min(p => p.Period), Lines.SelectMany(l => l.Points).Max(p => p.Period));
}
