using Its.Data;
using Its.Model;
using Its.Reporting;

namespace Its.Cli.Tests;

/// <summary><c>Itsa.Fit</c>, the one-call facade, gives the result <c>its fit</c> gives for the same options.</summary>
public sealed class ItsaTests
{
    private static readonly string Sicily = ReferenceData.Path("sicily.csv");
    private static readonly string Sanming = global::Sanming.ShippedData.Locate();

    [Fact]
    public void A_count_model_matches_its_fit_byte_for_byte()
    {
        var fit = Itsa.Fit(Sicily, outcome: "aces", year: "year", month: "month", interruption: "2003-01",
            family: "poisson", offset: "stdpop", errors: "newey:3", effectsAt: [0, 12]);
        var cli = CliRun.Of("fit", Sicily, "--outcome", "aces", "--year", "year", "--month", "month", "--interruption", "2003-01",
            "--family", "poisson", "--offset", "stdpop", "--errors", "newey:3", "--effects-at", "0,12", "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(cli.Output, ResultReport.Render(fit, ReportFormat.Json) + "\n");
    }

    [Fact]
    public void A_log_model_of_one_unit_with_seasons_and_a_covariate_matches_its_fit()
    {
        var fit = Itsa.Fit(Sanming, outcome: "outpatient_visits", interruption: "2017-10", where: ["institution_type=hospital"],
            transform: "log", seasonality: "month", covariates: ["spring_festival"], errors: "prais");
        var cli = CliRun.Of("fit", Sanming, "--outcome", "outpatient_visits", "--interruption", "2017-10", "--where", "institution_type=hospital",
            "--transform", "log", "--seasonality", "month", "--covariate", "spring_festival", "--errors", "prais", "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(cli.Output, ResultReport.Render(fit, ReportFormat.Json) + "\n");
        Assert.Equal(Errors.PraisWinsten, fit.Spec.Errors);
    }

    [Fact]
    public void A_gradual_impact_with_an_estimated_rate_matches_its_fit()
    {
        var fit = Itsa.Fit(Sanming, outcome: "inpatient_admissions", interruption: "2017-10", where: ["institution_type=hospital"],
            impact: "gradual", errors: "newey:3", effectsAt: [0, 12]);
        var cli = CliRun.Of("fit", Sanming, "--outcome", "inpatient_admissions", "--interruption", "2017-10", "--where", "institution_type=hospital",
            "--impact", "gradual", "--errors", "newey:3", "--effects-at", "0,12", "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(cli.Output, ResultReport.Render(fit, ReportFormat.Json) + "\n");
        Assert.Equal(["intercept", "time", "gradual1", "rate1"], fit.Coefficients.Select(c => c.Term));
        Assert.Null(fit.Spec.Rate);
        Assert.Equal(0.5, Itsa.Fit(Sanming, outcome: "inpatient_admissions", interruption: "2017-10", where: ["institution_type=hospital"], impact: "decay:0.5").Spec.Rate);
    }

    [Fact]
    public void A_loaded_series_fits_with_two_interruptions()
    {
        var series = SeriesLoader.Load(TextTable.Read(Sanming), new SeriesOptions { Outcome = "expenditure_yuan", Where = ["institution_type=chsi"] });
        var fit = Itsa.Fit(series, interruption: "2017-01, 2018-06", errors: "hc3");
        Assert.Equal(["intercept", "time", "level1", "slope1", "level2", "slope2"], fit.Coefficients.Select(c => c.Term));
        Assert.Equal(new ItsModel(series, fit.Spec).Fit().Coefficients, fit.Coefficients);
    }

    [Theory]
    [InlineData("errors", "newey:x", "the Newey-West lag must be a whole number")]
    [InlineData("seasonality", "weekly", "is not a seasonality")]
    [InlineData("interruption", "2017-13", "interruption 2017-13")]
    public void A_bad_option_is_refused_by_its_name(string option, string value, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => option switch
        {
            "errors" => Itsa.Fit(Sicily, outcome: "aces", year: "year", month: "month", interruption: "2003-01", errors: value),
            "seasonality" => Itsa.Fit(Sicily, outcome: "aces", year: "year", month: "month", interruption: "2003-01", seasonality: value),
            _ => Itsa.Fit(Sicily, outcome: "aces", year: "year", month: "month", interruption: value),
        });
        Assert.Equal(option, e.ParamName);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_data_names_the_file_row_and_column()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("bad.csv", "month,y\n2016-01,1\n2016-02,x\n2016-03,3\n");
        var e = Assert.Throws<InputError>(() => Itsa.Fit(csv, outcome: "y", interruption: "2016-02"));
        Assert.Contains("bad.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("row 3, column y", e.Message, StringComparison.Ordinal);
    }
}
