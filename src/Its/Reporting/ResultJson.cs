using System.Text;
using System.Text.Json;
using Its.Diagnostics;
using Its.Effects;
using Its.Estimation;
using Its.Model;
using Its.Results;

namespace Its.Reporting;

/// <summary>
/// The JSON form of a result, with the field names of the <c>its fit --format json</c> contract:
/// n, parameters, df_residual, errors, family, transform, coefficients, ar, sigma, log_likelihood,
/// aic, diagnostics, effects, warnings; plus the spec, the covariance, post-period trends and the
/// fitted path.
/// </summary>
public static class ResultJson
{
    /// <summary>Renders the result as an indented JSON object.</summary>
    public static string Render(ItsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Document(w => Write(w, result));
    }

    /// <summary>An indented JSON document written by <paramref name="write"/>.</summary>
    public static string Document(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            write(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the result as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, ItsResult result)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(result);
        var spec = result.Spec;
        w.WriteStartObject();
        w.WriteString("outcome", result.OutcomeName);
        w.WriteString("frequency", Time.Period.Describe(result.Frequency));
        w.WriteNumber("n", result.N);
        w.WriteNumber("parameters", result.Parameters);
        w.WriteNumber("df_residual", result.DfResidual);
        w.WriteString("errors", spec.Errors.Name);
        w.WriteString("family", spec.Family.Name());
        if (spec.Offset is { } offset) w.WriteString("offset", offset); else w.WriteNull("offset");
        w.WriteString("transform", spec.Transform.Name());
        w.WriteString("impact", spec.Impact.Name());
        if (result.Rate is { } rate)
        {
            w.WriteStartObject("rate");
            w.WriteBoolean("estimated", true);
            w.WriteNumber("profile_maximum", rate.Rate);
            w.WriteBoolean("at_bound", rate.AtBound);
            w.WriteNumber("profile_log_likelihood", rate.LogLikelihood);
            w.WriteNumber("evaluations", rate.Evaluations);
            w.WriteEndObject();
        }
        else if (spec.Rate is { } fixedRate)
        {
            w.WriteStartObject("rate");
            w.WriteBoolean("estimated", false);
            w.WriteNumber("value", fixedRate);
            w.WriteEndObject();
        }
        else w.WriteNull("rate");
        w.WriteString("seasonality", spec.Seasonality.ToString());
        w.WriteNumber("transition", spec.TransitionPeriods);
        Strings(w, "interruptions", spec.Interruptions.Select(p => p.ToString()));
        Strings(w, "covariates", spec.Covariates);

        WriteCoefficients(w, result.Coefficients, spec);
        WriteCovariance(w, result.Covariance);
        w.WriteStartObject("ar");
        foreach (var a in result.ErrorParameters) w.WriteNumber(a.Name, a.Estimate);
        w.WriteEndObject();
        w.WriteStartObject("family_parameters");
        foreach (var a in result.FamilyParameters) w.WriteNumber(a.Name, a.Estimate);
        w.WriteEndObject();
        Nullable(w, "lag", result.Lag);
        Nullable(w, "iterations", result.Iterations);
        w.WriteNumber("sigma", result.ResidualScale);
        Nullable(w, "log_likelihood", result.LogLikelihood);
        Nullable(w, "aic", result.Aic);
        if (result.OrderSearch is { } search) WriteOrderSearch(w, search); else w.WriteNull("arima_search");

        WriteDiagnostics(w, result.Diagnostics, result.Spec.CumbyHuizinga);
        w.WriteStartArray("effects");
        foreach (var e in result.Effects) WriteEffect(w, e);
        w.WriteEndArray();
        if (result.Cumulative is { } sum) WriteCumulative(w, sum); else w.WriteNull("cumulative");
        WriteCoefficients(w, result.LongRun, spec, "long_run");
        w.WriteStartArray("post_trend");
        foreach (var t in result.PostTrends) WriteTrend(w, t);
        w.WriteEndArray();
        w.WriteStartArray("trajectory");
        foreach (var p in result.Trajectory)
        {
            w.WriteStartObject();
            w.WriteString("month", p.Period.ToString());
            w.WriteNumber("observed", p.Observed);
            w.WriteBoolean("in_fit", p.InFit);
            w.WriteNumber("fitted", p.Fitted);
            Nullable(w, "counterfactual", p.Counterfactual);
            if (p.CounterfactualCi is { } ci) Pair(w, "counterfactual_ci", ci); else w.WriteNull("counterfactual_ci");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "warnings", result.Warnings);
        w.WriteEndObject();
    }

