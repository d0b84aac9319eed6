using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// The segmented-regression design of a series under a spec, with the time coding of Stata
/// <c>itsa</c>: <c>time</c> = 0 at the first period; for interruption j at period T_j,
/// <c>level{j}</c> = 1 from T_j on and <c>slope{j}</c> = t - T_j from T_j on (0 at T_j).
/// A transfer-function impact has <c>pulse{j}</c> = 1 at T_j only, or <c>gradual{j}</c> and
/// <c>decay{j}</c> = <see cref="TransferFunction.Value"/> at the spec's rate; with an estimated rate
/// the design is the impact linearised at the estimate (delta-hat, omega-hat), with
/// <c>rate{j}</c> = omega-hat times the derivative in delta, as Gauss-Newton (R's <c>nls</c>) has it,
/// unless delta-hat lies at a bound of its range, where it is held fixed and there is no <c>rate{j}</c>.
/// Columns: intercept, time, interruption terms, seasonal terms, covariates.
/// </summary>
public sealed class Design
{
    private readonly TimeSeries _series;
    private readonly ItsSpec _spec;

    private Design(TimeSeries series, ItsSpec spec, RateEstimate? rate, IReadOnlyList<string> terms, Matrix<double> full, int[] fitRows, bool[] interruptionColumns, int[] time)
    {
        _series = series;
        _spec = spec;
        Rate = rate;
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

    /// <summary>The estimated rate the design is linearised at (or, at a bound, fixed at), or null (no rate, or a fixed one).</summary>
    public RateEstimate? Rate { get; }

    /// <summary>Index of a term, or -1.</summary>
    public int IndexOf(string term)
    {
        for (int j = 0; j < Terms.Count; j++) if (Terms[j] == term) return j;
        return -1;
    }

    /// <summary>The design row of any period, observed or not, as the series' time coding gives it.</summary>
    /// <param name="period">The period.</param>
    /// <param name="covariates">Covariate values for that period (by name), needed only when the period is not in the series.</param>
    public double[] Row(Period period, IReadOnlyDictionary<string, double>? covariates = null)
    {
        int index = IndexOfPeriod(_series, period);
        var values = new double[_spec.Covariates.Count];
        for (int c = 0; c < values.Length; c++)
        {
            string name = _spec.Covariates[c];
            values[c] = index >= 0 ? _series.Covariates[name][index]
                : covariates is not null && covariates.TryGetValue(name, out double v) ? v
                : throw new ItsException($"{period} has no row in the data, so covariate {name} has no value there");
        }
        return RowOf(_series.Periods[0], _spec, Rate, period, values);
    }

    /// <summary>Builds and checks the design.</summary>
    /// <param name="series">The series.</param>
    /// <param name="spec">The spec.</param>
    /// <param name="rate">Where to linearise an estimated rate; required when the spec estimates one, and only then.</param>
    /// <exception cref="ItsException">The spec does not fit the series (see the message).</exception>
    public static Design Build(TimeSeries series, ItsSpec spec, RateEstimate? rate = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        Check(series, spec);
        if (spec.EstimatesRate != rate is not null)
            throw new ArgumentException(rate is null ? "the spec estimates a rate: give the estimate to linearise at" : "the spec has no rate to estimate", nameof(rate));
        bool rateColumn = rate is { AtBound: false };
        var terms = TermNames(spec, series.Frequency, rateColumn);
        int n = series.Count, k = terms.Count;
        var full = Matrix<double>.Build.Dense(n, k);
        var time = new int[n];
        var cov = new double[spec.Covariates.Count];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < cov.Length; c++) cov[c] = series.Covariates[spec.Covariates[c]][i];
            full.SetRow(i, RowOf(series.Periods[0], spec, rate, series.Periods[i], cov));
            time[i] = series.Periods[i].PeriodsSince(series.Periods[0]);
        }
        var start = series.Periods[0];
        var fitRows = Enumerable.Range(0, n).Where(i => !InTransition(spec, start, time[i])).ToArray();
        // Columns 2 .. 2 + m - 1 are the m interruption terms, in the order TermNames adds them.
        int interruptionTerms = InterruptionTerms(spec).Count + (rateColumn ? 1 : 0);
        var interruption = Enumerable.Range(0, k).Select(j => j >= 2 && j < 2 + interruptionTerms).ToArray();
        return new Design(series, spec, rate, terms, full, fitRows, interruption, time);
    }

    private static bool InTransition(ItsSpec spec, Period start, int t) =>
        spec.Interruptions.Any(p => { int tj = p.PeriodsSince(start); return t >= tj && t < tj + spec.TransitionPeriods; });

    /// <summary>The interruption terms of a spec's design, in design order (<c>level1</c>, <c>slope1</c>, <c>level2</c>, ...).</summary>
    internal static IReadOnlyList<string> InterruptionTerms(ItsSpec spec)
    {
        var terms = new List<string>();
        for (int j = 1; j <= spec.Interruptions.Count; j++)
            switch (spec.Impact)
            {
                case Impact.LevelAndSlope: terms.Add($"level{j}"); terms.Add($"slope{j}"); break;
                case Impact.Level: terms.Add($"level{j}"); break;
                case Impact.Slope: terms.Add($"slope{j}"); break;
                case Impact.Pulse: terms.Add($"pulse{j}"); break;
                default: terms.Add($"{spec.Impact.Name()}{j}"); break;
            }
        return terms;
    }

    /// <summary>The name of the linearised rate column of an estimated rate (one interruption only).</summary>
    internal const string RateTerm = "rate1";

    internal static List<string> TermNames(ItsSpec spec, Frequency frequency, bool rateColumn = false)
    {
        var terms = new List<string> { "intercept", "time" };
        terms.AddRange(InterruptionTerms(spec));
        if (rateColumn) terms.Add(RateTerm);
        terms.AddRange(spec.Seasonality.Terms(frequency));
        terms.AddRange(spec.Covariates);
        return terms;
    }

    private static double[] RowOf(Period start, ItsSpec spec, RateEstimate? rate, Period period, double[] covariates)
    {
        var row = new List<double> { 1.0, period.PeriodsSince(start) };
        int t = period.PeriodsSince(start);
        foreach (var interruption in spec.Interruptions)
        {
            int k = t - interruption.PeriodsSince(start);
            switch (spec.Impact)
            {
                case Impact.LevelAndSlope: row.Add(k >= 0 ? 1 : 0); row.Add(Math.Max(k, 0)); break;
                case Impact.Level: row.Add(k >= 0 ? 1 : 0); break;
                case Impact.Slope: row.Add(Math.Max(k, 0)); break;
                case Impact.Pulse: row.Add(k == 0 ? 1 : 0); break;
                default:
                    double delta = rate?.Rate ?? spec.Rate!.Value;
                    row.Add(TransferFunction.Value(spec.Impact, delta, k));
                    if (rate is { AtBound: false }) row.Add(rate.Omega * TransferFunction.RateDerivative(spec.Impact, delta, k));
                    break;
            }
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

    /// <summary>Refuses a spec that does not fit the series (see the messages).</summary>
    internal static void Check(TimeSeries series, ItsSpec spec)
    {
        if (spec.Interruptions.Count == 0) throw new ItsException("no interruption given");
        if (spec.TransitionPeriods < 0) throw new ItsException("the number of transition periods must be >= 0");
        if (spec.Rate is { } r && (!spec.Impact.HasRate() || !(r >= 0 && r < 1)))
            throw new ItsException(spec.Impact.HasRate()
                ? $"the rate of a {spec.Impact.Name()} impact must lie from 0 up to (not including) 1, not {r:G6}"
                : $"a rate goes with a gradual or decay impact, not {spec.Impact.Name()}");
        if (spec.EstimatesRate && spec.Interruptions.Count > 1)
            throw new ItsException($"an estimated {spec.Impact.Name()} rate needs one interruption, not {spec.Interruptions.Count}: fix the rate ({spec.Impact.Name()}:0.5) to fit several");
        if (spec.Impact == Impact.Pulse && spec.TransitionPeriods > 0)
            throw new ItsException("a pulse lasts the interruption period only, which the transition periods leave out of the fit: drop the transition or use another impact");
        var first = series.Periods[0];
        var last = series.Periods[^1];
        string unit = Period.Describe(series.Frequency);
        if (spec.Seasonality.Refusal(series.Frequency) is { } seasons) throw new ItsException(seasons);
        foreach (string c in spec.Covariates)
            if (!series.Covariates.ContainsKey(c)) throw new ItsException($"covariate {c} is not in the data");
        if (spec.Covariates.Distinct(StringComparer.Ordinal).Count() != spec.Covariates.Count)
            throw new ItsException("a covariate is named twice");
        var generated = TermNames(spec with { Covariates = [] }, series.Frequency, spec.EstimatesRate);
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
