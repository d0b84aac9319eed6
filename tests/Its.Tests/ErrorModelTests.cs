using Its.Batch;
using Its.Comparison;
using Its.Estimation;
using Its.Model;
using Its.Time;

namespace Its.Tests;

/// <summary>An error model is a process and a covariance estimator; every spelling reads back as itself.</summary>
public sealed class ErrorModelTests
{
    public static TheoryData<string> Spellings =>
    [
        "ols", "hc0", "hc1", "hc2", "hc3", "newey:0", "newey:3", "newey:3:parzen", "newey:2:qs", "newey:auto", "newey:r-default", "prais", "cochrane-orcutt",
        "gls-ar:1:reml", "gls-ar:2:ml", "gls-arma:1,1:reml", "gls-ar:1:reml:satterthwaite", "arima:1,0,0", "arima:1,0,2", "arima:auto",
    ];

    [Theory]
    [MemberData(nameof(Spellings))]
    public void A_spelling_parses_to_a_model_named_by_it(string spelling)
    {
        var model = ErrorModel.Parse(spelling);
        Assert.Equal(spelling, model.Name);
        Assert.Equal(model, ErrorModel.Parse(model.Name));
    }

    [Theory]
    [InlineData("ols", "ols")]
    [InlineData("hc3", "hc3")]
    [InlineData("newey:3", "newey:3")]
    [InlineData("prais", "ols")]
    [InlineData("gls-ar:1", "ols")]
    [InlineData("arima:1,0,0", "ols")]
    public void Processes_that_model_the_autocorrelation_take_their_own_covariance(string spelling, string covariance)
    {
        var model = ErrorModel.Parse(spelling);
        Assert.Equal(covariance, model.Covariance.Name);
        Assert.Equal(spelling is "ols" or "hc3" or "newey:3", model.Process is IndependentErrors);
    }

    [Fact]
    public void The_factories_are_the_parsed_spellings()
    {
        Assert.Equal(ErrorModel.Parse("ols"), Errors.Ols);
        Assert.Equal(ErrorModel.Parse("hc0"), Errors.HC0);
        Assert.Equal(ErrorModel.Parse("hc1"), Errors.HC1);
        Assert.Equal(ErrorModel.Parse("hc2"), Errors.HC2);
        Assert.Equal(ErrorModel.Parse("hc3"), Errors.HC3);
        Assert.Equal(ErrorModel.Parse("newey:4"), Errors.NeweyWest(4));
        Assert.Equal(ErrorModel.Parse("newey:auto"), Errors.NeweyWestAuto);
        Assert.Equal(ErrorModel.Parse("newey:r-default"), Errors.NeweyWestRDefault);
        Assert.Equal(ErrorModel.Parse("prais"), Errors.PraisWinsten);
        Assert.Equal(ErrorModel.Parse("cochrane-orcutt"), Errors.CochraneOrcutt);
        Assert.Equal(ErrorModel.Parse("gls-ar:2"), Errors.GlsAr(2));
        Assert.Equal(ErrorModel.Parse("gls-arma:1,1:ml"), Errors.GlsArma(1, 1, LikelihoodMethod.Ml));
        Assert.Equal(ErrorModel.Parse("arima:2,0,1"), Errors.Arima(2, 1));
        Assert.Equal(ErrorModel.Parse("arima:0,1,1"), Errors.Arima(0, 1, 1));
        Assert.Equal(ErrorModel.Parse("arima:2,1,0:0,1,1"), Errors.SeasonalArima(2, 1, 0, 0, 1, 1));
        Assert.Equal("arima:2,1,0:0,1,1", Errors.SeasonalArima(2, 1, 0, 0, 1, 1).Name);
        Assert.Equal(ErrorModel.Parse("arima:auto"), Errors.ArimaAuto);
        Assert.Throws<ArgumentOutOfRangeException>(() => Errors.NeweyWest(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Errors.GlsArma(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Errors.Arima(7, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Errors.SeasonalArima(0, 0, 0, 0, 7, 0));
    }

    [Fact]
    public void A_sandwich_on_a_modelled_process_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new ErrorModel(AutoregressiveErrors.PraisWinsten, new HeteroskedasticityConsistentCovariance(HcType.HC3)));
        Assert.Contains("prais errors take the covariance of their own model, not hc3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ErrorModel(new GlsErrors(1, 0, LikelihoodMethod.Reml), NeweyWestCovariance.Stata(2)));
        Assert.Equal("newey:2", new ErrorModel(IndependentErrors.Instance, NeweyWestCovariance.Stata(2)).Name);
    }

    [Theory]
    [InlineData("ols", true, true)]
    [InlineData("hc2", true, true)]
    [InlineData("newey:2", true, true)]
    [InlineData("newey:auto", false, false)]
    [InlineData("newey:r-default", false, false)]
    [InlineData("prais", true, false)]
    [InlineData("cochrane-orcutt", true, false)]
    [InlineData("gls-ar:1", false, false)]
    [InlineData("arima:1,0,0", false, false)]
    public void Each_model_says_where_it_applies(string spelling, bool batch, bool stacked)
    {
        var model = ErrorModel.Parse(spelling);
        Assert.Equal(batch, SharedDesign.Supports(model));
        Assert.Equal(stacked, GroupComparison.Supports(model));
    }

    [Fact]
    public void The_pooled_model_names_why_it_refuses()
    {
        var start = Period.Month(2016, 1);
        GroupSeries Group(string name, double slope) => new(name, new TimeSeries(
            Enumerable.Range(0, 30).Select(start.Add).ToArray(), Enumerable.Range(0, 30).Select(t => 10 + slope * t + Math.Sin(t)).ToArray()));
        var groups = new[] { Group("a", 1), Group("b", 2) };
        var spec = new ItsSpec { Interruptions = [start.Add(15)] };
        var prais = Assert.Throws<ItsException>(() => GroupComparison.FitPooled(groups, spec with { Errors = Errors.PraisWinsten }, "a"));
        Assert.Contains("would join the end of one group's series", prais.Message, StringComparison.Ordinal);
        var auto = Assert.Throws<ItsException>(() => GroupComparison.FitPooled(groups, spec with { Errors = Errors.NeweyWestAuto }, "a"));
        Assert.Contains("needs a fixed Newey-West lag", auto.Message, StringComparison.Ordinal);
    }
}
