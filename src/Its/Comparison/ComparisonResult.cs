using Its.Model;
using Its.Results;

namespace Its.Comparison;

/// <summary>A series with the name of the group (institution type, treated or control) it belongs to.</summary>
/// <param name="Name">Group name, as the data write it.</param>
/// <param name="Series">The series.</param>
/// <param name="Unit">The unit (state, institution) when a group holds several; null when the series is the group's.</param>
public sealed record GroupSeries(string Name, TimeSeries Series, string? Unit = null)
{
    /// <summary>The unit's name, or the group's.</summary>
    public string Label => Unit ?? Name;
}

/// <summary>Where the Newey-West lags of a pooled model run.</summary>
public enum LagScope
{
    /// <summary>Within each stacked series only: the autocorrelation of one series, the default.</summary>
    WithinSeries,

    /// <summary>
    /// Across the stacked series, so the last periods of one series pair with the first of the next,
    /// as Stata <c>newey</c> does on <c>itsa</c>'s stacked data; reproduces Stata's p values.
    /// </summary>
    AcrossSeries,
}

/// <summary>One group's own fit.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Result">The fit of its series under the comparison's spec.</param>
public sealed record GroupFit(string Name, ItsResult Result);

/// <summary>
/// The pooled interaction model of Linden's (2015) multiple-group ITS: the series stacked in the
/// order given, every term of the single-series design, and each term again multiplied by the
/// indicator of each group other than the reference. The group terms are the differences from the
/// reference.
/// </summary>
public sealed record PooledResult
{
    /// <summary>The reference group (indicator 0).</summary>
    public required string Reference { get; init; }

    /// <summary>The other groups, in the order of their terms.</summary>
    public required IReadOnlyList<string> Compared { get; init => field = ReadOnly.Copy(value); }

    /// <summary>The spec every group is fitted with.</summary>
    public required ItsSpec Spec { get; init; }

    /// <summary>Where the Newey-West lags run (matters for Newey-West errors only).</summary>
    public required LagScope LagScope { get; init; }

    /// <summary>Coefficients, in design order.</summary>
    public required CoefficientTable Coefficients { get; init; }

    /// <summary>Their covariance under the spec's error model.</summary>
    public required CovarianceMatrix Covariance { get; init; }

    /// <summary>Number of series stacked (more than the groups when a group holds several units).</summary>
    public required int Series { get; init; }

    /// <summary>Stacked observations fitted.</summary>
    public required int N { get; init; }

    /// <summary>Residual degrees of freedom n - k.</summary>
    public required int DfResidual { get; init; }

    /// <summary>The residual scale: the residual standard deviation pooled over the groups, the square root of the dispersion for count models.</summary>
    public required double ResidualScale { get; init; }

    /// <summary>The Newey-West lag, for Newey-West errors.</summary>
    public int? Lag { get; init; }

    /// <summary>The prefix of a compared group's terms: <c>group</c> with two groups, <c>group[NAME]</c> with more.</summary>
    public string Prefix(string group) => GroupComparison.Prefix(group, Compared.Count);

    /// <summary>The coefficient of a term.</summary>
    /// <exception cref="KeyNotFoundException">No such term.</exception>
    public Coefficient this[string term] => Coefficients[term];

    // t on n - k for Gaussian models, z for count models, as the coefficients.
    private int? InferenceDf => Coefficients[0].Df is null ? null : DfResidual;

    /// <summary>The linear contrast sum w_j b_j with its standard error, t (or z) test and 95% CI.</summary>
    /// <inheritdoc cref="ItsResult.Contrast" path="/param|/returns|/exception"/>
    public Coefficient Contrast(params (string Term, double Weight)[] weights) =>
        LinearHypotheses.Contrast(Coefficients, Covariance, InferenceDf, weights);

    /// <summary>The joint Wald test that every named coefficient is 0 (F on (q, n - k) df, chi-square for count models).</summary>
    /// <inheritdoc cref="ItsResult.Wald(string[])" path="/param|/exception"/>
    public WaldTest Wald(params string[] terms) => Wald(LinearHypotheses.EachZero(terms));

    /// <summary>The joint Wald test of linear restrictions, each sum w_j b_j = 0 (F on (q, n - k) df, chi-square for count models).</summary>
    /// <inheritdoc cref="ItsResult.Wald(IReadOnlyList{ValueTuple{string, double}}[])" path="/param|/exception"/>
    public WaldTest Wald(params IReadOnlyList<(string Term, double Weight)>[] restrictions) =>
        LinearHypotheses.Wald(Coefficients, Covariance, InferenceDf, restrictions);
}

/// <summary>
/// A test of a group's difference from the reference: one interruption term (the difference in
/// level or slope change, a t or z test), or all of them jointly (a Wald F or chi-square test).
/// </summary>
/// <param name="Group">The compared group.</param>
/// <param name="Reference">The reference group.</param>
/// <param name="Term">The single-series term (<c>level1</c>, <c>slope1</c>, ...), or the terms joined by <c>+</c> for the joint test.</param>
/// <param name="Estimate">Difference group minus reference (null for the joint test).</param>
/// <param name="StdError">Its standard error (null for the joint test).</param>
/// <param name="Ci">95% CI of the difference (null for the joint test).</param>
/// <param name="Statistic">t or z for one term; F (t inference) or chi-square (z inference) for the joint test.</param>
/// <param name="Df">Numerator df of the joint test (the number of terms); 1 for one term.</param>
/// <param name="DfResidual">Denominator df of t and F; null for z and chi-square.</param>
/// <param name="PValue">p value.</param>
public sealed record DifferenceTest(
    string Group, string Reference, string Term, double? Estimate, double? StdError, Interval? Ci,
    double Statistic, int Df, double? DfResidual, double PValue)
{
    /// <summary>Whether this is the joint test of all interruption terms.</summary>
    public bool Joint => Estimate is null;

    /// <summary>The difference with its 95% CI; null for the joint test.</summary>
    public IntervalEstimate? Difference => Estimate is { } estimate ? new IntervalEstimate(estimate, Ci!.Value) : null;
}

/// <summary>Per-group fits, the pooled interaction model, and the tests of the group differences.</summary>
/// <param name="Groups">Each group's own fit (of the mean of its units when it holds several), reference first.</param>
/// <param name="Pooled">The pooled interaction model.</param>
/// <param name="Tests">Difference tests: for each compared group, each interruption term, then the joint test.</param>
public sealed record ComparisonResult(IReadOnlyList<GroupFit> Groups, PooledResult Pooled, IReadOnlyList<DifferenceTest> Tests);
