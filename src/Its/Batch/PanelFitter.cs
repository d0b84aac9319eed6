using System.Collections.Concurrent;
using Its.Model;
using Its.Time;

namespace Its.Batch;

/// <summary>
/// One unit of a panel: its first period and its values from there on, NaN where a period is missing.
/// </summary>
/// <param name="Id">The unit's identifier.</param>
/// <param name="Start">The period of Values[0].</param>
/// <param name="Values">One value per consecutive period; NaN marks a missing period.</param>
public sealed record PanelUnit(string Id, Period Start, double[] Values)
{
    /// <summary>Why the unit's data cannot be used (found while reading it, e.g. a period given twice); null when they can.</summary>
    public string? Problem { get; init; }
}

/// <summary>
/// Fits one ITS spec to every unit of a panel, as <see cref="ItsModel"/> would fit each unit alone
/// (each unit's own time origin, gaps and transition periods left out), by shared-design linear
/// algebra: units with the same observed periods share one decomposed design
/// (<see cref="SharedDesign"/>), built once per pattern of observed periods and kept for later
/// batches. Units whose periods do not support the design, constant units and units with unusable
/// values get a <see cref="UnitStatus"/> and a note instead of numbers.
/// </summary>
public sealed class PanelFitter
{
    // Distinct patterns of observed periods whose designs are kept; a unit with another pattern gets
    // a design of its own, used and dropped, so memory stays bounded when every unit has its own gaps.
    private const int MaxPatterns = 1024;

    private readonly ConcurrentDictionary<PatternKey, Lazy<Pattern>> _patterns = new();

