using Its.Batch;
using Its.Comparison;
using Its.Model;
using Its.Reporting;
using Its.Results;
using Its.Robustness;
using Its.Tests.Reference;
using Its.Time;

namespace Its.Tests;

/// <summary>
/// The number-formatting policy (<see cref="NumberFormat"/>) and every renderer's tables following
/// it: per column one number of decimals and grouping all or none, p values, percents, counts and
/// rate ratios as the policy says, numbers right-aligned and text left-aligned in every format.
/// </summary>
public sealed class NumberFormatTests
{
    [Fact]
    public void Estimates_take_the_decimals_of_four_significant_digits_of_the_smallest_standard_error()
    {
        // Linden (2015), California, Newey-West lag 1: the published four decimals.
        var f = NumberFormat.Estimates([4.2531, 0.3834, 4.7244, 0.4368], [132.2258, -1.7795, -20.0581, -1.4947]);
        Assert.Equal(new ColumnFormat(4, false), f);
        Assert.Equal("132.2258", f.Format(132.22578));
        Assert.Equal("4.2531", f.Format(4.25311));
        // A column with SEs 0.01 and 0.0007631 never mixes "0.01" and "0.0007631".
        var small = NumberFormat.Estimates([0.01, 0.0007631], [0.0172, -0.0185]);
        // 4 significant digits of 0.0007631 need 7 decimals: capped at 6.
        Assert.Equal(NumberFormat.MaxDecimals, small.Decimals);
        Assert.Equal("0.010000", small.Format(0.01));
        Assert.Equal("0.000763", small.Format(0.0007631));
        // Large SEs: integers, and the column is grouped as soon as one value reaches 10,000.
        var large = NumberFormat.Estimates([15000, 2400], [-151913.7, 7377.2897]);
        Assert.Equal(new ColumnFormat(0, true), large);
        Assert.Equal("7,377", large.Format(7377.2897));
        Assert.Equal("-151,914", large.Format(-151913.7));
    }

    [Fact]
    public void Measured_columns_take_four_significant_digits_of_their_median_and_group_all_or_none()
    {
        var f = NumberFormat.Column([0.01, 0.0007631, 0.02, 0.015]);
        Assert.Equal(4, NumberFormat.DecimalsFor(0.3834));
        Assert.Equal(5, f.Decimals);
        Assert.Equal(["0.01000", "0.00076"], new[] { f.Format(0.01), f.Format(0.0007631) });
        Assert.Equal(2, NumberFormat.DecimalsFor(99.99));
        Assert.Equal(1, NumberFormat.DecimalsFor(99.996)); // rounds to 100.0
        Assert.Equal(0, NumberFormat.DecimalsFor(12556.7));
        // The CI of the report: one format for both bounds, grouped because one bound reaches 10,000.
        var ci = NumberFormat.Column([7377.2897, 12556.7, -13504.2, -7104.9067]);
        Assert.Equal("7,377 to 12,557", ci.Ci(new Interval(7377.2897, 12556.7)));
        Assert.Equal("-13,504 to -7,105", ci.Ci(new Interval(-13504.2, -7104.9067)));
        var ungrouped = NumberFormat.Column([7377.2897, 9999.4]);
        Assert.False(ungrouped.Grouped);
        Assert.Equal("7377", ungrouped.Format(7377.2897));
        Assert.Equal(NumberFormat.MaxDecimals, NumberFormat.DecimalsFor(3e-9));
        Assert.Equal("0", NumberFormat.Column([0.0]).Format(0));
    }

