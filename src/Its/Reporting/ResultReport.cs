using System.Globalization;
using System.Net;
using System.Text;
using Its.Estimation;
using Its.Model;
using Its.Results;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>Output formats of a result.</summary>
public enum ReportFormat
{
    /// <summary>Fixed-width text for a terminal.</summary>
    Text,
    /// <summary>Markdown.</summary>
    Markdown,
    /// <summary>An HTML fragment.</summary>
    Html,
    /// <summary>LaTeX tables.</summary>
    Latex,
    /// <summary>The coefficient table as CSV, full precision.</summary>
    Csv,
    /// <summary>The JSON object of <see cref="ResultJson"/>.</summary>
    Json,
}

/// <summary>
/// A result as a publication-style report: a header, the coefficient table (with percent per
/// period for log models), effects at the horizons, post-period trends, diagnostics and warnings.
/// </summary>
public static class ResultReport
{
    /// <summary>Renders a result in a format.</summary>
    public static string Render(ItsResult result, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (format == ReportFormat.Json) return ResultJson.Render(result);
        if (format == ReportFormat.Csv) return Csv(result);
        return Document(Heading(result), Notes(result), Tables(result), format);
    }

    /// <summary>
    /// A heading, notes (one line each) and tables as one text, Markdown, HTML or LaTeX document (in
    /// LaTeX the heading and notes are comments); every text is escaped for the format. The HTML
    /// is a div of class <paramref name="htmlClass"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The format is JSON or CSV, which have no headings or notes.</exception>
    public static string Document(string heading, IReadOnlyList<string> notes, IReadOnlyList<Table> tables, ReportFormat format, string htmlClass = "its-result")
    {
        ArgumentNullException.ThrowIfNull(heading);
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentNullException.ThrowIfNull(tables);
        var sb = new StringBuilder();
        switch (format)
        {
            case ReportFormat.Text:
                sb.Append(heading).Append('\n').Append(string.Join("\n", notes)).Append("\n\n");
                sb.Append(string.Join("\n", tables.Select(t => t.ToText())));
                break;
            case ReportFormat.Markdown:
                // Markdown passes HTML through: text from data (group names) is escaped.
                sb.Append("### ").Append(WebUtility.HtmlEncode(heading)).Append("\n\n");
                foreach (string n in notes) sb.Append("- ").Append(WebUtility.HtmlEncode(n)).Append('\n');
                sb.Append('\n').Append(string.Join("\n", tables.Select(t => t.ToMarkdown())));
                break;
            case ReportFormat.Html:
                sb.Append($"<div class=\"{htmlClass}\">\n<h3>").Append(WebUtility.HtmlEncode(heading)).Append("</h3>\n<ul>\n");
                foreach (string n in notes) sb.Append("<li>").Append(WebUtility.HtmlEncode(n)).Append("</li>\n");
                sb.Append("</ul>\n").Append(string.Concat(tables.Select(t => t.ToHtml()))).Append("</div>\n");
                break;
            case ReportFormat.Latex:
                sb.Append("% ").Append(Table.Latex(heading)).Append('\n');
                foreach (string n in notes) sb.Append("% ").Append(Table.Latex(n)).Append('\n');
                sb.Append(string.Join("\n", tables.Select(t => t.ToLatex())));
                break;
            default:
                throw new ArgumentException($"{format} has no document form", nameof(format));
        }
        return sb.ToString();
    }

