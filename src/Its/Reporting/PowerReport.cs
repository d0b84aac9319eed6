using System.Globalization;
using Its.Model;
using Its.Robustness;
using static Its.Reporting.NumberFormat;

namespace Its.Reporting;

/// <summary>
/// A <see cref="PowerResult"/> as a report: the scenario in a sentence, the table term | power |
/// MC SE | mean estimate | empirical SD | mean SE | coverage, the failed fits, and one line of
/// reading; or as one JSON object (<c>scenario</c>, <c>replicates</c>, <c>failed</c>, <c>terms</c>).
/// </summary>
public static class PowerReport
{
    /// <summary>Renders the result in a format; CSV is the table alone, at full precision.</summary>
    public static string Render(PowerResult result, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (format == ReportFormat.Json) return Json(result);
        if (format == ReportFormat.Csv)
            return new Table("", ["term", "true_value", "power", "mc_se", "mean_estimate", "empirical_sd", "mean_std_error", "coverage"],
                result.Terms.Select(t => (IReadOnlyList<string>)[t.Term, Exact(t.TrueValue), Exact(t.Power), Exact(t.MonteCarloSe),
                    Exact(t.MeanEstimate), t.EmpiricalSd is { } sd ? Exact(sd) : "", Exact(t.MeanStdError), Exact(t.Coverage)]).ToArray()).ToCsv();
        var table = TermTable(result);
        var (head, foot) = Notes(result);
        return ResultReport.Document("Power of an ITS study by simulation", [.. head, .. foot], [table], format, "its-power");
    }

    /// <summary>The table: one row per interruption term.</summary>
    public static Table TermTable(PowerResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        // True values, mean estimates, SDs and SEs: one format per column, 4 significant digits;
        // power, its Monte Carlo SE and coverage are proportions, to three decimals.
        var terms = result.Terms;
        var truth = Column(terms.Select(t => t.TrueValue));
        var mean = Column(terms.Select(t => t.MeanEstimate));
        var sd = Column(terms.Select(t => t.EmpiricalSd ?? 0));
        var se = Column(terms.Select(t => t.MeanStdError));
        return new Table($"Power by simulation ({Count(result.Fitted)} fits, alpha {Exact(result.Scenario.Alpha)})",
            ["term", "true value", "power", "MC SE", "mean estimate", "empirical SD", "mean SE", "coverage"],
            terms.Select(t => (IReadOnlyList<string>)[t.Term, truth.Format(t.TrueValue), F3(t.Power), F3(t.MonteCarloSe),
                mean.Format(t.MeanEstimate), t.EmpiricalSd is { } s ? sd.Format(s) : "n/a", se.Format(t.MeanStdError), F3(t.Coverage)]).ToArray());
    }

    // Above the table: the scenario, the fitted model, the failed fits. Below: the reading, and a
    // warning for each term whose intervals clearly under-cover.
    private static (List<string> Head, List<string> Foot) Notes(PowerResult result)
    {
        var s = result.Scenario;
        string unit = Time.Period.Describe(s.Frequency);
        double marginal = s.InnovationSd / Math.Sqrt(1 - s.Rho * s.Rho);
        var head = new List<string>
        {
            $"Scenario: {s.PeriodsBefore} {unit}s before the interruption and {s.PeriodsAfter} from it on; level change {Number(s.LevelChange)}, "
                + $"slope change {Number(s.SlopeChange)} per {unit}; AR(1) errors with rho {Number(s.Rho)} and innovation SD {Number(s.InnovationSd)} "
                + $"(marginal SD {Number(marginal)}).",
            $"Fitted: {s.Impact.Name()} impact, seasonality {s.Seasonality}, {s.Errors.Name} errors; {result.Replicates:N0} replicates, seed {s.Seed}.",
        };
        if (result.Failed > 0)
            head.Add($"{result.Failed:N0} of {result.Replicates:N0} fits failed and are left out; the first: {result.FirstFailure}");
        string reading = string.Join("; ", result.Terms.Select(t =>
            $"{(t.TrueValue == 0 ? "the rejection rate (the type I error rate, as the true value is 0)" : "power")} for the {(t.Term == "level1" ? "level" : "slope")} change is "
            + $"{F3(t.Power)} +/- {F3(t.MonteCarloSe)}"));
        var foot = new List<string> { char.ToUpperInvariant(reading[0]) + reading[1..] + $" (Monte Carlo SE; two-sided tests at alpha {Exact(s.Alpha)})." };
        // The CI and the test share the estimate, the SE and the df: intervals that miss the truth
        // too often (a biased estimate or too small an SE) come with tests that reject too often.
        // 3 Monte Carlo SEs below 95% is more than chance.
        double floor = 0.95 - 3 * Math.Sqrt(0.95 * 0.05 / result.Fitted);
        foreach (var t in result.Terms.Where(t => t.Coverage < floor))
            foot.Add($"Warning: the 95% CIs of {t.Term} hold the true value in only {F3(t.Coverage)} of the fits, so its tests reject too often "
                + $"with {s.Errors.Name} errors in this scenario and the power above is overstated.");
        return (head, foot);
    }

    private static string F3(double x) => x.ToString("F3", CultureInfo.InvariantCulture);

    private static string Json(PowerResult result) => ResultJson.Document(w =>
    {
        var s = result.Scenario;
        w.WriteStartObject();
        w.WriteStartObject("scenario");
        w.WriteNumber("periods_before", s.PeriodsBefore);
        w.WriteNumber("periods_after", s.PeriodsAfter);
        w.WriteString("frequency", Time.Period.Describe(s.Frequency));
        w.WriteString("start", s.Start.ToString());
        w.WriteString("interruption", s.Interruption.ToString());
        w.WriteNumber("level_change", s.LevelChange);
        w.WriteNumber("slope_change", s.SlopeChange);
        w.WriteNumber("intercept", s.Intercept);
        w.WriteNumber("trend", s.Trend);
        w.WriteNumber("rho", s.Rho);
        w.WriteNumber("innovation_sd", s.InnovationSd);
        w.WriteString("impact", s.Impact.Name());
        w.WriteString("seasonality", s.Seasonality.ToString());
        w.WriteString("errors", s.Errors.Name);
        w.WriteNumber("alpha", s.Alpha);
        w.WriteNumber("seed", s.Seed);
        w.WriteEndObject();
        w.WriteNumber("replicates", result.Replicates);
        w.WriteNumber("failed", result.Failed);
        if (result.FirstFailure is { } failure) w.WriteString("first_failure", failure); else w.WriteNull("first_failure");
        w.WriteStartArray("terms");
        foreach (var t in result.Terms)
        {
            w.WriteStartObject();
            w.WriteString("term", t.Term);
            w.WriteNumber("true_value", t.TrueValue);
            w.WriteNumber("power", t.Power);
            w.WriteNumber("mc_se", t.MonteCarloSe);
            w.WriteNumber("mean_estimate", t.MeanEstimate);
            ResultJson.Nullable(w, "empirical_sd", t.EmpiricalSd);
            w.WriteNumber("mean_std_error", t.MeanStdError);
            w.WriteNumber("coverage", t.Coverage);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
