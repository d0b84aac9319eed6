using System.Text.Json;
using Its.Batch;
using Its.Comparison;
using Its.Effects;
using Its.Diagnostics;
using Its.Estimation;
using Its.Model;
using Its.Multilevel;
using Its.Results;
using Its.Robustness;
using Its.Synthetic;
using Its.Time;
using Xunit.Sdk;

namespace Its.Tests.Reference;

/// <summary>
/// Fits one fixture case with the kit, through the entry point its kind names, and compares every
/// expected field at its tolerance. A kind or a field the checker does not know fails the case.
/// </summary>
public static partial class FixtureChecker
{
    /// <summary>The kinds of case the checker fits, and the kit entry point each one uses.</summary>
    public static readonly IReadOnlyDictionary<string, string> Kinds = new Dictionary<string, string>
    {
        ["model"] = "new ItsModel(series, spec).Fit(), with its contrasts, Wald tests and intervals at other levels",
        ["arima-regression"] = "ArimaRegression.Fit on R's design columns (any d)",
        ["break-search"] = "BreakSearch.Run(series, spec, trim)",
        ["hansen-p-value"] = "SupFPValue.Hansen(statistic, restrictions, lambda)",
        ["group-comparison"] = "GroupComparison.FitPooled and GroupComparison.Tests",
        ["meta-analysis"] = "PanelSummary.MetaAnalysis(estimates, std_errors)",
        ["synthetic-did"] = "SyntheticDid.Fit(new PanelOutcomes(units, treated, interruption), estimator)",
        ["multilevel"] = "MultilevelIts.Fit(units, spec, model, reference)",
        ["synthetic-control"] = "SyntheticControl.Fit, PlaceboInSpace, LeaveOneOut and InTime on the panel file: the kit's own V search, and the weights at R's V (SynthInputs.CustomV)",
    };

    /// <summary>Checks the case; throws listing every field that differs from R.</summary>
    public static Comparison Check(Fixture fixture)
    {
        var compare = new Comparison(fixture);
        var expected = new ExpectedValues(fixture.Expected);
        switch (fixture.Kind)
        {
            case "model": Model(fixture, expected, compare); break;
            case "arima-regression": ArimaFit(fixture, expected, compare); break;
            case "break-search": Breaks(fixture, expected, compare); break;
            case "hansen-p-value": Hansen(fixture, expected, compare); break;
            case "group-comparison": Groups(fixture, expected, compare); break;
            case "meta-analysis": Meta(fixture, expected, compare); break;
            case "synthetic-did": Synthetic(fixture, expected, compare); break;
            case "multilevel": Multilevel(fixture, expected, compare); break;
            case "synthetic-control": SynthControl(fixture, expected, compare); break;
            default: throw new XunitException($"{fixture}: unknown kind '{fixture.Kind}' (the checker knows {string.Join(", ", Kinds.Keys)})");
        }
        compare.ThrowIfFailed(expected);
        return compare;
    }

    // ---- the ITS model ----

    private static void Model(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var model = new ItsModel(fixture.Series(), fixture.Spec());
        if (fixture.Data.TryGetProperty("design", out _)) SameDesign(fixture, model, compare);
        var result = model.Fit();
        foreach (string name in e.Names.ToArray())
        {
            switch (name)
            {
                case "n": compare.Same(name, e[name].GetInt32(), result.N); break;
                case "df_residual": compare.Same(name, e[name].GetInt32(), result.DfResidual); break;
                case "coefficients": Coefficients(e.Objects(name), result.Coefficients, compare); break;
                case "vcov": compare.Covariance(name, e[name], result.Covariance); break;
                case "sigma": compare.Number(name, e[name], result.ResidualScale); break;
                case "log_likelihood": compare.Number(name, e[name], result.LogLikelihood); break;
                case "aic": compare.Number(name, e[name], result.Aic); break;
                case "lag": compare.Integer(name, e[name], result.Lag); break;
                case "error_parameters": compare.Parameters(name, e.Object(name)!, result.ErrorParameters); break;
                case "family_parameters": compare.Parameters(name, e.Object(name)!, result.FamilyParameters); break;
                case "diagnostics": Diagnostics(e.Object(name)!, result.Diagnostics, result.Spec.CumbyHuizinga, compare); break;
                case "effects": Effects(e.Objects(name), result, compare); break;
                case "cumulative": Cumulative(e.Object(name)!, result.Cumulative, compare); break;
                case "arima_search": OrderSearch(e.Object(name)!, result.OrderSearch, compare); break;
                case "post_trends": Trends(e.Objects(name), result, compare); break;
                case "long_run": Coefficients(e.Objects(name), result.LongRun, compare, name); break;
                case "coefficient_intervals_90": Intervals90(e.Objects(name), result, compare); break;
                case "contrasts": Contrasts(e.Objects(name), result, compare); break;
                case "wald_tests": WaldTests(e.Objects(name), result, compare); break;
                case "near_boundary":
                    compare.Same(name, e[name].GetBoolean(), result.Warnings.Any(w => w.Contains(NearBoundaryWarning, StringComparison.Ordinal)));
                    break;
                case "warnings":
                    compare.Same(name, string.Join(" | ", e[name].EnumerateArray().Select(w => w.GetString())), string.Join(" | ", result.Warnings));
                    break;
            }
        }
    }

    /// <summary>How the model says that GLS ARMA parameters sit at the stationarity boundary.</summary>
    public const string NearBoundaryWarning = "at the stationarity boundary";

