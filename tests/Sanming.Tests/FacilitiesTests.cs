using Its.Estimation;
using Its.Model;
using Its.Multilevel;
using Its.Time;

namespace Sanming.Tests;

/// <summary>
/// The facility-level panel: its institutions add up to the type totals of the synthetic panel in
/// every month and outcome, it is deterministic, and a multilevel fit of it finds the type-level
/// pattern and the between-institution variation the calibration put in.
/// </summary>
public sealed class FacilitiesTests
{
    private static readonly GeneratorOptions Options = new();
    private static readonly SanmingPanel Totals = SanmingGenerator.Generate(Options);
    private static readonly IReadOnlyList<FacilityRow> Rows = SanmingFacilities.Generate(Totals, Options);

    [Fact]
    public void The_institutions_add_up_to_their_type_in_every_month_and_outcome()
    {
        Assert.Equal((46 + 68) * 47, Rows.Count);
        Assert.Equal(46, Rows.Where(r => r.InstitutionType == Calibration.Hospital).Select(r => r.Facility).Distinct().Count());
        foreach (var total in Totals.Rows)
        {
            var parts = Rows.Where(r => r.Month == total.Month && r.InstitutionType == total.InstitutionType).ToArray();
            Assert.Equal(total.OutpatientVisits, parts.Sum(r => r.OutpatientVisits));
            Assert.Equal(total.InpatientAdmissions, parts.Sum(r => r.InpatientAdmissions));
            Assert.Equal(total.ExpenditureYuan, parts.Sum(r => r.ExpenditureYuan), 1e-6);
            Assert.All(parts, r => Assert.True(r.OutpatientVisits == Math.Floor(r.OutpatientVisits) && r.OutpatientVisits >= 0));
        }
    }

    [Fact]
    public void A_seed_gives_the_same_panel_and_another_seed_another()
    {
        Assert.Equal(SanmingFacilities.ToCsv(Rows), SanmingFacilities.ToCsv(SanmingFacilities.Generate(Totals, Options)));
        var other = Options with { Seed = 21 };
        Assert.NotEqual(SanmingFacilities.ToCsv(Rows), SanmingFacilities.ToCsv(SanmingFacilities.Generate(SanmingGenerator.Generate(other), other)));
        Assert.StartsWith("month,facility,institution_type,expenditure_yuan,outpatient_visits,inpatient_admissions\n2016-01,H01,hospital,", SanmingFacilities.ToCsv(Rows));
    }

    [Fact]
    public void A_multilevel_fit_finds_the_calibrated_variation_between_institutions()
    {
        var units = Rows.GroupBy(r => r.Facility).Select(g =>
            new MultilevelUnit(g.Key, new TimeSeries(g.Select(r => r.Month).ToArray(), g.Select(r => r.OutpatientVisits).ToArray()), g.First().InstitutionType)).ToArray();
        var spec = new ItsSpec { Interruptions = [Options.Intervention], Transform = OutcomeTransform.Log };
        var fit = MultilevelIts.Fit(units, spec, new MultilevelSpec { RandomTerms = ["intercept", "level1", "slope1"] }, reference: Calibration.Hospital);
        Assert.True(fit.Converged);
        // The hospitals' slope change is near the calibrated -0.019 a month, and the CHSIs' slows less.
        Assert.InRange(fit.FixedEffects["slope1"].Estimate, -0.025, -0.013);
        Assert.True(fit.FixedEffects["group:slope1"].Estimate > 0);
        // The institutions' own slope changes vary with about the calibrated SDs (0.004 and 0.006).
        var slope = fit.RandomSds.Single(s => s.Term == "slope1").Sd;
        Assert.InRange(slope.Value, 0.003, 0.008);
        Assert.True(slope.Ci!.Value.Lower > 0.002);
    }

    [Fact]
    public void The_calibration_table_lists_the_institutions_and_their_variation()
    {
        string text = Calibration.Table().ToText();
        Assert.Contains("institutions (facility-level panel)", text);
        Assert.Contains("facility slope change SD (log/month)", text);
        foreach (var v in Calibration.FacilityVariation.Values)
            Assert.Contains(v.SlopeChange.Value.ToString("G", System.Globalization.CultureInfo.InvariantCulture), text);
    }
}
