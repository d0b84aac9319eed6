using Its.Batch;
using Its.Estimation;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// How the covariance of the coefficients is estimated from a fit with independent errors (OLS or
/// a count GLM): the model's own (classical), or a sandwich on its scores (R <c>sandwich</c>).
/// A new estimator is a new subtype: its covariance of one fit, and optionally its batch path and
/// whether it applies to stacked series.
/// </summary>
public abstract record CovarianceEstimator
{
    /// <summary>The spelling used by <c>--errors</c> and in outputs.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The covariance of a fit's coefficients.</summary>
    /// <param name="fit">The fit's scores, bread and leverages.</param>
    /// <param name="model">The fit's own covariance (s^2 (X'X)^-1, or the GLM's).</param>
    /// <param name="blocks">Lengths of the stacked series within which lags run; null for one series.</param>
    internal abstract CovarianceEstimate Estimate(IScoreModel fit, Matrix<double> model, IReadOnlyList<int>? blocks);

    /// <summary>Why this estimator does not apply to stacked series (a pooled model), or null when it does.</summary>
    internal virtual string? StackingRefusal => null;

    /// <summary>How a shared design computes this estimator for many series at once, or null when it has no batch path.</summary>
    internal virtual Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath => null;
}

/// <summary>A covariance estimate, with the lag it used and what the user should know about it.</summary>
internal readonly record struct CovarianceEstimate(Matrix<double> Covariance, int? Lag = null, string? Warning = null);

/// <summary>Classical covariance: the model's own, s^2 (X'X)^-1 for OLS, with t inference on n - k df.</summary>
public sealed record ClassicalCovariance : CovarianceEstimator
{
    private ClassicalCovariance() { }

    /// <summary>The one classical estimator.</summary>
    public static ClassicalCovariance Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "ols";

    internal override CovarianceEstimate Estimate(IScoreModel fit, Matrix<double> model, IReadOnlyList<int>? blocks) => new(model);

    internal override Func<SharedDesign, LeastSquares, BatchErrors> BatchPath => (design, _) => new ClassicalBatch(design);
}

/// <summary>The heteroskedasticity-consistent covariance types of MacKinnon and White (1985).</summary>
public enum HcType
{
    /// <summary>White's estimator, sum e_i^2 x_i x_i'.</summary>
    HC0,
    /// <summary>HC0 scaled by n / (n - k) (Stata <c>vce(robust)</c>).</summary>
    HC1,
    /// <summary>e_i^2 / (1 - h_i).</summary>
    HC2,
    /// <summary>e_i^2 / (1 - h_i)^2.</summary>
    HC3,
}

/// <summary>A heteroskedasticity-consistent covariance (R <c>sandwich::vcovHC</c>).</summary>
/// <param name="Type">HC0..HC3.</param>
public sealed record HeteroskedasticityConsistentCovariance(HcType Type) : CovarianceEstimator
{
    /// <inheritdoc />
    public override string Name => Type.ToString().ToLowerInvariant();

    internal override CovarianceEstimate Estimate(IScoreModel fit, Matrix<double> model, IReadOnlyList<int>? blocks) =>
        new(Sandwich.HeteroskedasticityConsistent(fit, Type));

    internal override Func<SharedDesign, LeastSquares, BatchErrors> BatchPath => (design, fit) => new HeteroskedasticityConsistentBatch(design, fit, Type);
}

/// <summary>How the Newey-West truncation lag is chosen.</summary>
public abstract record LagRule;

/// <summary>A lag fixed by the user.</summary>
/// <param name="Lag">Number of autocovariance lags, >= 0.</param>
public sealed record FixedLag(int Lag) : LagRule;

/// <summary>
/// Newey and West (1994) plug-in lag, floor of R <c>sandwich::bwNeweyWest</c> (Bartlett kernel,
/// n^(2/9) pre-bandwidth, intercept score weighted 0).
/// </summary>
public sealed record NeweyWest1994Lag : LagRule;

/// <summary>
/// The kernel of a HAC covariance: the weight w(j / b) of the lag-j autocovariance, with bandwidth
/// b = L + 1 for a lag L (Andrews 1991; R <c>sandwich::kweights</c>).
/// </summary>
public enum HacKernel
{
    /// <summary>w(x) = 1 - |x| (Newey and West 1987): lags up to L.</summary>
    Bartlett,
    /// <summary>w(x) = 1 - 6x^2 + 6|x|^3 up to 1/2, 2(1 - |x|)^3 up to 1 (Gallant 1987): lags up to L.</summary>
    Parzen,
    /// <summary>w(x) = 25 / (12 pi^2 x^2) (sin(6 pi x / 5) / (6 pi x / 5) - cos(6 pi x / 5)) (Andrews 1991): every lag.</summary>
    QuadraticSpectral,
}

