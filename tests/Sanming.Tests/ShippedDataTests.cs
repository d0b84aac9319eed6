using Its.Time;

namespace Sanming.Tests;

/// <summary>
/// The committed data/sanming_monthly.csv is exactly what the generator writes for the shipped
/// seed, and it passes the range checks of CALIBRATION.md ("What the published pattern looks like").
/// </summary>
public sealed class ShippedDataTests
{
    private static readonly string Path = ShippedData.Locate();
    private static readonly IReadOnlyList<StudyFit> Fits = new StudyPlan().Run(SanmingLoader.Load(Path));

    private static Its.Results.Coefficient Slope(Outcome outcome, string group) =>
        Fits.Single(f => f.Outcome == outcome && f.Group == group).Result["slope1"];

    [Fact]
    public void Regenerating_with_the_shipped_seed_is_byte_identical()
    {
        Assert.Equal(File.ReadAllText(Path), SanmingGenerator.Generate(new GeneratorOptions()).ToCsv());
    }

    [Fact]
    public void The_facility_panel_is_the_split_of_the_shipped_seed_byte_for_byte()
    {
        var options = new GeneratorOptions();
        Assert.Equal(File.ReadAllText(ShippedData.LocateFacilities()),
            SanmingFacilities.ToCsv(SanmingFacilities.Generate(SanmingGenerator.Generate(options), options)));
    }

    [Fact]
    public void City_slope_changes_sit_in_the_calibration_ranges()
    {
        Assert.InRange(Slope(Outcome.Expenditure, SanmingPanel.City).Estimate, -0.002, -0.0005);
        Assert.InRange(Slope(Outcome.OutpatientVisits, SanmingPanel.City).Estimate, -0.017, -0.011);
        Assert.InRange(Slope(Outcome.InpatientAdmissions, SanmingPanel.City).Estimate, -0.007, -0.003);
    }

    [Theory]
    [InlineData(Outcome.OutpatientVisits)]
    [InlineData(Outcome.InpatientAdmissions)]
    public void Visits_slow_significantly_in_hospitals_but_not_in_chsis(Outcome outcome)
    {
        Assert.True(Slope(outcome, Calibration.Hospital).Estimate < 0);
        Assert.True(Slope(outcome, Calibration.Hospital).PValue < 0.05);
        Assert.True(Slope(outcome, Calibration.Chsi).PValue > 0.05);
    }

    [Fact]
    public void Expenditure_slows_more_in_chsis_than_in_hospitals()
    {
        Assert.True(Slope(Outcome.Expenditure, Calibration.Chsi).Estimate < Slope(Outcome.Expenditure, Calibration.Hospital).Estimate);
    }

    [Fact]
    public void The_panel_covers_the_study_window()
    {
        var panel = SanmingLoader.Load(Path);
        Assert.Equal(Period.Month(2016, 1), panel.Months[0]);
        Assert.Equal(Period.Month(2019, 11), panel.Months[^1]);
        Assert.Equal([Calibration.Hospital, Calibration.Chsi], panel.InstitutionTypes);
        Assert.Equal(9, Fits.Count);
    }
}
