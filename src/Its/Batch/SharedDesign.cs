using System.Numerics.Tensors;
using Its.Estimation;
using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Batch;

/// <summary>
/// One design fitted to many outcome series. The design is decomposed once (Householder QR, as
/// <see cref="LeastSquares"/>), so the least-squares coefficients of a series are b = X+ y with
/// X+ = R^-1 Q' shared by all, as R's <c>lm</c> with a matrix response; the standard errors follow
/// the single-series estimators of <see cref="ItsModel"/> exactly: each error model with a batch path
/// (<c>ols</c>, <c>hc0</c>..<c>hc3</c>, <c>newey:L</c>, <c>prais</c>, <c>cochrane-orcutt</c>) brings
/// its own computation on the shared pieces (<see cref="BatchErrors"/>).
/// </summary>
public sealed class SharedDesign
{
    private readonly BatchErrors _errors;

    /// <summary>Decomposes the design and checks it.</summary>
    /// <param name="x">The design, n x k with n &gt; k.</param>
    /// <param name="terms">Column names.</param>
    /// <param name="errors">The error model; see <see cref="Supports(ErrorModel)"/>.</param>
    /// <param name="blocks">Lengths of consecutive blocks of rows within which Newey-West lags run (a stacked panel); null for one series.</param>
    /// <exception cref="ItsException">The design is singular or has no more rows than columns.</exception>
    /// <exception cref="ArgumentException">The error model is not one of <see cref="Supports(ErrorModel)"/>, or the blocks do not sum to n.</exception>
    public SharedDesign(Matrix<double> x, IReadOnlyList<string> terms, ErrorModel errors, IReadOnlyList<int>? blocks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(errors);
        if (BatchPath(errors) is not { } path) throw new ArgumentException($"error model {errors.Name} has no batch path", nameof(errors));
        if (blocks is not null && (blocks.Sum() != x.RowCount || blocks.Any(b => b < 1)))
            throw new ArgumentException("block lengths must be positive and sum to the number of rows", nameof(blocks));
        var ls = new LeastSquares(x, Vector<double>.Build.Dense(x.RowCount, 1.0), terms); // checks rank and n > k
        Terms = terms.ToArray();
        Errors = errors;
        N = x.RowCount;
        K = x.ColumnCount;
        Blocks = blocks?.ToArray() ?? [N];
        Columns = Enumerable.Range(0, K).Select(j => x.Column(j).ToArray()).ToArray();
        var pinv = ls.PseudoInverse();
        PseudoInverse = Enumerable.Range(0, K).Select(j => pinv.Row(j).ToArray()).ToArray();
        var unscaled = ls.UnscaledCovariance;
        UnscaledDiagonal = Enumerable.Range(0, K).Select(j => unscaled[j, j]).ToArray();
        Lag = errors.Covariance is NeweyWestCovariance { Lag: FixedLag lag } ? lag.Lag : null;
        _errors = path(this, ls);
    }

    /// <summary>Whether an error model has a batch path: ols, hc0..hc3, newey:L without prewhitening, prais and cochrane-orcutt.</summary>
    public static bool Supports(ErrorModel errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return BatchPath(errors) is not null;
    }

    private static Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath(ErrorModel errors) => errors.Process.BatchPath(errors.Covariance);

    /// <summary>Whether a spec's fits have a batch path: a Gaussian family and an error model of <see cref="Supports(ErrorModel)"/>.</summary>
    public static bool Supports(ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Family == Family.Gaussian && Supports(spec.Errors);
    }

    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The error model.</summary>
    public ErrorModel Errors { get; }

    /// <summary>Rows of the design (observations of every series).</summary>
    public int N { get; }

    /// <summary>Columns of the design.</summary>
    public int K { get; }

    /// <summary>The Newey-West truncation lag, or null.</summary>
    public int? Lag { get; }

    /// <summary>X by column, k arrays of n.</summary>
    internal double[][] Columns { get; }

    /// <summary>X+ = R^-1 Q' by row, k arrays of n.</summary>
    internal double[][] PseudoInverse { get; }

    /// <summary>diag((X'X)^-1).</summary>
    internal double[] UnscaledDiagonal { get; }

    /// <summary>Lengths of the blocks of rows within which lags run; one block of n for one series.</summary>
    internal IReadOnlyList<int> Blocks { get; }