    // R fitted the columns in data.design: the kit's design must be the same, to R's 15 printed digits.
    private const double PrintedDigits = 1e-13;

    private static void SameDesign(Fixture fixture, ItsModel model, Comparison compare)
    {
        var (x, _, terms) = fixture.Design();
        compare.Same("data.design terms", string.Join(", ", terms), string.Join(", ", model.Design.Terms));
        compare.Same("data.design rows", x.RowCount, model.X.RowCount);
        if (x.RowCount != model.X.RowCount || x.ColumnCount != model.X.ColumnCount) return;
        double largest = x.Enumerate().Max(Math.Abs);
        if (!((x - model.X).Enumerate().Max(Math.Abs) <= PrintedDigits * largest))
            compare.Fail($"data.design: the kit's design differs from the columns R fitted by {(x - model.X).Enumerate().Max(Math.Abs):G3}");
    }

    private static void Coefficients(IReadOnlyList<ExpectedValues> rows, IReadOnlyList<Coefficient> actual, Comparison compare, string field = "coefficients")
    {
        compare.Same($"{field} count", rows.Count, actual.Count);
        foreach (var (e, a) in rows.Zip(actual))
        {
            string at = $"{field}[{a.Term}]";
            compare.Same($"{at}.term", e["term"].GetString(), a.Term);
            Row(e, a, at, compare);
        }
    }

    // The fields of a coefficient row, or of a contrast, that R reports.
    private static void Row(ExpectedValues e, Coefficient a, string at, Comparison compare)
    {
        foreach (string name in e.Names.ToArray())
        {
            switch (name)
            {
                case "estimate": compare.Number($"{at}.estimate", e[name], a.Estimate); break;
                case "std_error": compare.Number($"{at}.std_error", e[name], a.StdError); break;
                case "statistic": compare.Number($"{at}.statistic", e[name], a.Statistic); break;
                case "p_value": compare.Number($"{at}.p_value", e[name], a.PValue); break;
                case "ci": compare.Interval($"{at}.ci", e[name], a.Ci); break;
                case "df": compare.Number($"{at}.df", e[name], a.Df); break;
            }
        }
    }

    private static void Diagnostics(ExpectedValues e, ResidualDiagnostics d, CumbyHuizingaOptions variant, Comparison compare)
    {
        foreach (string name in e.Names.ToArray())
        {
            string at = $"diagnostics.{name}";
            switch (name)
            {
                case "durbin_watson":
                    var dw = e.Object(name)!;
                    compare.Number($"{at}.statistic", dw["statistic"], d.DurbinWatson?.Statistic);
                    compare.Number($"{at}.p_value", dw["p_value"], d.DurbinWatson?.PValue);
                    break;
                case "breusch_godfrey":
                    var orders = e.Objects(name);
                    compare.Same($"{at} orders", orders.Count, d.BreuschGodfrey.Count);
                    foreach (var (r, a) in orders.Zip(d.BreuschGodfrey))
                    {
                        string order = $"{at}[{a.Order}]";
                        compare.Same($"{order}.order", r["order"].GetInt32(), a.Order);
                        // Both tests have the order as their (numerator) df.
                        compare.Same($"{order}.chisq_df", r["chisq_df"].GetInt32(), a.Order);
                        compare.Same($"{order}.f_df1", r["f_df1"].GetInt32(), a.Order);
                        compare.Number($"{order}.chisq", r["chisq"], a.ChiSquare);
                        compare.Number($"{order}.chisq_p_value", r["chisq_p_value"], a.ChiSquarePValue);
                        compare.Number($"{order}.f", r["f"], a.F);
                        compare.Same($"{order}.f_df2", r["f_df2"].GetInt32(), a.FDf2);
                        compare.Number($"{order}.f_p_value", r["f_p_value"], a.FPValue);
                    }
                    break;
                case "cumby_huizinga": CumbyHuizinga(at, e.Object(name)!, d, variant, compare); break;
                case "ljung_box": Portmanteau(at, e.Object(name)!, d.LjungBox, compare); break;
                case "box_pierce": Portmanteau(at, e.Object(name)!, d.BoxPierce, compare); break;
                case "acf": compare.Series(at, e[name], d.Correlogram.Acf); break;
                case "pacf": compare.Series(at, e[name], d.Correlogram.Pacf); break;
                case "deviance": compare.Number(at, e[name], d.Dispersion?.Deviance); break;
                case "pearson_chisq": compare.Number(at, e[name], d.Dispersion?.PearsonChiSquare); break;
            }
        }
    }

    private static void CumbyHuizinga(string at, ExpectedValues e, ResidualDiagnostics d, CumbyHuizingaOptions variant, Comparison compare)
    {
        compare.Same($"{at}.variant", e["variant"].GetString(), variant.ToString());
        var tests = e.Objects("tests");
        compare.Same($"{at} lags", tests.Count, d.CumbyHuizinga.Count);
        foreach (var (r, a) in tests.Zip(d.CumbyHuizinga))
        {
            string lag = $"{at}[{a.Lag}]";
            compare.Same($"{lag}.lag", r["lag"].GetInt32(), a.Lag);
            compare.Same($"{lag}.lags_df", r["lags_df"].GetInt32(), a.Lag);
            compare.Same($"{lag}.lag_df", r["lag_df"].GetInt32(), 1);
            compare.Number($"{lag}.lags_chisq", r["lags_chisq"], a.RangeChiSquare);
            compare.Number($"{lag}.lags_p_value", r["lags_p_value"], a.RangePValue);
            compare.Number($"{lag}.lag_chisq", r["lag_chisq"], a.LagChiSquare);
            compare.Number($"{lag}.lag_p_value", r["lag_p_value"], a.LagPValue);
            compare.Same($"{lag}.adjusted", r["adjusted"].GetBoolean(), a.Adjusted);
        }
    }

