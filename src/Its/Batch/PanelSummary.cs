using Its.Results;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Its.Batch;

/// <summary>An inverse-variance pooled estimate across units, with its 95% CI (normal).</summary>
/// <param name="Estimate">sum w_i b_i / sum w_i.</param>
/// <param name="StdError">1 / sqrt(sum w_i).</param>
/// <param name="Ci">Estimate +/- z(0.975) SE.</param>
public sealed record PooledEstimate(double Estimate, double StdError, Interval Ci);

/// <summary>
/// The distribution of one interruption term across the fitted units of a panel, and its
/// meta-analysis: the fixed-effect (inverse-variance) and DerSimonian-Laird random-effects pooled
/// estimates, as R <c>metafor::rma(yi, sei = se, method = "FE")</c> and <c>method = "DL"</c>.
/// </summary>
/// <param name="Term">The term (<c>level1</c>, <c>slope1</c>, ...).</param>
/// <param name="Units">Units fitted.</param>
/// <param name="Mean">Mean of the unit estimates.</param>
/// <param name="Sd">Their standard deviation (n - 1); null for one unit.</param>
/// <param name="Quantiles">Quantiles of the unit estimates at <see cref="PanelSummary.Probabilities"/> (R type 7).</param>
/// <param name="ShareSignificant">Share of units with a two-sided p value below 0.05.</param>
/// <param name="ShareSignificantPositive">Share with p &lt; 0.05 and a positive estimate.</param>
/// <param name="ShareSignificantNegative">Share with p &lt; 0.05 and a negative estimate.</param>
/// <param name="FixedEffect">Inverse-variance pooled estimate.</param>
/// <param name="RandomEffects">DerSimonian-Laird pooled estimate; null for one unit.</param>
/// <param name="Tau2">DerSimonian-Laird between-unit variance; null for one unit.</param>
/// <param name="Q">Cochran's Q heterogeneity statistic.</param>
/// <param name="I2">I^2 = max(0, (Q - df) / Q), in percent; null for one unit.</param>
public sealed record TermDistribution(string Term, int Units, double Mean, double? Sd, IReadOnlyList<double> Quantiles,
    double ShareSignificant, double ShareSignificantPositive, double ShareSignificantNegative,
    PooledEstimate FixedEffect, PooledEstimate? RandomEffects, double? Tau2, double Q, double? I2);

/// <summary>One row of a forest plot: a unit's estimate of a term with its 95% CI.</summary>
/// <param name="Id">The unit.</param>
/// <param name="Term">The term.</param>
/// <param name="Estimate">The estimate.</param>
/// <param name="Ci">Its 95% CI (t on the unit's df).</param>
public sealed record ForestRow(string Id, string Term, double Estimate, Interval Ci);

/// <summary>
/// Accumulates the fits of a panel, batch after batch: unit counts by status, the distribution of
/// each interruption term across the fitted units, and the first units' rows for a forest plot.
/// Memory grows by 16 bytes per fitted unit and term (the estimates and standard errors that the
/// quantiles and the random-effects estimate need), nothing else; <see cref="Distributions"/>
/// takes as much again for one term while it runs.
/// </summary>
public sealed class PanelSummary
{
    /// <summary>The quantile probabilities of <see cref="TermDistribution.Quantiles"/>.</summary>
    public static IReadOnlyList<double> Probabilities { get; } = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

    private readonly string[] _terms;
    private readonly Column[] _estimates, _stdErrors;
    private readonly int[] _significant, _positive, _negative;
    private readonly int[] _statusCounts = new int[Enum.GetValues<UnitStatus>().Length];
    private readonly List<ForestRow> _forest = [];
    private readonly int _forestUnits;
    private int _forestUnitsTaken;

