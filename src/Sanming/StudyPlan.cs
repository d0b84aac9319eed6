using System.Globalization;
using Its.Model;
using Its.Reporting;
using Its.Results;
using Its.Time;

namespace Sanming;

/// <summary>One fitted series of the study.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Group"><c>city</c> or an institution type.</param>
/// <param name="Result">The fit.</param>
public sealed record StudyFit(Outcome Outcome, string Group, ItsResult Result);

/// <summary>
/// The paper's analysis plan as one definition: for each outcome and each group (city, hospitals,
/// CHSIs), an ITS of the log outcome with a level and slope change at the intervention month, 11
/// calendar-month dummies and the Spring Festival weight as covariate, and Newey-West errors.
/// The command line, the notebooks and the tests all run this.
/// </summary>
public sealed record StudyPlan
{
    /// <summary>Intervention month; October 2017 by default (global budget payment reform).</summary>
    public Period Intervention { get; init; } = Calibration.Intervention;

    /// <summary>Error model; Stata <c>newey, lag(3)</c> by default (a quarter of autocorrelation).</summary>
    public ErrorModel Errors { get; init; } = NeweyWestErrors.Stata(3);

    /// <summary>The outcomes, in table order.</summary>
    public IReadOnlyList<Outcome> Outcomes { get; init; } = Enum.GetValues<Outcome>();

    /// <summary>Groups to fit; empty means city and every institution type of the data.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Effect horizons in months after the intervention month; those past the data's last month are skipped.</summary>
    public IReadOnlyList<int> EffectsAt { get; init; } = [12, 24];

    /// <summary>The model of every series.</summary>
    public ItsSpec Spec() => new()
    {
        Interruptions = [Intervention],
        Impact = Impact.LevelAndSlope,
        Transform = OutcomeTransform.Log,
        Seasonality = Seasonality.MonthDummies,
        Covariates = ["spring_festival"],
        Errors = Errors,
        EffectsAt = EffectsAt,
    };

    /// <summary>Fits every outcome of every group.</summary>
    /// <exception cref="ItsException">A series cannot be fitted (the message names it).</exception>
    public IReadOnlyList<StudyFit> Run(SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var groups = Groups.Count > 0 ? Groups : panel.Groups;
        int available = panel.Months[^1].PeriodsSince(Intervention);
        var spec = Spec() with { EffectsAt = EffectsAt.Where(k => k <= available).ToArray() };
        var fits = new List<StudyFit>();
        foreach (var outcome in Outcomes)
            foreach (string group in groups)
            {
                try
                {
                    fits.Add(new StudyFit(outcome, group, new ItsModel(panel.Series(group, outcome), spec).Fit()));
                }
                catch (ItsException e)
                {
                    throw new ItsException($"{outcome.Label()}, {group}: {e.Message}");
                }
            }
        return fits;
    }

    /// <summary>
    /// The study's main table: per outcome and group, the pre-period slope, the level change and
    /// the slope change in percent (per month for slopes), 100(exp(b) - 1), with 95% CIs and p values.
    /// </summary>
    public static Table MainTable(IReadOnlyList<StudyFit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        string Pct(Coefficient c) => $"{F(LogScale.Percent(c.Estimate))} ({F(LogScale.Percent(c.Ci.Lower))} to {F(LogScale.Percent(c.Ci.Upper))})";
        var rows = fits.Select(f => (IReadOnlyList<string>)[
            f.Outcome.Label(), f.Group,
            Pct(f.Result["time"]), NumberFormat.PValue(f.Result["time"].PValue),
            Pct(f.Result["level1"]), NumberFormat.PValue(f.Result["level1"].PValue),
            Pct(f.Result["slope1"]), NumberFormat.PValue(f.Result["slope1"].PValue)]).ToArray();
        string errors = fits.Count > 0 ? fits[0].Result.Spec.Errors.Name : "";
        string at = fits.Count > 0 ? fits[0].Result.Spec.Interruptions[0].ToString() : "";
        return new Table($"Interrupted time series of log outcomes, reform {at} ({errors} errors; % with 95% CI)",
            ["outcome", "group", "pre-period slope %/month", "p", "level change %", "p", "slope change %/month", "p"], rows);
    }

    private static string F(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
}
