using Its.Estimation;

namespace Its.Model;

/// <summary>
/// The error models by name, for code: each is what <see cref="ErrorModel.Parse"/> reads from the
/// spelling in its summary, and matches the reference named there.
/// </summary>
/// <example>
/// <code>
/// var spec = new ItsSpec { Interruptions = [new Period(Frequency.Month, 2017, 10)], Errors = Errors.NeweyWest(3) };
/// </code>
/// </example>
public static class Errors
{
    /// <summary><c>ols</c>: classical covariance (R <c>vcov(lm)</c>, Stata <c>regress</c>).</summary>
    /// <example><c>Errors = Errors.Ols</c></example>
    public static ErrorModel Ols => ErrorModel.Ols;

    /// <summary><c>hc0</c>: White's covariance (R <c>vcovHC(type = "HC0")</c>).</summary>
    /// <example><c>Errors = Errors.HC0</c></example>
    public static ErrorModel HC0 { get; } = new HeteroskedasticityConsistentCovariance(HcType.HC0);

    /// <summary><c>hc1</c>: HC0 scaled by n/(n-k) (Stata <c>vce(robust)</c>).</summary>
    /// <example><c>Errors = Errors.HC1</c></example>
    public static ErrorModel HC1 { get; } = new HeteroskedasticityConsistentCovariance(HcType.HC1);

    /// <summary><c>hc2</c>: R <c>vcovHC(type = "HC2")</c>.</summary>
    /// <example><c>Errors = Errors.HC2</c></example>
    public static ErrorModel HC2 { get; } = new HeteroskedasticityConsistentCovariance(HcType.HC2);

    /// <summary><c>hc3</c>: R <c>vcovHC(type = "HC3")</c>, the sandwich default.</summary>
    /// <example><c>Errors = Errors.HC3</c></example>
    public static ErrorModel HC3 { get; } = new HeteroskedasticityConsistentCovariance(HcType.HC3);

    /// <summary>
    /// <c>newey:L</c>: Stata <c>newey, lag(L)</c>; with another kernel (<c>newey:L:parzen</c>,
    /// <c>newey:L:qs</c>), R <c>kernHAC(fit, kernel, bw = L + 1, prewhite = FALSE, adjust = TRUE)</c>.
    /// </summary>
    /// <param name="lag">The truncation lag, 0 or more.</param>
    /// <param name="kernel">The kernel: Bartlett (Newey-West's) unless given.</param>
    /// <example><c>Errors = Errors.NeweyWest(3)</c> or <c>Errors = Errors.NeweyWest(3, HacKernel.Parzen)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">The lag is negative.</exception>
    public static ErrorModel NeweyWest(int lag, HacKernel kernel = HacKernel.Bartlett) => NeweyWestCovariance.WithKernel(lag, kernel);

    /// <summary><c>newey:auto</c>: the Newey-West (1994) plug-in lag of R <c>bwNeweyWest</c>, Stata's scaling.</summary>
    /// <example><c>Errors = Errors.NeweyWestAuto</c></example>
    public static ErrorModel NeweyWestAuto { get; } = NeweyWestCovariance.Auto;

    /// <summary><c>newey:r-default</c>: R <c>sandwich::NeweyWest(fit)</c> with its defaults.</summary>
    /// <example><c>Errors = Errors.NeweyWestRDefault</c></example>
    public static ErrorModel NeweyWestRDefault { get; } = NeweyWestCovariance.RDefault;

    /// <summary><c>prais</c>: AR(1) feasible GLS as Stata <c>prais</c>.</summary>
    /// <example><c>Errors = Errors.PraisWinsten</c></example>
    public static ErrorModel PraisWinsten { get; } = AutoregressiveErrors.PraisWinsten;

    /// <summary><c>cochrane-orcutt</c>: Stata <c>prais, corc</c>.</summary>
    /// <example><c>Errors = Errors.CochraneOrcutt</c></example>
    public static ErrorModel CochraneOrcutt { get; } = AutoregressiveErrors.CochraneOrcutt;

    /// <summary><c>gls-ar:P</c>: GLS with AR(P) errors, R <c>nlme::gls(correlation = corARMA(p = P))</c>.</summary>
    /// <param name="p">AR order, 1 to 6.</param>
    /// <param name="method">REML (R's default) or ML.</param>
    /// <example><c>Errors = Errors.GlsAr(1)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">The order is outside 1..6.</exception>
    public static ErrorModel GlsAr(int p, LikelihoodMethod method = LikelihoodMethod.Reml) => GlsArma(p, 0, method);

