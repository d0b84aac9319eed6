using System.Numerics.Tensors;
using Its.Estimation;
using Its.Model;

namespace Its.Batch;

/// <summary>
/// An error model's batch path on a <see cref="SharedDesign"/>: from one series' OLS fit (b and the
/// residuals in the workspace), the variances of its coefficients, or a refit under the error
/// process. One subtype per error model with a batch path; each follows its single-series
/// estimator exactly.
/// </summary>
internal abstract class BatchErrors(SharedDesign design)
{
    protected SharedDesign Design { get; } = design;

    /// <summary>
    /// Writes the variances of the coefficients into <paramref name="variances"/> (and b, for a
    /// refit), or fails the unit and returns false.
    /// </summary>
    /// <param name="y">The series' outcome.</param>
    /// <param name="rss">The OLS residual sum of squares (the residuals are in the workspace).</param>
    /// <param name="variances">Where the variances go, one per coefficient.</param>
    /// <param name="result">The batch result, for failures and notes.</param>
    /// <param name="unit">The series' row in the result.</param>
    /// <param name="work">The thread's scratch space.</param>
    /// <param name="fit">What the variances come with: observations, residual df, sigma; OLS's on entry.</param>
    public abstract bool Variances(ReadOnlySpan<double> y, double rss, Span<double> variances, BatchResult result, int unit, SharedDesign.Workspace work, ref BatchFit fit);
}

/// <summary>The observations, residual degrees of freedom and sigma of one series' fit.</summary>
internal record struct BatchFit(int N, int Df, double Sigma);

/// <summary><c>ols</c>: s^2 [(X'X)^-1]_jj.</summary>
internal sealed class ClassicalBatch(SharedDesign design) : BatchErrors(design)
{
    public override bool Variances(ReadOnlySpan<double> y, double rss, Span<double> variances, BatchResult result, int unit, SharedDesign.Workspace work, ref BatchFit fit)
    {
        for (int j = 0; j < Design.K; j++) variances[j] = rss / fit.Df * Design.UnscaledDiagonal[j];
        return true;
    }
}

/// <summary><c>hc0</c>..<c>hc3</c>: sum_t w_t (X+_jt e_t)^2 with the weights of <see cref="Sandwich.HeteroskedasticityConsistent"/>.</summary>
internal sealed class HeteroskedasticityConsistentBatch : BatchErrors
{
    private readonly double[][] _weighted; // X+_jt sqrt(w_t), by coefficient

    public HeteroskedasticityConsistentBatch(SharedDesign design, LeastSquares fit, HcType type) : base(design)
    {
        var h = fit.Leverage;
        int n = design.N, k = design.K;
        var root = Enumerable.Range(0, n).Select(t => Math.Sqrt(Sandwich.HeteroskedasticityWeight(type, n, k, h[t]))).ToArray();
        _weighted = design.PseudoInverse.Select(row => row.Select((v, t) => v * root[t]).ToArray()).ToArray();
    }

    public override bool Variances(ReadOnlySpan<double> y, double rss, Span<double> variances, BatchResult result, int unit, SharedDesign.Workspace work, ref BatchFit fit)
    {
        for (int j = 0; j < Design.K; j++)
        {
            TensorPrimitives.Multiply(_weighted[j], work.Residuals, work.Scaled);
            variances[j] = TensorPrimitives.SumOfSquares<double>(work.Scaled);
        }
        return true;
    }
}

/// <summary>
/// <c>newey:L</c>: sum_t z_t^2 + 2 sum_l w_l sum_t z_t z_{t-l} with z_t = X+_jt e_t, the kernel's
/// weights and the n/(n-k) scaling of <see cref="Sandwich.NeweyWest"/>; lags run within blocks.
/// </summary>
internal sealed class NeweyWestBatch : BatchErrors
{
    private readonly int _lag;
    private readonly double[] _weights;
    private readonly double _scale;

    public NeweyWestBatch(SharedDesign design, int lag, HacKernel kernel, bool smallSampleAdjustment) : base(design)
    {
        _lag = lag;
        _weights = Sandwich.KernelWeights(kernel, lag, design.Blocks.Max() - 1);
        _scale = smallSampleAdjustment ? (double)design.N / (design.N - design.K) : 1;
    }

    public override bool Variances(ReadOnlySpan<double> y, double rss, Span<double> variances, BatchResult result, int unit, SharedDesign.Workspace work, ref BatchFit fit)
    {
        var z = work.Scaled;
        var blocks = Design.Blocks;
        for (int j = 0; j < Design.K; j++)
        {
            TensorPrimitives.Multiply(Design.PseudoInverse[j], work.Residuals, z);
            double v = TensorPrimitives.SumOfSquares<double>(z);
            int start = 0;
            foreach (int length in blocks)
            {
                var block = z.AsSpan(start, length);
                for (int l = 1; l < Math.Min(_weights.Length, length); l++)
                    v += 2 * _weights[l] * TensorPrimitives.Dot<double>(block[l..], block[..^l]);
                start += length;
            }
            variances[j] = v * _scale;
        }
        int series = blocks.Max();
        if (_lag >= series) result.Note(unit, $"Newey-West lag {_lag} is not below the {series} observations{(blocks.Count > 1 ? " of a series" : "")}; only lags up to {series - 1} are used");
        return true;
    }
}

