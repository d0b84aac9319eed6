using System.Globalization;

namespace Its.Model;

/// <summary>
/// How the covariance of the coefficients is estimated, or how the errors are modelled. Each preset
/// matches a named reference; the conventions that make Stata and R disagree are explicit fields.
/// </summary>
public abstract record ErrorModel
{
    /// <summary>Classical OLS covariance s^2 (X'X)^-1 (R <c>vcov(lm)</c>).</summary>
    public static ErrorModel Ols { get; } = new ClassicalErrors();

    /// <summary>The spelling used by <c>--errors</c> and in outputs.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// Reads an error specification: <c>ols</c>, <c>hc0</c>..<c>hc3</c>, <c>newey:L</c>,
    /// <c>newey:auto</c>, <c>newey:r-default</c>, <c>prais</c>, <c>cochrane-orcutt</c>.
    /// </summary>
    /// <exception cref="FormatException">The text names no error model.</exception>
    public static ErrorModel Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        switch (s)
        {
            case "ols": return Ols;
            case "hc0": return new HeteroskedasticityConsistentErrors(HcType.HC0);
            case "hc1": return new HeteroskedasticityConsistentErrors(HcType.HC1);
            case "hc2": return new HeteroskedasticityConsistentErrors(HcType.HC2);
            case "hc3": return new HeteroskedasticityConsistentErrors(HcType.HC3);
            case "newey:auto": return NeweyWestErrors.Auto;
            case "newey:r-default": return NeweyWestErrors.RDefault;
            case "prais": return AutoregressiveErrors.PraisWinsten;
            case "cochrane-orcutt": return AutoregressiveErrors.CochraneOrcutt;
        }
        if (s.StartsWith("arima:", StringComparison.Ordinal))
            return ArimaErrors.Parse(text);
        if (s.StartsWith("gls-ar:", StringComparison.Ordinal) || s.StartsWith("gls-arma:", StringComparison.Ordinal))
            return GlsErrors.Parse(text);
        if (s.StartsWith("newey:", StringComparison.Ordinal))
        {
            string lag = s["newey:".Length..];
            if (int.TryParse(lag, NumberStyles.None, CultureInfo.InvariantCulture, out int l))
                return NeweyWestErrors.Stata(l);
            throw new FormatException($"'{text}': the Newey-West lag must be a whole number >= 0, auto or r-default");
        }
        throw new FormatException($"'{text}' is not an error model (expected ols, hc0..hc3, newey:L, newey:auto, newey:r-default, prais, cochrane-orcutt, gls-ar:P, gls-arma:P,Q, arima:p,d,q or arima:auto)");
    }
}

/// <summary>Classical OLS covariance with t inference on n - k df.</summary>
public sealed record ClassicalErrors : ErrorModel
{
    /// <inheritdoc />
    public override string Name => "ols";
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

/// <summary>OLS coefficients with a heteroskedasticity-consistent covariance (R <c>sandwich::vcovHC</c>).</summary>
/// <param name="Type">HC0..HC3.</param>
public sealed record HeteroskedasticityConsistentErrors(HcType Type) : ErrorModel
{
    /// <inheritdoc />
    public override string Name => Type.ToString().ToLowerInvariant();
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
/// OLS coefficients with a Newey-West (Bartlett kernel) covariance. The presets reproduce Stata
/// <c>newey, lag(L)</c> (<see cref="Stata"/>), the plug-in lag without prewhitening
/// (<see cref="Auto"/>), and R <c>sandwich::NeweyWest()</c> with its defaults (<see cref="RDefault"/>).
/// </summary>
/// <param name="Lag">Fixed lag or plug-in rule.</param>
/// <param name="Prewhiten">Prewhiten the scores with a VAR(1) fitted by OLS (Andrews and Monahan 1992), as R's default.</param>
/// <param name="SmallSampleAdjustment">Scale the covariance by n / (n - k), as Stata does.</param>
/// <param name="Label">The spelling this preset is known by.</param>
public sealed record NeweyWestErrors(LagRule Lag, bool Prewhiten, bool SmallSampleAdjustment, string Label) : ErrorModel
{
    /// <summary>Stata <c>newey, lag(L)</c>: Bartlett weights 1 - j/(L+1), no prewhitening, n/(n-k) scaling.</summary>
    public static NeweyWestErrors Stata(int lag) => lag >= 0
        ? new(new FixedLag(lag), Prewhiten: false, SmallSampleAdjustment: true, $"newey:{lag}")
        : throw new ArgumentOutOfRangeException(nameof(lag), lag, "the Newey-West lag must be >= 0");

    /// <summary>Newey-West (1994) plug-in lag, no prewhitening, n/(n-k) scaling (Stata's convention otherwise).</summary>
    public static NeweyWestErrors Auto { get; } = new(new NeweyWest1994Lag(), Prewhiten: false, SmallSampleAdjustment: true, "newey:auto");

    /// <summary>R <c>sandwich::NeweyWest(fit)</c>: plug-in lag computed on prewhitened scores, VAR(1) prewhitening, no df scaling.</summary>
    public static NeweyWestErrors RDefault { get; } = new(new NeweyWest1994Lag(), Prewhiten: true, SmallSampleAdjustment: false, "newey:r-default");