    private static void OrderSearch(ExpectedValues e, ArimaOrderSearch? search, Comparison compare)
    {
        const string at = "arima_search";
        compare.Same($"{at} present", true, search is not null);
        if (search is null) return;
        compare.Same($"{at}.period", e["period"].GetInt32(), search.Period);
        compare.Series($"{at}.kpss", e["kpss"], search.Kpss);
        if (e.Object("ocsb") is { } ocsb)
        {
            compare.Same($"{at}.ocsb present", true, search.Ocsb is not null);
            compare.Number($"{at}.ocsb.statistic", ocsb["statistic"], search.Ocsb?.Statistic);
            compare.Number($"{at}.ocsb.critical", ocsb["critical"], search.Ocsb?.Critical);
            compare.Same($"{at}.ocsb.lags", ocsb["lags"].GetInt32(), search.Ocsb?.Lags);
        }
        else compare.Same($"{at}.ocsb present", false, search.Ocsb is not null);
        var rows = e.Objects("candidates");
        compare.Same($"{at} candidates", rows.Count, search.Candidates.Count);
        foreach (var (r, c) in rows.Zip(search.Candidates))
            Candidate($"{at}.candidates", r, c, search.Period, compare);
        Candidate($"{at}.chosen", e.Object("chosen")!, search.Chosen, search.Period, compare);
    }

    private static void Candidate(string at, ExpectedValues r, ArimaCandidate c, int period, Comparison compare)
    {
        string model = $"{at}[{c.P},{c.D},{c.Q}:{c.SeasonalP},{c.SeasonalD},{c.SeasonalQ}{(c.Constant ? " constant" : "")}]";
        compare.Same($"{model} orders", $"{r["p"].GetInt32()},{r["d"].GetInt32()},{r["q"].GetInt32()}:{r["seasonal_p"].GetInt32()},{r["seasonal_d"].GetInt32()},{r["seasonal_q"].GetInt32()}",
            $"{c.P},{c.D},{c.Q}:{c.SeasonalP},{c.SeasonalD},{c.SeasonalQ}");
        compare.Same($"{model}.constant", r["constant"].GetBoolean(), c.Constant);
        var aicc = r.Optional("aicc");
        // A candidate near the unit circle in R's fit: R's initial covariance and optimiser path decide.
        if (!compare.IsCompared($"{model}.aicc"))
        {
            compare.Number($"{model}.aicc", 0, c.Aicc);
            return;
        }
        if (aicc is { ValueKind: not JsonValueKind.Null } value) compare.Number($"{model}.aicc", value, c.Aicc);
        else compare.Same($"{model}.aicc rejected (R: Inf)", "rejected", c.Rejected is null ? $"not rejected, AICc {c.Aicc}" : "rejected");
        if (aicc is { ValueKind: not JsonValueKind.Null } && c.Rejected is { } why) compare.Same($"{model} (R: finite AICc)", "accepted", $"rejected: {why}");
    }

    private static void Portmanteau(string at, ExpectedValues e, PortmanteauTest actual, Comparison compare)
    {
        compare.Same($"{at}.lag", e["lag"].GetInt32(), actual.Lag);
        compare.Number($"{at}.statistic", e["statistic"], actual.Statistic);
        if (e.Optional("p_value") is { } p) compare.Number($"{at}.p_value", p, actual.PValue);
    }

    private static void Effects(IReadOnlyList<ExpectedValues> rows, ItsResult result, Comparison compare)
    {
        compare.Same("effects count", rows.Count, result.Effects.Count);
        foreach (var (e, a) in rows.Zip(result.Effects))
        {
            string at = $"effects[+{a.PeriodsAfter}]";
            foreach (string name in e.Names.ToArray())
            {
                string field = $"{at}.{name}";
                switch (name)
                {
                    case "periods_after": compare.Same(field, e[name].GetInt32(), a.PeriodsAfter); break;
                    case "period": compare.Same(field, e[name].GetString(), a.Period.ToString()); break;
                    case "exposure": compare.Number(field, e[name], a.Exposure); break;
                    default: Change(e, name, field, compare, a.Fitted, a.Counterfactual, a.Absolute, a.AbsoluteStdError, a.AbsoluteCi, a.Relative, a.RelativeStdError, a.RelativeCi); break;
                }
            }
        }
    }

    // The fields an effect and a cumulative effect share; another name is not compared here.
    private static void Change(ExpectedValues e, string name, string field, Comparison compare, double fitted, double counterfactual,
        double absolute, double absoluteSe, Interval absoluteCi, double? relative, double? relativeSe, Interval? relativeCi)
    {
        switch (name)
        {
            case "fitted": compare.Number(field, e[name], fitted); break;
            case "counterfactual": compare.Number(field, e[name], counterfactual); break;
            case "absolute": compare.Number(field, e[name], absolute); break;
            case "absolute_se": compare.Number(field, e[name], absoluteSe); break;
            case "absolute_ci": compare.Interval(field, e[name], absoluteCi); break;
            case "relative": compare.Number(field, e[name], relative); break;
            case "relative_se": compare.Number(field, e[name], relativeSe); break;
            case "relative_ci": compare.Interval(field, e[name], relativeCi); break;
        }
    }