    /// <summary><c>gls-arma:P,Q</c>: GLS with ARMA(P, Q) errors, R <c>nlme::gls(correlation = corARMA(p = P, q = Q))</c>.</summary>
    /// <param name="p">AR order, 0 to 6.</param>
    /// <param name="q">MA order, 0 to 6, not both 0.</param>
    /// <param name="method">REML (R's default) or ML.</param>
    /// <example><c>Errors = Errors.GlsArma(1, 1)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">An order is outside 0..6, or both are 0.</exception>
    public static ErrorModel GlsArma(int p, int q, LikelihoodMethod method = LikelihoodMethod.Reml) =>
        p is >= 0 and <= 6 && q is >= 0 and <= 6 && p + q > 0
            ? new GlsErrors(p, q, method)
            : throw new ArgumentOutOfRangeException(nameof(p), $"the orders must be 0 to 6 and not both 0, not ({p}, {q})");

    /// <summary><c>arima:p,0,q</c>: regression with ARMA(p, q) errors by exact ML, R <c>arima(y, order = c(p, 0, q), xreg, method = "ML")</c>.</summary>
    /// <param name="p">AR order, 0 to 6.</param>
    /// <param name="q">MA order, 0 to 6.</param>
    /// <example><c>Errors = Errors.Arima(1, 0)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">An order is outside 0..6.</exception>
    public static ErrorModel Arima(int p, int q) =>
        p is >= 0 and <= 6 && q is >= 0 and <= 6
            ? new ArimaErrors(p, 0, q)
            : throw new ArgumentOutOfRangeException(nameof(p), $"the orders must be 0 to 6, not ({p}, {q})");

    /// <summary>
    /// <c>arima:p,d,q</c>: regression with ARIMA(p, d, q) errors by exact ML, R <c>arima(y, order = c(p, d, q), xreg, method = "ML")</c>;
    /// with d &gt;= 1 the terms the differencing removes are not estimated, and fitted values and
    /// counterfactuals are the model's predictions from the pre-interruption periods.
    /// </summary>
    /// <param name="p">AR order, 0 to 6.</param>
    /// <param name="d">Differencing order, 0 to 6.</param>
    /// <param name="q">MA order, 0 to 6.</param>
    /// <example><c>Errors = Errors.Arima(0, 1, 1)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">An order is outside 0..6.</exception>
    public static ErrorModel Arima(int p, int d, int q) => SeasonalArima(p, d, q, 0, 0, 0);

    /// <summary>
    /// <c>arima:p,d,q:P,D,Q</c>: regression with multiplicative seasonal ARIMA(p, d, q)(P, D, Q)[s]
    /// errors by exact ML, s = 12 for monthly and 4 for quarterly series, R <c>arima(y, order = c(p, d, q),
    /// seasonal = list(order = c(P, D, Q), period = s), xreg, method = "ML")</c>.
    /// </summary>
    /// <param name="p">AR order, 0 to 6.</param>
    /// <param name="d">Differencing order, 0 to 6.</param>
    /// <param name="q">MA order, 0 to 6.</param>
    /// <param name="seasonalP">Seasonal AR order, 0 to 6.</param>
    /// <param name="seasonalD">Seasonal differencing order, 0 to 6.</param>
    /// <param name="seasonalQ">Seasonal MA order, 0 to 6.</param>
    /// <example>Schaffer et al. (2021)'s model: <c>Errors = Errors.SeasonalArima(2, 1, 0, 0, 1, 1)</c></example>
    /// <exception cref="ArgumentOutOfRangeException">An order is outside 0..6.</exception>
    public static ErrorModel SeasonalArima(int p, int d, int q, int seasonalP, int seasonalD, int seasonalQ) =>
        new[] { p, d, q, seasonalP, seasonalD, seasonalQ }.All(o => o is >= 0 and <= 6)
            ? new ArimaErrors(p, d, q, SeasonalP: seasonalP, SeasonalD: seasonalD, SeasonalQ: seasonalQ)
            : throw new ArgumentOutOfRangeException(nameof(p), $"the orders must be 0 to 6, not ({p},{d},{q})({seasonalP},{seasonalD},{seasonalQ})");

    /// <summary>
    /// <c>arima:auto</c>: the orders <c>forecast::auto.arima(y, xreg, seasonal.test = "ocsb", approximation = FALSE)</c>
    /// chooses, with the design's terms other than the intercept and time as xreg (<see cref="Estimation.ArimaOrderSearch"/>).
    /// </summary>
    /// <example><c>Errors = Errors.ArimaAuto</c></example>
    public static ErrorModel ArimaAuto { get; } = new ArimaErrors(0, 0, 0, Auto: true);
}