    [Theory]
    [InlineData(0.0004, "<0.001")]
    [InlineData(0.000999, "<0.001")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0456, "0.046")]
    [InlineData(0.1364, "0.136")]
    [InlineData(1.0, "1.000")]
    [InlineData(double.NaN, "n/a")]
    public void P_values_are_three_decimals_or_below_0_001(double p, string expected) => Assert.Equal(expected, NumberFormat.PValue(p));

    [Theory]
    [InlineData(-20.33497, "-20.33")]
    [InlineData(1.7364, "1.74")]
    [InlineData(-0.004, "0.00")]
    [InlineData(0.5, "0.50")]
    public void Percents_have_two_decimals(double x, string expected) => Assert.Equal(expected, NumberFormat.Percent(x));

    [Theory]
    [InlineData(595140.6, "595,141")]
    [InlineData(843.28, "843")]
    [InlineData(1234.0, "1,234")]
    [InlineData(-0.4, "0")]
    public void Counts_are_grouped_integers(double x, string expected) => Assert.Equal(expected, NumberFormat.Count(x));

    [Fact]
    public void Measured_values_are_counts_for_count_models_or_large_columns()
    {
        Assert.Equal(NumberFormat.Counts, NumberFormat.Measured([843.2, 950.4], counts: true));
        Assert.Equal(NumberFormat.Counts, NumberFormat.Measured([1500, 2500.5]));
        Assert.Equal(new ColumnFormat(2, false), NumberFormat.Measured([78.36, 42.34]));
    }

    [Fact]
    public void Rate_ratios_have_four_decimals()
    {
        // Lopez Bernal et al. (2017), Sicily, quasi-Poisson: the published rate ratio.
        var sicily = Fixture.Load("glm.json").Single(x => x.Name == "sicily_level_quasipoisson");
        var table = ResultReport.Tables(new ItsModel(sicily.Series(), sicily.Spec()).Fit())[0];
        var level = table.Rows.Single(r => r[0] == "level1");
        Assert.Equal(["rate ratio", "95% CI"], table.Columns.Skip(6));
        Assert.Equal(["0.8851", "0.8394 to 0.9332"], level.Skip(6));
        Assert.Equal("0.9820", NumberFormat.RateRatios.Format(0.98196));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(132.22578, "132.2")]
    [InlineData(-0.014466, "-0.01447")]
    [InlineData(0.00003, "0.000030")]
    [InlineData(619951.42, "619,951")]
    public void A_single_number_has_four_significant_digits(double x, string expected) => Assert.Equal(expected, NumberFormat.Number(x));

    // ---- every renderer follows the policy ----

    private static readonly Fixture SicilyLog = Fixture.Load("gaussian.json").Single(f => f.Name == "sicily_log_fourier2_newey:2");

    private static void Audit(IEnumerable<Table> tables)
    {
        int columns = 0;
        foreach (var t in tables)
        {
            columns += TableAudit.Check(t);
            TableAudit.CheckAlignment(t);
        }
        Assert.True(columns > 0, "no column of numbers was checked");
    }

    [Fact]
    public void The_published_California_table_prints_exactly()
    {
        var f = Fixture.Load("gaussian.json").Single(x => x.Name == "california_levelslope_newey:1");
        var table = ResultReport.Tables(new ItsModel(f.Series(), f.Spec()).Fit())[0];
        string[][] published = [["intercept", "132.2258", "4.2531"], ["time", "-1.7795", "0.3834"], ["level1", "-20.0581", "4.7244"], ["slope1", "-1.4947", "0.4368"]];
        Assert.Equal(published, table.Rows.Select(r => new[] { r[0], r[1], r[2] }).ToArray());
    }

    [Fact]
    public void Fit_tables_follow_the_policy_in_every_format()
    {
        var log = new ItsModel(SicilyLog.Series(), SicilyLog.Spec()).Fit();
        Audit(ResultReport.Tables(log));
        var count = Fixture.Load("glm.json").First();
        Audit(ResultReport.Tables(new ItsModel(count.Series(), count.Spec()).Fit()));
        foreach (var format in new[] { ReportFormat.Text, ReportFormat.Markdown, ReportFormat.Html, ReportFormat.Latex })
        {
            string text = ResultReport.Render(log, format);
            var f = NumberFormat.Estimates(log.Coefficients.Select(c => c.StdError), log.Coefficients.Select(c => c.Estimate));
            Assert.Contains(f.Format(log["level1"].Estimate), text, StringComparison.Ordinal);
            Assert.Contains(f.Ci(log["level1"].Ci), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_post_period_trend_has_its_test()
    {
        var log = new ItsModel(SicilyLog.Series(), SicilyLog.Spec()).Fit();
        var trend = Assert.Single(log.PostTrends);
        var table = ResultReport.Tables(log).Single(t => t.Title.StartsWith("Post-interruption trend", StringComparison.Ordinal));
        Assert.Equal(["after interruption", "trend per month", "std. error", "t", "df", "p", "95% CI", "% per month", "95% CI (%)"], table.Columns);
        var row = Assert.Single(table.Rows);
        Assert.Equal(NumberFormat.Statistic(trend.Estimate / trend.StdError), row[3]);
        Assert.Equal(log.DfResidual.ToString(System.Globalization.CultureInfo.InvariantCulture), row[4]);
        Assert.Equal(NumberFormat.PValue(trend.PValue), row[5]);
        Assert.Equal(trend.Estimate / trend.StdError, trend.Statistic, 12);
        var json = System.Text.Json.JsonDocument.Parse(ResultReport.Render(log, ReportFormat.Json)).RootElement.GetProperty("post_trend")[0];
        foreach (string field in new[] { "interruption", "estimate", "std_error", "ci", "percent", "percent_ci", "statistic", "df", "p_value" })
            Assert.True(json.TryGetProperty(field, out _), $"post_trend has no {field}");
        Assert.Equal(trend.PValue, json.GetProperty("p_value").GetDouble());
        Assert.Equal(trend.Statistic, json.GetProperty("statistic").GetDouble());
    }

    [Fact]
    public void Comparison_tables_follow_the_policy()
    {
        var start = Period.Month(2016, 1);
        TimeSeries Series(int seed, double slope) => new(Enumerable.Range(0, 48).Select(start.Add).ToArray(),
            Enumerable.Range(0, 48).Select(t => 20000 + 50 * t + (t >= 24 ? slope * (t - 24) : 0) + 300 * Math.Sin(seed * 1.3 + t * (0.7 + 0.11 * seed))).ToArray());
        var spec = new ItsSpec { Interruptions = [Period.Month(2018, 1)], Errors = NeweyWestCovariance.Stata(2) };
        var groups = new[] { new GroupSeries("hospital", Series(1, -40)), new GroupSeries("chsi", Series(2, 5)) };
        var comparison = GroupComparison.Fit(groups, spec, "chsi");
        var controls = Enumerable.Range(0, 5).Select(i => new GroupSeries("control", Series(3 + i, 0), Unit: $"c{i}")).ToArray();
        var permutation = GroupComparison.Permute(new GroupSeries("treated", Series(9, -40), Unit: "treated"), controls, spec);
        Audit(ComparisonReport.Tables(comparison, permutation));
        var logComparison = GroupComparison.Fit(groups, spec with { Transform = OutcomeTransform.Log }, "chsi");
        Audit(ComparisonReport.Tables(logComparison));
    }

    private static readonly Period Start = Period.Month(2015, 1);

    private static TimeSeries Wiggle(double effect, double scale = 1)
    {
        var t = Enumerable.Range(0, 60).ToArray();
        return new TimeSeries(t.Select(i => Start.Add(i)).ToArray(),
            t.Select(i => scale * (50 + 0.3 * i + (i >= 30 ? effect * (8 + i - 30) : 0) + 1.5 * Math.Sin(2.1 * i) + Math.Cos(0.77 * i * i))).ToArray());
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1000.0)]
    public void Robustness_tables_follow_the_policy(double scale)
    {
        var spec = new ItsSpec { Interruptions = [Start.Add(30)], Errors = NeweyWestCovariance.Stata(2) };
        Audit(RobustnessReport.PlaceboTables(PlaceboTest.Run(Wiggle(-1, scale), spec), spec));
        Audit([RobustnessReport.SensitivityTable(Sensitivity.Run(Wiggle(-1, scale), spec, otherDates: [Start.Add(33)]), spec)]);
        var log = spec with { Transform = OutcomeTransform.Log };
        Audit([RobustnessReport.SensitivityTable(Sensitivity.Run(Wiggle(-1, scale), log), log)]);
    }

    [Fact]
    public void Power_break_and_panel_tables_follow_the_policy()
    {
        var power = PowerSimulation.Run(new PowerScenario { PeriodsBefore = 12, PeriodsAfter = 12, Replicates = 200, Seed = 7, LevelChange = 1, SlopeChange = 0.1 });
        Audit([PowerReport.TermTable(power)]);
        var spec = new ItsSpec { Interruptions = [Start.Add(30)], Errors = NeweyWestCovariance.Stata(2) };
        Audit([BreakSearchReport.CandidateTable(BreakSearch.Run(Wiggle(-1), spec))]);

        var rng = new Random(5);
        var units = Enumerable.Range(0, 30).Select(i => new PanelUnit($"u{i}", Start,
            Enumerable.Range(0, 48).Select(t => 200 + 2 * t + (t >= 24 ? 15 + 0.8 * (t - 24) : 0) + 5 * (rng.NextDouble() - 0.5)).ToArray())).ToArray();
        var panelSpec = new ItsSpec { Interruptions = [Start.Add(24)], Errors = NeweyWestCovariance.Stata(2) };
        var summary = new PanelSummary(["level1", "slope1"]);
        summary.Add(units.Select(u => u.Id).ToArray(), new PanelFitter(panelSpec).Fit(units));
        Audit([PanelReport.DistributionTable(summary)]);
    }

    [Fact]
    public void Alignment_is_by_content()
    {
        var table = new Table("t", ["term", "estimate", "95% CI", "statistic", "p", "note"],
            [["level1", "-0.0056", "-0.0362 to 0.0251", "t = -0.37", "0.713", "rho 0.4"],
             ["slope1", "-0.0185", "-0.0210 to -0.0160", "F(2, 40) = 3.10", "<0.001", ""]]);
        Assert.Equal([false, true, true, true, true, false], table.RightAligned());
        Assert.Contains("|:---|---:|---:|---:|---:|:---|", table.ToMarkdown(), StringComparison.Ordinal);
        Assert.Contains("\\begin{tabular}{lrrrrl}", table.ToLatex(), StringComparison.Ordinal);
        Assert.Contains("<th style=\"text-align:left\">term</th><th style=\"text-align:right\">estimate</th>", table.ToHtml(), StringComparison.Ordinal);
        Assert.Contains("<tr><td>level1</td><td style=\"text-align:right\">-0.0056</td>", table.ToHtml(), StringComparison.Ordinal);
        var lines = table.ToText().Split('\n');
        Assert.Matches("^level1 +-0.0056  ", lines[3]);
        Assert.Equal(lines[3].IndexOf("-0.0056", StringComparison.Ordinal) + 7, lines[4].IndexOf("-0.0185", StringComparison.Ordinal) + 7);
        Assert.Equal(lines[3].IndexOf("0.713", StringComparison.Ordinal) + 5, lines[4].IndexOf("<0.001", StringComparison.Ordinal) + 6);
    }
}
