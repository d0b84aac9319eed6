using Its.Time;

namespace Sanming.Tests;

/// <summary>The descriptive tables: means and growth by period, the Spring Festival months, and the tables across fits.</summary>
public sealed class DescriptivesTests
{
    private static readonly SanmingPanel Panel = SanmingGenerator.Generate(new GeneratorOptions { Seed = 3 });

    [Fact]
    public void Stats_split_at_the_first_after_value_and_leave_out_the_step_across()
    {
        double[] y = [100, 110, 121, 50, 55];
        var s = Descriptives.Stats(y, 3);
        Assert.Equal(331.0 / 3, s.MeanBefore, 12);
        Assert.Equal(52.5, s.MeanAfter, 12);
        Assert.Equal(100 * (52.5 / (331.0 / 3) - 1), s.ChangeOfMeans, 12);
        Assert.Equal(10, s.GrowthBefore, 12);
        Assert.Equal(10, s.GrowthAfter, 12);
        Assert.Throws<ArgumentException>(() => Descriptives.Stats(y, 4));
    }

    [Fact]
    public void The_period_table_has_a_row_per_outcome_and_group_with_the_series_numbers()
    {
        var table = Descriptives.ByPeriod(Panel);
        Assert.Equal(9, table.Rows.Count);
        Assert.Equal(["expenditure", "city"], table.Rows[0].Take(2));
        Assert.Contains("2016-01 to 2017-09, 21 months", table.Title);
        Assert.Contains("2017-10 to 2019-11, 26 months", table.Title);
        var visits = Panel.Series(Calibration.Hospital, Outcome.OutpatientVisits).Outcome;
        var s = Descriptives.Stats(visits, 21);
        var row = table.Rows.Single(r => r[0] == "outpatient visits" && r[1] == Calibration.Hospital);
        Assert.Equal(s.MeanBefore.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture), row[2]);
        Assert.Equal(Math.Round(s.GrowthBefore, 2).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), row[5]);
        // The calibrated hospital outpatient growth falls from about 1.8% to about 0% a month.
        Assert.True(s.GrowthBefore > s.GrowthAfter + 1);
        Assert.Throws<ArgumentException>(() => Descriptives.ByPeriod(Panel, Period.Month(2016, 2)));
    }

    [Fact]
    public void Spring_festival_months_show_the_february_dips()
    {
        var table = Descriptives.SpringFestival(Panel);
        Assert.Equal(["2016-02", "2017-01", "2017-02", "2018-02", "2019-02", "other months (mean)"], table.Rows.Select(r => r[0]));
        int column = table.Columns.ToList().IndexOf("outpatient visits chsi %");
        foreach (var row in table.Rows.Where(r => r[1] == "1"))
            Assert.True(double.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture) < -10, row[0]);
    }

    [Fact]
    public void Tables_across_fits_have_a_row_per_fit_or_horizon()
    {
        var fits = new StudyPlan { Groups = [SanmingPanel.City] }.Run(Panel);
        var diagnostics = StudyTables.Diagnostics(fits);
        Assert.Equal(3, diagnostics.Rows.Count);
        Assert.StartsWith(fits[0].Result.Diagnostics.DurbinWatson!.Statistic.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), diagnostics.Rows[0][2]);
        var acf = StudyTables.Correlograms(fits, 6);
        Assert.Equal(6, acf.Rows.Count);
        Assert.Equal(1 + 2 * 3, acf.Columns.Count);
        var effects = StudyTables.Effects(fits);
        Assert.Equal(6, effects.Rows.Count);
        Assert.Equal(["12", "2018-10"], effects.Rows[0].Skip(2).Take(2));
    }
}
