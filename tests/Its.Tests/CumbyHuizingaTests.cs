using System.Text.Json;
using Its.Diagnostics;
using Its.Model;
using Its.Reporting;
using Its.Tests.Reference;
using Xunit;

namespace Its.Tests;

/// <summary>
/// The Cumby-Huizinga test around its R fixtures (<c>cumby_huizinga.json</c>, which hold the
/// numbers): the variants' grammar and refusals, its relation to Breusch-Godfrey, and its place in
/// every report.
/// </summary>
public class CumbyHuizingaTests
{
    private static readonly Fixture California = Fixture.Load("cumby_huizinga.json").Single(f => f.Name == "california_robust");

    [Theory]
    [InlineData("robust", true, false, false, false, "robust")]
    [InlineData("", true, false, false, false, "robust")]
    [InlineData("homoskedastic", false, false, false, false, "homoskedastic")]
    [InlineData(" Robust , q0 ", true, true, false, false, "robust,q0")]
    [InlineData("bp", false, true, true, false, "homoskedastic,bp")]
    [InlineData("bp,q0,small", false, true, true, true, "homoskedastic,bp,small")]
    [InlineData("homoskedastic,small", false, false, false, true, "homoskedastic,small")]
    public void A_variant_reads_as_actest_spells_it(string text, bool robust, bool q0, bool bp, bool small, string canonical)
    {
        var options = CumbyHuizingaOptions.Parse(text);
        Assert.Equal(new CumbyHuizingaOptions(robust, q0, bp, small), options);
        Assert.Equal(canonical, options.ToString());
        Assert.Equal(options, CumbyHuizingaOptions.Parse(options.ToString()));
    }

    [Theory]
    [InlineData("robust,homoskedastic", "robust and homoskedastic exclude each other")]
    [InlineData("bp,robust", "bp (Box-Pierce) is a homoskedastic form")]
    [InlineData("q1", "'q1' is not a Cumby-Huizinga option")]
    public void A_variant_that_contradicts_itself_is_refused(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => CumbyHuizingaOptions.Parse(text)).Message);

    [Fact]
    public void The_homoskedastic_test_of_lags_one_to_p_is_the_Breusch_Godfrey_test()
    {
        var result = new ItsModel(California.Series(), California.Spec() with { CumbyHuizinga = new CumbyHuizingaOptions(Robust: false) }).Fit();
        var ch = result.Diagnostics.CumbyHuizinga;
        Assert.Equal(12, ch.Count);
        foreach (var (c, b) in ch.Zip(result.Diagnostics.BreuschGodfrey))
            Assert.Equal(b.ChiSquare, c.RangeChiSquare, 1e-9 * b.ChiSquare);
        // Lag 1 alone and lags 1..1 are one test; the robust form differs from the homoskedastic one.
        Assert.Equal(ch[0].RangeChiSquare, ch[0].LagChiSquare);
        var robust = new ItsModel(California.Series(), California.Spec()).Fit().Diagnostics.CumbyHuizinga;
        Assert.NotEqual(ch[0].RangeChiSquare, robust[0].RangeChiSquare, 1e-3);
    }

    [Fact]
    public void The_lags_stop_where_the_degrees_of_freedom_end_and_count_models_have_none()
    {
        var fit = new ItsModel(California.Series(), California.Spec() with { PortmanteauLag = 40 }).Fit();
        // n = 31, k = 4: lags up to n - k - 1 = 26 (the portmanteau lag is capped at n - 1 = 30 first).
        Assert.Equal(26, fit.Diagnostics.CumbyHuizinga.Count);
        Assert.All(fit.Diagnostics.CumbyHuizinga, c => Assert.True(double.IsFinite(c.RangeChiSquare) && double.IsFinite(c.LagChiSquare)));
        var sicily = Fixture.Load("glm.json").First(f => f.Spec().Family == Family.Poisson);
        Assert.Empty(new ItsModel(sicily.Series(), sicily.Spec()).Fit().Diagnostics.CumbyHuizinga);
    }

    [Theory]
    [InlineData(ReportFormat.Text)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    [InlineData(ReportFormat.Latex)]
    public void Every_report_shows_the_tests_with_their_variant(ReportFormat format)
    {
        var result = new ItsModel(California.Series(), California.Spec() with { CumbyHuizinga = CumbyHuizingaOptions.Parse("robust,q0") }).Fit();
        string report = ResultReport.Render(result, format);
        foreach (int p in new[] { 1, 2, 3, 6, 12 }) Assert.Contains($"Cumby-Huizinga lags 1-{p}", report);
        Assert.Contains("robust,q0; lag 12 alone: chi2 = ", report);
        string general = ResultReport.Render(new ItsModel(California.Series(), California.Spec()).Fit(), format);
        Assert.Contains("lag 12 alone (H0: MA(11))", general);
    }

    [Fact]
    public void A_negative_Box_Pierce_statistic_is_explained_not_hidden()
    {
        var bp = Fixture.Load("cumby_huizinga.json").Single(f => f.Name == "california_homoskedastic_bp");
        var result = new ItsModel(bp.Series(), bp.Spec()).Fit();
        var negative = result.Diagnostics.CumbyHuizinga.Single(c => c.Lag == 12);
        Assert.True(negative.RangeChiSquare < 0);
        Assert.Equal(1, negative.RangePValue);
        Assert.Contains("a negative statistic: the Box-Pierce form's I - B V B' is not positive definite", ResultReport.Render(result, ReportFormat.Text));
    }

    [Fact]
    public void The_json_has_every_lag_with_its_variant_or_null_for_counts()
    {
        var result = new ItsModel(California.Series(), California.Spec()).Fit();
        using var json = JsonDocument.Parse(ResultReport.Render(result, ReportFormat.Json));
        var ch = json.RootElement.GetProperty("diagnostics").GetProperty("cumby_huizinga");
        Assert.Equal("robust", ch.GetProperty("variant").GetString());
        var tests = ch.GetProperty("tests");
        Assert.Equal(12, tests.GetArrayLength());
        var last = tests[11];
        Assert.Equal(12, last.GetProperty("lag").GetInt32());
        Assert.Equal(result.Diagnostics.CumbyHuizinga[11].RangeChiSquare, last.GetProperty("lags_chisq").GetDouble());
        Assert.Equal(12, last.GetProperty("lags_df").GetInt32());
        Assert.Equal(1, last.GetProperty("lag_df").GetInt32());
        var sicily = Fixture.Load("glm.json").First(f => f.Spec().Family == Family.Poisson);
        using var counts = JsonDocument.Parse(ResultReport.Render(new ItsModel(sicily.Series(), sicily.Spec()).Fit(), ReportFormat.Json));
        Assert.Equal(JsonValueKind.Null, counts.RootElement.GetProperty("diagnostics").GetProperty("cumby_huizinga").ValueKind);
    }
}
