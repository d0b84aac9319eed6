using System.Globalization;
using Its.Batch;
using Its.Estimation;
using Its.Results;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Model;

/// <summary>
/// How the errors of a Gaussian model are modelled: independent (the fit is OLS), AR(1) by feasible
/// GLS, ARMA by GLS, or ARIMA by exact maximum likelihood. A new process is a new subtype: its fit,
/// and optionally its batch path.
/// </summary>
public abstract record ErrorProcess
{
    /// <summary>The spelling used by <c>--errors</c> and in outputs.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Whether the fit takes this covariance estimator; a process that models the autocorrelation takes its own model's.</summary>
    internal virtual bool Takes(CovarianceEstimator covariance) => covariance is ClassicalCovariance;

    /// <summary>Fits the model's Gaussian regression under this process.</summary>
    /// <param name="model">The model (design, outcome, series, spec).</param>
    /// <param name="ols">The OLS fit of the same design.</param>
    /// <param name="plain">The OLS estimate with the classical covariance and the residual diagnostics.</param>
    /// <param name="covariance">The covariance estimator (one this process <see cref="Takes"/>).</param>
    /// <param name="warnings">Where to say what the user should know.</param>
    internal abstract ProcessEstimate Estimate(ItsModel model, LeastSquares ols, ProcessEstimate plain, CovarianceEstimator covariance, List<string> warnings);

    /// <summary>Why a pooled model of stacked series cannot take this process, or null when it can.</summary>
    internal virtual string? StackingRefusal =>
        $"the pooled model takes ols, hc0-hc3 or newey:L errors, not {Name}: its autocorrelation model would join the end of one group's series to the start of the next";

    /// <summary>The batch path under this process with a covariance estimator, or null when there is none.</summary>
    internal virtual Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath(CovarianceEstimator covariance) => null;

    // GLS and ARIMA model the autocorrelation between adjacent periods; R treats left-out periods as
    // missing (corAR1(form = ~t), arima with NA), which the kit does not, so it refuses rather than
    // join periods that are not adjacent.
    // Every period of the series as one row, the transition periods missing (NaN), as the GLS and
    // ARIMA likelihoods take them (R's NA, nlme's corARMA(form = ~ time)); gaps in the data, whose
    // periods have no row, are refused.
    private protected (Matrix<double> X, Vector<double> Y) AllPeriods(ItsModel model)
    {
        var series = model.Series;
        var design = model.Design;
        if (series.MissingPeriods > 0)
            throw new ItsException(new UserMessage($"{Name} errors need one row per period: the series has {series.MissingPeriods} missing {Time.Period.Describe(series.Frequency)}(s); fill the gaps, or use newey:L or prais"));
        var y = Vector<double>.Build.Dense(series.Count, double.NaN);
        for (int r = 0; r < design.FitRows.Count; r++) y[design.FitRows[r]] = model.Outcome[r];
        return (design.Full, y);
    }

    private protected static ErrorParameter[] ArmaParameters(IEnumerable<double> phi, IEnumerable<double> theta) =>
        phi.Select((v, i) => new ErrorParameter($"phi{i + 1}", v)).Concat(theta.Select((v, i) => new ErrorParameter($"theta{i + 1}", v))).ToArray();
}

/// <summary>Independent errors: the fit is OLS (or the count GLM), and any covariance estimator applies.</summary>
public sealed record IndependentErrors : ErrorProcess
{
    private IndependentErrors() { }

    /// <summary>The one independent process.</summary>
    public static IndependentErrors Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "independent";

    internal override bool Takes(CovarianceEstimator covariance) => true;

    internal override ProcessEstimate Estimate(ItsModel model, LeastSquares ols, ProcessEstimate plain, CovarianceEstimator covariance, List<string> warnings) =>
        plain.With(covariance, ols, warnings);

    internal override string? StackingRefusal => null;

    internal override Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath(CovarianceEstimator covariance) => covariance.BatchPath;
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
public sealed record AutoregressiveErrors(FirstObservation First, double Tolerance = 1e-10, int MaxIterations = 1000) : ErrorProcess
{
    /// <summary>Stata <c>prais</c> (first observation kept and scaled).</summary>
    public static AutoregressiveErrors PraisWinsten { get; } = new(FirstObservation.Keep);

