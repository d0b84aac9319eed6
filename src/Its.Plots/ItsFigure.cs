using Its.Comparison;
using Its.Results;
using Its.Time;

namespace Its.Plots;

/// <summary>An observation as the figure shows it.</summary>
/// <param name="Period">The period.</param>
/// <param name="Value">The observed outcome, on its original scale.</param>
/// <param name="InFit">False for transition periods left out of the fit (drawn as open markers).</param>
public readonly record struct ObservedPoint(Period Period, double Value, bool InFit);

/// <summary>A model value at a period.</summary>
/// <param name="Period">The period.</param>
/// <param name="Value">The value, on the outcome's original scale.</param>
public readonly record struct FittedPoint(Period Period, double Value);

/// <summary>A counterfactual value with its 95% confidence interval (of the mean).</summary>
/// <param name="Period">The period.</param>
/// <param name="Value">The model value without the interruption terms.</param>
/// <param name="Lower">Lower end of its 95% CI.</param>
/// <param name="Upper">Upper end of its 95% CI.</param>
public readonly record struct BandPoint(Period Period, double Value, double Lower, double Upper);

/// <summary>The periods from <paramref name="First"/> to <paramref name="Last"/>, both included.</summary>
/// <param name="First">First period.</param>
/// <param name="Last">Last period.</param>
public readonly record struct PeriodSpan(Period First, Period Last);

/// <summary>The comparison group of a controlled <see cref="ItsFigure"/>: its observations and fitted segments.</summary>
/// <param name="Name">The group's name, for the legend.</param>
/// <param name="Observed">Every observed period, in time order.</param>
/// <param name="FittedSegments">Its fitted path, split at each interruption.</param>
public sealed record ControlSeries(string Name, IReadOnlyList<ObservedPoint> Observed, IReadOnlyList<IReadOnlyList<FittedPoint>> FittedSegments);

/// <summary>
/// What an ITS figure shows, independent of how it is drawn, following the graphing advice of
/// Turner et al. (2021, BMC Med Res Methodol 21:181): every observed point, the fitted segments
/// split at each interruption, the counterfactual (the model without its interruption terms) from
/// the first interruption on with its 95% band, the interruptions marked, the post period shaded,
/// axes with units and a legend naming each series. Values are on the outcome's original scale.
/// </summary>
public sealed record ItsFigure
{
    /// <summary>Title of the figure.</summary>
    public required string Title { get; init; }

    /// <summary>The outcome with its units, for the value axis (e.g. "outpatient visits per month").</summary>
    public required string OutcomeLabel { get; init; }

    /// <summary>Frequency of the series: the time axis is in months, quarters or years.</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>Every observed period, in time order.</summary>
    public required IReadOnlyList<ObservedPoint> Observed { get; init; }

    /// <summary>
    /// The fitted path in segments: the first before the first interruption, then one from each
    /// interruption up to the next; a line is never drawn across an interruption.
    /// </summary>
    public required IReadOnlyList<IReadOnlyList<FittedPoint>> FittedSegments { get; init; }

    /// <summary>The counterfactual with its 95% CI, from the first interruption to the end.</summary>
    public required IReadOnlyList<BandPoint> Counterfactual { get; init; }

    /// <summary>The interruption periods, in order.</summary>
    public required IReadOnlyList<Period> Interruptions { get; init; }

    /// <summary>The post period to shade: the first interruption to the last observed period.</summary>
    public required PeriodSpan PostPeriod { get; init; }

    /// <summary>
    /// In a controlled figure (<see cref="From(ComparisonResult, string, string?, string?, string?)"/>),
    /// the treated group's name: the observations, fitted segments and counterfactual above are
    /// the treated group's. Null for a single series.
    /// </summary>
    public string? TreatedName { get; init; }

    /// <summary>In a controlled figure, the comparison group drawn beside the treated one; null for a single series.</summary>
    public ControlSeries? Control { get; init; }