/// <summary>
/// <c>prais</c>, <c>cochrane-orcutt</c>: the iterations of <see cref="AutoregressiveFgls"/> for one
/// series, each a small QR of the series' own quasi-differenced design.
/// </summary>
internal sealed class PraisWinstenBatch(SharedDesign design, AutoregressiveErrors options) : BatchErrors(design)
{
    // rho from the residuals of the untransformed data, a QR of the quasi-differenced data, until rho
    // settles. Writes b and the variances, and the transformed regression's observations and sigma.
    public override bool Variances(ReadOnlySpan<double> y, double rss, Span<double> variances, BatchResult result, int unit, SharedDesign.Workspace work, ref BatchFit fit)
    {
        int n = Design.N, k = Design.K;
        var b = work.Coefficients;
        var e = work.Residuals;
        bool keep = options.First == FirstObservation.Keep;
        int m = keep ? n : n - 1;
        int stride = m, df = m - k;
        var w = work.Qr;
        var iteration = new PraisWinstenIteration(options);
        while (true)
        {
            double next = TensorPrimitives.Dot<double>(e.AsSpan(1), e.AsSpan(0, n - 1)) / TensorPrimitives.SumOfSquares<double>(e.AsSpan(0, n - 1));
            if (!iteration.Accept(next))
            {
                result.Fail(unit, UnitStatus.Failed, Thresholds.RhoOutsideUnitInterval(next, options.Name));
                return false;
            }
            for (int j = 0; j <= k; j++)
            {
                ReadOnlySpan<double> z = j < k ? Design.Columns[j] : y;
                var column = w.AsSpan(j * stride, m);
                if (keep) column[0] = z[0] * PraisWinstenIteration.FirstRowScale(next);
                TensorPrimitives.MultiplyAdd(z[..^1], -next, z[1..], column[(keep ? 1 : 0)..]);
                if (j < k) work.Norms[j] = Math.Sqrt(TensorPrimitives.SumOfSquares<double>(column));
            }
            bool last = iteration.IsLast;
            // The exact-fit test needs the transformed outcome, which the QR overwrites.
            if (last) w.AsSpan(k * stride, m).CopyTo(work.Scaled);
            if (!InPlaceQr.Factor(w, stride, m, k, work.Diagonal) || Singular(work))
            {
                result.Fail(unit, UnitStatus.Singular, $"the {options.Name}-transformed design is singular (rho {next:G6})");
                return false;
            }
            Triangular.SolveUpper(w, stride, work.Diagonal, b);
            if (!last)
            {
                Design.Residualise(y, b, e);
                continue;
            }
            double transformedRss = InPlaceQr.ResidualSumOfSquares(w, stride, m, k);
            if (!double.IsFinite(transformedRss)) { result.Fail(unit, UnitStatus.Failed, Thresholds.ResidualSumOfSquaresOverflows); return false; }
            if (LeastSquares.IsExactFit(work.Scaled.AsSpan(0, m), transformedRss)) { result.Fail(unit, UnitStatus.Constant, Thresholds.ExactFit); return false; }
            UnscaledDiagonal(w, stride, work, variances);
            for (int j = 0; j < k; j++) variances[j] *= transformedRss / df;
            fit = new BatchFit(m, df, Math.Sqrt(transformedRss / df));
            result.SetAutoregression(unit, next, iteration.Iterations);
            if (!iteration.Settled) result.Note(unit, Thresholds.RhoNotConverged(options.Name, iteration.Iterations, next));
            if (Thresholds.IsNearBoundary(next))
                result.Note(unit, Thresholds.RhoNearBoundary(next));
            return true;
        }
    }

    private bool Singular(SharedDesign.Workspace work)
    {
        for (int j = 0; j < Design.K; j++)
            if (Math.Abs(work.Diagonal[j]) <= Thresholds.RankTolerance * work.Norms[j]) return true;
        return false;
    }

    // diag((R'R)^-1) = squared row norms of R^-1.
    private void UnscaledDiagonal(double[] w, int stride, SharedDesign.Workspace work, Span<double> diagonal)
    {
        int k = Design.K;
        var inv = work.Inverse;
        Array.Clear(inv);
        Triangular.InvertUpper(w, stride, work.Diagonal, k, inv);
        for (int j = 0; j < k; j++) diagonal[j] = TensorPrimitives.SumOfSquares<double>(inv.AsSpan(j * k, k));
    }
}
