using Its.Model;
using Its.Results;
using Its.Time;

namespace Its.Robustness;

/// <summary>One row of a sensitivity grid: the model with one interruption date and one error model.</summary>
/// <param name="Interruption">The interruption date of this fit.</param>
/// <param name="Errors">The error model of this fit.</param>
/// <param name="Result">The fit, or null when it failed.</param>
/// <param name="Failure">Why it failed, or null.</param>
public sealed record SensitivityRow(Period Interruption, ErrorModel Errors, ItsResult? Result, string? Failure);

/// <summary>
/// How much the conclusions depend on choices the data cannot settle: the error model (OLS, robust,
/// Newey-West lags 0 to 6, Prais-Winsten, GLS, ARIMA) and the interruption date.
/// </summary>
public static class Sensitivity
{
    /// <summary>
    /// The default grid of error models: for Gaussian models ols, hc3, newey:0..6, newey:auto,
    /// prais, cochrane-orcutt, gls-ar:1 (REML) and arima:1,0,0; for count models the model-based
    /// covariance, hc0, hc3 and newey:0..6.
    /// </summary>
    public static IReadOnlyList<ErrorModel> DefaultErrorModels(ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var newey = Enumerable.Range(0, 7).Select(l => (ErrorModel)NeweyWestCovariance.Stata(l));
        return spec.Family.IsCount()
            ? [ErrorModel.Ols, new HeteroskedasticityConsistentCovariance(HcType.HC0), new HeteroskedasticityConsistentCovariance(HcType.HC3), .. newey]
            : [ErrorModel.Ols, new HeteroskedasticityConsistentCovariance(HcType.HC3), .. newey, NeweyWestCovariance.Auto,
               AutoregressiveErrors.PraisWinsten, AutoregressiveErrors.CochraneOrcutt,
               new GlsErrors(1, 0, Estimation.LikelihoodMethod.Reml), new ArimaErrors(1, 0, 0)];
    }

    /// <summary>
    /// Fits the model at every date with every error model, dates outermost. A fit that fails (a
    /// GLS model with gaps, say) is kept as a row with its reason.
    /// </summary>
    /// <param name="series">The series.</param>
    /// <param name="spec">The model, with one interruption: the first date of the grid.</param>
    /// <param name="errorModels">Error models; null for <see cref="DefaultErrorModels"/>.</param>
    /// <param name="otherDates">Further interruption dates to try (e.g. a later implementation month).</param>
    /// <exception cref="ItsException">The model has several interruptions, or no fit of the grid succeeds.</exception>
    public static IReadOnlyList<SensitivityRow> Run(TimeSeries series, ItsSpec spec, IReadOnlyList<ErrorModel>? errorModels = null, IReadOnlyList<Period>? otherDates = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Interruptions.Count != 1)
            throw new ItsException($"a sensitivity grid varies one interruption, but the model has {spec.Interruptions.Count}");
        var models = errorModels ?? DefaultErrorModels(spec);
        var dates = new[] { spec.Interruptions[0] }.Concat(otherDates ?? []).Distinct().ToArray();
        var rows = new List<SensitivityRow>();
        foreach (var date in dates)
            foreach (var errors in models)
            {
                try
                {
                    rows.Add(new SensitivityRow(date, errors, new ItsModel(series, spec with { Interruptions = [date], Errors = errors }).Fit(), null));
                }
                catch (ItsException e)
                {
                    rows.Add(new SensitivityRow(date, errors, null, e.Message));
                }
            }
        if (rows.All(r => r.Result is null))
            throw new ItsException($"no fit of the grid succeeded; the first, {rows[0].Errors.Name} at {rows[0].Interruption}: {rows[0].Failure}");
        return rows;
    }
}
