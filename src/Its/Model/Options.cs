using Its.Time;
using System.Globalization;

namespace Its.Model;

/// <summary>
/// Which interruption terms the model carries: the segmented-regression step and ramp, or a
/// transfer function of Box and Tiao (1975) (<see cref="TransferFunction"/>).
/// </summary>
public enum Impact
{
    /// <summary>A level change and a slope change at every interruption (<c>level+slope</c>).</summary>
    LevelAndSlope,
    /// <summary>A step change only (<c>level</c>, or <c>step</c>).</summary>
    Level,
    /// <summary>A slope change only (<c>slope</c>, or <c>ramp</c>).</summary>
    Slope,
    /// <summary>A change in the interruption period only (<c>pulse</c>): term <c>pulse{j}</c>.</summary>
    Pulse,
    /// <summary>
    /// A gradual step omega (1 - delta^(k+1)) / (1 - delta) at k periods after the interruption
    /// (<c>gradual</c>): term <c>gradual{j}</c> (omega), and <c>rate{j}</c> (delta) when delta is estimated.
    /// </summary>
    Gradual,
    /// <summary>
    /// A decaying pulse omega delta^k (<c>decay</c>): term <c>decay{j}</c> (omega), and <c>rate{j}</c> (delta)
    /// when delta is estimated.
    /// </summary>
    Decay,
}

/// <summary>Transformation applied to the outcome before fitting.</summary>
public enum OutcomeTransform
{
    /// <summary>The outcome as given.</summary>
    None,
    /// <summary>Natural log; coefficients are then changes in log units (percent via 100(exp(b) - 1)).</summary>
    Log,
}

/// <summary>
/// Seasonal terms: calendar-month dummies for monthly data, quarter dummies for quarterly data, or
/// Fourier pairs of the data's period (12 months or 4 quarters). Each kind names its own columns
/// and computes them from the period's position in its year; annual data have no seasons.
/// </summary>
public abstract record Seasonality
{
    /// <summary>No seasonal terms.</summary>
    public static Seasonality None { get; } = new NoSeasonality();

    /// <summary>Eleven calendar-month dummies <c>month2</c>..<c>month12</c>, January the reference (monthly data).</summary>
    public static Seasonality MonthDummies { get; } = new MonthDummySeasonality();

    /// <summary>Three quarter dummies <c>quarter2</c>..<c>quarter4</c>, the first quarter the reference (quarterly data).</summary>
    public static Seasonality QuarterDummies { get; } = new QuarterDummySeasonality();

    /// <summary>
    /// <paramref name="pairs"/> Fourier pairs <c>sin{j}</c>, <c>cos{j}</c> of 2 pi j s / S, s the month
    /// (1..12, S = 12) or quarter (1..4, S = 4) of the period; at j = S / 2 the sine is 0 in every
    /// period and is left out (as <c>forecast::fourier</c>). At most 6 pairs for monthly data, 2 for quarterly.
    /// </summary>
    public static Seasonality Fourier(int pairs) => pairs is >= 1 and <= 6
        ? new FourierSeasonality(pairs)
        : throw new ArgumentOutOfRangeException(nameof(pairs), pairs, "Fourier seasonality needs 1 to 6 pairs");

    /// <summary>Reads <c>none</c>, <c>month</c>, <c>quarter</c> or <c>fourier:K</c>.</summary>
    /// <exception cref="FormatException">The text is none of these.</exception>
    public static Seasonality Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "none") return None;
        if (s is "month" or "months") return MonthDummies;
        if (s is "quarter" or "quarters") return QuarterDummies;
        if (s.StartsWith("fourier:", StringComparison.Ordinal)
            && int.TryParse(s["fourier:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && k is >= 1 and <= 6)
            return Fourier(k);
        throw new FormatException($"'{text}' is not a seasonality (expected none, month, quarter or fourier:K with K 1..6)");
    }

    /// <summary>Why these terms cannot be fitted to data of a frequency; null when they can.</summary>
    /// <param name="frequency">The data's frequency.</param>
    /// <param name="subject">What the data are, for the message ("the series", "unit 17").</param>
    internal abstract string? Refusal(Frequency frequency, string subject = "the series");

    /// <summary>The term names, for data of a frequency the terms accept.</summary>
    internal abstract IEnumerable<string> Terms(Frequency frequency);

    /// <summary>The terms' values in a period, in the order of <see cref="Terms"/>.</summary>
    internal abstract void AddValues(List<double> row, Period period);

    private protected static string Needs(Seasonality seasonality, string data, Frequency frequency, string subject) =>
        $"seasonality {seasonality} needs {data} data, but {subject} is {Period.Adjective(frequency)}";
}

/// <summary>No seasonal terms.</summary>
public sealed record NoSeasonality : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => "none";

    internal override string? Refusal(Frequency frequency, string subject) => null;

    internal override IEnumerable<string> Terms(Frequency frequency) => [];

    internal override void AddValues(List<double> row, Period period) { }
}

/// <summary>Calendar-month dummies of monthly data.</summary>
public sealed record MonthDummySeasonality : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => "month";

    internal override string? Refusal(Frequency frequency, string subject) => frequency == Frequency.Month ? null
        : Needs(this, "monthly", frequency, subject) + (frequency == Frequency.Quarter ? "; use quarter or fourier:K" : "; annual data have no seasons");

    internal override IEnumerable<string> Terms(Frequency frequency) => Enumerable.Range(2, 11).Select(m => $"month{m}");

    internal override void AddValues(List<double> row, Period period)
    {
        for (int m = 2; m <= 12; m++) row.Add(period.CalendarMonth == m ? 1 : 0);
    }
}

