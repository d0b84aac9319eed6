using Its.Model;

namespace Sanming.Tests;

public sealed class UnitCostsTests
{
    private static readonly SanmingPanel Panel = SanmingGenerator.Generate(new GeneratorOptions { Seed = 3 });

    [Fact]
    public void Fits_expenditure_per_visit_and_per_admission_of_every_group_with_the_study_model()
    {
        var plan = new StudyPlan();
        var fits = UnitCosts.Fit(plan, Panel);
        Assert.Equal(2 * Panel.Groups.Count, fits.Count);
        Assert.Equal([Outcome.OutpatientVisits, Outcome.InpatientAdmissions], fits.Select(f => f.Denominator).Distinct().ToArray());
        var chsiPerVisit = fits.Single(f => f.Group == Calibration.Chsi && f.Denominator == Outcome.OutpatientVisits);
        var direct = new ItsModel(Panel.ExpenditurePer(Calibration.Chsi, Outcome.OutpatientVisits), plan.Spec()).Fit();
        Assert.Equal(direct["slope1"].Estimate, chsiPerVisit.Result["slope1"].Estimate, 12);
        Assert.Equal(direct["level1"].StdError, chsiPerVisit.Result["level1"].StdError, 12);
        Assert.Equal("expenditure per visit", chsiPerVisit.Label);
    }

    [Fact]
    public void Keeps_the_plan_groups_and_drops_horizons_past_the_data()
    {
        var fits = UnitCosts.Fit(new StudyPlan { Groups = [Calibration.Hospital], EffectsAt = [12, 24, 120] }, Panel);
        Assert.Equal(2, fits.Count);
        Assert.All(fits, f => Assert.Equal([12, 24], f.Result.Spec.EffectsAt));
    }

    [Fact]
    public void Table_has_a_row_per_fit_in_percent()
    {
        var fits = UnitCosts.Fit(new StudyPlan(), Panel);
        var table = UnitCosts.Table(fits);
        Assert.Equal(fits.Count, table.Rows.Count);
        Assert.Equal("expenditure per admission", table.Rows[^1][0]);
        Assert.Contains("% with 95% CI", table.Title);
        Assert.Equal(9, table.Columns.Count);
    }
}
