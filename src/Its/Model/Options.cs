using System.Globalization;

namespace Its.Model;

/// <summary>Which interruption terms the model carries.</summary>
public enum Impact
{
    /// <summary>A level change and a slope change at every interruption (<c>level+slope</c>).</summary>
    LevelAndSlope,
    /// <summary>A step change only (<c>level</c>).</summary>
    Level,
    /// <summary>A slope change only (<c>slope</c>).</summary>
    Slope,
}

/// <summary>Transformation applied to the outcome before fitting.</summary>
public enum OutcomeTransform
{
    /// <summary>The outcome as given.</summary>
    None,
    /// <summary>Natural log; coefficients are then changes in log units (percent via 100(exp(b) - 1)).</summary>
    Log,
}

/// <summary>Seasonal terms of a monthly model.</summary>
public abstract record Seasonality
{
    /// <summary>No seasonal terms.</summary>
    public static Seasonality None { get; } = new NoSeasonality();

    /// <summary>Eleven calendar-month dummies <c>month2</c>..<c>month12</c>, January the reference.</summary>
    public static Seasonality MonthDummies { get; } = new MonthDummySeasonality();

    /// <summary>
    /// <paramref name="pairs"/> Fourier pairs <c>sin{j}</c>, <c>cos{j}</c> of 2 pi j m / 12, m the calendar
    /// month; with 6 pairs the sixth has no sine, which is 0 in every month.
    /// </summary>
    public static Seasonality Fourier(int pairs) => pairs is >= 1 and <= 6
        ? new FourierSeasonality(pairs)
        : throw new ArgumentOutOfRangeException(nameof(pairs), pairs, "Fourier seasonality needs 1 to 6 pairs");

    /// <summary>Reads <c>none</c>, <c>month</c> or <c>fourier:K</c>.</summary>
    /// <exception cref="FormatException">The text is none of these.</exception>
    public static Seasonality Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "none") return None;
        if (s is "month" or "months") return MonthDummies;
        if (s.StartsWith("fourier:", StringComparison.Ordinal)
            && int.TryParse(s["fourier:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && k is >= 1 and <= 6)
            return Fourier(k);
        throw new FormatException($"'{text}' is not a seasonality (expected none, month or fourier:K with K 1..6)");
    }
}

/// <summary>No seasonal terms.</summary>
public sealed record NoSeasonality : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => "none";
}

/// <summary>Calendar-month dummies.</summary>
public sealed record MonthDummySeasonality : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => "month";
}

/// <summary>Fourier pairs of period 12 months.</summary>
/// <param name="Pairs">Number of sine/cosine pairs, 1..6.</param>
public sealed record FourierSeasonality(int Pairs) : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => $"fourier:{Pairs}";
}

/// <summary>Parsing and naming of the simple option enums, with the spellings of the command line.</summary>
public static class OptionNames
{
    /// <summary>Reads <c>level+slope</c>, <c>level</c> or <c>slope</c>.</summary>
    public static Impact ParseImpact(string text) => text.Trim().ToLowerInvariant() switch
    {
        "level+slope" or "level-slope" or "both" => Impact.LevelAndSlope,
        "level" => Impact.Level,
        "slope" => Impact.Slope,
        _ => throw new FormatException($"'{text}' is not an impact model (expected level+slope, level or slope)"),
    };

    /// <summary>The command-line spelling of an impact model.</summary>
    public static string Name(this Impact impact) => impact switch
    {
        Impact.LevelAndSlope => "level+slope",
        Impact.Level => "level",
        _ => "slope",
    };

    /// <summary>Reads <c>none</c> or <c>log</c>.</summary>
    public static OutcomeTransform ParseTransform(string text) => text.Trim().ToLowerInvariant() switch
    {
        "none" => OutcomeTransform.None,
        "log" => OutcomeTransform.Log,
        _ => throw new FormatException($"'{text}' is not a transform (expected none or log)"),
    };

    /// <summary>The command-line spelling of a transform.</summary>
    public static string Name(this OutcomeTransform transform) => transform == OutcomeTransform.Log ? "log" : "none";
}

/// <summary>The error distribution and link of the model.</summary>
public enum Family
{
    /// <summary>Linear model with normal errors (identity link).</summary>
    Gaussian,
    /// <summary>Poisson counts, log link (R <c>glm(family = poisson)</c>).</summary>
    Poisson,
    /// <summary>Poisson fit with the Pearson dispersion (R <c>glm(family = quasipoisson)</c>).</summary>
    QuasiPoisson,
    /// <summary>Negative binomial counts, log link, theta by ML (R <c>MASS::glm.nb</c>).</summary>
    NegativeBinomial,
}

/// <summary>Spellings of the families on the command line.</summary>
public static class FamilyNames
{
    /// <summary>Reads gaussian, poisson, quasipoisson or negbin.</summary>
    public static Family Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "gaussian" => Family.Gaussian,
        "poisson" => Family.Poisson,
        "quasipoisson" or "quasi-poisson" => Family.QuasiPoisson,
        "negbin" or "negative-binomial" => Family.NegativeBinomial,
        _ => throw new FormatException($"'{text}' is not a family (expected gaussian, poisson, quasipoisson or negbin)"),
    };

    /// <summary>The command-line spelling.</summary>
    public static string Name(this Family family) => family switch
    {
        Family.Gaussian => "gaussian",
        Family.Poisson => "poisson",
        Family.QuasiPoisson => "quasipoisson",
        _ => "negbin",
    };

    /// <summary>True for the count families (log link).</summary>
    public static bool IsCount(this Family family) => family != Family.Gaussian;
}