/// <summary>Quarter dummies of quarterly data.</summary>
public sealed record QuarterDummySeasonality : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => "quarter";

    internal override string? Refusal(Frequency frequency, string subject) => frequency == Frequency.Quarter ? null
        : Needs(this, "quarterly", frequency, subject) + (frequency == Frequency.Month ? "; use month or fourier:K" : "; annual data have no seasons");

    internal override IEnumerable<string> Terms(Frequency frequency) => Enumerable.Range(2, 3).Select(q => $"quarter{q}");

    internal override void AddValues(List<double> row, Period period)
    {
        for (int q = 2; q <= 4; q++) row.Add(period.Sub == q ? 1 : 0);
    }
}

/// <summary>Fourier pairs of the data's period: 12 months or 4 quarters.</summary>
/// <param name="Pairs">Number of sine/cosine pairs: 1..6 for monthly data, 1..2 for quarterly.</param>
public sealed record FourierSeasonality(int Pairs) : Seasonality
{
    /// <inheritdoc />
    public override string ToString() => $"fourier:{Pairs}";

    internal override string? Refusal(Frequency frequency, string subject) => frequency switch
    {
        Frequency.Year => Needs(this, "monthly or quarterly", frequency, subject) + "; annual data have no seasons",
        _ when 2 * Pairs > Period.PerYear(frequency) =>
            $"seasonality {this}: {Period.Adjective(frequency)} data have a period of {Period.PerYear(frequency)}, so at most {Period.PerYear(frequency) / 2} Fourier pairs",
        _ => null,
    };

    internal override IEnumerable<string> Terms(Frequency frequency)
    {
        for (int j = 1; j <= Pairs; j++)
        {
            if (HasSine(j, Period.PerYear(frequency))) yield return $"sin{j}";
            yield return $"cos{j}";
        }
    }

    internal override void AddValues(List<double> row, Period period)
    {
        int seasons = Period.PerYear(period.Frequency);
        for (int j = 1; j <= Pairs; j++)
        {
            double angle = 2 * Math.PI * j * period.Sub / seasons;
            if (HasSine(j, seasons)) row.Add(Math.Sin(angle));
            row.Add(Math.Cos(angle));
        }
    }

    // sin(2 pi j s / S) is 0 in every period when 2j = S, so that pair has its cosine only.
    private static bool HasSine(int pair, int seasons) => 2 * pair != seasons;
}

/// <summary>Parsing and naming of the simple option enums, with the spellings of the command line.</summary>
public static class OptionNames
{
    /// <summary>Reads an impact without a rate: <c>level+slope</c>, <c>level</c> (<c>step</c>), <c>slope</c> (<c>ramp</c>), <c>pulse</c>, <c>gradual</c> or <c>decay</c>.</summary>
    /// <exception cref="FormatException">Not an impact, or one with a rate (see <see cref="ParseImpactAndRate"/>).</exception>
    public static Impact ParseImpact(string text)
    {
        var (impact, rate) = ParseImpactAndRate(text);
        return rate is null ? impact : throw new FormatException($"'{text}': a rate cannot be given here; expected an impact name alone");
    }

    /// <summary>
    /// Reads an impact and, for <c>gradual:R</c> or <c>decay:R</c>, its fixed rate R in [0, 1); a
    /// gradual or decaying impact without a rate has it estimated (null).
    /// </summary>
    /// <exception cref="FormatException">Not an impact, or a rate that is not a number in [0, 1).</exception>
    public static (Impact Impact, double? Rate) ParseImpactAndRate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var impact = parts[0] switch
        {
            "level+slope" or "level-slope" or "both" => Impact.LevelAndSlope,
            "level" or "step" => Impact.Level,
            "slope" or "ramp" => Impact.Slope,
            "pulse" => Impact.Pulse,
            "gradual" => Impact.Gradual,
            "decay" => Impact.Decay,
            _ => throw new FormatException($"'{text}' is not an impact model (expected level+slope, level (step), slope (ramp), pulse, gradual, gradual:R, decay or decay:R)"),
        };
        if (parts.Length == 1) return (impact, null);
        if (parts.Length == 2 && impact.HasRate()
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate >= 0 && rate < 1)
            return (impact, rate);
        throw new FormatException(impact.HasRate()
            ? $"'{text}': the rate must be a number from 0 up to (not including) 1, as in {impact.Name()}:0.5"
            : $"'{text}': only gradual and decay take a rate");
    }

    /// <summary>The command-line spelling of an impact model.</summary>
    public static string Name(this Impact impact) => impact switch
    {
        Impact.LevelAndSlope => "level+slope",
        Impact.Level => "level",
        Impact.Slope => "slope",
        Impact.Pulse => "pulse",
        Impact.Gradual => "gradual",
        _ => "decay",
    };

    /// <summary>The command-line spelling of an impact and its fixed rate, if any (<c>gradual:0.5</c>).</summary>
    public static string Name(this Impact impact, double? rate) =>
        rate is { } r ? FormattableString.Invariant($"{impact.Name()}:{r:R}") : impact.Name();

    /// <summary>Whether the impact is a transfer function with a rate (gradual or decay).</summary>
    public static bool HasRate(this Impact impact) => impact is Impact.Gradual or Impact.Decay;

    /// <summary>Whether the impact changes the slope (level+slope or slope).</summary>
    public static bool HasSlope(this Impact impact) => impact is Impact.LevelAndSlope or Impact.Slope;

    /// <summary>Whether the impact is one of the segmented-regression ones (level+slope, level, slope).</summary>
    public static bool IsSegmented(this Impact impact) => impact is Impact.LevelAndSlope or Impact.Level or Impact.Slope;

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
