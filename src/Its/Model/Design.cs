using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// The segmented-regression design of a series under a spec, with the time coding of Stata
/// <c>itsa</c>: <c>time</c> = 0 at the first period; for interruption j at period T_j,
/// <c>level{j}</c> = 1 from T_j on and <c>slope{j}</c> = t - T_j from T_j on (0 at T_j).
/// Columns: intercept, time, interruption terms, seasonal terms, covariates.
/// </summary>
public sealed class Design
{
    private Design(IReadOnlyList<string> terms, Matrix<double> full, int[] fitRows, bool[] interruptionColumns, int[] time)
    {
        Terms = terms;
        Full = full;
        FitRows = fitRows;
        InterruptionColumns = interruptionColumns;
        Time = time;
    }

    /// <summary>Term names, one per column.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The design for every period of the series, including transition periods.</summary>
    public Matrix<double> Full { get; }

    /// <summary>Rows of <see cref="Full"/> that enter the fit (all but transition periods).</summary>
    public IReadOnlyList<int> FitRows { get; }

    /// <summary>True for the <c>level{j}</c> and <c>slope{j}</c> columns.</summary>
    public IReadOnlyList<bool> InterruptionColumns { get; }

    /// <summary>The <c>time</c> value of every period of the series.</summary>
    public IReadOnlyList<int> Time { get; }

    /// <summary>Index of a term, or -1.</summary>
    public int IndexOf(string term)
    {
        for (int j = 0; j < Terms.Count; j++) if (Terms[j] == term) return j;
        return -1;
    }

    /// <summary>The design row of any period, observed or not, as the series' time coding gives it.</summary>
    /// <param name="series">The series the design was built from.</param>
    /// <param name="spec">The spec the design was built from.</param>
    /// <param name="period">The period.</param>
    /// <param name="covariates">Covariate values for that period (by name), needed only when the period is not in the series.</param>
    public static double[] Row(TimeSeries series, ItsSpec spec, Period period, IReadOnlyDictionary<string, double>? covariates = null)
    {
        int index = IndexOfPeriod(series, period);
        var values = new double[spec.Covariates.Count];
        for (int c = 0; c < values.Length; c++)
        {
            string name = spec.Covariates[c];
            values[c] = index >= 0 ? series.Covariates[name][index]
                : covariates is not null && covariates.TryGetValue(name, out double v) ? v
                : throw new ItsException($"{period} has no row in the data, so covariate {name} has no value there");
        }
        return RowOf(series.Periods[0], spec, period, values);
    }