    /// <summary>Stata <c>prais, corc</c> (first observation dropped).</summary>
    public static AutoregressiveErrors CochraneOrcutt { get; } = new(FirstObservation.Drop);

    /// <inheritdoc />
    public override string Name => First == FirstObservation.Keep ? "prais" : "cochrane-orcutt";

    internal override ProcessEstimate Estimate(ItsModel model, LeastSquares ols, ProcessEstimate plain, CovarianceEstimator covariance, List<string> warnings)
    {
        var fgls = AutoregressiveFgls.Fit(model.X, model.Outcome, model.Design.Terms, this);
        var t = ItsModel.RefuseExactFit(fgls.Transformed);
        if (!fgls.Converged)
            warnings.Add(Thresholds.RhoNotConverged(Name, fgls.Iterations, fgls.Rho));
        if (Thresholds.IsNearBoundary(fgls.Rho))
            warnings.Add(Thresholds.RhoNearBoundary(fgls.Rho));
        // Stata prais reports no likelihood; its standard errors are OLS ones of the transformed regression.
        return new ProcessEstimate(t.Coefficients, t.ClassicalCovariance(), t.DfResidual, t.N, Math.Sqrt(t.Sigma2), null, null, plain.Diagnostics)
        {
            Iterations = fgls.Iterations,
            Ar = [new ErrorParameter("rho", fgls.Rho)],
        };
    }

    internal override Func<SharedDesign, LeastSquares, BatchErrors>? BatchPath(CovarianceEstimator covariance) =>
        (design, _) => new PraisWinstenBatch(design, this);
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
public sealed record GlsErrors(int P, int Q, LikelihoodMethod Method, bool Satterthwaite = false) : ErrorProcess
{
    /// <inheritdoc />
    public override string Name =>
        (Q == 0 ? $"gls-ar:{P}" : $"gls-arma:{P},{Q}") + (Method == LikelihoodMethod.Ml ? ":ml" : ":reml") + (Satterthwaite ? ":satterthwaite" : "");

