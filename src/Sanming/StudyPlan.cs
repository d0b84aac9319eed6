using System.Globalization;
using Its.Comparison;
using Its.Model;
using Its.Reporting;
using Its.Results;
using Its.Time;

namespace Sanming;

/// <summary>The hospital-versus-CHSI comparison of one outcome.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Result">Per-group fits, the pooled model and the difference tests (CHSIs the reference).</param>
public sealed record StudyComparison(Outcome Outcome, ComparisonResult Result);

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
    public ErrorModel Errors { get; init; } = NeweyWestCovariance.Stata(3);

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
        var spec = Spec() with { EffectsAt = Horizons(panel) };
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
    /// The heterogeneity split for every outcome: hospitals against CHSIs (the reference), each
    /// fitted on its own and in the pooled interaction model whose <c>group:level1</c> and
    /// <c>group:slope1</c> test the differences (Newey-West lags within each series).
    /// </summary>
    /// <exception cref="ItsException">The panel lacks a type or a series cannot be fitted.</exception>
    public IReadOnlyList<StudyComparison> Compare(SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var spec = Spec() with { EffectsAt = Horizons(panel) };
        return Outcomes.Select(outcome =>
        {
            try
            {
                GroupSeries[] groups = [.. new[] { Calibration.Hospital, Calibration.Chsi }.Select(g => new GroupSeries(g, panel.Series(g, outcome)))];
                return new StudyComparison(outcome, GroupComparison.Fit(groups, spec, Calibration.Chsi));
            }
            catch (ItsException e) { throw new ItsException($"{outcome.Label()}, hospital vs chsi: {e.Message}"); }
        }).ToArray();
    }

    /// <summary>
    /// The CHSI share of every outcome (percent of hospitals + CHSIs) as its own ITS: the same model
    /// on the untransformed share, so level and slope changes read in percentage points.
    /// </summary>
    /// <exception cref="ItsException">A share series cannot be fitted.</exception>
    public IReadOnlyList<StudyFit> Shares(SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var spec = Spec() with { Transform = OutcomeTransform.None, EffectsAt = Horizons(panel) };
        return Outcomes.Select(outcome =>
        {
            try { return new StudyFit(outcome, ShareGroup, new ItsModel(panel.ChsiShare(outcome), spec).Fit()); }
            catch (ItsException e) { throw new ItsException($"{outcome.Label()}, chsi share: {e.Message}"); }
        }).ToArray();
    }

    /// <summary>The group name of the share fits.</summary>
    public const string ShareGroup = "chsi share (%)";

    /// <summary>
    /// The difference tests by outcome: each group's slope change in percent per month, the
    /// difference hospital minus CHSI in the log slope change as a percent with CI and p, the level
    /// difference's p and the joint test's p.
    /// </summary>
    public static Table DifferenceTable(IReadOnlyList<StudyComparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var rows = comparisons.Select(c =>
        {
            var r = c.Result;
            var hospital = r.Groups.Single(g => g.Name == Calibration.Hospital).Result["slope1"];
            var chsi = r.Groups.Single(g => g.Name == Calibration.Chsi).Result["slope1"];
            var slope = r.Tests.Single(t => t.Term == "slope1");
            var level = r.Tests.Single(t => t.Term == "level1");
            var joint = r.Tests.Single(t => t.Joint);
            return (IReadOnlyList<string>)[
                c.Outcome.Label(),
                $"{F(hospital.PercentChange.Value)} ({NumberFormat.PValue(hospital.PValue)})",
                $"{F(chsi.PercentChange.Value)} ({NumberFormat.PValue(chsi.PValue)})",
                StudyFormat.Percent(LogScale.Percent(slope.Difference!.Value)),
                NumberFormat.PValue(slope.PValue), NumberFormat.PValue(level.PValue), NumberFormat.PValue(joint.PValue)];
        }).ToArray();
        string errors = comparisons.Count > 0 ? comparisons[0].Result.Pooled.Spec.Errors.Name : "";
        return new Table($"Hospitals vs CHSIs: slope change %/month (p), and the pooled model's tests of the difference ({errors} errors, lags within each series)",
            ["outcome", "hospital", "chsi", "difference %/month (95% CI)", "p", "level difference p", "joint p"], rows);
    }

    /// <summary>The CHSI-share models: share before the reform, level and slope change in percentage points.</summary>
    public static Table ShareTable(IReadOnlyList<StudyFit> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var rows = shares.Select(f => (IReadOnlyList<string>)[
            f.Outcome.Label(), F(f.Result.Trajectory[0].Fitted), .. StudyFormat.ChangeCells(f.Result, StudyFormat.Plain)]).ToArray();
        string errors = shares.Count > 0 ? shares[0].Result.Spec.Errors.Name : "";
        return new Table($"CHSI share of hospitals + CHSIs (%), interrupted time series ({errors} errors; percentage points with 95% CI)",
            ["outcome", "fitted share at start %", "pre-period slope pp/month", "p", "level change pp", "p", "slope change pp/month", "p"], rows);
    }

    /// <summary>The effect horizons that the panel's months reach.</summary>
    internal int[] Horizons(SanmingPanel panel)
    {
        int available = panel.Months[^1].PeriodsSince(Intervention);
        return EffectsAt.Where(k => k <= available).ToArray();
    }

    /// <summary>
    /// The study's main table: per outcome and group, the pre-period slope, the level change and
    /// the slope change in percent (per month for slopes), 100(exp(b) - 1), with 95% CIs and p values.
    /// </summary>
    public static Table MainTable(IReadOnlyList<StudyFit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var rows = fits.Select(f => (IReadOnlyList<string>)[f.Outcome.Label(), f.Group, .. StudyFormat.ChangeCells(f.Result, StudyFormat.Percent)]).ToArray();
        string errors = fits.Count > 0 ? fits[0].Result.Spec.Errors.Name : "";
        string at = fits.Count > 0 ? fits[0].Result.Spec.Interruptions[0].ToString() : "";
        return new Table($"Interrupted time series of log outcomes, reform {at} ({errors} errors; % with 95% CI)",
            ["outcome", "group", "pre-period slope %/month", "p", "level change %", "p", "slope change %/month", "p"], rows);
    }

    private static string F(double x) => StudyFormat.F(x);
}
