using System.Collections;
using MathNet.Numerics.Distributions;

namespace Its.Results;

/// <summary>A closed interval [Lower, Upper].</summary>
/// <param name="Lower">Lower end.</param>
/// <param name="Upper">Upper end.</param>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>Applies an increasing function to both ends.</summary>
    public Interval Map(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f(Lower), f(Upper));
    }
}

/// <summary>A quantity with its 95% confidence interval (e.g. a coefficient read as a percent change).</summary>
/// <param name="Value">The point estimate.</param>
/// <param name="Ci">Its 95% confidence interval.</param>
public readonly record struct IntervalEstimate(double Value, Interval Ci);

/// <summary>One row of a coefficient table, with t inference on <paramref name="Df"/> degrees of freedom, or z when it is null.</summary>
/// <param name="Term">Term name (<c>intercept</c>, <c>time</c>, <c>level1</c>, ...), or the linear combination for a contrast.</param>
/// <param name="Estimate">Coefficient.</param>
/// <param name="StdError">Standard error under the fit's error model.</param>
/// <param name="Statistic">t (or z) = estimate / standard error.</param>
/// <param name="Df">Degrees of freedom of the t distribution; null for Wald z inference.</param>
/// <param name="PValue">Two-sided p value.</param>
/// <param name="Ci">95% confidence interval, estimate +/- t(0.975, df) SE (or z(0.975) SE).</param>
public sealed record Coefficient(string Term, double Estimate, double StdError, double Statistic, double? Df, double PValue, Interval Ci)
{
    /// <summary>
    /// A t (or z) row from an estimate and its standard error: t = b / SE, two-sided p on
    /// <paramref name="df"/>, and b +/- <paramref name="critical"/> SE.
    /// </summary>
    internal static Coefficient TTest(string term, double estimate, double stdError, double df, double critical)
    {
        double t = estimate / stdError;
        return new Coefficient(term, estimate, stdError, t, df, 2 * StudentT.CDF(0, 1, df, -Math.Abs(t)),
            new Interval(estimate - critical * stdError, estimate + critical * stdError));
    }

    /// <summary>
    /// The two-sided confidence interval at <paramref name="level"/>: estimate +/- t((1 + level) / 2, df) SE,
    /// or the normal quantile when <see cref="Df"/> is null. At 0.95 it is <see cref="Ci"/>.
    /// </summary>
    /// <param name="level">Coverage, strictly between 0 and 1 (0.95 for a 95% interval).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not in (0, 1).</exception>
    public Interval ConfidenceInterval(double level)
    {
        double q = Df is { } df ? CriticalValue.T(df, level) : CriticalValue.Z(level);
        return new(Estimate - q * StdError, Estimate + q * StdError);
    }

    /// <summary>
    /// The coefficient of a log-scale model read as a percent change, 100 (exp(b) - 1), with the
    /// 95% CI mapped from <see cref="Ci"/> (exact, as the map is increasing).
    /// </summary>
    public IntervalEstimate PercentChange => LogScale.Percent(new IntervalEstimate(Estimate, Ci));

    /// <summary>The coefficient of a log-link count model read as a rate ratio, exp(b), with the 95% CI mapped from <see cref="Ci"/>.</summary>
    public IntervalEstimate RateRatio => new(Math.Exp(Estimate), Ci.Map(Math.Exp));
}

/// <summary>
/// A coefficient table: the rows in design order, read by position or by term. Single-series fits,
/// the pooled comparison model and each series of a batch share it.
/// </summary>
public sealed class CoefficientTable : IReadOnlyList<Coefficient>
{
    private readonly Coefficient[] _rows;

    /// <summary>A table of the given rows, in their order.</summary>
    /// <exception cref="ArgumentException">Two rows have the same term.</exception>
    public CoefficientTable(IEnumerable<Coefficient> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in _rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            if (!seen.Add(row.Term)) throw new ArgumentException($"the term {row.Term} appears twice", nameof(rows));
        }
    }

    /// <summary>Number of coefficients.</summary>
    public int Count => _rows.Length;

    /// <summary>The row at a position in design order.</summary>
    public Coefficient this[int index] => _rows[index];

    /// <summary>The row of a term.</summary>
    /// <exception cref="KeyNotFoundException">No such term.</exception>
    public Coefficient this[string term] =>
        IndexOf(term) is >= 0 and var j ? _rows[j] : throw new KeyNotFoundException($"no term {term} in the model (its terms: {string.Join(", ", Terms)})");

    /// <summary>The term names, in design order.</summary>
    public IEnumerable<string> Terms => _rows.Select(r => r.Term);

    /// <summary>Position of a term, or -1.</summary>
    public int IndexOf(string term)
    {
        for (int j = 0; j < _rows.Length; j++) if (_rows[j].Term == term) return j;
        return -1;
    }

    /// <summary>Whether the table has a row for the term.</summary>
    public bool Contains(string term) => IndexOf(term) >= 0;

    /// <inheritdoc />
    public IEnumerator<Coefficient> GetEnumerator() => ((IEnumerable<Coefficient>)_rows).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