    private static void Cumulative(ExpectedValues e, CumulativeEffect? a, Comparison compare)
    {
        if (a is null)
        {
            compare.Fail("cumulative: R has a cumulative effect, the kit none");
            return;
        }
        foreach (string name in e.Names.ToArray())
        {
            string field = $"cumulative.{name}";
            switch (name)
            {
                case "from": compare.Same(field, e[name].GetInt32(), a.From); break;
                case "to": compare.Same(field, e[name].GetInt32(), a.To); break;
                case "first": compare.Same(field, e[name].GetString(), a.First.ToString()); break;
                case "last": compare.Same(field, e[name].GetString(), a.Last.ToString()); break;
                default: Change(e, name, field, compare, a.Fitted, a.Counterfactual, a.Absolute, a.AbsoluteStdError, a.AbsoluteCi, a.Relative, a.RelativeStdError, a.RelativeCi); break;
            }
        }
    }

    private static void Trends(IReadOnlyList<ExpectedValues> rows, ItsResult result, Comparison compare)
    {
        compare.Same("post_trends count", rows.Count, result.PostTrends.Count);
        foreach (var (e, a) in rows.Zip(result.PostTrends))
        {
            string at = $"post_trends[{a.Interruption}]";
            compare.Same($"{at}.interruption", e["interruption"].GetInt32(), a.Interruption);
            compare.Number($"{at}.estimate", e["estimate"], a.Estimate);
            compare.Number($"{at}.std_error", e["std_error"], a.StdError);
            compare.Interval($"{at}.ci", e["ci"], a.Ci);
            compare.Number($"{at}.percent", e["percent"], a.Percent);
            compare.Interval($"{at}.percent_ci", e["percent_ci"], a.PercentCi);
        }
    }

    private static void Intervals90(IReadOnlyList<ExpectedValues> rows, ItsResult result, Comparison compare)
    {
        compare.Same("coefficient_intervals_90 count", rows.Count, result.Coefficients.Count);
        foreach (var (e, a) in rows.Zip(result.Coefficients))
        {
            compare.Same($"coefficient_intervals_90[{a.Term}].term", e["term"].GetString(), a.Term);
            compare.Interval($"coefficient_intervals_90[{a.Term}].ci", e["ci"], a.ConfidenceInterval(0.90));
        }
    }

    private static (string Term, double Weight)[] Weights(JsonElement weights) =>
        weights.EnumerateObject().Select(p => (p.Name, p.Value.GetDouble())).ToArray();

    private static void Contrasts(IReadOnlyList<ExpectedValues> rows, ItsResult result, Comparison compare)
    {
        foreach (var e in rows)
        {
            var c = result.Contrast(Weights(e["weights"]));
            Row(e, c, $"contrasts[{c.Term}]", compare);
        }
    }

    private static void WaldTests(IReadOnlyList<ExpectedValues> rows, ItsResult result, Comparison compare)
    {
        foreach (var (e, i) in rows.Select((e, i) => (e, i)))
        {
            var restrictions = e["restrictions"].EnumerateArray().Select(r => (IReadOnlyList<(string, double)>)Weights(r)).ToArray();
            var w = result.Wald(restrictions);
            string at = $"wald_tests[{i}]";
            compare.Integer($"{at}.restriction_count", e["restriction_count"], w.Restrictions);
            compare.Number($"{at}.df_residual", e["df_residual"], w.DfResidual);
            compare.Number($"{at}.statistic", e["statistic"], w.Statistic);
            compare.Number($"{at}.p_value", e["p_value"], w.PValue);
        }
    }

    // ---- regression with ARIMA errors on R's design ----

    private static ArimaErrors Arima(Fixture fixture) =>
        ErrorModel.Parse(fixture.SpecOption("errors").GetString()!).Process as ArimaErrors
        ?? throw new XunitException($"{fixture}: spec.errors is not arima:p,d,q");

    private static void ArimaFit(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var order = Arima(fixture);
        var (x, y, terms) = fixture.Design();
        var fit = ArimaRegression.Fit(x, y, terms, order.P, order.D, order.Q, order.SeasonalPart(fixture.Series().Frequency));
        compare.Same("converged", true, fit.Converged);
        compare.Same("n", e["n"].GetInt32(), fit.N);
        var rows = e.Objects("coefficients");
        compare.Same("coefficients terms", string.Join(", ", rows.Select(r => r["term"].GetString())), string.Join(", ", fit.Terms));
        for (int i = 0; i < Math.Min(rows.Count, fit.Terms.Count); i++)
        {
            string at = $"coefficients[{fit.Terms[i]}]";
            compare.Number($"{at}.estimate", rows[i]["estimate"], fit.Coefficients[i]);
            compare.Number($"{at}.std_error", rows[i]["std_error"], Math.Sqrt(fit.Covariance[i, i]));
        }
        compare.Parameters("error_parameters", e.Object("error_parameters")!, ArmaParameters(fit.ArCoefficients, fit.MaCoefficients)
            .Concat(fit.SeasonalArCoefficients.Select((v, i) => new ErrorParameter($"sar{i + 1}", v)))
            .Concat(fit.SeasonalMaCoefficients.Select((v, i) => new ErrorParameter($"sma{i + 1}", v))).ToArray());
        compare.Number("sigma2", e["sigma2"], fit.Sigma2);
        compare.Number("log_likelihood", e["log_likelihood"], fit.LogLikelihood);
        compare.Number("aic", e["aic"], fit.Aic);
        compare.Number("aicc", e["aicc"], fit.Aicc);
    }

