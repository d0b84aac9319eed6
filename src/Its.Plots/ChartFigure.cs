using System.Globalization;
using System.Text.RegularExpressions;
using Its.Model;
using Its.Multilevel;
using Its.Results;
using Its.Robustness;
using Its.Time;

namespace Its.Plots;

/// <summary>How the position axis of a <see cref="ChartFigure"/> reads <see cref="ChartPoint.At"/>.</summary>
public enum ChartAxis
{
    /// <summary>A number (an effect size, a series length).</summary>
    Number,
    /// <summary>A date, as an OLE automation date (<see cref="DateTime.ToOADate"/>).</summary>
    Date,
    /// <summary>The index of a label in <see cref="ChartFigure.Categories"/>, shown in that order.</summary>
    Category,
}

/// <summary>How a <see cref="ChartSeries"/> is drawn.</summary>
public enum ChartMark
{
    /// <summary>Markers, with their interval bars where the points have them.</summary>
    Points,
    /// <summary>A line through the points, with markers.</summary>
    LineAndPoints,
}

/// <summary>One point of a <see cref="ChartSeries"/>: a value at a position, optionally with an interval.</summary>
/// <param name="At">Position on the position axis (see <see cref="ChartAxis"/>).</param>
/// <param name="Value">The value.</param>
/// <param name="Lower">Lower end of the interval bar; none when null.</param>
/// <param name="Upper">Upper end of the interval bar; none when null.</param>
public sealed record ChartPoint(double At, double Value, double? Lower = null, double? Upper = null)
{
    /// <summary>Whether the point has an interval bar.</summary>
    public bool HasInterval => Lower is not null && Upper is not null;
}

/// <summary>A named series of a <see cref="ChartFigure"/>, in the shared palette's colour <see cref="Colour"/>.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="Mark">Points or a line.</param>
/// <param name="Points">The points.</param>
public sealed record ChartSeries(string Name, ChartMark Mark, IReadOnlyList<ChartPoint> Points)
{
    /// <summary>Index in the shared palette: 0 blue, 1 orange, 2 green...</summary>
    public int Colour { get; init; }

    /// <summary>Whether the series is the marked estimate among the others (the real interruption among placebos), drawn with larger markers.</summary>
    public bool Marked { get; init; }
}

/// <summary>A labelled dashed reference line across the plot.</summary>
/// <param name="At">Where: a value (<paramref name="OnPositionAxis"/> false) or a position.</param>
/// <param name="Label">The label drawn at the line.</param>
/// <param name="OnPositionAxis">True: the line crosses the position axis at <paramref name="At"/> (e.g. a date); false: the value axis (0, 0.8, a critical value).</param>
public sealed record ChartReference(double At, string Label, bool OnPositionAxis = false)
{
    /// <summary>Index in the shared palette, to tie the line to a series of that colour; null for the reference grey.</summary>
    public int? Colour { get; init; }
}

/// <summary>
/// A chart of results other than a fitted series: points with optional interval bars and lines,
/// labelled reference lines, on a numeric, date or categorical position axis, vertical (positions
/// left to right) or horizontal (positions top to bottom, as a forest plot). The builders draw the
/// robustness results: <see cref="Placebo"/>, <see cref="Sensitivity"/>, <see cref="Power"/>,
/// <see cref="Breaks"/>. <see cref="PlotlyRenderer"/>-style and file renderings: <see cref="ChartRenderer"/>.
/// </summary>
public sealed record ChartFigure
{
    /// <summary>Title of the figure.</summary>
    public required string Title { get; init; }

    /// <summary>Label of the position axis.</summary>
    public required string PositionLabel { get; init; }

    /// <summary>How dates on a <see cref="ChartAxis.Date"/> axis are written (.NET format: <c>yyyy-MM</c>, <c>yyyy</c>).</summary>
    public string DateFormat { get; init; } = "yyyy-MM";

    /// <summary>Label of the value axis, with units.</summary>
    public required string ValueLabel { get; init; }

    /// <summary>How positions are read.</summary>
    public ChartAxis Axis { get; init; } = ChartAxis.Number;

    /// <summary>The labels of a <see cref="ChartAxis.Category"/> axis, in order.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Positions top to bottom and values left to right (a forest plot); else positions left to right.</summary>
    public bool Horizontal { get; init; }

