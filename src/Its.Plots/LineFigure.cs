using Its.Model;
using Its.Time;

namespace Its.Plots;

/// <summary>One line of a <see cref="LineFigure"/>: a named series of values by period.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Points">The values, in time order.</param>
public sealed record Line(string Name, IReadOnlyList<FittedPoint> Points)
{
    /// <summary>
    /// Drawn thin and grey under the other lines, without markers, one of a crowd (the placebos);
    /// the legend names the first muted line only, so it names the crowd.
    /// </summary>
    public bool Muted { get; init; }
}

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

    /// <summary>Whether a dashed line marks zero (a figure of gaps).</summary>
    public bool ZeroLine { get; init; }

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

    /// <summary>
    /// Abadie et al.'s synthetic control: the treated unit beside its synthetic control (2010,
    /// Figure 2), with the synthetic controls refitted without each donor in grey when
    /// <paramref name="leaveOneOut"/> are given (Abadie et al. 2015, Figure 5).
    /// </summary>
    public static LineFigure From(Synthetic.SynthResult fit, string valueLabel, IReadOnlyList<Synthetic.SynthLeaveOneOut>? leaveOneOut = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var dropped = leaveOneOut ?? [];
        return new LineFigure
        {
            Title = dropped.Count == 0 ? $"{fit.Treated} and its synthetic control" : $"{fit.Treated} and its synthetic control, leaving out one donor at a time",
            ValueLabel = valueLabel,
            Frequency = fit.Path[0].Period.Frequency,
            Lines = [new Line(fit.Treated, fit.Path.Select(p => new FittedPoint(p.Period, p.Treated)).ToArray()),
                new Line($"synthetic {fit.Treated}", fit.Path.Select(p => new FittedPoint(p.Period, p.Synthetic)).ToArray()),
                .. dropped.Select(d => new Line($"leaving out one donor ({dropped.Count})", d.Fit.Path.Select(p => new FittedPoint(p.Period, p.Synthetic)).ToArray()) { Muted = true })],
            Interruption = fit.Path[fit.PrePeriods].Period,
        };
    }

    /// <summary>
    /// The placebo in space as Abadie et al. (2010, Figures 4 to 7) draw it: every unit's gap to its
    /// synthetic control, the placebos in grey and the treated unit on top; placebos whose pre-period
    /// mean squared gap is more than <paramref name="preMspeLimit"/> times the treated unit's are left
    /// out (none when null), as their fits say nothing about an effect.
    /// </summary>
    /// <exception cref="ArgumentException">The placebo units carry no gaps, or their number differs from the periods'.</exception>
    public static LineFigure Gaps(Synthetic.PlaceboInSpace space, IReadOnlyList<Period> periods, Period interruption, string valueLabel, double? preMspeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(periods);
        if (space.Units.Any(u => u.Gaps.Count != periods.Count)) throw new ArgumentException($"every placebo needs one gap per period ({periods.Count})", nameof(space));
        var treated = space.Units.Single(u => u.Treated);
        double limit = (preMspeLimit ?? double.PositiveInfinity) * treated.PreRmspe * treated.PreRmspe;
        var kept = space.Units.Where(u => !u.Treated && u.PreRmspe * u.PreRmspe <= limit).ToArray();
        string crowd = preMspeLimit is { } m ? $"placebos ({kept.Length} of {space.Units.Count - 1}: pre-period MSPE at most {m:0.##} times {treated.Unit}'s)" : $"placebos ({kept.Length} units)";
        FittedPoint[] Points(Synthetic.PlaceboUnit u) => periods.Select((p, t) => new FittedPoint(p, u.Gaps[t])).ToArray();
        return new LineFigure
        {
            Title = $"Gap to the synthetic control: {treated.Unit} and the placebos",
            ValueLabel = $"gap in {valueLabel}",
            Frequency = periods[0].Frequency,
            Lines = [new Line(treated.Unit, Points(treated)), .. kept.Select(u => new Line(crowd, Points(u)) { Muted = true })],
            Interruption = interruption,
            ZeroLine = true,
        };
    }

    /// <summary>First and last period over all lines.</summary>
    public PeriodSpan Span => new(Lines.SelectMany(l => l.Points).Min(p => p.Period), Lines.SelectMany(l => l.Points).Max(p => p.Period));
}
