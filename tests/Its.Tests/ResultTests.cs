using Its.Batch;
using Its.Model;
using Its.Results;
using Its.Tests.Reference;

namespace Its.Tests;

/// <summary>
/// What a result gives beyond its table: a read-only covariance, the coefficient table by term,
/// derived readings of a coefficient (CI at any level, percent change, rate ratio), contrasts and
/// Wald tests that agree with the numbers the fit already reports.
/// </summary>
public sealed class ResultTests
{
    private static readonly Fixture Case = Fixture.Load("wald.json").Single(c => c.Name == "california ols");

    private static ItsResult Fit(string errors = "ols") =>
        new ItsModel(Case.Series(), Case.Spec() with { Errors = ErrorModel.Parse(errors) }).Fit();

    [Fact]
    public void Covariance_is_a_copy_that_cannot_be_changed_through_the_result()
    {
        var fit = Fit();
        double before = fit.Covariance[1, 1];
        var copy = fit.Covariance.ToArray();
        copy[1, 1] = 0;
        Assert.Equal(before, fit.Covariance[1, 1]);
        Assert.Equal(fit.Parameters, fit.Covariance.Size);
        Assert.Equal(fit.Coefficients[1].StdError, Math.Sqrt(fit.Covariance[1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fit.Covariance[0, fit.Parameters]);
        Assert.Throws<ArgumentOutOfRangeException>(() => fit.Covariance[-1, 0]);

        var source = new double[,] { { 1, 2 }, { 2, 5 } };
        var matrix = new CovarianceMatrix(source);
        source[0, 1] = 99;
        Assert.Equal(2, matrix[0, 1]);
        Assert.Throws<ArgumentException>(() => new CovarianceMatrix(new double[2, 3]));
    }

    [Fact]
    public void Lists_are_copied_when_a_result_is_made()
    {
        var warnings = new List<string> { "first" };
        var fit = Fit() with { Warnings = warnings };
        warnings.Add("second");
        Assert.Equal(["first"], fit.Warnings);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)fit.Warnings).Add("third"));
        Assert.Throws<NotSupportedException>(() => ((IList<Effects.Effect>)fit.Effects)[0] = fit.Effects[0]);
    }

    [Fact]
    public void Coefficient_table_reads_by_position_and_term()
    {
        var fit = Fit();
        Assert.Same(fit.Coefficients[2], fit["level1"]);
        Assert.Equal(2, fit.Coefficients.IndexOf("level1"));
        Assert.Equal(-1, fit.Coefficients.IndexOf("level9"));
        Assert.Equal(["intercept", "time", "level1", "slope1"], fit.Coefficients.Terms);
        var missing = Assert.Throws<KeyNotFoundException>(() => fit["level9"]);
        Assert.Contains("level9", missing.Message);
        Assert.Throws<ArgumentException>(() => new CoefficientTable([fit["time"], fit["time"]]));
    }

    [Fact]
    public void Confidence_interval_at_95_percent_is_the_reported_one_exactly()
    {
        var sicily = Fixture.Load("wald.json").Single(c => c.Name == "sicily poisson");
        var fits = new[] { "ols", "newey:2", "arima:1,0,0" }.Select(e => Fit(e))
            .Append(new ItsModel(sicily.Series(), sicily.Spec()).Fit())
            .Append(new ItsModel(sicily.Series(), sicily.Spec() with { Family = Family.Gaussian, Offset = null, Errors = ErrorModel.Parse("gls-ar:1:satterthwaite") }).Fit());
        foreach (var fit in fits)
            foreach (var c in fit.Coefficients)
                Assert.Equal(c.Ci, c.ConfidenceInterval(0.95));
        var slope = Fit()["slope1"];
        var ci90 = slope.ConfidenceInterval(0.90);
        var ci99 = slope.ConfidenceInterval(0.99);
        Assert.True(ci99.Lower < slope.Ci.Lower && slope.Ci.Lower < ci90.Lower && ci90.Upper < slope.Ci.Upper && slope.Ci.Upper < ci99.Upper);
        Assert.Throws<ArgumentOutOfRangeException>(() => slope.ConfidenceInterval(95));
        Assert.Throws<ArgumentOutOfRangeException>(() => slope.ConfidenceInterval(0));
    }

    [Fact]
    public void Percent_change_and_rate_ratio_map_the_estimate_and_its_interval()
    {
        var c = new Coefficient("slope1", Math.Log(0.9), 0.01, -10.5, 30, 1e-11, new Interval(Math.Log(0.8), Math.Log(1.1)));
        Assert.Equal(-10, c.PercentChange.Value, 12);
        Assert.Equal(-20, c.PercentChange.Ci.Lower, 12);
        Assert.Equal(10, c.PercentChange.Ci.Upper, 12);
        Assert.Equal(0.9, c.RateRatio.Value, 14);
        Assert.Equal(new Interval(0.8, 1.1).Lower, c.RateRatio.Ci.Lower, 14);
        Assert.Equal(1.1, c.RateRatio.Ci.Upper, 14);
    }

    [Fact]
    public void Contrast_of_time_and_slope_is_the_post_trend_to_the_last_bit()
    {
        foreach (var errors in new[] { "ols", "newey:2", "prais", "arima:1,0,0" })
        {
            var fit = Fit(errors);
            var trend = fit.PostTrends.Single();
            var c = fit.Contrast(("time", 1), ("slope1", 1));
            Assert.Equal("time + slope1", c.Term);
            Assert.Equal((trend.Estimate, trend.StdError, trend.Ci, trend.Statistic, trend.Df, trend.PValue),
                (c.Estimate, c.StdError, c.Ci, c.Statistic, c.Df, c.PValue));
        }
    }

    [Fact]
    public void Contrast_of_one_term_is_its_row_and_a_one_restriction_wald_test_is_its_squared_t()
    {
        var fit = Fit("newey:2");
        var row = fit["level1"];
        var c = fit.Contrast(("level1", 1));
        Assert.Equal((row.Estimate, row.StdError, row.PValue), (c.Estimate, c.StdError, c.PValue));
        var w = fit.Wald("level1");
        Assert.Equal(1, w.Restrictions);
        Assert.Equal(row.Statistic * row.Statistic, w.Statistic, 1e-9 * w.Statistic);
        Assert.Equal(row.PValue, w.PValue, 1e-9);
        Assert.Equal("2 level1 - slope1", fit.Contrast(("level1", 2), ("slope1", -1)).Term);
    }

    [Fact]
    public void Wald_refuses_what_it_cannot_test()
    {
        var fit = Fit();
        Assert.Throws<KeyNotFoundException>(() => fit.Contrast(("level9", 1)));
        Assert.Throws<ArgumentException>(() => fit.Contrast());
        Assert.Throws<ArgumentException>(() => fit.Contrast(("level1", double.NaN)));
        var dependent = Assert.Throws<ArgumentException>(() => fit.Wald("level1", "level1"));
        Assert.Contains("linearly dependent", dependent.Message);
    }

    [Fact]
    public void Batch_coefficient_table_is_the_batch_rows()
    {
        var series = Case.Series();
        var spec = Case.Spec();
        var units = new[] { new PanelUnit("ca", series.Periods[0], series.Outcome.ToArray()) };
        var batch = new PanelFitter(spec).Fit(units);
        var table = batch.Coefficients(0);
        Assert.Equal(batch.Terms, table.Terms);
        for (int j = 0; j < batch.Terms.Count; j++) Assert.Same(batch.Coefficient(0, j), table[j]);
        Assert.Equal(Fit()["slope1"].Estimate, table["slope1"].Estimate, 1e-10);
    }
}