    /// <summary>Reads the spelling above.</summary>
    /// <exception cref="FormatException">Not a GLS specification.</exception>
    public static GlsErrors Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        bool arma = parts[0] == "gls-arma";
        var orders = parts.Length > 1 ? parts[1].Split(',') : [];
        if (orders.Length != (arma ? 2 : 1) || !orders.All(o => int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new FormatException($"'{text}': expected {(arma ? "gls-arma:P,Q" : "gls-ar:P")} with whole-number orders");
        int p = int.Parse(orders[0], CultureInfo.InvariantCulture), q = arma ? int.Parse(orders[1], CultureInfo.InvariantCulture) : 0;
        if (p + q < 1 || p > 6 || q > 6) throw new FormatException($"'{text}': the orders must be 0 to 6 and not both 0");
        var method = LikelihoodMethod.Reml;
        bool satterthwaite = false;
        foreach (string option in parts.Skip(2))
        {
            switch (option)
            {
                case "reml": method = LikelihoodMethod.Reml; break;
                case "ml": method = LikelihoodMethod.Ml; break;
                case "satterthwaite": satterthwaite = true; break;
                default: throw new FormatException($"'{text}': unknown option '{option}' (expected reml, ml or satterthwaite)");
            }
        }
        if (satterthwaite && method == LikelihoodMethod.Ml)
            throw new FormatException($"'{text}': Satterthwaite degrees of freedom go with REML");
        return new GlsErrors(p, q, method, satterthwaite);
    }

    internal override ProcessEstimate Estimate(ItsModel model, LeastSquares ols, ProcessEstimate plain, CovarianceEstimator covariance, List<string> warnings)
    {
        var (x, y) = AllPeriods(model);
        var terms = model.Design.Terms;
        var fit = GlsArma.Fit(x, y, terms, P, Q, Method);
        if (!fit.Converged) warnings.Add($"{Name} did not converge in {fit.Iterations} iterations; the estimates are from the last iteration");
        if (fit.NearBoundary)
            warnings.Add($"{Name}: the ARMA parameters are at the stationarity boundary (a root of modulus near 1, as REML gives for a trending series): "
                + "the standard errors are unreliable; try ML (:ml), a different order, newey:L errors, or check the trend");
        double[]? df = null;
        if (Satterthwaite)
        {
            df = Enumerable.Range(0, terms.Count).Select(j => fit.SatterthwaiteDf(Vector<double>.Build.Dense(terms.Count, i => i == j ? 1 : 0))).ToArray();
            if (df.Any(d => !(d > 0) || !double.IsFinite(d)))
                throw new ItsException($"{Name}: the Satterthwaite degrees of freedom are undefined here (the information matrix is singular, usually at the boundary); drop :satterthwaite");
        }
        return new ProcessEstimate(fit.Coefficients, fit.Covariance, fit.DfResidual, model.Outcome.Count, fit.Sigma, fit.LogLikelihood, fit.Aic, plain.Diagnostics)
        {
            Iterations = fit.Iterations,
            Ar = ArmaParameters(fit.ArCoefficients, fit.MaCoefficients),
            CoefficientDf = df,
        };
    }
}

/// <summary>
/// Regression with ARIMA(p, d, q) errors by exact Gaussian maximum likelihood, as R
/// <c>stats::arima(y, order, xreg, method = "ML")</c>, or with multiplicative seasonal
/// ARIMA(p, d, q)(P, D, Q)[s] errors (<c>arima:p,d,q:P,D,Q</c>, s = 12 for monthly and 4 for
/// quarterly data), as R <c>stats::arima(y, order, seasonal = list(order, period = s), xreg, method = "ML")</c>;
/// <c>arima:auto</c> chooses the orders, differencing included, as <c>forecast::auto.arima</c>
/// (<see cref="ArimaOrderSearch"/>) with the design's terms other than the intercept and time as
/// xreg. Inference is
/// Wald z, as R reports for arima fits. Transition periods are missing observations of the
/// likelihood (R's NA). With d + D &gt;= 1 the design columns the differencing makes zero are not
/// estimated and the level is anchored to the model's predictions (<see cref="Effects.LevelAnchor"/>).
/// </summary>
/// <param name="P">AR order (ignored when <paramref name="Auto"/>).</param>
/// <param name="D">Differencing order (ignored when <paramref name="Auto"/>).</param>
/// <param name="Q">MA order (ignored when <paramref name="Auto"/>).</param>
/// <param name="Auto">Choose every order as forecast::auto.arima does.</param>
/// <param name="SeasonalP">Seasonal AR order.</param>
/// <param name="SeasonalD">Seasonal differencing order.</param>
/// <param name="SeasonalQ">Seasonal MA order.</param>
public sealed record ArimaErrors(int P, int D, int Q, bool Auto = false, int SeasonalP = 0, int SeasonalD = 0, int SeasonalQ = 0) : ErrorProcess
{
    /// <summary>Whether the errors have a seasonal part.</summary>
    public bool Seasonal => SeasonalP + SeasonalD + SeasonalQ > 0;

    /// <inheritdoc />
    public override string Name => Auto ? "arima:auto"
        : Seasonal ? $"arima:{P},{D},{Q}:{SeasonalP},{SeasonalD},{SeasonalQ}"
        : $"arima:{P},{D},{Q}";