    /// <summary>phi1.., theta1.. as the model names them.</summary>
    public static ErrorParameter[] ArmaParameters(IReadOnlyList<double> phi, IReadOnlyList<double> theta) =>
        phi.Select((v, i) => new ErrorParameter($"phi{i + 1}", v)).Concat(theta.Select((v, i) => new ErrorParameter($"theta{i + 1}", v))).ToArray();

    // ---- break-date search ----

    private static void Breaks(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var result = BreakSearch.Run(fixture.Series(), fixture.Spec(), fixture.SpecOption("trim").GetDouble());
        compare.Same("n", e["n"].GetInt32(), result.N);
        compare.Same("restrictions", e["restrictions"].GetInt32(), result.Restrictions);
        compare.Same("df_residual", e["df_residual"].GetInt32(), result.DfResidual);
        compare.Same("from", e["from"].GetInt32(), result.From);
        compare.Same("to", e["to"].GetInt32(), result.To);
        compare.Number("lambda", e["lambda"], result.Lambda);
        var candidates = e.Objects("candidates");
        compare.Same("candidates count", candidates.Count, result.Candidates.Count);
        foreach (var (r, a) in candidates.Zip(result.Candidates))
        {
            compare.Same($"candidates[{a.Period}].index", r["index"].GetInt32(), a.Index);
            compare.Same($"candidates[{a.Period}].period", r["period"].GetString(), a.Period.ToString());
            compare.Number($"candidates[{a.Period}].f", r["f"], a.F);
        }
        compare.Number("sup_f", e["sup_f"], result.SupF);
        compare.Same("break_index", e["break_index"].GetInt32(), result.BreakIndex);
        compare.Same("break_period", e["break_period"].GetString(), result.BreakPeriod.ToString());
        compare.Number("p_value", e["p_value"], result.PValue);
        compare.Number("p_value_sctest", e["p_value_sctest"], result.PValue);
        var pre = e.Object("prespecified");
        compare.Same("prespecified given", pre is not null, result.Prespecified is not null);
        if (pre is null || result.Prespecified is null) return;
        compare.Same("prespecified.period", pre["period"].GetString(), result.Prespecified.Period.ToString());
        compare.Number("prespecified.f", pre["f"], result.Prespecified.F);
        compare.Integer("prespecified.rank", pre["rank"], result.Prespecified.Rank);
    }

    private static void Hansen(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var d = fixture.Data;
        double p = SupFPValue.Hansen(d.GetProperty("statistic").GetDouble(), d.GetProperty("restrictions").GetInt32(), d.GetProperty("lambda").GetDouble());
        compare.Number("p_value", e["p_value"], p);
        compare.Number("p_value_sctest", e["p_value_sctest"], p);
    }

    // ---- multiple-group comparison ----

    /// <summary>The units, spec, reference group and lag scope of a group-comparison case.</summary>
    public static (IReadOnlyList<GroupSeries> Units, ItsSpec Spec, string Reference, LagScope Scope) GroupCase(Fixture fixture)
    {
        var units = fixture.Data.GetProperty("units").EnumerateArray()
            .Select(u => new GroupSeries(u.GetProperty("name").GetString()!, Fixture.SeriesOf(u.GetProperty("series")), u.GetProperty("unit").GetString()))
            .ToArray();
        var scope = fixture.SpecOption("lag_scope").GetString() switch
        {
            "across" => LagScope.AcrossSeries,
            "within" => LagScope.WithinSeries,
            var other => throw new XunitException($"{fixture}: unknown lag_scope '{other}'"),
        };
        return (units, fixture.Spec(units[0].Series.Frequency), fixture.SpecOption("reference").GetString()!, scope);
    }

    private static void Groups(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var (units, spec, reference, scope) = GroupCase(fixture);
        var pooled = GroupComparison.FitPooled(units, spec, reference, scope);
        compare.Same("n", e["n"].GetInt32(), pooled.N);
        compare.Same("df_residual", e["df_residual"].GetInt32(), pooled.DfResidual);
        compare.Number("sigma", e["sigma"], pooled.ResidualScale);
        Coefficients(e.Objects("coefficients"), pooled.Coefficients, compare);
        compare.Covariance("vcov", e["vcov"], pooled.Covariance);
        var tests = GroupComparison.Tests(pooled);
        var rows = e.Objects("difference_tests");
        compare.Same("difference_tests count", rows.Count, tests.Count);
        foreach (var (r, t) in rows.Zip(tests))
        {
            string at = $"difference_tests[{t.Group}: {t.Term}]";
            compare.Same($"{at}.group", r["group"].GetString(), t.Group);
            compare.Same($"{at}.term", r["term"].GetString(), t.Term);
            compare.Number($"{at}.p_value", r["p_value"], t.PValue);
            bool joint = r.Has("statistic");
            compare.Same($"{at} joint", joint, t.Joint);
            if (joint)
            {
                compare.Number($"{at}.statistic", r["statistic"], t.Statistic);
                compare.Same($"{at}.df", r["df"].GetInt32(), t.Df);
                compare.Number($"{at}.df_residual", r["df_residual"], t.DfResidual);
            }
            else
            {
                compare.Number($"{at}.estimate", r["estimate"], t.Estimate);
                compare.Number($"{at}.std_error", r["std_error"], t.StdError);
            }
        }
    }

    // ---- meta-analysis of unit estimates ----