    /// <summary>The series, in legend order (later ones drawn on top).</summary>
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>Reference lines.</summary>
    public IReadOnlyList<ChartReference> References { get; init; } = [];

    /// <summary>Fixed value-axis range (e.g. 0 to 1 for power); automatic when null.</summary>
    public (double Min, double Max)? ValueRange { get; init; }

    /// <summary>How a term is named in titles: <c>level1</c> is the level change, <c>slope2</c> the slope change at the second interruption.</summary>
    public static string TermName(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var m = Regex.Match(term, "^(level|slope)([0-9]+)$");
        if (!m.Success) return term;
        string name = m.Groups[1].Value + " change";
        return m.Groups[2].Value == "1" ? name : $"{name} at interruption {m.Groups[2].Value}";
    }

    private static bool IsInterruptionTerm(string term) => Regex.IsMatch(term, "^(level|slope)[0-9]+$");

    private static string DateFormatOf(Frequency frequency) => frequency == Frequency.Year ? "yyyy" : "yyyy-MM";

    private static double At(Period period) => ItsFigure.AxisDate(period).ToOADate();

    /// <summary>The interruption terms a placebo result has, in design order.</summary>
    public static IReadOnlyList<string> Terms(PlaceboResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Summary.Select(s => s.Term).ToArray();
    }

