using Its.Estimation;
using Its.Model;

namespace Its.Multilevel;

/// <summary>The covariance of the random effects of a unit.</summary>
public enum RandomCovariance
{
    /// <summary>Independent random effects, each with its own variance (nlme's <c>pdDiag</c>, lme4's <c>||</c>).</summary>
    Diagonal,

    /// <summary>Any positive definite covariance: variances and correlations (nlme's <c>pdSymm</c>, lme4's <c>|</c>).</summary>
    General,
}

/// <summary>
/// The random part of a multilevel ITS: which terms of the ITS design vary between units, how
/// their random effects covary, whether errors are AR(1) within each unit, and the likelihood.
/// </summary>
public sealed record MultilevelSpec
{
    /// <summary>The design terms given a random effect per unit, e.g. <c>intercept</c>, <c>time</c>, <c>level1</c>, <c>slope1</c>.</summary>
    public required IReadOnlyList<string> RandomTerms { get; init; }

    /// <summary>Diagonal (the default) or general covariance of the random effects.</summary>
    public RandomCovariance Covariance { get; init; } = RandomCovariance.Diagonal;

    /// <summary>AR(1) errors within each unit (nlme's <c>corAR1(form = ~ time | unit)</c>) instead of independent ones.</summary>
    public bool WithinAr1 { get; init; }

    /// <summary>REML (nlme's default) or ML; compare models with different fixed effects by ML.</summary>
    public LikelihoodMethod Method { get; init; } = LikelihoodMethod.Reml;

    /// <summary>The covariance as the command line spells it: diagonal or general.</summary>
    /// <exception cref="FormatException">Neither.</exception>
    public static RandomCovariance ParseCovariance(string text) => text.Trim().ToLowerInvariant() switch
    {
        "diagonal" or "diag" => RandomCovariance.Diagonal,
        "general" or "symm" or "unstructured" => RandomCovariance.General,
        _ => throw new FormatException($"'{text}' is not a covariance; expected diagonal or general"),
    };

    /// <summary>The likelihood as the command line spells it: reml or ml.</summary>
    /// <exception cref="FormatException">Neither.</exception>
    public static LikelihoodMethod ParseMethod(string text) => text.Trim().ToLowerInvariant() switch
    {
        "reml" => LikelihoodMethod.Reml,
        "ml" => LikelihoodMethod.Ml,
        _ => throw new FormatException($"'{text}' is not a likelihood; expected reml or ml"),
    };
}

/// <summary>One unit of a multilevel panel: its name, its series, and optionally its type (hospital, community).</summary>
/// <param name="Name">The unit's name.</param>
/// <param name="Series">Its series.</param>
/// <param name="Type">Its type, whose differences enter as fixed interactions; null when the panel has no types.</param>
public sealed record MultilevelUnit(string Name, TimeSeries Series, string? Type = null);
