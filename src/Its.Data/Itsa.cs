using Its.Model;
using Its.Results;
using Its.Time;

namespace Its.Data;

/// <summary>
/// The kit in one call, as Stata's <c>itsa</c>: read a table, fit the segmented regression, get the
/// result. Every option is spelled as the <c>its fit</c> option of the same name (<c>errors: "newey:3"</c>
/// is <c>--errors newey:3</c>), and the result is the <see cref="ItsResult"/> a notebook shows as
/// a report, <c>ItsFigure.From</c> draws and <c>ResultReport</c> renders.
/// </summary>
/// <example>
/// <code>
/// var fit = Itsa.Fit("data/sicily.csv", outcome: "aces", year: "year", month: "month",
///                    interruption: "2003-01", family: "poisson", offset: "stdpop", errors: "newey:3");
/// fit["level1"].Estimate
/// </code>
/// </example>
public static class Itsa
{
    /// <summary>Reads one series from a table (CSV, TSV or Excel) and fits it.</summary>
    /// <param name="file">The table, with a header row.</param>
    /// <param name="outcome">Outcome column.</param>
    /// <param name="interruption">The first period under the intervention, as the dates are written (2017-10, 2017-Q4, 2017, Oct 2017); several separated by commas.</param>
    /// <param name="errors">Error model: ols, hc0-hc3, newey:L, newey:auto, prais, gls-ar:P, arima:p,d,q, arima:p,d,q:P,D,Q, ... (<see cref="ErrorModel.Parse"/>).</param>
    /// <param name="impact">level+slope, level (step), slope (ramp), pulse, gradual or decay (rate estimated), or gradual:R / decay:R (rate fixed at R).</param>
    /// <param name="transform">none or log.</param>
    /// <param name="seasonality">none, month (11 dummies, monthly data), quarter (3 dummies, quarterly data) or fourier:K (K pairs of the data's period).</param>
    /// <param name="family">gaussian, poisson, quasipoisson or negbin.</param>
    /// <param name="transition">Periods left out of the fit from each interruption on (washout).</param>
    /// <param name="date">Date column (default: <c>month</c>, unless <paramref name="year"/> is given).</param>
    /// <param name="year">Year column, with <paramref name="month"/> or <paramref name="quarter"/>, or alone for annual data.</param>
    /// <param name="month">Calendar month column (1-12), with <paramref name="year"/>.</param>
    /// <param name="quarter">Quarter column (1-4), with <paramref name="year"/>.</param>
    /// <param name="where">COL=VALUE filters that select one unit of a long file.</param>
    /// <param name="covariates">Covariate columns.</param>
    /// <param name="offset">Population-at-risk column of a count model.</param>
    /// <param name="effectsAt">Horizons (periods after the first interruption) to report effects at.</param>
    /// <param name="allowGaps">Fit a series with missing periods instead of refusing it.</param>
    /// <param name="table">How the table is read (delimiter, decimal, encoding, sheet, missing-value tokens, date format).</param>
    /// <param name="cumulative">A window whose effects are summed (K1:K2, K1: or all periods after the first interruption), or null.</param>
    /// <param name="cumbyHuizinga">The Cumby-Huizinga variant: robust or homoskedastic, with q0, bp, small (<see cref="Diagnostics.CumbyHuizingaOptions.Parse"/>).</param>
    /// <exception cref="InputError">The file or its data cannot make the series (the message names file, row and column).</exception>
    /// <exception cref="ArgumentException">An option is not valid (the message names it).</exception>
    /// <exception cref="ItsException">The model cannot be fitted to the series.</exception>
    public static ItsResult Fit(string file, string outcome, string interruption, string errors = "ols",
        string impact = "level+slope", string transform = "none", string seasonality = "none", string family = "gaussian", int transition = 0,
        string? date = null, string? year = null, string? month = null, string? quarter = null,
        IReadOnlyList<string>? where = null, IReadOnlyList<string>? covariates = null, string? offset = null,
        IReadOnlyList<int>? effectsAt = null, bool allowGaps = false, TableOptions? table = null, string? cumulative = null,
        string cumbyHuizinga = "robust")
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(outcome);
        var spec = Spec(errors, impact, transform, seasonality, family, transition, covariates, offset, effectsAt, cumulative, cumbyHuizinga);
        var data = TextTable.Read(file, table ?? new TableOptions());
        var series = SeriesLoader.Load(data, new SeriesOptions
        {
            Outcome = outcome,
            Date = date,
            Year = year,
            Month = month,
            Quarter = quarter,
            Where = where ?? [],
            Covariates = spec.Covariates,
            AllowGaps = allowGaps,
            PositiveOutcome = spec.Transform == OutcomeTransform.Log,
            Family = spec.Family,
            Offset = offset,
        });
        return Fit(series, spec, interruption, table?.DateFormat);
    }

    /// <summary>Fits a series already loaded (e.g. by <see cref="SeriesLoader"/> or the study's loader).</summary>
    /// <param name="interruption">The first period under the intervention (2017-10, 2017-Q4, 2017); several separated by commas.</param>
    /// <param name="errors">Error model: ols, hc0-hc3, newey:L, newey:auto, prais, gls-ar:P, arima:p,d,q, arima:p,d,q:P,D,Q, ... (<see cref="ErrorModel.Parse"/>).</param>
    /// <param name="impact">level+slope, level (step), slope (ramp), pulse, gradual or decay (rate estimated), or gradual:R / decay:R (rate fixed at R).</param>
    /// <param name="transform">none or log.</param>
    /// <param name="seasonality">none, month (11 dummies, monthly data), quarter (3 dummies, quarterly data) or fourier:K (K pairs of the data's period).</param>
    /// <param name="family">gaussian, poisson, quasipoisson or negbin.</param>
    /// <param name="transition">Periods left out of the fit from each interruption on (washout).</param>
    /// <param name="covariates">Covariates of the series to adjust for.</param>
    /// <param name="offset">The series' population-at-risk covariate, for a count model.</param>
    /// <param name="effectsAt">Horizons (periods after the first interruption) to report effects at.</param>
    /// <param name="cumulative">A window whose effects are summed (K1:K2, K1: or all periods after the first interruption), or null.</param>
    /// <param name="cumbyHuizinga">The Cumby-Huizinga variant: robust or homoskedastic, with q0, bp, small (<see cref="Diagnostics.CumbyHuizingaOptions.Parse"/>).</param>
    /// <param name="series">The series.</param>
    /// <exception cref="ArgumentException">An option is not valid (the message names it).</exception>
    /// <exception cref="ItsException">The model cannot be fitted to the series.</exception>
    public static ItsResult Fit(TimeSeries series, string interruption, string errors = "ols",
        string impact = "level+slope", string transform = "none", string seasonality = "none", string family = "gaussian", int transition = 0,
        IReadOnlyList<string>? covariates = null, string? offset = null, IReadOnlyList<int>? effectsAt = null, string? cumulative = null,
        string cumbyHuizinga = "robust")
    {
        ArgumentNullException.ThrowIfNull(series);
        return Fit(series, Spec(errors, impact, transform, seasonality, family, transition, covariates, offset, effectsAt, cumulative, cumbyHuizinga), interruption, dateFormat: null);
    }

    private static ItsResult Fit(TimeSeries series, ItsSpec spec, string interruption, string? dateFormat)
    {
        ArgumentNullException.ThrowIfNull(interruption);
        var periods = interruption.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(text => DateText.TryParse(text, series.Frequency, dateFormat, out var period, out UserMessage error)
                ? period
                : throw new ArgumentException($"interruption {text}: {error}", nameof(interruption)))
            .ToArray();
        if (periods.Length == 0) throw new ArgumentException("interruption: give the first period under the intervention, e.g. 2017-10", nameof(interruption));
        return new ItsModel(series, spec with { Interruptions = periods }).Fit();
    }

    // The spec without its interruptions, which need the data's frequency.
    private static ItsSpec Spec(string errors, string impact, string transform, string seasonality, string family, int transition,
        IReadOnlyList<string>? covariates, string? offset, IReadOnlyList<int>? effectsAt, string? cumulative, string cumbyHuizinga)
    {
        if (transition < 0) throw new ArgumentOutOfRangeException(nameof(transition), transition, "transition must be 0 or more");
        var shape = Option(impact, nameof(impact), OptionNames.ParseImpactAndRate);
        return new ItsSpec
        {
            Interruptions = [],
            Errors = Option(errors, nameof(errors), ErrorModel.Parse),
            Impact = shape.Impact,
            Rate = shape.Rate,
            Transform = Option(transform, nameof(transform), OptionNames.ParseTransform),
            Seasonality = Option(seasonality, nameof(seasonality), Seasonality.Parse),
            Family = Option(family, nameof(family), FamilyNames.Parse),
            TransitionPeriods = transition,
            Covariates = covariates ?? [],
            Offset = offset,
            EffectsAt = effectsAt ?? [],
            Cumulative = cumulative is null ? null : Option(cumulative, nameof(cumulative), EffectWindow.Parse),
            CumbyHuizinga = Option(cumbyHuizinga, nameof(cumbyHuizinga), Diagnostics.CumbyHuizingaOptions.Parse),
        };
    }

    private static T Option<T>(string text, string name, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(text, name);
        try { return parse(text); }
        catch (FormatException e) { throw new ArgumentException($"{name}: {e.Message}", name, e); }
    }
}
