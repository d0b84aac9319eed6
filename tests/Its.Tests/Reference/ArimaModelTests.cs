using Its.Model;

namespace Its.Tests.Reference;

/// <summary>
/// `--errors arima:p,0,q` through the model (design from the series' time coding, z tests) gives
/// the stats::arima numbers of arima.json that <see cref="ReferenceFixtureTests"/> compares on R's
/// design columns; differenced errors are refused with a reason.
/// </summary>
public sealed class ArimaModelTests
{
    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("arima.json");

    public static TheoryData<string> Undifferenced() =>
        new(Cases.Where(c => c.Kind == "arima-regression" && c.Spec().Errors.Process is ArimaErrors { D: 0 }).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Undifferenced))]
    public void Matches_stats_arima(string name)
    {
        var fixture = Cases.Single(c => c.Name == name);
        var result = new ItsModel(fixture.Series(), fixture.Spec()).Fit();
        var e = new ExpectedValues(fixture.Expected);
        var compare = new Comparison(fixture);
        var rows = e.Objects("coefficients");
        compare.Same("coefficients count", rows.Count, result.Coefficients.Count);
        foreach (var (expected, actual) in rows.Zip(result.Coefficients))
        {
            string at = $"coefficients[{actual.Term}]";
            compare.Same($"{at}.term", expected["term"].GetString(), actual.Term);
            compare.Same($"{at}.df", null, actual.Df);
            compare.Number($"{at}.estimate", expected["estimate"], actual.Estimate);
            compare.Number($"{at}.std_error", expected["std_error"], actual.StdError);
        }
        compare.Parameters("error_parameters", e.Object("error_parameters")!, result.ErrorParameters);
        compare.Number("log_likelihood", e["log_likelihood"], result.LogLikelihood);
        compare.Number("aic", e["aic"], result.Aic);
        compare.ThrowIfFailed();
    }

    private static Fixture California => Cases.Single(c => c.Name == "california_arima100");

    [Fact]
    public void Auto_chooses_no_fit_at_the_unit_circle()
    {
        // On California ARIMA(3,1,3)-like fits sit on the unit circle; arima:auto leaves such fits
        // out (roots of modulus below 1.01), as forecast::auto.arima does.
        var result = new ItsModel(California.Series(), California.Spec() with { Errors = ErrorModel.Parse("arima:auto") }).Fit();
        var phi = result.ErrorParameters.Where(a => a.Name.StartsWith("phi", StringComparison.Ordinal)).Select(a => a.Estimate).ToArray();
        var theta = result.ErrorParameters.Where(a => a.Name.StartsWith("theta", StringComparison.Ordinal)).Select(a => a.Estimate).ToArray();
        Assert.True(Estimation.ArmaCorrelation.SmallestRootModulus(phi, -1) >= 1.01);
        Assert.True(Estimation.ArmaCorrelation.SmallestRootModulus(theta, +1) >= 1.01);
        Assert.Contains(result.Warnings, w => w.StartsWith("arima:auto chose ARIMA(", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("unit circle", StringComparison.Ordinal));
    }

    [Fact]
    public void Differenced_errors_drop_the_intercept_and_keep_each_effect_the_contrast_of_its_terms()
    {
        var result = new ItsModel(California.Series(), California.Spec() with { Errors = ErrorModel.Parse("arima:1,1,0") }).Fit();
        Assert.Equal(["time", "level1", "slope1"], result.Coefficients.Select(c => c.Term));
        Assert.Contains(result.Warnings, w => w.Contains("the differencing removes intercept, which is not estimated"));
        var level = result.Coefficients["level1"].Estimate;
        var slope = result.Coefficients["slope1"].Estimate;
        foreach (var effect in result.Effects)
        {
            Assert.Equal(level + effect.PeriodsAfter * slope, effect.Absolute, 1e-9);
            Assert.Equal(effect.Fitted - effect.Counterfactual, effect.Absolute, 1e-9);
        }
        // The first row is diffuse: the model has no prediction there, and the fitted value is the observation.
        Assert.Equal(result.Trajectory[0].Observed, result.Trajectory[0].Fitted, 1e-9 * result.Trajectory[0].Observed);
        Assert.Single(result.PostTrends);
    }

    [Fact]
    public void Regular_and_seasonal_differencing_remove_time_and_report_no_trend()
    {
        var fixture = Fixture.Load("arima_seasonal.json").Single(f => f.Name == "its_sarima210_011");
        var result = new ItsModel(fixture.Series(), fixture.Spec()).Fit();
        Assert.Equal(["level1", "slope1"], result.Coefficients.Select(c => c.Term));
        Assert.Contains(result.Warnings, w => w.Contains("the differencing removes intercept and time, which are not estimated"));
        Assert.Empty(result.PostTrends);
        Assert.Contains("120 months fitted (107 after differencing)", Its.Reporting.ResultReport.Render(result, Its.Reporting.ReportFormat.Text));
    }

    [Fact]
    public void A_washout_that_hides_the_differenced_level_change_is_refused_with_the_reason()
    {
        var model = new ItsModel(California.Series(), California.Spec() with { Errors = ErrorModel.Parse("arima:0,1,1"), TransitionPeriods = 2 });
        var e = Assert.Throws<ItsException>(model.Fit);
        Assert.Contains("level1 changes only in the transition periods", e.Message);
    }
}