    private static void Meta(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var (fixedEffect, randomEffects, tau2, q, i2) = PanelSummary.MetaAnalysis(
            Fixture.Numbers(fixture.Data.GetProperty("estimates")), Fixture.Numbers(fixture.Data.GetProperty("std_errors")));
        Pooled("fixed_effect", e.Object("fixed_effect")!, fixedEffect, compare);
        Pooled("random_effects", e.Object("random_effects")!, randomEffects, compare);
        compare.Number("tau2", e["tau2"], tau2);
        compare.Number("q", e["q"], q);
        compare.Number("i2", e["i2"], i2);
    }

    // ---- synthetic DiD ----

    private static void Synthetic(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var panel = fixture.Data.GetProperty("panel");
        var periods = panel.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!, Frequency.Year)).ToArray();
        var names = panel.GetProperty("units").EnumerateArray().Select(u => u.GetString()!).ToArray();
        var units = names.Zip(panel.GetProperty("y").EnumerateArray(), (name, y) => new GroupSeries(name, new TimeSeries(periods, Fixture.Numbers(y)))).ToArray();
        var treated = fixture.SpecOption("treated").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var interruption = Period.Parse(fixture.SpecOption("interruptions")[0].GetString()!, Frequency.Year);
        var estimator = SyntheticEstimators.Parse(fixture.SpecOption("method").GetString()!);
        var result = SyntheticDid.Fit(new PanelOutcomes(units, treated, interruption), estimator);
        compare.Number("estimate", e["estimate"], result.Estimate);
        compare.Number("published", e["published"], result.Estimate);
        compare.Number("noise_level", e["noise_level"], result.NoiseLevel);
        compare.Number("zeta_omega", e["zeta_omega"], result.ZetaOmega);
        compare.Number("placebo_se", e["placebo_se"], result.PlaceboStandardError);
        Weights("unit_weights", e.Object("unit_weights")!, result.UnitWeights, compare);
        Weights("time_weights", e.Object("time_weights")!, result.TimeWeights, compare);
        Weights("placebo_estimates", e.Object("placebo_estimates")!, result.Placebos, compare);
        if (e.Names.Contains("placebo_in_space")) PlaceboInSpace(e.Object("placebo_in_space")!, SyntheticDid.PlaceboInSpace(new PanelOutcomes(units, treated, interruption)), compare);
    }

    private static void PlaceboInSpace(ExpectedValues e, PlaceboInSpace actual, Comparison compare)
    {
        compare.Same("placebo_in_space.rank", e["rank"].GetInt32(), actual.Rank);
        compare.Number("placebo_in_space.p_value", e["p_value"], actual.PValue);
        var rows = e.Objects("units");
        compare.Same("placebo_in_space.units count", rows.Count, actual.Units.Count);
        foreach (var (r, a) in rows.Zip(actual.Units))
        {
            string at = $"placebo_in_space.units[{a.Unit}]";
            compare.Same($"{at}.unit", r["unit"].GetString(), a.Unit);
            compare.Same($"{at}.treated", r["treated"].GetBoolean(), a.Treated);
            compare.Number($"{at}.pre_rmspe", r["pre_rmspe"], a.PreRmspe);
            compare.Number($"{at}.post_rmspe", r["post_rmspe"], a.PostRmspe);
            compare.Number($"{at}.ratio", r["ratio"], a.Ratio);
        }
    }

    private static void Weights(string at, ExpectedValues e, IReadOnlyList<SyntheticWeight> actual, Comparison compare)
    {
        compare.Same($"{at} names", string.Join(", ", e.Names), string.Join(", ", actual.Select(w => w.Name)));
        foreach (var w in actual) compare.Number($"{at}[{w.Name}]", e[w.Name], w.Value);
    }

    // ---- synthetic control (Abadie et al.) ----

    // R's V is not identified (many V give one W), so the kit is compared twice: its own V search by
    // the loss it minimises (best_loss_v, one-sided: R's V in the exact nested problem), and
    // everything else at R's V given as custom V.
    private static void SynthControl(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var data = fixture.Data;
        string file = data.GetProperty("file").GetString()!, outcome = data.GetProperty("outcome").GetString()!;
        string treated = data.GetProperty("treated").GetString()!;
        var interruption = Period.Parse(data.GetProperty("interruption").GetString()!, Frequency.Year);
        var predictors = fixture.SpecOption("predictors").EnumerateArray().Select(p => p.GetString()!).ToArray();
        SynthInputs Inputs(string unit, IReadOnlyCollection<string> units) => SynthPanel.Inputs(file, outcome, unit, interruption, predictors, units);
        SynthInputs AtV(SynthInputs inputs, ExpectedValues fit) =>
            fit.Has("v") ? inputs with { CustomV = Fixture.Numbers(fit["v"]) } : inputs;

        if (data.TryGetProperty("units", out var all))
        {
            var units = all.EnumerateArray().Select(u => u.GetString()!).ToArray();
            var space = SyntheticControl.PlaceboInSpace(Inputs(treated, units));
            compare.Same("california_rank", e["california_rank"].GetInt32(), space.Rank);
            compare.Number("p_value", e["p_value"], space.PValue);
            var rows = e.Objects("units");
            compare.Same("units count", rows.Count, space.Units.Count);
            foreach (var r in rows)
            {
                string unit = r["unit"].GetString()!, at = $"units[{unit}]";
                var own = space.Units.Single(u => u.Unit == unit);
                compare.Number($"{at}.best_loss_v", r["best_loss_v"], own.PreRmspe * own.PreRmspe);
                var fit = SyntheticControl.Fit(AtV(Inputs(unit, units), r));
                compare.Series($"{at}.v", r["v"], fit.Balance.Select(b => b.V).ToArray());
                compare.Number($"{at}.loss_w_precise", r["loss_w_precise"], fit.LossW);
                compare.Number($"{at}.pre_rmspe_precise", r["pre_rmspe_precise"], fit.PreRmspe);
                compare.Number($"{at}.post_rmspe_precise", r["post_rmspe_precise"], fit.PostRmspe);
                compare.Number($"{at}.ratio_precise", r["ratio_precise"], fit.PostRmspe / fit.PreRmspe);
                foreach (string informative in new[] { "loss_v", "pre_rmspe", "post_rmspe", "ratio" })
                {
                    _ = r[informative];
                    compare.Informative($"{at}.{informative}");
                }
            }
            return;
        }

        var everyone = data.GetProperty("donors").EnumerateArray().Select(u => u.GetString()!).Append(treated).ToArray();
        if (e.Has("fits"))
        {
            var inputs = Inputs(treated, everyone);
            var loo = SyntheticControl.LeaveOneOut(inputs, SyntheticControl.Fit(inputs));
            var fits = e.Objects("fits");
            compare.Same("fits dropped", string.Join(", ", fits.Select(f => f["dropped"].GetString()).Order()), string.Join(", ", loo.Select(d => d.Dropped).Order()));
            foreach (var f in fits)
            {
                string dropped = f["dropped"].GetString()!;
                var kept = everyone.Where(u => u != dropped).ToArray();
                var own = loo.FirstOrDefault(d => d.Dropped == dropped)?.Fit ?? SyntheticControl.Fit(Inputs(treated, kept));
                SynthFields($"fits[{dropped}].", f, own, SyntheticControl.Fit(AtV(Inputs(treated, kept), f)), compare);
            }
            return;
        }

        var full = Inputs(treated, everyone);
        if (data.TryGetProperty("in_time", out var pseudoText))
        {
            var pseudo = Period.Parse(pseudoText.GetString()!, Frequency.Year);
            // The fixture's predictors are the in-time ones, given explicitly rather than moved back.
            SynthFields("", e, SyntheticControl.InTime(full, pseudo, full.Predictors).Fit, SyntheticControl.InTime(AtV(full, e), pseudo, full.Predictors).Fit, compare);
        }
        else
            SynthFields("", e, SyntheticControl.Fit(full), SyntheticControl.Fit(AtV(full, e)), compare);
    }

    // The fields of one synthetic control: loss_v of the kit's own search, the rest at R's V.
    private static void SynthFields(string at, ExpectedValues e, SynthResult own, SynthResult atV, Comparison compare)
    {
        foreach (string name in e.Names.ToArray())
        {
            string label = at + name;
            switch (name)
            {
                case "dropped": break;
                case "predictors":
                    compare.Same(label, string.Join(", ", e[name].EnumerateArray().Select(p => p.GetString())), string.Join(", ", atV.Balance.Select(b => b.Name)));
                    break;
                case "treated_predictors": compare.Series(label, e[name], atV.Balance.Select(b => b.Treated).ToArray()); break;
                case "synthetic_predictors" or "synthetic_predictors_precise": compare.Series(label, e[name], atV.Balance.Select(b => b.Synthetic).ToArray()); break;
                case "v": compare.Series(label, e[name], own.Balance.Select(b => b.V).ToArray()); break;
                case "weights" or "weights_precise":
                    var rows = e.Objects(name);
                    compare.Same($"{label} units", string.Join(", ", rows.Select(r => r["unit"].GetString())), string.Join(", ", atV.Weights.Select(w => w.Name)));
                    foreach (var (r, w) in rows.Zip(atV.Weights)) compare.Number($"{label}[{w.Name}]", r["weight"], w.Value);
                    break;
                case "best_loss_v": compare.Number(label, e[name], own.LossV); break;
                case "loss_v_precise": compare.Number(label, e[name], atV.LossV); break;
                case "loss_w" or "loss_w_precise": compare.Number(label, e[name], atV.LossW); break;
                case "path" or "path_precise":
                    var points = e.Objects(name);
                    compare.Same($"{label} periods", string.Join(", ", points.Select(p => p["period"].GetString())), string.Join(", ", atV.Path.Select(p => p.Period.ToString())));
                    foreach (var (r, p) in points.Zip(atV.Path))
                    {
                        compare.Number($"{label}[{p.Period}].treated", r["treated"], p.Treated);
                        compare.Number($"{label}[{p.Period}].synthetic", r["synthetic"], p.Synthetic);
                    }
                    break;
                case "pre_rmspe" or "pre_rmspe_precise": compare.Number(label, e[name], atV.PreRmspe); break;
                case "post_rmspe" or "post_rmspe_precise" or "pseudo_post_rmspe": compare.Number(label, e[name], atV.PostRmspe); break;
                case "average_post_gap" or "average_post_gap_precise" or "average_pseudo_gap": compare.Number(label, e[name], atV.AveragePostGap); break;
                case "loss_v" or "v_start_equal" or "v_start_regression" or "value_equal" or "value_regression" or "method_equal" or "method_regression"
                    or "start_kept" or "optimx_equal" or "optimx_regression" or "ipop_status" or "exact_solver" or "published":
                    _ = e[name];
                    compare.Informative(label);
                    break;
                default:
                    // gap_YEAR and gap_YEAR_precise: the gap in that period.
                    var gap = GapField().Match(name);
                    if (!gap.Success) break;
                    var point = atV.Path.FirstOrDefault(p => p.Period.ToString() == gap.Groups[1].Value);
                    compare.Number(label, e[name], point is null ? null : point.Treated - point.Synthetic);
                    break;
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^gap_(\d+)(_precise)?$")]
    private static partial System.Text.RegularExpressions.Regex GapField();

    // ---- multilevel ITS ----

    /// <summary>The panel, the ITS spec, the random part and the reference type of a multilevel case.</summary>
    public static (IReadOnlyList<MultilevelUnit> Units, ItsSpec Spec, MultilevelSpec Model, string? Reference) MultilevelCase(Fixture fixture)
    {
        var units = fixture.Data.GetProperty("units").EnumerateArray()
            .Select(u => new MultilevelUnit(u.GetProperty("name").GetString()!, Fixture.SeriesOf(u.GetProperty("series")),
                u.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null))
            .ToArray();
        var model = new MultilevelSpec
        {
            RandomTerms = fixture.SpecOption("random").EnumerateArray().Select(t => t.GetString()!).ToArray(),
            Covariance = MultilevelSpec.ParseCovariance(fixture.SpecOption("covariance").GetString()!),
            WithinAr1 = fixture.SpecOption("within").GetString() switch
            {
                "ar1" => true,
                "independent" => false,
                var other => throw new XunitException($"{fixture}: unknown within '{other}'"),
            },
            Method = MultilevelSpec.ParseMethod(fixture.SpecOption("method").GetString()!),
        };
        var reference = fixture.SpecOption("reference") is { ValueKind: JsonValueKind.String } r ? r.GetString() : null;
        return (units, fixture.Spec(units[0].Series.Frequency), model, reference);
    }

    private static void Multilevel(Fixture fixture, ExpectedValues e, Comparison compare)
    {
        var (units, spec, model, reference) = MultilevelCase(fixture);
        var result = MultilevelIts.Fit(units, spec, model, reference);
        compare.Same("n", e["n"].GetInt32(), result.Observations);
        compare.Same("units", e["units"].GetInt32(), result.Units.Count);
        Coefficients(e.Objects("coefficients"), result.FixedEffects, compare);
        compare.Covariance("vcov", e["vcov"], result.Covariance);
        var sds = e.Objects("random_sd");
        compare.Same("random_sd count", sds.Count, result.RandomSds.Count);
        foreach (var (r, a) in sds.Zip(result.RandomSds))
        {
            compare.Same($"random_sd[{a.Term}].term", r["term"].GetString(), a.Term);
            compare.Number($"random_sd[{a.Term}].sd", r["sd"], a.Sd.Value);
            compare.Interval($"random_sd[{a.Term}].ci", r["ci"], a.Sd.Ci);
            compare.Interval($"random_sd[{a.Term}].ci_nlme", r["ci_nlme"], a.Sd.Ci);
        }
        var correlations = e.Objects("correlations");
        compare.Same("correlations count", correlations.Count, result.Correlations.Count);
        foreach (var (r, a) in correlations.Zip(result.Correlations))
        {
            string at = $"correlations[{a.First}, {a.Second}]";
            compare.Same($"{at} terms", $"{r["first"].GetString()}, {r["second"].GetString()}", $"{a.First}, {a.Second}");
            compare.Number($"{at}.correlation", r["correlation"], a.Correlation.Value);
            compare.Interval($"{at}.ci", r["ci"], a.Correlation.Ci);
            compare.Interval($"{at}.ci_nlme", r["ci_nlme"], a.Correlation.Ci);
        }
        Variance("sigma", e.Object("sigma"), result.Sigma, compare);
        Variance("phi", e.Object("phi"), result.Phi, compare);
        compare.Number("log_likelihood", e["log_likelihood"], result.LogLikelihood);
        compare.Number("aic", e["aic"], result.Aic);
        compare.Number("bic", e["bic"], result.Bic);
        var effects = e.Objects("unit_effects");
        compare.Same("unit_effects count", effects.Count, result.Units.Count);
        foreach (var (r, a) in effects.Zip(result.Units))
        {
            string at = $"unit_effects[{a.Unit}]";
            compare.Same($"{at}.unit", r["unit"].GetString(), a.Unit);
            foreach (var (field, values) in new (string, Func<UnitEffect, double>)[] { ("deviation", u => u.Deviation), ("unit_value", u => u.UnitValue), ("conditional_sd", u => u.ConditionalSd) })
            {
                var expected = Fixture.Numbers(r[field]);
                compare.Same($"{at}.{field} length", expected.Length, a.Effects.Count);
                foreach (var (x, u) in expected.Zip(a.Effects)) compare.Number($"{at}.{field}[{u.Term}]", x, values(u));
            }
        }
    }

    private static void Variance(string at, ExpectedValues? e, VarianceEstimate? actual, Comparison compare)
    {
        compare.Same($"{at} present", e is not null, actual is not null);
        if (e is null || actual is null) return;
        compare.Number($"{at}.estimate", e["estimate"], actual.Value);
        compare.Interval($"{at}.ci", e["ci"], actual.Ci);
        compare.Interval($"{at}.ci_nlme", e["ci_nlme"], actual.Ci);
    }

    private static void Pooled(string at, ExpectedValues e, PooledEstimate? actual, Comparison compare)
    {
        compare.Number($"{at}.estimate", e["estimate"], actual?.Estimate);
        compare.Number($"{at}.std_error", e["std_error"], actual?.StdError);
        compare.Interval($"{at}.ci", e["ci"], actual?.Ci);
    }
}
