using Its.Time;

namespace Its.Model;

/// <summary>
/// What to fit: interruptions, impact model, transition periods, seasonality, outcome transform,
/// covariates and the error model. Immutable; change it with <c>with</c>.
/// </summary>
public sealed record ItsSpec
{
    /// <summary>The interruption periods, in increasing order (first is the intervention).</summary>
    public required IReadOnlyList<Period> Interruptions { get; init; }

    /// <summary>Level and slope change, level only, slope only, or a transfer function (pulse, gradual, decay).</summary>
    public Impact Impact { get; init; } = Impact.LevelAndSlope;

    /// <summary>
    /// The rate delta of a gradual or decay impact, in [0, 1); null estimates it, by profile
    /// likelihood (<see cref="RateEstimate"/>).
    /// </summary>
    public double? Rate { get; init; }

    /// <summary>Whether the fit estimates a rate: a gradual or decay impact without a fixed one.</summary>
    public bool EstimatesRate => Impact.HasRate() && Rate is null;

    /// <summary>Refuses an estimated rate in a method that gives many fits one linear design.</summary>
    /// <param name="method">The method, as the message names it.</param>
    /// <exception cref="ItsException">The spec estimates a rate.</exception>
    internal void RefuseEstimatedRate(string method)
    {
        if (EstimatesRate)
            throw new ItsException($"{method} gives its fits one linear design, and an estimated {Impact.Name()} rate makes each fit nonlinear: fix the rate ({Impact.Name()}:0.5)");
    }

    /// <summary>Periods left out of the fit from each interruption on (a washout); 0 keeps all.</summary>
    public int TransitionPeriods { get; init; }

    /// <summary>Seasonal terms (monthly series only).</summary>
    public Seasonality Seasonality { get; init; } = Seasonality.None;

    /// <summary>Outcome transform.</summary>
    public OutcomeTransform Transform { get; init; } = OutcomeTransform.None;

    /// <summary>Names of the covariates of the series that enter the model, in order.</summary>
    public IReadOnlyList<string> Covariates { get; init; } = [];

    /// <summary>Gaussian (linear) or a count family with a log link.</summary>
    public Family Family { get; init; } = Family.Gaussian;

    /// <summary>
    /// Covariate holding the population at risk of a count model; log(offset) enters the linear
    /// predictor with coefficient 1 (Stata <c>exposure()</c>, R <c>offset(log(pop))</c>). Null for none.
    /// </summary>
    public string? Offset { get; init; }

    /// <summary>How the errors are modelled or the covariance estimated.</summary>
    public ErrorModel Errors { get; init; } = ErrorModel.Ols;

    /// <summary>
    /// Horizons for effects, in periods after the first interruption (0 is the interruption period).
    /// Empty means the interruption period and the last period of the series.
    /// </summary>
    public IReadOnlyList<int> EffectsAt { get; init; } = [];

    /// <summary>The window of periods whose effects are summed into <see cref="Results.ItsResult.Cumulative"/>; null for none.</summary>
    public EffectWindow? Cumulative { get; init; }

    /// <summary>Lag for the Ljung-Box and Box-Pierce tests, and the largest ACF/PACF lag.</summary>
    public int PortmanteauLag { get; init; } = 12;

    /// <summary>Largest Breusch-Godfrey order tested (orders 1..this, as far as the df allow).</summary>
    public int BreuschGodfreyMaxOrder { get; init; } = 12;

    /// <summary>
    /// The Cumby-Huizinga variant (Stata <c>actest</c>'s options), tested at lags 1..<see cref="PortmanteauLag"/>;
    /// the heteroskedasticity-robust general form by default.
    /// </summary>
    public Diagnostics.CumbyHuizingaOptions CumbyHuizinga { get; init; } = Diagnostics.CumbyHuizingaOptions.General;
}

/// <summary>
/// Periods From..To after the first interruption, both included (0 is the interruption period);
/// To null runs to the last period of the series.
/// </summary>
/// <param name="From">First period after the interruption.</param>
/// <param name="To">Last period after the interruption, or null for the end of the series.</param>
public sealed record EffectWindow(int From, int? To)
{
    /// <summary>The whole post period.</summary>
    public static EffectWindow All { get; } = new(0, null);

    /// <summary>Reads <c>all</c>, <c>K1:K2</c> or <c>K1:</c> (to the end).</summary>
    /// <exception cref="FormatException">Not a window.</exception>
    public static EffectWindow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (s == "all") return All;
        var parts = s.Split(':');
        static int? Number(string part) => int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : null;
        if (parts.Length == 2 && Number(parts[0]) is { } from && (parts[1] == "" || Number(parts[1]) is { } to && to >= from))
            return new EffectWindow(from, parts[1] == "" ? null : Number(parts[1]));
        throw new FormatException($"'{text}' is not a window of periods after the interruption (expected all, K1:K2 with 0 <= K1 <= K2, or K1:)");
    }

    /// <inheritdoc />
    public override string ToString() => this == All ? "all" : $"{From}:{To}";
}