    /// <summary>
    /// The placebo test of one term: the estimate and 95% CI at every pseudo-date (blue), the real
    /// interruption's (orange, its own legend entry), a reference line at 0.
    /// </summary>
    /// <exception cref="ArgumentException">No fit has the term.</exception>
    public static ChartFigure Placebo(PlaceboResult result, string term)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(term);
        ChartPoint? Point(PlaceboFit f) => f.Effects.FirstOrDefault(c => c.Term == term) is { } c
            ? new ChartPoint(At(f.Interruption), c.Estimate, c.Ci.Lower, c.Ci.Upper) : null;
        var placebos = result.Fits.Where(f => !f.Real).Select(Point).OfType<ChartPoint>().ToArray();
        var real = result.Fits.Where(f => f.Real).Select(Point).OfType<ChartPoint>().ToArray();
        if (placebos.Length + real.Length == 0) throw new ArgumentException($"no placebo fit has the term {term}", nameof(term));
        var series = new List<ChartSeries> { new("pseudo-dates (95% CI)", ChartMark.Points, placebos) };
        if (real.Length > 0) series.Add(new ChartSeries($"real interruption {result.Real} (95% CI)", ChartMark.Points, real) { Colour = 1, Marked = true });
        string outcome = result.Spec?.Transform == OutcomeTransform.Log ? $"log({result.OutcomeName})" : result.OutcomeName;
        return new ChartFigure
        {
            Title = $"Placebo test of the {TermName(term)}: {outcome}",
            PositionLabel = "pseudo-interruption date",
            ValueLabel = $"{TermName(term)} (95% CI)",
            Axis = ChartAxis.Date,
            DateFormat = DateFormatOf(result.Real.Frequency),
            Series = series,
            References = [new ChartReference(0, "no effect")],
        };
    }

    /// <summary>The interruption terms of a sensitivity grid, in design order.</summary>
    public static IReadOnlyList<string> Terms(IReadOnlyList<SensitivityRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(r => r.Result).OfType<ItsResult>().SelectMany(r => r.Coefficients.Select(c => c.Term))
            .Where(IsInterruptionTerm).Distinct().ToArray();
    }

    /// <summary>
    /// The sensitivity grid of one term as a forest plot: one row per error model (and date when the
    /// grid has more than one), the estimate and 95% CI, a vertical line at 0; a row whose fit failed
    /// is labelled so and has no point.
    /// </summary>
    public static ChartFigure Sensitivity(IReadOnlyList<SensitivityRow> rows, string term)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(term);
        bool dates = rows.Select(r => r.Interruption).Distinct().Count() > 1;
        var labels = new List<string>();
        var points = new List<ChartPoint>();
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            string label = dates ? $"{r.Errors.Name} at {r.Interruption}" : r.Errors.Name;
            var c = r.Result?.Coefficients.FirstOrDefault(c => c.Term == term);
            if (c is not null) points.Add(new ChartPoint(i, c.Estimate, c.Ci.Lower, c.Ci.Upper));
            labels.Add(c is null ? label + " (not fitted)" : label);
        }
        var fitted = rows.Select(r => r.Result).OfType<ItsResult>().FirstOrDefault();
        string outcome = fitted is null ? "the outcome" : fitted.Spec.Transform == OutcomeTransform.Log ? $"log({fitted.OutcomeName})" : fitted.OutcomeName;
        return new ChartFigure
        {
            Title = $"Sensitivity of the {TermName(term)}: {outcome}",
            PositionLabel = dates ? "error model and interruption" : "error model",
            ValueLabel = $"{TermName(term)} (95% CI)",
            Axis = ChartAxis.Category,
            Categories = labels,
            Horizontal = true,
            Series = [new ChartSeries("estimate (95% CI)", ChartMark.Points, points)],
            References = [new ChartReference(0, "no effect")],
        };
    }

    /// <summary>
    /// A synthetic control's donor weights as a dot plot, the largest on top: every donor with a
    /// weight above <paramref name="threshold"/>, the number of the others in the title.
    /// </summary>
    /// <exception cref="ArgumentException">No weight is above the threshold.</exception>
    public static ChartFigure Weights(Synthetic.SynthResult fit, double threshold = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var shown = fit.Weights.Where(w => w.Value > threshold).OrderByDescending(w => w.Value).ToArray();
        if (shown.Length == 0) throw new ArgumentException($"no donor weight is above {threshold}", nameof(threshold));
        int rest = fit.Weights.Count - shown.Length;
        return new ChartFigure
        {
            Title = $"Donor weights of synthetic {fit.Treated}" + (rest > 0 ? $" ({rest} other donors weigh {threshold:0.###} or less)" : ""),
            PositionLabel = "donor",
            ValueLabel = "weight (the weights sum to 1)",
            Axis = ChartAxis.Category,
            Categories = shown.Select(w => w.Name).ToArray(),
            Horizontal = true,
            Series = [new ChartSeries("weight", ChartMark.Points, shown.Select((w, i) => new ChartPoint(i, w.Value)).ToArray())],
            References = [new ChartReference(0, "no weight")],
        };
    }

    /// <summary>
    /// The caterpillar plot of a multilevel fit: every unit's own value of one random term (its type's
    /// fixed effect plus its predicted deviation) with +-1.96 conditional SDs, units ordered by value,
    /// one colour per type, and the fixed effect of each type as a labelled reference line.
    /// </summary>
    /// <exception cref="ArgumentException">The term is not a random term of the fit.</exception>
    public static ChartFigure Caterpillar(MultilevelResult result, string term)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(term);
        int k = result.RandomTerms.ToList().IndexOf(term);
        if (k < 0) throw new ArgumentException($"{term} is not a random term of the fit (random terms: {string.Join(", ", result.RandomTerms)})", nameof(term));
        var order = result.Units.OrderBy(u => u.Effects[k].UnitValue).ToArray();
        var types = order.Select(u => u.Type).Distinct().ToArray();
        var series = types.Select((type, colour) => new ChartSeries(type is null ? "unit (+-1.96 conditional SD)" : $"{type} (+-1.96 conditional SD)", ChartMark.Points,
            order.Select((u, i) => (u, i)).Where(x => x.u.Type == type).Select(x =>
            {
                var e = x.u.Effects[k];
                return new ChartPoint(x.i, e.UnitValue, e.UnitValue - 1.96 * e.ConditionalSd, e.UnitValue + 1.96 * e.ConditionalSd);
            }).ToArray()) { Colour = colour }).ToArray();
        // Each type's fixed value of the term: the unit value less the unit's deviation.
        var references = types.Select(type =>
        {
            var unit = order.First(u => u.Type == type);
            double value = unit.Effects[k].UnitValue - unit.Effects[k].Deviation;
            return new ChartReference(value, type is null ? "fixed effect" : $"{type}: fixed effect") { Colour = Array.IndexOf(types, type) };
        }).ToArray();
        string outcome = result.Spec.Transform == OutcomeTransform.Log ? $"log({result.OutcomeName})" : result.OutcomeName;
        return new ChartFigure
        {
            Title = $"{TermName(term)} by unit: {outcome}",
            PositionLabel = "unit",
            ValueLabel = $"{TermName(term)} of the unit",
            Axis = ChartAxis.Category,
            Categories = order.Select(u => u.Unit).ToArray(),
            Horizontal = true,
            Series = series,
            References = references,
        };
    }

    /// <summary>
    /// The power curve of one term: power with its Monte Carlo 95% interval (power +/- 1.96 MC SE,
    /// within 0 and 1) against the term's true value, or against the series length when the
    /// results differ in length and not in effect; a reference line at 0.8.
    /// </summary>
    /// <exception cref="ArgumentException">No results.</exception>
    public static ChartFigure Power(IReadOnlyList<PowerResult> curve, string term)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(term);
        if (curve.Count == 0) throw new ArgumentException("a power curve needs at least one result", nameof(curve));
        bool byLength = curve.Select(r => r[term].TrueValue).Distinct().Count() == 1
            && curve.Select(r => r.Scenario.PeriodsBefore + r.Scenario.PeriodsAfter).Distinct().Count() > 1;
        var points = curve.Select(r =>
        {
            var t = r[term];
            double at = byLength ? r.Scenario.PeriodsBefore + r.Scenario.PeriodsAfter : t.TrueValue;
            return new ChartPoint(at, t.Power, Math.Max(0, t.Power - 1.96 * t.MonteCarloSe), Math.Min(1, t.Power + 1.96 * t.MonteCarloSe));
        }).OrderBy(p => p.At).ToArray();
        var s = curve[0].Scenario;
        string unit = Period.Describe(s.Frequency);
        string alpha = s.Alpha.ToString(CultureInfo.InvariantCulture);
        return new ChartFigure
        {
            Title = byLength
                ? $"Power for the {TermName(term)} by series length ({s.Errors.Name}, alpha {alpha})"
                : $"Power for the {TermName(term)} ({s.PeriodsBefore.ToString(CultureInfo.InvariantCulture)} + {s.PeriodsAfter.ToString(CultureInfo.InvariantCulture)} {unit}s, {s.Errors.Name}, alpha {alpha})",
            PositionLabel = byLength ? $"series length ({unit}s)" : $"true {TermName(term)}",
            ValueLabel = "power (Monte Carlo 95% interval)",
            Axis = ChartAxis.Number,
            Series = [new ChartSeries("power", ChartMark.LineAndPoints, points)],
            References = [new ChartReference(0.8, "power 0.8")],
            ValueRange = (0, 1),
        };
    }

    /// <summary>
    /// The sup-F search: the F statistic at every candidate break date, the 5% critical value of the
    /// sup F (Hansen's approximation) as a horizontal line, the chosen date marked (orange) and the
    /// pre-specified date as a vertical line.
    /// </summary>
    public static ChartFigure Breaks(BreakSearchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var references = new List<ChartReference>();
        if (result.Restrictions is >= 1 and <= SupFPValue.MaxRestrictions)
            references.Add(new ChartReference(CriticalValue(result.Restrictions, result.Lambda, 0.05), "5% critical value of sup F"));
        if (result.Prespecified is { } pre) references.Add(new ChartReference(At(pre.Period), $"pre-specified {pre.Period}", OnPositionAxis: true));
        string outcome = result.Spec.Transform == OutcomeTransform.Log ? $"log({result.OutcomeName})" : result.OutcomeName;
        return new ChartFigure
        {
            Title = $"Break-date search (sup F): {outcome}",
            PositionLabel = "candidate break date",
            ValueLabel = "F statistic",
            Axis = ChartAxis.Date,
            DateFormat = DateFormatOf(result.Frequency),
            Series =
            [
                new ChartSeries("F statistic", ChartMark.LineAndPoints, result.Candidates.Select(c => new ChartPoint(At(c.Period), c.F)).ToArray()),
                new ChartSeries($"sup F at {result.BreakPeriod}", ChartMark.Points, [new ChartPoint(At(result.BreakPeriod), result.SupF)]) { Colour = 1, Marked = true },
            ],
            References = references,
        };
    }

    /// <summary>The sup-F value whose Hansen (1997) p value is <paramref name="alpha"/>, by bisection.</summary>
    public static double CriticalValue(int restrictions, double lambda, double alpha)
    {
        double low = 0, high = 1;
        while (SupFPValue.Hansen(high, restrictions, lambda) > alpha && high < 1e6) high *= 2;
        for (int k = 0; k < 100; k++)
        {
            double mid = (low + high) / 2;
            if (SupFPValue.Hansen(mid, restrictions, lambda) > alpha) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }
}
