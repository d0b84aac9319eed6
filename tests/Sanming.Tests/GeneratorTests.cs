using Its.Time;

namespace Sanming.Tests;

/// <summary>The generator is CALIBRATION.md's model: closed form without noise, deterministic with it.</summary>
public sealed class GeneratorTests
{
    private static readonly GeneratorOptions NoNoise = new() { Noise = false };

    /// <summary>
    /// CALIBRATION.md written out by hand for one series: hospital outpatient visits, t = 1 in
    /// January 2016, T0 = 22, b = 0.018, d = -0.019, offsets centred, SF = -0.14.
    /// </summary>
    private static double ClosedForm(Period month)
    {
        double[] raw = [.02, -.03, .04, .02, .01, 0, .03, .03, -.01, -.04, -.01, .02];
        double mean = raw.Sum() / 12;
        int t = month.PeriodsSince(Period.Month(2016, 1)) + 1;
        double w = month.ToString() switch { "2016-02" or "2018-02" or "2019-02" => 1, "2017-01" => 0.6, "2017-02" => 0.4, _ => 0 };
        return Math.Log(440_000) + 0.018 * (t - 1) + (t >= 22 ? -0.019 * (t - 22) : 0) + raw[month.CalendarMonth - 1] - mean - 0.14 * w;
    }

    [Fact]
    public void The_noise_free_part_is_the_closed_form()
    {
        var series = Calibration.For(Calibration.Hospital, Outcome.OutpatientVisits);
        var panel = SanmingGenerator.Generate(NoNoise);
        var rows = panel.Rows.Where(r => r.InstitutionType == Calibration.Hospital).ToArray();
        Assert.Equal(47, rows.Length);
        foreach (var r in rows)
        {
            Assert.Equal(ClosedForm(r.Month), SanmingGenerator.LogMean(series, r.Month, NoNoise), 12);
            Assert.Equal(Math.Round(Math.Exp(ClosedForm(r.Month))), r.OutpatientVisits);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_file_and_another_seed_another()
    {
        string a = SanmingGenerator.Generate(new GeneratorOptions { Seed = 7 }).ToCsv();
        Assert.Equal(a, SanmingGenerator.Generate(new GeneratorOptions { Seed = 7 }).ToCsv());
        Assert.NotEqual(a, SanmingGenerator.Generate(new GeneratorOptions { Seed = 8 }).ToCsv());
    }

    [Fact]
    public void The_intervention_month_moves_the_slope_change()
    {
        var series = Calibration.For(Calibration.Hospital, Outcome.OutpatientVisits);
        var january = NoNoise with { Intervention = Period.Month(2018, 1) };
        // Before the later intervention both agree with the pre-period line except from Oct 2017 on.
        Assert.Equal(SanmingGenerator.LogMean(series, Period.Month(2017, 9), NoNoise), SanmingGenerator.LogMean(series, Period.Month(2017, 9), january), 12);
        Assert.NotEqual(SanmingGenerator.LogMean(series, Period.Month(2017, 12), NoNoise), SanmingGenerator.LogMean(series, Period.Month(2017, 12), january));
        double gap = SanmingGenerator.LogMean(series, Period.Month(2019, 11), january) - SanmingGenerator.LogMean(series, Period.Month(2019, 11), NoNoise);
        Assert.Equal(-0.019 * (22 - 25), gap, 12); // 3 fewer months of the slower slope
    }

    [Fact]
    public void The_august_2016_step_keeps_the_pre_period_rise()
    {
        var series = Calibration.For(Calibration.Chsi, Outcome.OutpatientVisits);
        var step = NoNoise with { OutpatientStep = true };
        double Rise(GeneratorOptions o) => SanmingGenerator.LogMean(series, Period.Month(2017, 9), o) - SanmingGenerator.LogMean(series, Period.Month(2016, 1), o);
        Assert.Equal(Rise(NoNoise), Rise(step), 12);
        double jump(GeneratorOptions o) => SanmingGenerator.LogMean(series, Period.Month(2016, 8), o) - SanmingGenerator.LogMean(series, Period.Month(2016, 7), o);
        Assert.Equal(0.15 - 0.15 / 20, jump(step) - jump(NoNoise), 12);
        var inpatient = Calibration.For(Calibration.Chsi, Outcome.InpatientAdmissions);
        Assert.Equal(SanmingGenerator.LogMean(inpatient, Period.Month(2016, 9), NoNoise), SanmingGenerator.LogMean(inpatient, Period.Month(2016, 9), step), 12);
    }

    [Fact]
    public void Centres_only_scale_the_chsi_levels()
    {
        var series = Calibration.For(Calibration.Chsi, Outcome.Expenditure);
        var centres = NoNoise with { Chsi = ChsiDefinition.CentresOnly };
        Assert.Equal(Math.Log(0.7), SanmingGenerator.LogMean(series, Period.Month(2018, 5), centres) - SanmingGenerator.LogMean(series, Period.Month(2018, 5), NoNoise), 12);
        var hospital = Calibration.For(Calibration.Hospital, Outcome.Expenditure);
        Assert.Equal(SanmingGenerator.LogMean(hospital, Period.Month(2018, 5), NoNoise), SanmingGenerator.LogMean(hospital, Period.Month(2018, 5), centres), 12);
    }

    [Fact]
    public void Every_constant_is_in_the_calibration_table_with_its_tag()
    {
        string text = Calibration.Table().ToText();
        foreach (var s in Calibration.Series)
            foreach (var c in new[] { s.Level, s.PreSlope, s.SlopeChange, s.SpringFestival, s.Sigma })
                Assert.Contains(c.Value.ToString("G", System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.Contains("[P]", text);
        Assert.Contains("[D]", text);
        Assert.Contains("[A]", text);
        Assert.Contains("215000000", text);
        Assert.Equal(0, Calibration.CentredOffsets(Outcome.Expenditure).Sum(), 12);
    }
}