    /// <summary>Checks that the spec has a batch path.</summary>
    /// <param name="spec">A Gaussian spec without covariates or offset, with an error model of <see cref="SharedDesign.Supports(ErrorModel)"/>.</param>
    /// <param name="outcomeName">The outcome's name, for notes.</param>
    /// <exception cref="ItsException">The spec has no batch path.</exception>
    public PanelFitter(ItsSpec spec, string outcomeName = "y")
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Family != Family.Gaussian) throw new ItsException(new UserMessage($"panel fits are Gaussian; use {Setting.Of<ItsSpec>(nameof(ItsSpec.Transform), OutcomeTransform.Log)} for counts or skewed outcomes"));
        if (spec.Covariates.Count > 0 || spec.Offset is not null) throw new ItsException("panel fits share one design across units, so they take no covariates or offset");
        spec.RefuseEstimatedRate("a panel fit");
        if (!SharedDesign.Supports(spec.Errors))
            throw new ItsException($"error model {spec.Errors.Name} has no panel path; use ols, hc0..hc3, newey:L (also :parzen or :qs), prais or cochrane-orcutt");
        Spec = spec;
        OutcomeName = outcomeName;
        if (spec.Interruptions.Count == 0) throw new ItsException("no interruption given");
        // Every unit has the interruptions' frequency (CheckFrequency), so the seasonal terms are theirs.
        Terms = Design.TermNames(spec, spec.Interruptions[0].Frequency);
    }

    /// <summary>The spec fitted to every unit.</summary>
    public ItsSpec Spec { get; }

    /// <summary>The outcome's name.</summary>
    public string OutcomeName { get; }

    /// <summary>Term names of every unit's fit.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The interruption terms (<c>level1</c>, <c>slope1</c>, ...), the ones a panel summary describes.</summary>
    public IReadOnlyList<string> InterruptionTerms => Design.InterruptionTerms(Spec);

    /// <summary>Fits every unit, on all cores or on <paramref name="maxDegreeOfParallelism"/> of them.</summary>
    /// <exception cref="ItsException">A unit's frequency does not suit the spec (the interruption's, or seasonality on data that are not monthly).</exception>
    public BatchResult Fit(IReadOnlyList<PanelUnit> units, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(units);
        foreach (var unit in units)
        {
            ArgumentNullException.ThrowIfNull(unit, nameof(units));
            if (unit.Problem is null) CheckFrequency(unit);
        }
        var result = new BatchResult(Terms, units.Count);
        SharedDesign.ForEachRange(units.Count, maxDegreeOfParallelism, (from, to) =>
        {
            var workspaces = new Dictionary<SharedDesign, SharedDesign.Workspace>();
            var y = new double[64];
            for (int i = from; i < to; i++)
            {
                var unit = units[i];
                if (unit.Problem is { } problem)
                {
                    result.Fail(i, UnitStatus.Invalid, problem);
                    continue;
                }
                var key = PatternKey.Of(unit);
                bool cached = _patterns.TryGetValue(key, out var known) || _patterns.Count < MaxPatterns;
                var pattern = known?.Value ?? (cached ? _patterns.GetOrAdd(key, k => new Lazy<Pattern>(() => Build(k, unit))).Value : Build(key, unit));
                if (pattern.Design is not { } design)
                {
                    result.Fail(i, pattern.Status, pattern.Note!);
                    continue;
                }
                if (y.Length < design.N) y = new double[Math.Max(design.N, 2 * y.Length)];
                if (!Gather(unit, pattern, y, result, i)) continue;
                if (!workspaces.TryGetValue(design, out var work))
                {
                    work = new SharedDesign.Workspace(design);
                    if (cached) workspaces[design] = work;
                }
                if (pattern.Note is { } warning) result.Note(i, warning);
                design.Fit(y.AsSpan(0, design.N), result, i, work);
            }
        });
        return result;
    }

    private void CheckFrequency(PanelUnit unit)
    {
        var frequency = unit.Start.Frequency;
        foreach (var p in Spec.Interruptions.Where(p => p.Frequency != frequency))
            throw new ItsException($"unit {unit.Id}: interruption {p} is a {Period.Describe(p.Frequency)}, but the unit is {Period.Adjective(frequency)}");
        if (Spec.Seasonality.Refusal(frequency, "the unit") is { } seasons) throw new ItsException($"unit {unit.Id}: {seasons}");
    }

    // The unit's fitted values, transformed, in y[0..n); false (and the unit failed) when one is unusable.
    private bool Gather(PanelUnit unit, Pattern pattern, double[] y, BatchResult result, int index)
    {
        var positions = pattern.Positions;
        bool log = Spec.Transform == OutcomeTransform.Log;
        for (int t = 0; t < positions.Length; t++)
        {
            double v = unit.Values[positions[t]];
            if (!double.IsFinite(v))
            {
                result.Fail(index, UnitStatus.Invalid, $"{OutcomeName} is not a finite number at {unit.Start.Add(positions[t])}");
                return false;
            }
            if (log)
            {
                if (v <= 0)
                {
                    result.Fail(index, UnitStatus.Invalid, ItsModel.LogRefusal(OutcomeName, v, unit.Start.Add(positions[t])));
                    return false;
                }
                v = Math.Log(v);
            }
            y[t] = v;
        }
        return true;
    }

    // The design of a pattern of observed periods, as ItsModel builds it for a unit observed there.
    private Pattern Build(PatternKey key, PanelUnit unit)
    {
        var observed = Enumerable.Range(0, unit.Values.Length).Where(t => !double.IsNaN(unit.Values[t])).ToArray();
        if (observed.Length == 0) return Pattern.Refused(UnitStatus.TooFewPoints, "the unit has no observed values");
        var series = new TimeSeries(observed.Select(key.Start.Add).ToArray(), observed.Select(_ => 1.0).ToArray(), outcomeName: OutcomeName);
        ItsModel model;
        try
        {
            model = new ItsModel(series, Spec);
        }
        catch (ItsException e)
        {
            return Pattern.Refused(UnitStatus.TooFewPoints, e.Message);
        }
        if (model.X.RowCount <= model.X.ColumnCount)
            return Pattern.Refused(UnitStatus.TooFewPoints, $"the model has {model.X.ColumnCount} parameters but only {model.X.RowCount} observations are fitted");
        SharedDesign design;
        try
        {
            design = new SharedDesign(model.X, Terms, Spec.Errors);
        }
        catch (ItsException e)
        {
            return Pattern.Refused(UnitStatus.Singular, e.Message);
        }
        var warnings = ItsModel.DesignWarnings(series, Spec).ToArray();
        return new Pattern(design, model.Design.FitRows.Select(r => observed[r]).ToArray(), UnitStatus.Ok, warnings.Length > 0 ? string.Join("; ", warnings) : null);
    }

    // A pattern is the first period, the length and which periods are observed (null when all are).
    private readonly record struct PatternKey(Period Start, int Length, string? Observed)
    {
        public static PatternKey Of(PanelUnit unit)
        {
            var values = unit.Values;
            int missing = 0;
            foreach (double v in values) if (double.IsNaN(v)) missing++;
            if (missing == 0) return new(unit.Start, values.Length, null);
            return new(unit.Start, values.Length, string.Create(values.Length, values, (span, v) =>
            {
                for (int t = 0; t < span.Length; t++) span[t] = double.IsNaN(v[t]) ? '0' : '1';
            }));
        }
    }

    // A decomposed design and the positions of its rows in a unit's values; or why there is none.
    private sealed record Pattern(SharedDesign? Design, int[] Positions, UnitStatus Status, string? Note)
    {
        public static Pattern Refused(UnitStatus status, string why) => new(null, [], status, why);
    }
}
