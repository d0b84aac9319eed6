using Its.Batch;
using Its.Comparison;
using Its.Model;
using Its.Results;
using Its.Time;
using MathNet.Numerics.Statistics;

namespace Its.Robustness;

/// <summary>Which periods a placebo test moves the interruption to.</summary>
public enum PlaceboWindow
{
    /// <summary>
    /// Every admissible period of the whole series, the real date among them: the real effect
    /// should stand out (rank near 1), though dates close to it pick part of it up.
    /// </summary>
    WholeSeries,

    /// <summary>
    /// Only the periods before the real interruption, fitted on those periods alone: there is no
    /// effect to find, so about 5% of the pseudo-effects should be significant at 5%.
    /// </summary>
    PreInterruption,
}

/// <summary>The fit with the interruption moved to one period.</summary>
/// <param name="Interruption">The (pseudo-)interruption.</param>
/// <param name="Real">Whether it is the real date.</param>
/// <param name="Effects">The interruption terms of the fit (<c>level1</c>, <c>slope1</c>, as the impact has them).</param>
public sealed record PlaceboFit(Period Interruption, bool Real, IReadOnlyList<Coefficient> Effects);

/// <summary>The distribution of one interruption term's pseudo-effects.</summary>
/// <param name="Term"><c>level1</c> or <c>slope1</c>.</param>
/// <param name="Placebos">Number of pseudo-dates fitted (the real one not counted).</param>
/// <param name="ShareSignificant">Share of pseudo-effects with p &lt; 0.05.</param>
/// <param name="Quantiles">Minimum, 25%, median, 75% and maximum of the pseudo-effects (R's default type 7).</param>
/// <param name="Real">The real date's estimate, or null for <see cref="PlaceboWindow.PreInterruption"/>.</param>
/// <param name="Rank">Rank of the real |t| among all dates fitted (1 = the most extreme), or null.</param>
/// <param name="RankPValue">Rank / dates fitted: the share of dates at least as extreme as the real one, or null.</param>
public sealed record PlaceboSummary(string Term, int Placebos, double ShareSignificant, IReadOnlyList<double> Quantiles, Coefficient? Real, int? Rank, double? RankPValue);

/// <summary>A placebo test in time.</summary>
/// <param name="Real">The real interruption.</param>
/// <param name="Window">Which periods were tried.</param>
/// <param name="MinimumEachSide">Fitted periods required on each side of a pseudo-date.</param>
/// <param name="Fits">Every date fitted, in time order.</param>
/// <param name="Summary">One summary per interruption term.</param>
/// <param name="Failures">Dates whose fit failed, with the reason.</param>
public sealed record PlaceboResult(Period Real, PlaceboWindow Window, int MinimumEachSide, IReadOnlyList<PlaceboFit> Fits, IReadOnlyList<PlaceboSummary> Summary, IReadOnlyList<string> Failures)
{
    /// <summary>
    /// Whether the real date itself has the minimum of fitted periods on each side; when it has not
    /// (whole-series window), its estimate rests on fewer periods than the pseudo-dates' and its rank says less.
    /// </summary>
    public bool RealAdmissible { get; init; }

    /// <summary>The model whose interruption was moved (for reading its coefficients in reports).</summary>
    public ItsSpec? Spec { get; init; }

    /// <summary>The outcome's name.</summary>
    public string OutcomeName { get; init; } = "y";
}

/// <summary>
/// Placebo interruption dates: the model refitted with its interruption moved to every admissible
/// period, giving the distribution of pseudo-effects against which the real effect is judged.
/// </summary>
public static class PlaceboTest
{
    /// <summary>The default number of fitted periods on each side of a pseudo-date.</summary>
    public const int DefaultMinimumEachSide = 12;