    /// <summary>Reads <c>arima:p,d,q</c>, <c>arima:p,d,q:P,D,Q</c> or <c>arima:auto</c>.</summary>
    /// <exception cref="FormatException">Not an ARIMA specification.</exception>
    public static ArimaErrors Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (s == "arima:auto") return new ArimaErrors(0, 0, 0, Auto: true);
        var parts = s["arima:".Length..].Split(':');
        var orders = parts.Select(part => part.Split(',')).ToArray();
        if (parts.Length > 2 || orders.Any(o => o.Length != 3 || !o.All(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int order) && order <= 6)))
            throw new FormatException($"'{text}': expected arima:p,d,q or arima:p,d,q:P,D,Q (seasonal) with whole numbers 0 to 6, or arima:auto");
        var v = orders.SelectMany(o => o).Select(o => int.Parse(o, CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 1
            ? new ArimaErrors(v[0], v[1], v[2])
            : new ArimaErrors(v[0], v[1], v[2], SeasonalP: v[3], SeasonalD: v[4], SeasonalQ: v[5]);
    }

    /// <summary>The seasonal orders with the period of the series' frequency.</summary>
    /// <exception cref="ItsException">Seasonal orders on annual data.</exception>
    public SeasonalOrder SeasonalPart(Frequency frequency) =>
        !Seasonal ? Estimation.SeasonalOrder.None
        : frequency switch
        {
            Frequency.Month => new(SeasonalP, SeasonalD, SeasonalQ, 12),
            Frequency.Quarter => new(SeasonalP, SeasonalD, SeasonalQ, 4),
            _ => throw new ItsException($"{Name}: seasonal ARIMA orders need monthly (period 12) or quarterly (period 4) data, and the series is annual; use arima:{P},{D},{Q}"),
        };

    /// <summary>phi1.., theta1.., then the seasonal sar1.., sma1.. (R's names).</summary>
    internal static ErrorParameter[] Parameters(ArimaRegression fit) =>
        ArmaParameters(fit.ArCoefficients, fit.MaCoefficients)
            .Concat(fit.SeasonalArCoefficients.Select((v, i) => new ErrorParameter($"sar{i + 1}", v)))
            .Concat(fit.SeasonalMaCoefficients.Select((v, i) => new ErrorParameter($"sma{i + 1}", v)))
            .ToArray();

    internal override ProcessEstimate Estimate(ItsModel model, LeastSquares ols, ProcessEstimate plain, CovarianceEstimator covariance, List<string> warnings)
    {
        var series = model.Series;
        var design = model.Design;
        var (_, y) = AllPeriods(model);
        if (Auto) return EstimateAuto(model, y, plain, warnings);
        var seasonal = SeasonalPart(series.Frequency);
        var columns = Estimated(design, y, seasonal);
        var x = Matrix<double>.Build.Dense(series.Count, columns.Length, (i, j) => design.Full[i, columns[j]]);
        var terms = columns.Select(j => design.Terms[j]).ToArray();
        var fit = ArimaRegression.Fit(x, y, terms, P, D, Q, seasonal);
        var removed = Enumerable.Range(0, design.Terms.Count).Except(columns).Select(j => design.Terms[j]).ToArray();
        if (removed.Length > 0)
            warnings.Add($"{Name}: the differencing removes {Listing(removed)}, which {(removed.Length == 1 ? "is" : "are")} not estimated; the level (and any trend or season removed) is carried by the differenced errors, and fitted values and counterfactuals are the model's predictions from the pre-interruption {Time.Period.Describe(series.Frequency)}s");
        return Finish(model, fit, columns, y, anchored: removed.Length > 0, plain, warnings);
    }

    // The estimate of a fit of the design columns given: its warnings, and the level anchor of a differenced model.
    private static ProcessEstimate Finish(ItsModel model, ArimaRegression fit, int[] columns, Vector<double> y, bool anchored, ProcessEstimate plain, List<string> warnings)
    {
        if (!fit.Converged) warnings.Add($"ARIMA({fit.P},{fit.D},{fit.Q}){fit.Seasonal} did not converge; the estimates are from the last iteration");
        warnings.AddRange(fit.Warnings);
        var design = model.Design;
        var x = Matrix<double>.Build.Dense(model.Series.Count, columns.Length, (i, j) => design.Full[i, columns[j]]);
        return new ProcessEstimate(fit.Coefficients, fit.Covariance, fit.N - columns.Length, fit.N, Math.Sqrt(fit.Sigma2), fit.LogLikelihood, fit.Aic, plain.Diagnostics)
        {
            Ar = Parameters(fit),
            ZTests = true,
            Columns = columns,
            Anchor = anchored ? Anchor(model, fit, x, y) : null,
        };
    }

    // forecast::auto.arima with the design's terms other than the intercept and time as xreg: the
    // mean, the drift or the differencing carry the level and trend, as in Schaffer et al. (2021).
    private ProcessEstimate EstimateAuto(ItsModel model, Vector<double> y, ProcessEstimate plain, List<string> warnings)
    {
        var series = model.Series;
        var design = model.Design;
        var regressors = Enumerable.Range(0, design.Terms.Count).Where(j => design.Terms[j] is not ("intercept" or "time")).ToArray();
        var xreg = Matrix<double>.Build.Dense(series.Count, regressors.Length, (i, j) => design.Full[i, regressors[j]]);
        int period = series.Frequency switch { Frequency.Month => 12, Frequency.Quarter => 4, _ => 1 };
        var (search, fit) = ArimaOrderSearch.Run(xreg, regressors.Select(j => design.Terms[j]).ToArray(), y, period);
        var chosen = search.Chosen;
        warnings.Add($"arima:auto chose {chosen.Describe(period)}, the smallest AICc ({chosen.Aicc:F2}) of the {search.Candidates.Count} models of forecast::auto.arima's stepwise search (d by KPSS, D by OCSB); "
            + (chosen.D + chosen.SeasonalD == 0 ? "the trend term time is not used: the level and slope changes are measured against " + (chosen.Constant ? "the mean" : "zero")
               : chosen.Constant && chosen.D + chosen.SeasonalD == 1 ? "time is the drift" : "the differencing carries the level and trend"));
        warnings.AddRange(search.Notes.Select(note => $"arima:auto: {note}"));
        var columns = fit.Terms.Select(design.IndexOf).ToArray();
        return Finish(model, fit, columns, y, anchored: chosen.D + chosen.SeasonalD > 0, plain, warnings) with { OrderSearch = search };
    }

    private static string Listing(string[] terms) =>
        terms.Length == 1 ? terms[0] : $"{string.Join(", ", terms[..^1])} and {terms[^1]}";

    // The design columns the differencing leaves non-zero (all without differencing), as R's arima
    // would need them: the intercept always goes, time with d >= 2 or d = D = 1, fixed seasons with D >= 1.
    // An interruption term whose differences are non-zero only where a transition period hides
    // them is not estimable (R's arima fails to start there).
    private int[] Estimated(Design design, Vector<double> y, Estimation.SeasonalOrder seasonal)
    {
        var delta = ArimaKalman.DifferenceOperator(D, seasonal.D, seasonal.Period);
        if (delta.Length == 0) return Enumerable.Range(0, design.Terms.Count).ToArray();
        var full = design.Full;
        double Difference(Func<int, double> value, int i)
        {
            double v = value(i);
            for (int k = 0; k < delta.Length; k++) if (delta[k] != 0) v -= delta[k] * value(i - k - 1);
            return v;
        }
        var kept = new List<int>();
        for (int j = 0; j < full.ColumnCount; j++)
        {
            double scale = Math.Max(full.Column(j).AbsoluteMaximum(), 1), anywhere = 0, observed = 0;
            for (int i = delta.Length; i < full.RowCount; i++)
            {
                double v = Math.Abs(Difference(r => full[r, j], i));
                anywhere = Math.Max(anywhere, v);
                if (double.IsFinite(Difference(r => y[r], i))) observed = Math.Max(observed, v);
            }
            bool interruption = design.InterruptionColumns[j];
            if (interruption && !(observed > 1e-10 * scale))
                throw new ItsException(anywhere > 1e-10 * scale
                    ? $"{Name}: after differencing, {design.Terms[j]} changes only in the transition periods, which are missing, so its effect is not estimable; use fewer transition periods, d = 0 and D = 0, or impact slope"
                    : $"{Name}: the differencing removes {design.Terms[j]} (it is constant after differencing), so the interruption has no estimable effect; use fewer differences");
            if (anywhere > 1e-10 * scale) kept.Add(j);
        }
        return kept.ToArray();
    }

    // The Kalman predictions of y and of every estimated column from the pre-interruption rows (see LevelAnchor).
    private static Effects.LevelAnchor Anchor(ItsModel model, ArimaRegression fit, Matrix<double> x, Vector<double> y)
    {
        var series = model.Series;
        var first = model.Spec.Interruptions[0];
        var observed = Enumerable.Range(0, series.Count).Select(i => double.IsFinite(y[i]) && series.Periods[i].CompareTo(first) < 0).ToArray();
        var data = x.InsertColumn(0, y.Map(v => double.IsFinite(v) ? v : 0));
        var (predictions, variances) = fit.Predict(data, observed);
        var constant = predictions.Column(0).ToArray();
        var adjustment = predictions.RemoveColumn(0);
        for (int i = 0; i < series.Count; i++)
        {
            if (variances[i] < ArimaKalman.DiffuseGain) continue;
            constant[i] = y[i];
            adjustment.SetRow(i, x.Row(i));
        }
        return new Effects.LevelAnchor(constant, adjustment);
    }
}