    /// <summary>Builds and checks the design.</summary>
    /// <exception cref="ItsException">The spec does not fit the series (see the message).</exception>
    public static Design Build(TimeSeries series, ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        Check(series, spec);
        var terms = TermNames(spec, series.Frequency);
        int n = series.Count, k = terms.Count;
        var full = Matrix<double>.Build.Dense(n, k);
        var time = new int[n];
        var cov = new double[spec.Covariates.Count];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < cov.Length; c++) cov[c] = series.Covariates[spec.Covariates[c]][i];
            full.SetRow(i, RowOf(series.Periods[0], spec, series.Periods[i], cov));
            time[i] = series.Periods[i].PeriodsSince(series.Periods[0]);
        }
        var start = series.Periods[0];
        var fitRows = Enumerable.Range(0, n).Where(i => !InTransition(spec, start, time[i])).ToArray();
        // Columns 2 .. 2 + m - 1 are the m interruption terms, in the order TermNames adds them.
        int interruptionTerms = spec.Interruptions.Count * (spec.Impact == Impact.LevelAndSlope ? 2 : 1);
        var interruption = Enumerable.Range(0, k).Select(j => j >= 2 && j < 2 + interruptionTerms).ToArray();
        return new Design(terms, full, fitRows, interruption, time);
    }

    private static bool InTransition(ItsSpec spec, Period start, int t) =>
        spec.Interruptions.Any(p => { int tj = p.PeriodsSince(start); return t >= tj && t < tj + spec.TransitionPeriods; });

    /// <summary>The interruption terms of a spec's design, in design order (<c>level1</c>, <c>slope1</c>, <c>level2</c>, ...).</summary>
    internal static IReadOnlyList<string> InterruptionTerms(ItsSpec spec)
    {
        var terms = new List<string>();
        for (int j = 1; j <= spec.Interruptions.Count; j++)
        {
            if (spec.Impact != Impact.Slope) terms.Add($"level{j}");
            if (spec.Impact != Impact.Level) terms.Add($"slope{j}");
        }
        return terms;
    }

    internal static List<string> TermNames(ItsSpec spec, Frequency frequency)
    {
        var terms = new List<string> { "intercept", "time" };
        terms.AddRange(InterruptionTerms(spec));
        terms.AddRange(spec.Seasonality.Terms(frequency));
        terms.AddRange(spec.Covariates);
        return terms;
    }

    private static double[] RowOf(Period start, ItsSpec spec, Period period, double[] covariates)
    {
        var row = new List<double> { 1.0, period.PeriodsSince(start) };
        int t = period.PeriodsSince(start);
        foreach (var interruption in spec.Interruptions)
        {
            int tj = interruption.PeriodsSince(start);
            if (spec.Impact != Impact.Slope) row.Add(t >= tj ? 1 : 0);
            if (spec.Impact != Impact.Level) row.Add(t >= tj ? t - tj : 0);
        }
        spec.Seasonality.AddValues(row, period);
        row.AddRange(covariates);
        return row.ToArray();
    }

    private static int IndexOfPeriod(TimeSeries series, Period period)
    {
        for (int i = 0; i < series.Count; i++) if (series.Periods[i] == period) return i;
        return -1;
    }

    private static void Check(TimeSeries series, ItsSpec spec)
    {
        if (spec.Interruptions.Count == 0) throw new ItsException("no interruption given");
        if (spec.TransitionPeriods < 0) throw new ItsException("the number of transition periods must be >= 0");
        var first = series.Periods[0];
        var last = series.Periods[^1];
        string unit = Period.Describe(series.Frequency);
        if (spec.Seasonality.Refusal(series.Frequency) is { } seasons) throw new ItsException(seasons);
        foreach (string c in spec.Covariates)
            if (!series.Covariates.ContainsKey(c)) throw new ItsException($"covariate {c} is not in the data");
        if (spec.Covariates.Distinct(StringComparer.Ordinal).Count() != spec.Covariates.Count)
            throw new ItsException("a covariate is named twice");
        var generated = TermNames(spec with { Covariates = [] }, series.Frequency);
        foreach (string c in spec.Covariates.Where(generated.Contains))
            throw new ItsException($"covariate {c} has the name of a model term; rename the column");
        if (spec.TransitionPeriods >= series.Count)
            throw new ItsException($"{spec.TransitionPeriods} transition periods is not less than the {series.Count} periods of the series");
        for (int j = 0; j < spec.Interruptions.Count; j++)
        {
            var p = spec.Interruptions[j];
            if (p.Frequency != series.Frequency)
                throw new ItsException($"interruption {p} is a {Period.Describe(p.Frequency)}, but the series is {Period.Adjective(series.Frequency)}");
            if (p.CompareTo(first) <= 0 || p.CompareTo(last) > 0)
                throw new ItsException($"interruption {p} is outside the series {first} to {last} (it must fall after the first {unit} and no later than the last)");
            if (j > 0 && p.CompareTo(spec.Interruptions[j - 1]) <= 0)
                throw new ItsException($"interruption {p} does not come after {spec.Interruptions[j - 1]}: give interruptions in increasing order");
        }
        // Each segment needs at least 3 fitted points so that its level and slope are estimable.
        const int minimum = 3;
        var times = series.Periods.Select(p => p.PeriodsSince(first)).Where(t => !InTransition(spec, first, t)).ToArray();
        var cuts = spec.Interruptions.Select(p => p.PeriodsSince(first)).ToArray();
        for (int j = 0; j <= cuts.Length; j++)
        {
            int lo = j == 0 ? int.MinValue : cuts[j - 1], hi = j == cuts.Length ? int.MaxValue : cuts[j];
            int count = times.Count(t => t >= lo && t < hi);
            if (count >= minimum) continue;
            string where = j == 0 ? $"before interruption {spec.Interruptions[0]}"
                : j == cuts.Length ? $"from interruption {spec.Interruptions[j - 1]} on"
                : $"between interruptions {spec.Interruptions[j - 1]} and {spec.Interruptions[j]}";
            throw new ItsException($"only {count} fitted {unit}(s) {where}: at least {minimum} are needed on each side of an interruption");
        }
    }
}