    /// <summary>Fits every admissible pseudo-date.</summary>
    /// <param name="series">The series.</param>
    /// <param name="spec">The model, with exactly one interruption (the real date).</param>
    /// <param name="minimumEachSide">Periods required before a pseudo-date and from it on (3 or more).</param>
    /// <param name="window">The whole series, or the pre-interruption periods only.</param>
    /// <exception cref="ItsException">Several interruptions, too short a series for any pseudo-date, or the real fit fails.</exception>
    public static PlaceboResult Run(TimeSeries series, ItsSpec spec, int minimumEachSide = DefaultMinimumEachSide, PlaceboWindow window = PlaceboWindow.WholeSeries)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Interruptions.Count != 1)
            throw new ItsException($"a placebo test moves one interruption, but the model has {spec.Interruptions.Count}");
        if (minimumEachSide < 3) throw new ItsException($"each side of a pseudo-date needs at least 3 periods, not {minimumEachSide}");
        _ = new ItsModel(series, spec); // the real model must be valid before any date is moved
        var real = spec.Interruptions[0];
        var data = window == PlaceboWindow.WholeSeries ? series : Before(series, real);
        string unit = Period.Describe(series.Frequency);
        // Fitted periods on each side: transition periods after a date are not fitted.
        bool Admissible(Period date) =>
            data.Periods.Count(p => p.CompareTo(date) < 0) >= minimumEachSide
            && data.Periods.Count(p => p.CompareTo(date.Add(spec.TransitionPeriods)) >= 0) >= minimumEachSide;
        var candidates = data.Periods.Where(Admissible).Where(p => window == PlaceboWindow.PreInterruption || p != real).ToList();
        if (window == PlaceboWindow.WholeSeries) candidates = [.. candidates.Append(real).Order()];
        if (candidates.Count(p => p != real || window == PlaceboWindow.PreInterruption) == 0)
            throw new ItsException($"no pseudo-date has {minimumEachSide} {unit}s on each side in the {data.Count} {unit}s {(window == PlaceboWindow.WholeSeries ? "of the series" : $"before {real}")}; lower the minimum");

        var terms = Design.InterruptionTerms(spec);
        // Only the interruption terms are kept: where the error model has a batch path, a date's fit
        // skips the diagnostics and effects a full fit computes.
        bool shared = SharedDesign.Supports(spec);
        var fits = new List<PlaceboFit>();
        var failures = new List<string>();
        foreach (var date in candidates)
        {
            try
            {
                var model = new ItsModel(data, spec with { Interruptions = [date], EffectsAt = [] });
                fits.Add(new PlaceboFit(date, window == PlaceboWindow.WholeSeries && date == real, shared ? SharedFit(model, terms) : FullFit(model, terms)));
            }
            catch (ItsException e) when (date != real || window == PlaceboWindow.PreInterruption)
            {
                failures.Add($"{date}: {e.Message}");
            }
        }
        var placebos = fits.Where(f => !f.Real).ToArray();
        if (placebos.Length == 0) throw new ItsException($"every pseudo-date failed to fit; the first: {failures[0]}");
        var summary = terms.Select((term, j) =>
        {
            var estimates = placebos.Select(f => f.Effects[j].Estimate).ToArray();
            double[] quantiles = [.. new[] { 0, 0.25, 0.5, 0.75, 1 }.Select(q => Statistics.QuantileCustom(estimates, q, QuantileDefinition.R7))];
            double significant = placebos.Count(f => f.Effects[j].PValue < 0.05) / (double)placebos.Length;
            var realFit = fits.FirstOrDefault(f => f.Real);
            if (realFit is null) return new PlaceboSummary(term, placebos.Length, significant, quantiles, null, null, null);
            double observed = Math.Abs(realFit.Effects[j].Statistic);
            int rank = fits.Count(f => Math.Abs(f.Effects[j].Statistic) >= observed);
            return new PlaceboSummary(term, placebos.Length, significant, quantiles, realFit.Effects[j], rank, rank / (double)fits.Count);
        }).ToArray();
        return new PlaceboResult(real, window, minimumEachSide, fits, summary, failures) { RealAdmissible = window == PlaceboWindow.WholeSeries && Admissible(real), Spec = spec, OutcomeName = series.OutcomeName };
    }

    private static Coefficient[] FullFit(ItsModel model, IReadOnlyList<string> terms)
    {
        var result = model.Fit();
        return terms.Select(t => result[t]).ToArray();
    }

    // The batch path on one series: the same coefficients as Fit, and its exception message as the note of a refused fit.
    private static Coefficient[] SharedFit(ItsModel model, IReadOnlyList<string> terms)
    {
        var fit = new SharedDesign(model.X, model.Design.Terms, model.Spec.Errors).Fit(model.Outcome.ToArray());
        if (fit.Status(0) != UnitStatus.Ok) throw new ItsException(fit.Note(0)!);
        return terms.Select(t => fit.Coefficient(0, fit.IndexOf(t))).ToArray();
    }

    private static TimeSeries Before(TimeSeries series, Period real)
    {
        int n = series.Periods.Count(p => p.CompareTo(real) < 0);
        return new TimeSeries(series.Periods.Take(n).ToArray(), series.Outcome.Take(n).ToArray(),
            series.Covariates.ToDictionary(c => c.Key, c => c.Value.Take(n).ToArray()), series.OutcomeName);
    }
}