    /// <summary>The tables of the report: coefficients, effects, trends, diagnostics.</summary>
    public static IReadOnlyList<Table> Tables(ItsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool log = LogScale.Applies(result.Spec);
        bool counts = result.Spec.Family.IsCount();
        string unit = Time.Period.Describe(result.Frequency);
        var tables = new List<Table>();

        tables.Add(CoefficientTable("Coefficients", result.Coefficients, result.Spec, result.DfResidual));
        if (result.OrderSearch is { } search) tables.Add(OrderSearchTable(search));

        var effects = result.Effects;
        var fitted = Measured(effects.Select(e => e.Fitted), counts);
        var counterfactual = Measured(effects.Select(e => e.Counterfactual), counts);
        var absolute = counts || effects.Count > 0 && Measured(effects.SelectMany(e => new[] { e.Fitted, e.Counterfactual })) == Counts
            ? Counts
            : Estimates(effects.Select(e => e.AbsoluteStdError), effects.SelectMany(e => new[] { e.Absolute, e.AbsoluteCi.Lower, e.AbsoluteCi.Upper }));
        var relative = Percents(effects.SelectMany(e => new[] { e.Relative ?? 0, e.RelativeCi?.Lower ?? 0, e.RelativeCi?.Upper ?? 0 }).Select(v => 100 * v));
        tables.Add(new Table($"Effects ({unit}s after {result.Spec.Interruptions[0]})",
            [unit + "s after", unit, "fitted", "counterfactual", "absolute", "95% CI", "relative (%)", "95% CI (%)"],
            effects.Select(e => (IReadOnlyList<string>)[
                e.PeriodsAfter.ToString(CultureInfo.InvariantCulture), e.Period.ToString(), fitted.Format(e.Fitted), counterfactual.Format(e.Counterfactual),
                absolute.Format(e.Absolute), absolute.Ci(e.AbsoluteCi), e.Relative is { } rel ? relative.Format(100 * rel) : "n/a",
                e.RelativeCi is { } rci ? relative.Ci(rci.Map(v => 100 * v)) : ""]).ToArray()));

        if (result.Cumulative is { } sum)
        {
            var totals = Measured([sum.Fitted, sum.Counterfactual], counts);
            var sumAbsolute = counts || totals == Counts ? Counts : Estimates([sum.AbsoluteStdError], [sum.Absolute, sum.AbsoluteCi.Lower, sum.AbsoluteCi.Upper]);
            var sumRelative = Percents(new[] { sum.Relative ?? 0, sum.RelativeCi?.Lower ?? 0, sum.RelativeCi?.Upper ?? 0 }.Select(v => 100 * v));
            tables.Add(new Table($"Cumulative effect ({unit}s {sum.From} to {sum.To} after {result.Spec.Interruptions[0]}, summed)",
                [unit + "s", "fitted", "counterfactual", "absolute", "95% CI", "relative (%)", "95% CI (%)"],
                [[
                    $"{sum.First} to {sum.Last}", totals.Format(sum.Fitted), totals.Format(sum.Counterfactual),
                    sumAbsolute.Format(sum.Absolute), sumAbsolute.Ci(sum.AbsoluteCi), sum.Relative is { } rel ? sumRelative.Format(100 * rel) : "n/a",
                    sum.RelativeCi is { } rci ? sumRelative.Ci(rci.Map(v => 100 * v)) : ""]]));
        }

        if (result.LongRun.Count > 0)
            tables.Add(CoefficientTable(result.Spec.Impact == Impact.Gradual
                ? "Long-run change (omega / (1 - delta), the level the gradual step reaches)"
                : "Total change (omega / (1 - delta), the decaying pulse summed over all periods)", result.LongRun, result.Spec, result.DfResidual));

        if (result.PostTrends.Count > 0)
        {
            var trends = result.PostTrends;
            bool zTrend = trends[0].Df is null;
            var trend = Estimates(trends.Select(t => t.StdError), trends.SelectMany(t => new[] { t.Estimate, t.StdError, t.Ci.Lower, t.Ci.Upper }));
            var percent = Percents(trends.SelectMany(t => new[] { t.Percent ?? 0, t.PercentCi?.Lower ?? 0, t.PercentCi?.Upper ?? 0 }));
            var trendColumns = new List<string> { "after interruption", $"trend per {unit}", "std. error", zTrend ? "z" : "t" };
            if (!zTrend) trendColumns.Add("df");
            trendColumns.AddRange(["p", "95% CI"]);
            if (log) trendColumns.AddRange([$"% per {unit}", "95% CI (%)"]);
            tables.Add(new Table("Post-interruption trend (time + slope terms)", trendColumns,
                trends.Select(t =>
                {
                    var row = new List<string> { result.Spec.Interruptions[t.Interruption - 1].ToString(), trend.Format(t.Estimate), trend.Format(t.StdError), Statistic(t.Statistic) };
                    if (!zTrend) row.Add(t.Df is { } df ? df.ToString(CultureInfo.InvariantCulture) : "");
                    row.AddRange([PValue(t.PValue), trend.Ci(t.Ci)]);
                    if (log) row.AddRange(t.Percent is { } p && t.PercentCi is { } pci ? [percent.Format(p), percent.Ci(pci)] : ["", ""]);
                    return (IReadOnlyList<string>)row;
                }).ToArray()));
        }

        var d = result.Diagnostics;
        var rows = new List<IReadOnlyList<string>>();
        if (d.DurbinWatson is { } dw)
            rows.Add(["Durbin-Watson", Statistic(dw.Statistic), "", PValue(dw.PValue), dw.Exact ? "exact p (Pan), H1: rho > 0" : "normal approximation, H1: rho > 0"]);
        if (d.Dispersion is { } disp)
            rows.Add(["Pearson chi-square / df", Statistic(disp.Ratio), disp.Df.ToString(CultureInfo.InvariantCulture), "", "about 1 without over-dispersion"]);
        foreach (var b in d.BreuschGodfrey.Where(b => b.Order is 1 or 2 or 3 or 6 or 12))
            rows.Add([$"Breusch-Godfrey order {b.Order}", Statistic(b.ChiSquare), b.Order.ToString(CultureInfo.InvariantCulture), PValue(b.ChiSquarePValue), $"F = {Statistic(b.F)}, p {PClause(b.FPValue)}"]);
        foreach (var c in d.CumbyHuizinga.Where(c => c.Lag is 1 or 2 or 3 or 6 or 12))
        {
            string single = c.Lag == 1 ? "" : $"; lag {c.Lag} alone{(result.Spec.CumbyHuizinga.Q0 ? "" : $" (H0: MA({c.Lag - 1}))")}: chi2 = {Statistic(c.LagChiSquare)}, p {PClause(c.LagPValue)}";
            rows.Add([$"Cumby-Huizinga lags 1-{c.Lag}", Statistic(c.RangeChiSquare), c.Lag.ToString(CultureInfo.InvariantCulture), PValue(c.RangePValue),
                $"{result.Spec.CumbyHuizinga}{single}{(c.Adjusted ? "; covariance made positive semidefinite" : "")}{(c.RangeChiSquare < 0 || c.LagChiSquare < 0 ? "; a negative statistic: the Box-Pierce form's I - B V B' is not positive definite for these residuals" : "")}"]);
        }
        rows.Add(["Ljung-Box", Statistic(d.LjungBox.Statistic), d.LjungBox.Lag.ToString(CultureInfo.InvariantCulture), PValue(d.LjungBox.PValue), ""]);
        rows.Add(["Box-Pierce", Statistic(d.BoxPierce.Statistic), d.BoxPierce.Lag.ToString(CultureInfo.InvariantCulture), PValue(d.BoxPierce.PValue), ""]);
        var acf = d.Correlogram;
        rows.Add(["Residual ACF lags 1-3", string.Join(", ", acf.Acf.Take(3).Select(Statistic)), "", "", $"bound +/-{Statistic(acf.Bound)}"]);
        tables.Add(new Table($"Residual autocorrelation ({(d.Dispersion is null ? "OLS" : "deviance")} residuals)", ["test", "statistic", "df", "p", "note"], rows));
        return tables;
    }