    /// <summary>
    /// Fits every series of <paramref name="outcomes"/> (series-major: series i is values
    /// [i n, (i + 1) n)) on all cores, or on <paramref name="maxDegreeOfParallelism"/> of them.
    /// </summary>
    public BatchResult Fit(ReadOnlyMemory<double> outcomes, int maxDegreeOfParallelism = -1)
    {
        if (outcomes.Length % N != 0) throw new ArgumentException($"the outcomes are not a whole number of series of {N} values", nameof(outcomes));
        int count = outcomes.Length / N;
        var result = new BatchResult(Terms, count);
        ForEachRange(count, maxDegreeOfParallelism, (from, to) =>
        {
            var work = new Workspace(this);
            for (int i = from; i < to; i++) Fit(outcomes.Span.Slice(i * N, N), result, i, work);
        });
        return result;
    }

    /// <summary>Runs body over consecutive ranges of [0, count) on the thread pool; ranges are large enough to amortise a workspace.</summary>
    internal static void ForEachRange(int count, int maxDegreeOfParallelism, Action<int, int> body)
    {
        if (maxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be -1 or positive");
        int workers = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        int size = Math.Max(64, count / (8 * workers) + 1);
        if (count <= size || workers == 1) { body(0, count); return; }
        Parallel.For(0, (count + size - 1) / size, new ParallelOptions { MaxDegreeOfParallelism = workers },
            r => body(r * size, Math.Min(count, (r + 1) * size)));
    }

    /// <summary>Per-thread scratch space, so that fitting a series allocates nothing.</summary>
    internal sealed class Workspace(SharedDesign d)
    {
        public readonly double[] Residuals = new double[d.N];
        public readonly double[] Scaled = new double[d.N];
        public readonly double[] Coefficients = new double[d.K];
        public readonly double[] Qr = new double[(d.K + 1) * d.N];
        public readonly double[] Diagonal = new double[d.K];
        public readonly double[] Norms = new double[d.K];
        public readonly double[] Inverse = new double[d.K * d.K];
    }

    /// <summary>Fits one series (already transformed) into row <paramref name="unit"/> of the result.</summary>
    internal void Fit(ReadOnlySpan<double> y, BatchResult result, int unit, Workspace work)
    {
        var b = work.Coefficients;
        var e = work.Residuals;
        foreach (double v in y)
            if (!double.IsFinite(v)) { result.Fail(unit, UnitStatus.Invalid, "the outcome has a value that is not a finite number"); return; }
        for (int j = 0; j < K; j++) b[j] = TensorPrimitives.Dot(PseudoInverse[j], y);
        double rss = Residualise(y, b, e);
        if (!double.IsFinite(rss)) { result.Fail(unit, UnitStatus.Failed, Thresholds.ResidualSumOfSquaresOverflows); return; }
        if (LeastSquares.IsExactFit(y, rss)) { result.Fail(unit, UnitStatus.Constant, Thresholds.ExactFit); return; }
        var se = result.StdErrorRow(unit);
        var fit = new BatchFit(N, N - K, Math.Sqrt(rss / (N - K)));
        if (!_errors.Variances(y, rss, se, result, unit, work, ref fit)) return;
        b.CopyTo(result.EstimateRow(unit));
        for (int j = 0; j < K; j++)
        {
            double v = se[j];
            if (!(v > 0) || !double.IsFinite(v))
            {
                result.Fail(unit, UnitStatus.Failed, double.IsInfinity(v)
                    ? Thresholds.VarianceOverflows(Terms[j])
                    : $"the standard error of {Terms[j]} is undefined under {Errors.Name} errors (variance {v:G6})");
                return;
            }
            se[j] = Math.Sqrt(v);
        }
        result.Succeed(unit, fit.N, fit.Df, fit.Sigma);
    }

    /// <summary>e = y - X b; returns the residual sum of squares.</summary>
    internal double Residualise(ReadOnlySpan<double> y, double[] b, double[] e)
    {
        y.CopyTo(e);
        for (int j = 0; j < K; j++) TensorPrimitives.MultiplyAdd(Columns[j], -b[j], e, e);
        return TensorPrimitives.SumOfSquares<double>(e);
    }
}