    /// <summary>Starts an empty summary.</summary>
    /// <param name="terms">The terms to summarise (usually the interruption terms).</param>
    /// <param name="forestUnits">How many fitted units, in order, give forest-plot rows.</param>
    public PanelSummary(IReadOnlyList<string> terms, int forestUnits = 30)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentOutOfRangeException.ThrowIfNegative(forestUnits);
        _terms = terms.ToArray();
        _estimates = _terms.Select(_ => new Column()).ToArray();
        _stdErrors = _terms.Select(_ => new Column()).ToArray();
        _significant = new int[_terms.Length];
        _positive = new int[_terms.Length];
        _negative = new int[_terms.Length];
        _forestUnits = forestUnits;
    }

    /// <summary>Units seen.</summary>
    public int Units => _statusCounts.Sum();

    /// <summary>Units with each status.</summary>
    public IReadOnlyDictionary<UnitStatus, int> StatusCounts =>
        Enum.GetValues<UnitStatus>().ToDictionary(s => s, s => _statusCounts[(int)s]);

    /// <summary>Forest-plot rows of the first fitted units, each term in turn.</summary>
    public IReadOnlyList<ForestRow> Forest => _forest;

    /// <summary>Adds a batch.</summary>
    /// <param name="ids">The batch's unit ids, in the result's order.</param>
    /// <param name="result">The batch's fits.</param>
    public void Add(IReadOnlyList<string> ids, BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(result);
        var columns = _terms.Select(t => result.IndexOf(t) is >= 0 and var j ? j : throw new ArgumentException($"the batch has no term {t}", nameof(result))).ToArray();
        var coefficients = new Coefficient[_terms.Length];
        for (int i = 0; i < result.Count; i++)
        {
            if (result.Status(i) == UnitStatus.Ok)
                for (int k = 0; k < _terms.Length; k++) coefficients[k] = result.Coefficient(i, columns[k]);
            Add(ids[i], result.Status(i), coefficients);
        }
    }

    /// <summary>Adds one unit, as a results file gives it back.</summary>
    /// <param name="id">The unit.</param>
    /// <param name="status">Its status.</param>
    /// <param name="coefficients">When it was fitted (<see cref="UnitStatus.Ok"/>), its coefficient of each of the summary's terms, in their order; else not read.</param>
    public void Add(string id, UnitStatus status, IReadOnlyList<Coefficient> coefficients)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(coefficients);
        _statusCounts[(int)status]++;
        if (status != UnitStatus.Ok) return;
        if (coefficients.Count != _terms.Length) throw new ArgumentException($"{coefficients.Count} coefficients for {_terms.Length} terms", nameof(coefficients));
        bool forest = _forestUnitsTaken < _forestUnits;
        if (forest) _forestUnitsTaken++;
        for (int k = 0; k < _terms.Length; k++)
        {
            var c = coefficients[k];
            if (c.Term != _terms[k]) throw new ArgumentException($"coefficient {k + 1} is of {c.Term}, not {_terms[k]}", nameof(coefficients));
            _estimates[k].Add(c.Estimate);
            _stdErrors[k].Add(c.StdError);
            if (c.PValue < 0.05)
            {
                _significant[k]++;
                if (c.Estimate > 0) _positive[k]++;
                else if (c.Estimate < 0) _negative[k]++;
            }
            if (forest) _forest.Add(new ForestRow(id, c.Term, c.Estimate, c.Ci));
        }
    }

    /// <summary>
    /// The distribution of each term across the fitted units; empty when none was fitted. The
    /// units are taken in order of estimate (then standard error), so the sums are the same, to the
    /// last bit, whatever order the units came in: the summary of parts merged is that of the whole.
    /// </summary>
    public IReadOnlyList<TermDistribution> Distributions()
    {
        var list = new List<TermDistribution>();
        for (int k = 0; k < _terms.Length; k++)
        {
            var b = _estimates[k].ToArray();
            var se = _stdErrors[k].ToArray();
            int n = b.Length;
            if (n == 0) continue;
            Sort(b, se);
            var (fixedEffect, randomEffects, tau2, q, i2) = MetaAnalysis(b, se);
            list.Add(new TermDistribution(_terms[k], n, b.Mean(), n > 1 ? b.StandardDeviation() : null,
                Probabilities.Select(p => SortedArrayStatistics.QuantileCustom(b, p, QuantileDefinition.R7)).ToArray(),
                _significant[k] / (double)n, _positive[k] / (double)n, _negative[k] / (double)n, fixedEffect, randomEffects, tau2, q, i2));
        }
        return list;
    }

    // Sorts the estimates, carrying their standard errors, and ties (-0 before 0) by standard error:
    // one order for any arrival order.
    private static void Sort(double[] b, double[] se)
    {
        Array.Sort(b, se);
        for (int start = 0, end; start < b.Length; start = end)
        {
            for (end = start + 1; end < b.Length && b[end] == b[start]; end++) { }
            if (end - start < 2) continue;
            var tied = Enumerable.Range(start, end - start).Select(i => (Estimate: b[i], StdError: se[i]))
                .OrderBy(t => double.IsNegative(t.Estimate) ? 0 : 1).ThenBy(t => t.StdError).ToArray();
            for (int i = 0; i < tied.Length; i++) (b[start + i], se[start + i]) = tied[i];
        }
    }

    // Values kept in blocks of 64K (512 KiB): growing by a block, never by copying all it holds
    // into an array twice the size, so ten million units cost 80 MB a column, not up to 240.
    private sealed class Column
    {
        private const int Block = 1 << 16;
        private readonly List<double[]> _blocks = [];
        private int _count;

        public void Add(double value)
        {
            if (_count % Block == 0) _blocks.Add(new double[Block]);
            _blocks[^1][_count++ % Block] = value;
        }

        public double[] ToArray()
        {
            var all = new double[_count];
            for (int i = 0, done = 0; done < _count; i++, done += Block)
                _blocks[i].AsSpan(0, Math.Min(Block, _count - done)).CopyTo(all.AsSpan(done));
            return all;
        }
    }

    // Inverse-variance fixed effect and DerSimonian and Laird (1986) random effects: tau^2 =
    // max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w)), Q = sum w (b - b_FE)^2 (metafor rma, method DL).
    internal static (PooledEstimate Fixed, PooledEstimate? Random, double? Tau2, double Q, double? I2) MetaAnalysis(double[] b, double[] se)
    {
        double z = Normal.InvCDF(0, 1, 0.975);
        PooledEstimate Pool(Func<int, double> weight)
        {
            double sw = 0, swb = 0;
            for (int i = 0; i < b.Length; i++) { double w = weight(i); sw += w; swb += w * b[i]; }
            double est = swb / sw, s = 1 / Math.Sqrt(sw);
            return new PooledEstimate(est, s, new Interval(est - z * s, est + z * s));
        }
        var fe = Pool(i => 1 / (se[i] * se[i]));
        double q = 0, sumW = 0, sumW2 = 0;
        for (int i = 0; i < b.Length; i++)
        {
            double w = 1 / (se[i] * se[i]);
            q += w * (b[i] - fe.Estimate) * (b[i] - fe.Estimate);
            sumW += w;
            sumW2 += w * w;
        }
        if (b.Length < 2) return (fe, null, null, q, null);
        int df = b.Length - 1;
        double tau2 = Math.Max(0, (q - df) / (sumW - sumW2 / sumW));
        var re = Pool(i => 1 / (se[i] * se[i] + tau2));
        return (fe, re, tau2, q, q > 0 ? 100 * Math.Max(0, (q - df) / q) : 0);
    }
}
