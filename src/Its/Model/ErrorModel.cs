using System.Globalization;

namespace Its.Model;

/// <summary>
/// The errors of a fit, in two parts: how they are modelled (<see cref="Process"/>: independent,
/// AR(1) by feasible GLS, ARMA by GLS, ARIMA by maximum likelihood) and how the covariance of the
/// coefficients is estimated from the fit (<see cref="Covariance"/>: classical, HC0-HC3,
/// Newey-West). Each preset matches a named reference; <see cref="Errors"/> lists them, and
/// <see cref="Parse"/> reads their spellings (<c>newey:3</c>, <c>prais</c>, ...).
/// </summary>
/// <remarks>
/// A covariance estimator or an error process converts to an error model by itself, so
/// <c>Errors = NeweyWestCovariance.Stata(3)</c> and <c>Errors = AutoregressiveErrors.PraisWinsten</c>
/// both read as they mean. The processes that model the autocorrelation take the covariance their
/// own model implies (classical); a sandwich on top of them has no reference to match yet.
/// </remarks>
public sealed record ErrorModel
{
    /// <summary>An error model of a process and a covariance estimator.</summary>
    /// <exception cref="ArgumentException">The process does not take that covariance estimator.</exception>
    public ErrorModel(ErrorProcess process, CovarianceEstimator covariance)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(covariance);
        if (!process.Takes(covariance))
            throw new ArgumentException($"{process.Name} errors take the covariance of their own model, not {covariance.Name}", nameof(covariance));
        Process = process;
        Covariance = covariance;
    }

    /// <summary>Classical OLS covariance s^2 (X'X)^-1 with independent errors (R <c>vcov(lm)</c>).</summary>
    public static ErrorModel Ols { get; } = new(IndependentErrors.Instance, ClassicalCovariance.Instance);

    /// <summary>How the errors are modelled.</summary>
    public ErrorProcess Process { get; }

    /// <summary>How the covariance of the coefficients is estimated.</summary>
    public CovarianceEstimator Covariance { get; }

    /// <summary>Whether this is plain OLS inference: independent errors, classical covariance.</summary>
    public bool IsClassical => Process is IndependentErrors && Covariance is ClassicalCovariance;

    /// <summary>The spelling used by <c>--errors</c> and in outputs.</summary>
    public string Name => Process is IndependentErrors ? Covariance.Name : Process.Name;

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Independent errors with this covariance estimator.</summary>
    public static implicit operator ErrorModel(CovarianceEstimator covariance) => new(IndependentErrors.Instance, covariance);

    /// <summary>This error process with the covariance of its own model.</summary>
    public static implicit operator ErrorModel(ErrorProcess process) => new(process, ClassicalCovariance.Instance);

    /// <summary>
    /// Reads an error specification: <c>ols</c>, <c>hc0</c>..<c>hc3</c>, <c>newey:L</c> (or
    /// <c>newey:L:parzen</c>, <c>newey:L:qs</c> for another kernel),
    /// <c>newey:auto</c>, <c>newey:r-default</c>, <c>prais</c>, <c>cochrane-orcutt</c>,
    /// <c>gls-ar:P</c>, <c>gls-arma:P,Q</c> (with <c>:reml</c>, <c>:ml</c>, <c>:satterthwaite</c>),
    /// <c>arima:p,d,q</c>, <c>arima:auto</c>.
    /// </summary>
    /// <exception cref="FormatException">The text names no error model.</exception>
    public static ErrorModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        switch (s)
        {
            case "ols": return Ols;
            case "hc0": return Errors.HC0;
            case "hc1": return Errors.HC1;
            case "hc2": return Errors.HC2;
            case "hc3": return Errors.HC3;
            case "newey:auto": return Errors.NeweyWestAuto;
            case "newey:r-default": return Errors.NeweyWestRDefault;
            case "prais": return Errors.PraisWinsten;
            case "cochrane-orcutt": return Errors.CochraneOrcutt;
        }
        if (s.StartsWith("arima:", StringComparison.Ordinal))
            return ArimaErrors.Parse(text);
        if (s.StartsWith("gls-ar:", StringComparison.Ordinal) || s.StartsWith("gls-arma:", StringComparison.Ordinal))
            return GlsErrors.Parse(text);
        if (s.StartsWith("newey:", StringComparison.Ordinal))
        {
            var parts = s["newey:".Length..].Split(':');
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int l))
                throw new FormatException($"'{text}': the Newey-West lag must be a whole number >= 0, auto or r-default");
            if (parts.Length == 1) return Errors.NeweyWest(l);
            var kernel = parts.Length == 2 ? Enum.GetValues<HacKernel>().Where(k => NeweyWestCovariance.KernelSpelling(k) == parts[1]).ToArray() : [];
            if (kernel.Length != 1)
                throw new FormatException($"'{text}': expected newey:L or newey:L:KERNEL with a kernel bartlett, parzen or qs");
            return Errors.NeweyWest(l, kernel[0]);
        }
        throw new FormatException($"'{text}' is not an error model (expected ols, hc0..hc3, newey:L, newey:auto, newey:r-default, prais, cochrane-orcutt, gls-ar:P, gls-arma:P,Q, arima:p,d,q or arima:auto)");
    }
}
