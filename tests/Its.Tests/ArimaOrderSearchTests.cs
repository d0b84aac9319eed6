using System.Text.Json;
using Its.Estimation;
using Its.Model;
using Its.Reporting;
using Its.Tests.Reference;
using Xunit;

namespace Its.Tests;

/// <summary>
/// arima:auto around its R fixtures (<c>arima_auto.json</c>, which hold auto.arima's numbers): the
/// rules the tests follow, and the search in every report.
/// </summary>
public class ArimaOrderSearchTests
{
    private static Fixture Case(string name) => Fixture.Load("arima_auto.json").Single(f => f.Name == name);

    [Theory]
    [InlineData(new[] { 3.0, 3.0, 3.0 }, true)]
    [InlineData(new[] { 1.0, 1.0 + 1e-9, 1.0 }, true)]
    [InlineData(new[] { 1.0, 1.0 + 1e-6, 1.0 }, false)]
    [InlineData(new[] { 0.0, 0.0, 1e-9 }, true)]
    [InlineData(new[] { 0.0, 1.0, 0.0 }, false)]
    public void A_column_is_constant_as_forecast_is_constant_says(double[] x, bool constant) =>
        Assert.Equal(constant, DifferencingTests.IsConstant(x));

    [Fact]
    public void The_OCSB_critical_value_is_forecasts_for_each_period()
    {
        Assert.Equal(-1.80296279118157, DifferencingTests.OcsbCritical(12), 1e-12);
        Assert.Equal(-1.89269992465577, DifferencingTests.OcsbCritical(4), 1e-12);
    }

    [Fact]
    public void A_washout_leaves_the_seasonal_difference_untested_and_says_so()
    {
        var f = Case("chsi_log_visits_washout3");
        var result = new ItsModel(f.Series(), f.Spec()).Fit();
        Assert.Null(result.OrderSearch!.Ocsb);
        Assert.Contains(result.Warnings, w => w.StartsWith("arima:auto: the OCSB test needs a complete series", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_differencing_the_trend_term_is_not_used_and_the_warning_says_so()
    {
        var f = Case("chsi_log_visits");
        var result = new ItsModel(f.Series(), f.Spec()).Fit();
        Assert.Equal(["intercept", "level1", "slope1"], result.Coefficients.Select(c => c.Term));
        Assert.Empty(result.PostTrends);
        Assert.Contains(result.Warnings, w => w.Contains("the trend term time is not used: the level and slope changes are measured against the mean", StringComparison.Ordinal));
        var chosen = result.OrderSearch!.Chosen;
        Assert.Equal("ARIMA(1,0,0)(1,0,0)[12] with mean", chosen.Describe(12));
        Assert.Contains(result.OrderSearch.Candidates, c => c.Rejected is { } why && why.Contains("below 1.01", StringComparison.Ordinal));
        // sar1 = 0.68: (1 - 0.68 B^12) has roots of modulus 1.033 in B but 1.47 in B^12, no unit root.
        Assert.DoesNotContain(result.Warnings, w => w.Contains("near the unit circle", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ReportFormat.Text)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    [InlineData(ReportFormat.Latex)]
    public void Every_report_lists_the_models_tried(ReportFormat format)
    {
        var f = Case("california");
        string report = ResultReport.Render(new ItsModel(f.Series(), f.Spec()).Fit(), format);
        Assert.Contains("ARIMA order search (forecast::auto.arima, stepwise by AICc): d = 1 by KPSS 0.522, then 0.082", report);
        Assert.Contains("ARIMA(1,1,0) with drift", report);
        Assert.Contains("chosen", report);
        string plain = ResultReport.Render(new ItsModel(f.Series(), f.Spec() with { Errors = ErrorModel.Parse("arima:1,1,0") }).Fit(), format);
        Assert.DoesNotContain("ARIMA order search", plain);
    }

    [Fact]
    public void The_json_has_the_search_or_null()
    {
        var f = Case("synthetic_seasonal_walk_quarter");
        var result = new ItsModel(f.Series(), f.Spec()).Fit();
        using var json = JsonDocument.Parse(ResultReport.Render(result, ReportFormat.Json));
        var search = json.RootElement.GetProperty("arima_search");
        Assert.Equal(4, search.GetProperty("period").GetInt32());
        Assert.Equal(result.OrderSearch!.Candidates.Count, search.GetProperty("candidates").GetArrayLength());
        Assert.Equal(1, search.GetProperty("chosen").GetProperty("seasonal_d").GetInt32());
        Assert.True(search.GetProperty("ocsb").GetProperty("statistic").GetDouble() > search.GetProperty("ocsb").GetProperty("critical").GetDouble());
        Assert.Contains(search.GetProperty("candidates").EnumerateArray(), c => c.GetProperty("aicc").ValueKind == JsonValueKind.Null && c.GetProperty("rejected").GetString()!.Length > 0);
        using var none = JsonDocument.Parse(ResultReport.Render(new ItsModel(f.Series(), f.Spec() with { Errors = ErrorModel.Ols }).Fit(), ReportFormat.Json));
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("arima_search").ValueKind);
    }
}