    // The models arima:auto tried, in order, and the tests that chose the differencing.
    private static Table OrderSearchTable(ArimaOrderSearch search)
    {
        var chosen = search.Chosen;
        string kpss = search.Kpss.Count == 0 ? "not tested"
            : $"KPSS {string.Join(", then ", search.Kpss.Select(k => k.ToString("F3", CultureInfo.InvariantCulture)))} (5% critical value {DifferencingTests.KpssCritical.ToString("F3", CultureInfo.InvariantCulture)})";
        string ocsb = search.Ocsb is { } o
            ? $"OCSB t = {o.Statistic.ToString("F2", CultureInfo.InvariantCulture)} ({(o.Differences ? "above" : "not above")} {o.Critical.ToString("F2", CultureInfo.InvariantCulture)})"
            : search.Period > 1 ? "OCSB not run" : "no seasons";
        var rows = search.Candidates.Select(c => (IReadOnlyList<string>)
        [
            c.Describe(search.Period),
            double.IsFinite(c.Aicc) ? c.Aicc.ToString("F2", CultureInfo.InvariantCulture) : "",
            c == chosen ? "chosen" : c.Rejected is { } why ? $"rejected: {why}" : "",
        ]).ToArray();
        return new Table($"ARIMA order search (forecast::auto.arima, stepwise by AICc): d = {chosen.D} by {kpss}; D = {chosen.SeasonalD} by {ocsb}",
            ["model", "AICc", "note"], rows);
    }