    /// <inheritdoc />
    public override string Name => Label;
}

/// <summary>What the AR(1) transformation does with the first observation.</summary>
public enum FirstObservation
{
    /// <summary>Keep it, scaled by sqrt(1 - rho^2) (Prais-Winsten).</summary>
    Keep,
    /// <summary>Drop it (Cochrane-Orcutt).</summary>
    Drop,
}

/// <summary>
/// Feasible GLS with AR(1) errors, iterated as Stata <c>prais</c>: rho from the regression of the
/// residuals on their lag (no constant), until rho changes by less than <see cref="Tolerance"/>.
/// The default tolerance, 1e-10, reaches the fixed point; Stata stops at its own, looser,
/// <c>tolerance()</c>, so in slowly converging series its printed digits can differ slightly.
/// </summary>
/// <param name="First">Prais-Winsten keeps the first observation; Cochrane-Orcutt drops it.</param>
/// <param name="Tolerance">Convergence tolerance on rho.</param>
/// <param name="MaxIterations">Iterations before giving up with a warning.</param>
public sealed record AutoregressiveErrors(FirstObservation First, double Tolerance = 1e-10, int MaxIterations = 1000) : ErrorModel
{
    /// <summary>Stata <c>prais</c> (first observation kept and scaled).</summary>
    public static AutoregressiveErrors PraisWinsten { get; } = new(FirstObservation.Keep);

    /// <summary>Stata <c>prais, corc</c> (first observation dropped).</summary>
    public static AutoregressiveErrors CochraneOrcutt { get; } = new(FirstObservation.Drop);

    /// <inheritdoc />
    public override string Name => First == FirstObservation.Keep ? "prais" : "cochrane-orcutt";
}

/// <summary>
/// GLS with ARMA(p, q) errors by REML or ML, as R <c>nlme::gls(correlation = corARMA(p, q))</c>;
/// optionally with Satterthwaite degrees of freedom for the coefficient tests (REML only).
/// Spelled <c>gls-ar:P[:reml|:ml][:satterthwaite]</c> or <c>gls-arma:P,Q[...]</c>.
/// </summary>
/// <param name="P">AR order.</param>
/// <param name="Q">MA order.</param>
/// <param name="Method">REML (default) or ML.</param>
/// <param name="Satterthwaite">Test each coefficient on Satterthwaite df instead of n - k.</param>
public sealed record GlsErrors(int P, int Q, Estimation.LikelihoodMethod Method, bool Satterthwaite = false) : ErrorModel
{
    /// <inheritdoc />
    public override string Name =>
        (Q == 0 ? $"gls-ar:{P}" : $"gls-arma:{P},{Q}") + (Method == Estimation.LikelihoodMethod.Ml ? ":ml" : ":reml") + (Satterthwaite ? ":satterthwaite" : "");

    /// <summary>Reads the spelling above.</summary>
    /// <exception cref="FormatException">Not a GLS specification.</exception>
    public static new GlsErrors Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        bool arma = parts[0] == "gls-arma";
        var orders = parts.Length > 1 ? parts[1].Split(',') : [];
        if (orders.Length != (arma ? 2 : 1) || !orders.All(o => int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new FormatException($"'{text}': expected {(arma ? "gls-arma:P,Q" : "gls-ar:P")} with whole-number orders");
        int p = int.Parse(orders[0], CultureInfo.InvariantCulture), q = arma ? int.Parse(orders[1], CultureInfo.InvariantCulture) : 0;
        if (p + q < 1 || p > 6 || q > 6) throw new FormatException($"'{text}': the orders must be 0 to 6 and not both 0");
        var method = Estimation.LikelihoodMethod.Reml;
        bool satterthwaite = false;
        foreach (string option in parts.Skip(2))
        {
            switch (option)
            {
                case "reml": method = Estimation.LikelihoodMethod.Reml; break;
                case "ml": method = Estimation.LikelihoodMethod.Ml; break;
                case "satterthwaite": satterthwaite = true; break;
                default: throw new FormatException($"'{text}': unknown option '{option}' (expected reml, ml or satterthwaite)");
            }
        }
        if (satterthwaite && method == Estimation.LikelihoodMethod.Ml)
            throw new FormatException($"'{text}': Satterthwaite degrees of freedom go with REML");
        return new GlsErrors(p, q, method, satterthwaite);
    }
}

/// <summary>
/// Regression with ARIMA(p, d, q) errors by exact Gaussian maximum likelihood, as R
/// <c>stats::arima(y, order, xreg, method = "ML")</c>; <c>arima:auto</c> picks p and q in 0..3 by
/// AICc (d = 0) among fits that converged away from the unit circle (roots of modulus 1.01 or
/// more, as <c>forecast::auto.arima</c>). Inference is Wald z, as R reports for arima fits.
/// </summary>
/// <param name="P">AR order (ignored when <paramref name="Auto"/>).</param>
/// <param name="D">Differencing order.</param>
/// <param name="Q">MA order (ignored when <paramref name="Auto"/>).</param>
/// <param name="Auto">Choose p and q by AICc.</param>
public sealed record ArimaErrors(int P, int D, int Q, bool Auto = false) : ErrorModel
{
    /// <inheritdoc />
    public override string Name => Auto ? "arima:auto" : $"arima:{P},{D},{Q}";

    /// <summary>Reads <c>arima:p,d,q</c> or <c>arima:auto</c>.</summary>
    /// <exception cref="FormatException">Not an ARIMA specification.</exception>
    public static new ArimaErrors Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "arima:auto") return new ArimaErrors(0, 0, 0, Auto: true);
        var orders = s["arima:".Length..].Split(',');
        if (orders.Length != 3 || !orders.All(o => int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v <= 6))
            throw new FormatException($"'{text}': expected arima:p,d,q with whole numbers 0 to 6, or arima:auto");
        var v = orders.Select(o => int.Parse(o, CultureInfo.InvariantCulture)).ToArray();
        return new ArimaErrors(v[0], v[1], v[2]);
    }
}