    /// <summary>The <c>coefficients</c> array, with percent changes (and rate ratios) for log-scale models.</summary>
    internal static void WriteCoefficients(Utf8JsonWriter w, IReadOnlyList<Coefficient> coefficients, ItsSpec spec, string name = "coefficients")
    {
        w.WriteStartArray(name);
        foreach (var c in coefficients)
        {
            w.WriteStartObject();
            w.WriteString("term", c.Term);
            w.WriteNumber("estimate", c.Estimate);
            w.WriteNumber("std_error", c.StdError);
            w.WriteNumber("statistic", c.Statistic);
            Nullable(w, "df", c.Df);
            w.WriteNumber("p_value", c.PValue);
            w.WriteNumber("ci_lower", c.Ci.Lower);
            w.WriteNumber("ci_upper", c.Ci.Upper);
            // A log model's coefficients other than the intercept read as percent changes, and a
            // count model's as rate ratios.
            if (LogScale.Applies(spec) && LogScale.IsChange(c.Term))
            {
                var percent = c.PercentChange;
                w.WriteNumber("percent", percent.Value);
                Pair(w, "percent_ci", percent.Ci);
                if (spec.Family.IsCount())
                {
                    var ratio = c.RateRatio;
                    w.WriteNumber("rate_ratio", ratio.Value);
                    Pair(w, "rate_ratio_ci", ratio.Ci);
                }
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The <c>covariance</c> matrix as an array of rows.</summary>
    internal static void WriteCovariance(Utf8JsonWriter w, CovarianceMatrix covariance)
    {
        int k = covariance.Size;
        w.WriteStartArray("covariance");
        for (int i = 0; i < k; i++)
            Numbers(w, null, Enumerable.Range(0, k).Select(j => covariance[i, j]));
        w.WriteEndArray();
    }

    private static void WriteOrderSearch(Utf8JsonWriter w, ArimaOrderSearch search)
    {
        w.WriteStartObject("arima_search");
        w.WriteNumber("period", search.Period);
        Numbers(w, "kpss", search.Kpss);
        w.WriteNumber("kpss_critical", DifferencingTests.KpssCritical);
        if (search.Ocsb is { } o)
        {
            w.WriteStartObject("ocsb");
            w.WriteNumber("statistic", o.Statistic);
            w.WriteNumber("critical", o.Critical);
            w.WriteNumber("lags", o.Lags);
            w.WriteEndObject();
        }
        else w.WriteNull("ocsb");
        w.WriteStartArray("candidates");
        foreach (var c in search.Candidates) WriteCandidate(w, null, c);
        w.WriteEndArray();
        WriteCandidate(w, "chosen", search.Chosen);
        Strings(w, "notes", search.Notes);
        w.WriteEndObject();
    }

    private static void WriteCandidate(Utf8JsonWriter w, string? name, ArimaCandidate c)
    {
        if (name is null) w.WriteStartObject(); else w.WriteStartObject(name);
        w.WriteNumber("p", c.P);
        w.WriteNumber("d", c.D);
        w.WriteNumber("q", c.Q);
        w.WriteNumber("seasonal_p", c.SeasonalP);
        w.WriteNumber("seasonal_d", c.SeasonalD);
        w.WriteNumber("seasonal_q", c.SeasonalQ);
        w.WriteBoolean("constant", c.Constant);
        if (double.IsFinite(c.Aicc)) w.WriteNumber("aicc", c.Aicc); else w.WriteNull("aicc");
        if (c.Rejected is { } why) w.WriteString("rejected", why); else w.WriteNull("rejected");
        w.WriteEndObject();
    }

    private static void WriteDiagnostics(Utf8JsonWriter w, ResidualDiagnostics d, CumbyHuizingaOptions variant)
    {
        w.WriteStartObject("diagnostics");
        w.WriteString("residuals", d.Dispersion is null ? "ols" : "deviance");
        if (d.DurbinWatson is { } dw)
        {
            w.WriteStartObject("durbin_watson");
            w.WriteNumber("statistic", dw.Statistic);
            w.WriteNumber("p_value", dw.PValue);
            w.WriteString("method", dw.Exact ? "exact (Pan)" : "normal approximation");
            w.WriteEndObject();
        }
        else w.WriteNull("durbin_watson");
        if (d.Dispersion is { } disp)
        {
            w.WriteStartObject("dispersion");
            w.WriteNumber("pearson_chisq", disp.PearsonChiSquare);
            w.WriteNumber("df", disp.Df);
            w.WriteNumber("ratio", disp.Ratio);
            w.WriteNumber("deviance", disp.Deviance);
            w.WriteEndObject();
        }
        w.WriteStartArray("breusch_godfrey");
        foreach (var b in d.BreuschGodfrey)
        {
            w.WriteStartObject();
            w.WriteNumber("order", b.Order);
            w.WriteNumber("chisq", b.ChiSquare);
            w.WriteNumber("chisq_p_value", b.ChiSquarePValue);
            w.WriteNumber("f", b.F);
            w.WriteNumber("f_df1", b.Order);
            w.WriteNumber("f_df2", b.FDf2);
            w.WriteNumber("f_p_value", b.FPValue);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        foreach (var (name, t) in new[] { ("ljung_box", d.LjungBox), ("box_pierce", d.BoxPierce) })
        {
            w.WriteStartObject(name);
            w.WriteNumber("lag", t.Lag);
            w.WriteNumber("statistic", t.Statistic);
            w.WriteNumber("p_value", t.PValue);
            w.WriteEndObject();
        }
        if (d.Dispersion is null)
        {
            w.WriteStartObject("cumby_huizinga");
            w.WriteString("variant", variant.ToString());
            w.WriteStartArray("tests");
            foreach (var t in d.CumbyHuizinga)
            {
                w.WriteStartObject();
                w.WriteNumber("lag", t.Lag);
                w.WriteNumber("lags_chisq", t.RangeChiSquare);
                w.WriteNumber("lags_df", t.Lag);
                w.WriteNumber("lags_p_value", t.RangePValue);
                w.WriteNumber("lag_chisq", t.LagChiSquare);
                w.WriteNumber("lag_df", 1);
                w.WriteNumber("lag_p_value", t.LagPValue);
                w.WriteBoolean("adjusted", t.Adjusted);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else w.WriteNull("cumby_huizinga");
        Numbers(w, "acf", d.Correlogram.Acf);
        Numbers(w, "pacf", d.Correlogram.Pacf);
        w.WriteNumber("acf_bound", d.Correlogram.Bound);
        w.WriteEndObject();
    }

    private static void WriteEffect(Utf8JsonWriter w, Effect e)
    {
        w.WriteStartObject();
        w.WriteNumber("months_after", e.PeriodsAfter);
        w.WriteString("month", e.Period.ToString());
        WriteChange(w, e.Fitted, e.Counterfactual, e.Absolute, e.AbsoluteStdError, e.AbsoluteCi, e.Relative, e.RelativeStdError, e.RelativeCi);
        if (e.Exposure is { } exposure)
        {
            w.WriteNumber("exposure", exposure);
            w.WriteNumber("fitted_rate", e.Fitted / exposure);
            w.WriteNumber("counterfactual_rate", e.Counterfactual / exposure);
        }
        w.WriteEndObject();
    }

    // The same fields as an effect's, the window named by its first and last months.
    private static void WriteCumulative(Utf8JsonWriter w, CumulativeEffect c)
    {
        w.WriteStartObject("cumulative");
        w.WriteNumber("months_after_from", c.From);
        w.WriteNumber("months_after_to", c.To);
        w.WriteString("first_month", c.First.ToString());
        w.WriteString("last_month", c.Last.ToString());
        WriteChange(w, c.Fitted, c.Counterfactual, c.Absolute, c.AbsoluteStdError, c.AbsoluteCi, c.Relative, c.RelativeStdError, c.RelativeCi);
        w.WriteEndObject();
    }

    // The fields an effect and a cumulative effect share: fitted against counterfactual.
    private static void WriteChange(Utf8JsonWriter w, double fitted, double counterfactual, double absolute, double absoluteSe, Interval absoluteCi,
        double? relative, double? relativeSe, Interval? relativeCi)
    {
        w.WriteNumber("fitted", fitted);
        w.WriteNumber("counterfactual", counterfactual);
        w.WriteNumber("absolute", absolute);
        w.WriteNumber("absolute_se", absoluteSe);
        Pair(w, "absolute_ci", absoluteCi);
        Nullable(w, "relative", relative);
        Nullable(w, "relative_se", relativeSe);
        if (relativeCi is { } ci) Pair(w, "relative_ci", ci); else w.WriteNull("relative_ci");
    }

    private static void WriteTrend(Utf8JsonWriter w, Trend t)
    {
        w.WriteStartObject();
        w.WriteNumber("interruption", t.Interruption);
        w.WriteNumber("estimate", t.Estimate);
        w.WriteNumber("std_error", t.StdError);
        Pair(w, "ci", t.Ci);
        Nullable(w, "percent", t.Percent);
        if (t.PercentCi is { } ci) Pair(w, "percent_ci", ci); else w.WriteNull("percent_ci");
        w.WriteNumber("statistic", t.Statistic);
        Nullable(w, "df", t.Df);
        w.WriteNumber("p_value", t.PValue);
        w.WriteEndObject();
    }

    internal static void Pair(Utf8JsonWriter w, string name, Interval ci) => Numbers(w, name, [ci.Lower, ci.Upper]);

    internal static void Numbers(Utf8JsonWriter w, string? name, IEnumerable<double> values)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    internal static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    internal static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