    /// <summary>
    /// A coefficient table: estimate, SE, t or z, p, CI, and for log models the percent change (rate
    /// ratio for count models) with its CI; the title names the family, errors and test.
    /// </summary>
    internal static Table CoefficientTable(string subject, IReadOnlyList<Coefficient> coefficients, ItsSpec spec, int dfResidual)
    {
        bool log = LogScale.Applies(spec);
        bool counts = spec.Family.IsCount();
        bool z = coefficients.Count > 0 && coefficients[0].Df is null;
        var columns = new List<string> { "term", "estimate", "std. error", z ? "z" : "t", "p", "95% CI" };
        if (log) columns.AddRange(counts ? ["rate ratio", "95% CI"] : ["% change", "95% CI (%)"]);
        string test = z ? "Wald z" : spec.Errors.Process is GlsErrors { Satterthwaite: true } ? "t with Satterthwaite df" : $"t with {dfResidual} df";
        var estimate = Estimates(coefficients.Select(c => c.StdError), coefficients.SelectMany(c => new[] { c.Estimate, c.StdError, c.Ci.Lower, c.Ci.Upper }));
        var transformed = coefficients.Where(c => LogScale.IsChange(c.Term)).ToArray();
        var ratio = RateRatios;
        var percent = Percents(transformed.Select(c => c.PercentChange).SelectMany(p => new[] { p.Value, p.Ci.Lower, p.Ci.Upper }));
        return new Table($"{subject} ({spec.Family.Name()}, {spec.Errors.Name} errors, {test})", columns,
            coefficients.Select(c =>
            {
                var row = new List<string> { c.Term, estimate.Format(c.Estimate), estimate.Format(c.StdError), Statistic(c.Statistic), PValue(c.PValue), estimate.Ci(c.Ci) };
                if (log)
                    row.AddRange(!LogScale.IsChange(c.Term) ? ["", ""]
                        : counts ? [ratio.Format(c.RateRatio.Value), ratio.Ci(c.RateRatio.Ci)]
                        : [percent.Format(c.PercentChange.Value), percent.Ci(c.PercentChange.Ci)]);
                return (IReadOnlyList<string>)row;
            }).ToArray());
    }

    private static string Heading(ItsResult r) =>
        $"Interrupted time series: {(r.Spec.Transform == OutcomeTransform.Log ? $"log({r.OutcomeName})" : r.OutcomeName)}";

    // The impact with its rate: fixed, or estimated by the profile (to its maximum, or held at a bound).
    private static string ImpactNote(ItsResult r) =>
        r.Rate is { } rate ? $"{r.Spec.Impact.Name()} (rate {Number(rate.Rate)}, estimated by profile likelihood over {rate.Evaluations} fits{(rate.AtBound ? ", held at its bound" : "")})"
        : r.Spec.Rate is { } fixedRate ? $"{r.Spec.Impact.Name()} (rate fixed at {Number(fixedRate)})"
        : r.Spec.Impact.Name();

    private static List<string> Notes(ItsResult r)
    {
        var s = r.Spec;
        string unit = Time.Period.Describe(r.Frequency);
        var notes = new List<string>
        {
            $"{Fitted(r, unit)}, {r.Parameters} parameters; interruption(s) {string.Join(", ", s.Interruptions)}; impact {ImpactNote(r)}; seasonality {s.Seasonality}; transform {s.Transform.Name()}"
                + (s.TransitionPeriods > 0 ? $"; {s.TransitionPeriods} transition {unit}(s) left out" : ""),
            $"family {s.Family.Name()}" + (s.Offset is { } o ? $" with offset log({o})" : "") + $"; errors {s.Errors.Name}" + (r.Lag is { } lag ? $" (lag {lag})" : "")
                + string.Concat(r.ErrorParameters.Concat(r.FamilyParameters).Select(a => $", {a.Name} = {Number(a.Estimate)}"))
                + (s.Family.IsCount() ? "" : $"; sigma {Number(r.ResidualScale)}")
                + (r.LogLikelihood is { } ll ? $"; log-likelihood {Number(ll)}; AIC {Number(r.Aic!.Value)}" : ""),
        };
        notes.AddRange(r.Warnings.Select(w => "warning: " + w));
        return notes;
    }

    // Differenced errors fit fewer observations (R's nobs) than the periods that enter the filter.
    private static string Fitted(ItsResult r, string unit)
    {
        int periods = r.Trajectory.Count(p => p.InFit);
        return r.Spec.Errors.Process is ArimaErrors { D: > 0 } or ArimaErrors { SeasonalD: > 0 }
            ? $"{periods} {unit}s fitted ({r.N} after differencing)"
            : $"{r.N} {unit}s fitted";
    }

    private static string Csv(ItsResult r)
    {
        bool log = LogScale.Applies(r.Spec);
        static string[] Exacts(IntervalEstimate e) => [Exact(e.Value), Exact(e.Ci.Lower), Exact(e.Ci.Upper)];
        return CoefficientCsv.Render(["term"], r.Coefficients.Select(c => ((IReadOnlyList<string>)[c.Term],
                (IReadOnlyList<string>)[.. CoefficientCsv.Cells(c),
                    .. !log ? [] : !LogScale.IsChange(c.Term) ? new[] { "", "", "" } : Exacts(c.PercentChange)])),
            log ? ["percent", "percent_ci_lower", "percent_ci_upper"] : null);
    }
}
