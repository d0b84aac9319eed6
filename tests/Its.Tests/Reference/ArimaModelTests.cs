using Its.Model;
using Its.Time;

namespace Its.Tests.Reference;

/// <summary>
/// `--errors arima:p,0,q` through the model (design from the series' time coding, z tests) gives
/// the stats::arima numbers of arima.json; differenced errors are refused with a reason.
/// </summary>
public sealed class ArimaModelTests
{
    private static readonly IReadOnlyList<Fixture> Cases = Fixture.Load("arima.json");

    [Theory]
    [InlineData("california_arima100", "1989", "none", "arima:1,0,0")]
    [InlineData("california_arima200", "1989", "none", "arima:2,0,0")]
    [InlineData("sicily_fourier2_arima101", "2005-01", "fourier:2", "arima:1,0,1")]
    public void Matches_stats_arima(string name, string interruption, string seasonality, string errors)
    {
        var r = Cases.Single(c => c.Name == name).Json;
        var frequency = r.GetProperty("frequency").GetString() == "year" ? Frequency.Year : Frequency.Month;
        var periods = r.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!, frequency)).ToArray();
        var series = new TimeSeries(periods, Fixture.Numbers(r.GetProperty("y")));
        var result = new ItsModel(series, new ItsSpec
        {
            Interruptions = [Period.Parse(interruption, frequency)],
            Seasonality = Seasonality.Parse(seasonality),
            Errors = ErrorModel.Parse(errors),
        }).Fit();
        foreach (var (expected, actual) in r.GetProperty("coefficients").EnumerateArray().Zip(result.Coefficients))
        {
            Assert.Equal(expected.GetProperty("term").GetString(), actual.Term);
            Assert.Null(actual.Df);
            // Likelihood maximisation 1e-5; SEs from numerical Hessians on both sides 1e-3.
            Close.Equal(expected.GetProperty("estimate").GetDouble(), actual.Estimate, 1e-5, $"{actual.Term} estimate");
            Close.Equal(expected.GetProperty("std_error").GetDouble(), actual.StdError, 1e-3, $"{actual.Term} SE");
        }
        Close.Equal(r.GetProperty("loglik").GetDouble(), result.LogLikelihood!.Value, 1e-5, "log-likelihood");
        Close.Equal(r.GetProperty("aic").GetDouble(), result.Aic!.Value, 1e-5, "AIC");
        Assert.Equal(Fixture.Numbers(r.GetProperty("phi")).Length, result.ErrorParameters.Count(a => a.Name.StartsWith("phi", StringComparison.Ordinal)));
    }

    [Fact]
    public void Auto_skips_candidates_at_the_unit_circle()
    {
        // On California the plain AICc loop (as R) picks a fit whose roots sit on the unit circle;
        // the model's arima:auto leaves such fits out, as forecast::auto.arima does.
        var r = Cases.Single(c => c.Name == "california_arima100").Json;
        var periods = r.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!)).ToArray();
        var result = new ItsModel(new TimeSeries(periods, Fixture.Numbers(r.GetProperty("y"))),
            new ItsSpec { Interruptions = [Period.OfYear(1989)], Errors = ErrorModel.Parse("arima:auto") }).Fit();
        var phi = result.ErrorParameters.Where(a => a.Name.StartsWith("phi", StringComparison.Ordinal)).Select(a => a.Estimate).ToArray();
        var theta = result.ErrorParameters.Where(a => a.Name.StartsWith("theta", StringComparison.Ordinal)).Select(a => a.Estimate).ToArray();
        Assert.True(Estimation.ArmaCorrelation.SmallestRootModulus(phi, -1) >= 1.01);
        Assert.True(Estimation.ArmaCorrelation.SmallestRootModulus(theta, +1) >= 1.01);
        Assert.Contains(result.Warnings, w => w.StartsWith("arima:auto chose ARIMA(", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Warnings, w => w.Contains("unit circle", StringComparison.Ordinal));
    }

    [Fact]
    public void Differenced_errors_are_refused_with_the_reason()
    {
        var r = Cases.Single(c => c.Name == "california_arima100").Json;
        var periods = r.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!)).ToArray();
        var model = new ItsModel(new TimeSeries(periods, Fixture.Numbers(r.GetProperty("y"))),
            new ItsSpec { Interruptions = [Period.OfYear(1989)], Errors = ErrorModel.Parse("arima:1,1,0") });
        var e = Assert.Throws<ItsException>(model.Fit);
        Assert.Contains("d >= 1", e.Message);
    }
}
