using System.Numerics.Tensors;
using Its.Estimation;
using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Batch;

/// <summary>
/// One design fitted to many outcome series. The design is decomposed once (Householder QR, as
/// <see cref="LeastSquares"/>), so the least-squares coefficients of a series are b = X+ y with
/// X+ = R^-1 Q' shared by all, as R's <c>lm</c> with a matrix response; the standard errors follow
/// the single-series estimators of <see cref="ItsModel"/> exactly, each a sum over the columns of
/// X+ scaled by the series' residuals:
/// <list type="bullet">
/// <item><c>ols</c>: s^2 [(X'X)^-1]_jj.</item>
/// <item><c>hc0</c>..<c>hc3</c>: sum_t w_t (X+_jt e_t)^2 with the weights of <see cref="Sandwich.HeteroskedasticityConsistent"/>.</item>
/// <item><c>newey:L</c>: sum_t z_t^2 + 2 sum_l w_l sum_t z_t z_{t-l} with z_t = X+_jt e_t, Bartlett
/// weights and the n/(n-k) scaling of <see cref="Sandwich.NeweyWest"/>; lags run within blocks.</item>
/// <item><c>prais</c>, <c>cochrane-orcutt</c>: the iterations of <see cref="AutoregressiveFgls"/>,
/// each a small QR of the series' own quasi-differenced design.</item>
/// </list>
/// </summary>
public sealed class SharedDesign
{
    private readonly double[][] _columns;      // X by column, k arrays of n
    private readonly double[][] _pseudoInverse; // X+ by row, k arrays of n
    private readonly double[] _unscaledDiagonal;
    private readonly double[][]? _hcWeights;    // sqrt of the HC weight of each row, by coefficient: X+_jt sqrt(w_t)
    private readonly double[] _bartlett = [];
    private readonly int[] _blocks;

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
        if (!Supports(errors)) throw new ArgumentException($"error model {errors.Name} has no batch path", nameof(errors));
        if (blocks is not null && (blocks.Sum() != x.RowCount || blocks.Any(b => b < 1)))
            throw new ArgumentException("block lengths must be positive and sum to the number of rows", nameof(blocks));
        var ls = new LeastSquares(x, Vector<double>.Build.Dense(x.RowCount, 1.0), terms); // checks rank and n > k
        Terms = terms.ToArray();
        Errors = errors;
        N = x.RowCount;
        K = x.ColumnCount;
        _blocks = blocks?.ToArray() ?? [N];
        _columns = Enumerable.Range(0, K).Select(j => x.Column(j).ToArray()).ToArray();
        var pinv = ls.PseudoInverse();
        _pseudoInverse = Enumerable.Range(0, K).Select(j => pinv.Row(j).ToArray()).ToArray();
        var unscaled = ls.UnscaledCovariance;
        _unscaledDiagonal = Enumerable.Range(0, K).Select(j => unscaled[j, j]).ToArray();
        switch (errors)
        {
            case HeteroskedasticityConsistentErrors hc:
                var h = ls.Leverage;
                var root = Enumerable.Range(0, N).Select(t => Math.Sqrt(Sandwich.HeteroskedasticityWeight(hc.Type, N, K, h[t]))).ToArray();
                _hcWeights = _pseudoInverse.Select(row => row.Select((v, t) => v * root[t]).ToArray()).ToArray();
                break;
            case NeweyWestErrors { Lag: FixedLag lag }:
                Lag = lag.Lag;
                _bartlett = Sandwich.BartlettWeights(lag.Lag, _blocks.Max() - 1);
                break;
        }
    }

    /// <summary>Whether an error model has a batch path: ols, hc0..hc3, newey:L without prewhitening, prais and cochrane-orcutt.</summary>
    public static bool Supports(ErrorModel errors) => errors is ClassicalErrors or HeteroskedasticityConsistentErrors
        or NeweyWestErrors { Lag: FixedLag, Prewhiten: false } or AutoregressiveErrors;

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
        for (int j = 0; j < K; j++) b[j] = TensorPrimitives.Dot(_pseudoInverse[j], y);
        double rss = Residualise(y, b, e);
        if (!double.IsFinite(rss)) { result.Fail(unit, UnitStatus.Failed, Thresholds.ResidualSumOfSquaresOverflows); return; }
        if (LeastSquares.IsExactFit(y, rss)) { result.Fail(unit, UnitStatus.Constant, Thresholds.ExactFit); return; }
        var se = result.StdErrorRow(unit);
        int n = N, df = N - K;
        double sigma = Math.Sqrt(rss / df);
        switch (Errors)
        {
            case ClassicalErrors:
                for (int j = 0; j < K; j++) se[j] = rss / df * _unscaledDiagonal[j];
                break;
            case HeteroskedasticityConsistentErrors:
                for (int j = 0; j < K; j++)
                {
                    TensorPrimitives.Multiply(_hcWeights![j], e, work.Scaled);
                    se[j] = TensorPrimitives.SumOfSquares<double>(work.Scaled);
                }
                break;
            case NeweyWestErrors nw:
                NeweyWestVariances(e, se, work.Scaled, nw.SmallSampleAdjustment ? (double)N / (N - K) : 1);
                int series = _blocks.Max();
                if (Lag >= series) result.Note(unit, $"Newey-West lag {Lag} is not below the {series} observations{(_blocks.Length > 1 ? " of a series" : "")}; only lags up to {series - 1} are used");
                break;
            case AutoregressiveErrors ar:
                if (!PraisWinsten(y, ar, result, unit, work, out n, out sigma)) return;
                df = n - K;
                break;
        }
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
        result.Succeed(unit, n, df, sigma);
    }

    private double Residualise(ReadOnlySpan<double> y, double[] b, double[] e)
    {
        y.CopyTo(e);
        for (int j = 0; j < K; j++) TensorPrimitives.MultiplyAdd(_columns[j], -b[j], e, e);
        return TensorPrimitives.SumOfSquares<double>(e);
    }

    // Bartlett HAC variance of each coefficient from z_t = X+_jt e_t, lags within blocks (Sandwich.HacMeat).
    private void NeweyWestVariances(double[] e, Span<double> variances, double[] z, double scale)
    {
        for (int j = 0; j < K; j++)
        {
            TensorPrimitives.Multiply(_pseudoInverse[j], e, z);
            double v = TensorPrimitives.SumOfSquares<double>(z);
            int start = 0;
            foreach (int length in _blocks)
            {
                var block = z.AsSpan(start, length);
                for (int l = 1; l < Math.Min(_bartlett.Length, length); l++)
                    v += 2 * _bartlett[l] * TensorPrimitives.Dot<double>(block[l..], block[..^l]);
                start += length;
            }
            variances[j] = v * scale;
        }
    }

    // AutoregressiveFgls.Fit for one series: rho from the residuals of the untransformed data, a
    // QR of the quasi-differenced data, until rho settles. Writes b and the variances; gives the
    // transformed regression's observations and sigma.
    private bool PraisWinsten(ReadOnlySpan<double> y, AutoregressiveErrors options, BatchResult result, int unit, Workspace work, out int m, out double sigma)
    {
        var b = work.Coefficients;
        var e = work.Residuals;
        bool keep = options.First == FirstObservation.Keep;
        m = keep ? N : N - 1;
        sigma = 0;
        int stride = m, df = m - K;
        var w = work.Qr;
        var iteration = new PraisWinstenIteration(options);
        while (true)
        {
            double next = TensorPrimitives.Dot<double>(e.AsSpan(1), e.AsSpan(0, N - 1)) / TensorPrimitives.SumOfSquares<double>(e.AsSpan(0, N - 1));
            if (!iteration.Accept(next))
            {
                result.Fail(unit, UnitStatus.Failed, Thresholds.RhoOutsideUnitInterval(next, options.Name));
                return false;
            }
            for (int j = 0; j <= K; j++)
            {
                ReadOnlySpan<double> z = j < K ? _columns[j] : y;
                var column = w.AsSpan(j * stride, m);
                if (keep) column[0] = z[0] * PraisWinstenIteration.FirstRowScale(next);
                TensorPrimitives.MultiplyAdd(z[..^1], -next, z[1..], column[(keep ? 1 : 0)..]);
                if (j < K) work.Norms[j] = Math.Sqrt(TensorPrimitives.SumOfSquares<double>(column));
            }
            bool last = iteration.IsLast;
            // The exact-fit test needs the transformed outcome, which the QR overwrites.
            if (last) w.AsSpan(K * stride, m).CopyTo(work.Scaled);
            if (!InPlaceQr.Factor(w, stride, m, K, work.Diagonal) || Singular(work))
            {
                result.Fail(unit, UnitStatus.Singular, $"the {options.Name}-transformed design is singular (rho {next:G6})");
                return false;
            }
            Triangular.SolveUpper(w, stride, work.Diagonal, b);
            if (!last)
            {
                Residualise(y, b, e);
                continue;
            }
            double rss = InPlaceQr.ResidualSumOfSquares(w, stride, m, K);
            if (!double.IsFinite(rss)) { result.Fail(unit, UnitStatus.Failed, Thresholds.ResidualSumOfSquaresOverflows); return false; }
            if (LeastSquares.IsExactFit(work.Scaled.AsSpan(0, m), rss)) { result.Fail(unit, UnitStatus.Constant, Thresholds.ExactFit); return false; }
            var se = result.StdErrorRow(unit);
            UnscaledDiagonal(w, stride, work, se);
            for (int j = 0; j < K; j++) se[j] *= rss / df;
            sigma = Math.Sqrt(rss / df);
            result.SetAutoregression(unit, next, iteration.Iterations);
            if (!iteration.Settled) result.Note(unit, Thresholds.RhoNotConverged(options.Name, iteration.Iterations, next));
            if (Thresholds.IsNearBoundary(next))
                result.Note(unit, Thresholds.RhoNearBoundary(next));
            return true;
        }
    }

    private bool Singular(Workspace work)
    {
        for (int j = 0; j < K; j++)
            if (Math.Abs(work.Diagonal[j]) <= Thresholds.RankTolerance * work.Norms[j]) return true;
        return false;
    }

    // diag((R'R)^-1) = squared row norms of R^-1.
    private void UnscaledDiagonal(double[] w, int stride, Workspace work, Span<double> diagonal)
    {
        var inv = work.Inverse;
        Array.Clear(inv);
        Triangular.InvertUpper(w, stride, work.Diagonal, K, inv);
        for (int j = 0; j < K; j++) diagonal[j] = TensorPrimitives.SumOfSquares<double>(inv.AsSpan(j * K, K));
    }
}