/// <summary>
/// A Newey-West covariance: Bartlett kernel by default, or another <see cref="HacKernel"/> with a
/// fixed lag. The presets reproduce Stata <c>newey, lag(L)</c> (<see cref="Stata"/>), the plug-in
/// lag without prewhitening (<see cref="Auto"/>), R <c>sandwich::NeweyWest()</c> with its defaults
/// (<see cref="RDefault"/>), and R <c>sandwich::kernHAC(fit, kernel, bw = L + 1, prewhite = FALSE,
/// adjust = TRUE)</c> (<see cref="WithKernel"/>).
/// </summary>
/// <param name="Lag">Fixed lag or plug-in rule.</param>
/// <param name="Prewhiten">Prewhiten the scores with a VAR(1) fitted by OLS (Andrews and Monahan 1992), as R's default.</param>
/// <param name="SmallSampleAdjustment">Scale the covariance by n / (n - k), as Stata does.</param>
/// <param name="Label">The spelling this preset is known by.</param>
public sealed record NeweyWestCovariance(LagRule Lag, bool Prewhiten, bool SmallSampleAdjustment, string Label) : CovarianceEstimator
{
    /// <summary>Stata <c>newey, lag(L)</c>: Bartlett weights 1 - j/(L+1), no prewhitening, n/(n-k) scaling.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lag is negative.</exception>
    public static NeweyWestCovariance Stata(int lag) => lag >= 0
        ? new(new FixedLag(lag), Prewhiten: false, SmallSampleAdjustment: true, $"newey:{lag}")
        : throw new ArgumentOutOfRangeException(nameof(lag), lag, "the Newey-West lag must be >= 0");

    /// <summary>
    /// A fixed lag L with a kernel's weights, no prewhitening, n/(n-k) scaling, as R
    /// <c>kernHAC(fit, kernel, bw = L + 1, prewhite = FALSE, adjust = TRUE)</c>; spelled
    /// <c>newey:L:parzen</c> or <c>newey:L:qs</c> (<c>newey:L</c> for Bartlett).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The lag is negative.</exception>
    public static NeweyWestCovariance WithKernel(int lag, HacKernel kernel) => kernel == HacKernel.Bartlett ? Stata(lag)
        : Stata(lag) with { Kernel = kernel, Label = $"newey:{lag}:{KernelSpelling(kernel)}" };

    /// <summary>The kernel; Bartlett unless <see cref="WithKernel"/> chose another.</summary>
    public HacKernel Kernel { get; init; } = HacKernel.Bartlett;

    /// <summary>How a kernel is spelled after <c>newey:L:</c>.</summary>
    public static string KernelSpelling(HacKernel kernel) => kernel switch
    {
        HacKernel.Bartlett => "bartlett",
        HacKernel.Parzen => "parzen",
        _ => "qs",
    };

    /// <summary>Newey-West (1994) plug-in lag, no prewhitening, n/(n-k) scaling (Stata's convention otherwise).</summary>
    public static NeweyWestCovariance Auto { get; } = new(new NeweyWest1994Lag(), Prewhiten: false, SmallSampleAdjustment: true, "newey:auto");

    /// <summary>R <c>sandwich::NeweyWest(fit)</c>: plug-in lag computed on prewhitened scores, VAR(1) prewhitening, no df scaling.</summary>
    public static NeweyWestCovariance RDefault { get; } = new(new NeweyWest1994Lag(), Prewhiten: true, SmallSampleAdjustment: false, "newey:r-default");

    /// <inheritdoc />
    public override string Name => Label;

    internal override CovarianceEstimate Estimate(IScoreModel fit, Matrix<double> model, IReadOnlyList<int>? blocks)
    {
        var v = Sandwich.NeweyWest(fit, this, out int lag, blocks);
        string? warning = lag >= fit.N ? $"Newey-West lag {lag} is not below the {fit.N} observations; only lags up to {fit.N - 1} are used" : null;
        return new(v, lag, warning);
    }

    internal override string? StackingRefusal => Lag is FixedLag && !Prewhiten ? null
        : $"the pooled model needs a fixed Newey-West lag (newey:L), not {Name}: a plug-in lag is not defined for stacked series";

    internal override Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath =>
        Lag is FixedLag f && !Prewhiten ? (design, _) => new NeweyWestBatch(design, f.Lag, Kernel, SmallSampleAdjustment) : null;
}