    /// <summary>The figure of a fit.</summary>
    /// <param name="result">The fit.</param>
    /// <param name="outcomeLabel">The outcome with its units; the outcome's name when null.</param>
    /// <param name="title">The title; "Interrupted time series: " and the outcome's name when null.</param>
    /// <exception cref="ArgumentException">The result has no trajectory.</exception>
    public static ItsFigure From(ItsResult result, string? outcomeLabel = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var path = result.Trajectory;
        if (path.Count == 0) throw new ArgumentException("the result has no fitted path to draw", nameof(result));
        var interruptions = result.Spec.Interruptions;
        // Segment j holds the periods from interruption j (none for j = 0) up to interruption j + 1.
        var segments = Enumerable.Range(0, interruptions.Count + 1)
            .Select(j => (IReadOnlyList<FittedPoint>)path
                .Where(p => (j == 0 || p.Period.CompareTo(interruptions[j - 1]) >= 0) && (j == interruptions.Count || p.Period.CompareTo(interruptions[j]) < 0))
                .Select(p => new FittedPoint(p.Period, p.Fitted)).ToArray())
            .Where(s => s.Count > 0)
            .ToArray();
        return new ItsFigure
        {
            Title = title ?? $"Interrupted time series: {result.OutcomeName}",
            OutcomeLabel = outcomeLabel ?? result.OutcomeName,
            Frequency = result.Frequency,
            Observed = path.Select(p => new ObservedPoint(p.Period, p.Observed, p.InFit)).ToArray(),
            FittedSegments = segments,
            Counterfactual = path
                .Where(p => p.Counterfactual is not null && p.CounterfactualCi is not null)
                .Select(p => new BandPoint(p.Period, p.Counterfactual!.Value, p.CounterfactualCi!.Value.Lower, p.CounterfactualCi.Value.Upper))
                .ToArray(),
            Interruptions = interruptions.ToArray(),
            PostPeriod = new PeriodSpan(interruptions[0], path[^1].Period),
        };
    }

    /// <summary>
    /// The controlled figure of a multiple-group comparison, as Stata <c>itsa</c> draws Linden's
    /// (2015) example: the treated group's observations, fitted segments and counterfactual (its
    /// own model without the interruption terms, with the 95% band), and the comparison group's
    /// observations and fitted segments in their own colour, both from each group's own fit.
    /// </summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="treated">The treated group's name.</param>
    /// <param name="control">The comparison group; the first other group when null.</param>
    /// <param name="outcomeLabel">The outcome with its units; the outcome's name when null.</param>
    /// <param name="title">The title; "treated vs control: outcome" when null.</param>
    /// <exception cref="ArgumentException">A group is not in the comparison.</exception>
    public static ItsFigure From(ComparisonResult comparison, string treated, string? control = null, string? outcomeLabel = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var treatedFit = comparison.Groups.FirstOrDefault(g => g.Name == treated)
            ?? throw new ArgumentException($"no group {treated} in the comparison (groups: {string.Join(", ", comparison.Groups.Select(g => g.Name))})", nameof(treated));
        var controlFit = (control is null ? comparison.Groups.FirstOrDefault(g => g.Name != treated) : comparison.Groups.FirstOrDefault(g => g.Name == control))
            ?? throw new ArgumentException($"no comparison group {control} in the comparison (groups: {string.Join(", ", comparison.Groups.Select(g => g.Name))})", nameof(control));
        var own = From(treatedFit.Result, outcomeLabel);
        var other = From(controlFit.Result, outcomeLabel);
        return own with
        {
            Title = title ?? $"{treatedFit.Name} vs {controlFit.Name}: {treatedFit.Result.OutcomeName}",
            TreatedName = treatedFit.Name,
            Control = new ControlSeries(controlFit.Name, other.Observed, other.FittedSegments),
            PostPeriod = new PeriodSpan(own.PostPeriod.First, own.PostPeriod.Last.CompareTo(other.PostPeriod.Last) >= 0 ? own.PostPeriod.Last : other.PostPeriod.Last),
        };
    }

    /// <summary>Every value the figure draws on its value axis.</summary>
    internal IEnumerable<double> Values() =>
        Observed.Select(o => o.Value)
            .Concat(FittedSegments.SelectMany(s => s).Select(p => p.Value))
            .Concat(Counterfactual.SelectMany(b => new[] { b.Lower, b.Upper }))
            .Concat(Control is { } c ? c.Observed.Select(o => o.Value).Concat(c.FittedSegments.SelectMany(s => s).Select(p => p.Value)) : []);

    /// <summary>A legend name, with the treated group's name in a controlled figure.</summary>
    internal string Named(string name) => TreatedName is null ? name : $"{name}: {TreatedName}";

    /// <summary>Where a period sits on a date axis: midnight of its first day.</summary>
    public static DateTime AxisDate(Period period) => period.FirstDay.ToDateTime(TimeOnly.MinValue);

    /// <summary>
    /// The boundary between a period and the one before it on a date axis: half way between their
    /// first days, so a mark there separates the last pre-period point from the first post-period one.
    /// </summary>
    public static DateTime BoundaryBefore(Period period)
    {
        DateTime start = AxisDate(period);
        return start - (start - AxisDate(period.Add(-1))) / 2;
    }
}
