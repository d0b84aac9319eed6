using System.Globalization;
using Its.Model;
using Its.Reporting;
using Its.Results;

namespace Sanming;

/// <summary>One fitted cost-per-service series: expenditure per visit or per admission of a group.</summary>
/// <param name="Group"><c>city</c> or an institution type.</param>
/// <param name="Denominator"><see cref="Outcome.OutpatientVisits"/> (per visit) or <see cref="Outcome.InpatientAdmissions"/> (per admission).</param>
/// <param name="Result">The fit.</param>
public sealed record UnitCostFit(string Group, Outcome Denominator, ItsResult Result)
{
    /// <summary>"expenditure per visit" or "expenditure per admission".</summary>
    public string Label => Denominator == Outcome.OutpatientVisits ? "expenditure per visit" : "expenditure per admission";
}

/// <summary>
/// Cost per service as ITS outcomes: expenditure per outpatient visit and per inpatient admission
/// of every group, each fitted with the study's model (log outcome, so changes read in percent).
/// </summary>
public static class UnitCosts
{
    /// <summary>Fits expenditure per visit and per admission of every group of the plan (city and every type when the plan names none), visits first.</summary>
    /// <exception cref="ItsException">A series cannot be fitted (the message names it).</exception>
    public static IReadOnlyList<UnitCostFit> Fit(StudyPlan plan, SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(panel);
        var groups = plan.Groups.Count > 0 ? plan.Groups : panel.Groups;
        var spec = plan.Spec() with { EffectsAt = plan.Horizons(panel) };
        var fits = new List<UnitCostFit>();
        foreach (var denominator in new[] { Outcome.OutpatientVisits, Outcome.InpatientAdmissions })
            foreach (string group in groups)
            {
                try { fits.Add(new UnitCostFit(group, denominator, new ItsModel(panel.ExpenditurePer(group, denominator), spec).Fit())); }
                catch (ItsException e) { throw new ItsException($"expenditure per {(denominator == Outcome.OutpatientVisits ? "visit" : "admission")}, {group}: {e.Message}"); }
            }
        return fits;
    }

    /// <summary>
    /// The cost-per-service models: fitted yuan in the first month, the pre-period slope, the level
    /// change and the slope change in percent (per month for slopes) with 95% CIs and p values.
    /// </summary>
    public static Table Table(IReadOnlyList<UnitCostFit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var rows = fits.Select(f => (IReadOnlyList<string>)[
            f.Label, f.Group, StudyFormat.N(f.Result.Trajectory[0].Fitted), .. StudyFormat.ChangeCells(f.Result, StudyFormat.Percent)]).ToArray();
        string errors = fits.Count > 0 ? fits[0].Result.Spec.Errors.Name : "";
        string at = fits.Count > 0 ? fits[0].Result.Spec.Interruptions[0].ToString() : "";
        return new Table($"Cost per service (yuan), interrupted time series of the log, reform {at} ({errors} errors; % with 95% CI)",
            ["outcome", "group", "fitted yuan at start", "pre-period slope %/month", "p", "level change %", "p", "slope change %/month", "p"], rows);
    }
}
