using Its.Model;
using Its.Time;

namespace Its.Tests;

public sealed class DesignTests
{
    private static TimeSeries Monthly(int n, Period start) =>
        new(Enumerable.Range(0, n).Select(start.Add).ToArray(), Enumerable.Range(0, n).Select(t => 10.0 + t % 5).ToArray(),
            new Dictionary<string, double[]> { ["z"] = Enumerable.Range(0, n).Select(t => (double)(t * 7 % 11)).ToArray() });

    [Fact]
    public void Codes_time_as_stata_itsa()
    {
        var series = Monthly(12, Period.Month(2016, 1));
        var spec = new ItsSpec { Interruptions = [Period.Month(2016, 5), Period.Month(2016, 9)] };
        var d = Design.Build(series, spec);
        Assert.Equal(["intercept", "time", "level1", "slope1", "level2", "slope2"], d.Terms);
        // Row of 2016-05 (t = 4): level1 = 1, slope1 = 0 at the interruption month.
        Assert.Equal([1, 4, 1, 0, 0, 0], d.Full.Row(4).ToArray());
        Assert.Equal([1, 3, 0, 0, 0, 0], d.Full.Row(3).ToArray());
        Assert.Equal([1, 11, 1, 7, 1, 3], d.Full.Row(11).ToArray());
        Assert.Equal([false, false, true, true, true, true], d.InterruptionColumns);
    }

    [Theory]
    [InlineData(Impact.Level, new[] { "intercept", "time", "level1" })]
    [InlineData(Impact.Slope, new[] { "intercept", "time", "slope1" })]
    public void Impact_selects_the_interruption_terms(Impact impact, string[] terms)
    {
        var d = Design.Build(Monthly(12, Period.Month(2016, 1)), new ItsSpec { Interruptions = [Period.Month(2016, 6)], Impact = impact });
        Assert.Equal(terms, d.Terms);
    }

    [Fact]
    public void Seasonal_terms_follow_the_calendar_month()
    {
        var series = Monthly(24, Period.Month(2016, 11));
        var dummies = Design.Build(series, new ItsSpec { Interruptions = [Period.Month(2017, 6)], Seasonality = Seasonality.MonthDummies, Covariates = ["z"] });
        Assert.Equal(["intercept", "time", "level1", "slope1", .. Enumerable.Range(2, 11).Select(m => $"month{m}"), "z"], dummies.Terms);
        // Row 0 is November: month11 = 1 and no other dummy.
        var row = dummies.Full.Row(0);
        Assert.Equal(1, row[dummies.IndexOf("month11")]);
        Assert.Equal(1, Enumerable.Range(4, 11).Sum(j => row[j]));
        Assert.Equal(0, Enumerable.Range(4, 11).Sum(j => dummies.Full.Row(2)[j])); // January is the reference

        var fourier = Design.Build(series, new ItsSpec { Interruptions = [Period.Month(2017, 6)], Seasonality = Seasonality.Fourier(2) });
        Assert.Equal(["intercept", "time", "level1", "slope1", "sin1", "cos1", "sin2", "cos2"], fourier.Terms);
        Assert.Equal(Math.Sin(2 * Math.PI * 11 / 12), fourier.Full[0, 4], 15);
        Assert.Equal(Math.Cos(2 * Math.PI * 2 * 11 / 12), fourier.Full[0, 7], 15);
    }

    private static TimeSeries Regular(int n, Period start) =>
        new(Enumerable.Range(0, n).Select(start.Add).ToArray(), Enumerable.Range(0, n).Select(t => 10.0 + t % 5).ToArray());

    [Fact]
    public void Quarterly_seasonal_terms_follow_the_calendar_quarter()
    {
        var series = Regular(16, Period.Quarter(2016, 3));
        var dummies = Design.Build(series, new ItsSpec { Interruptions = [Period.Quarter(2018, 1)], Seasonality = Seasonality.QuarterDummies });
        Assert.Equal(["intercept", "time", "level1", "slope1", "quarter2", "quarter3", "quarter4"], dummies.Terms);
        // Row 0 is Q3, row 2 is Q1 (the reference).
        Assert.Equal([0, 1, 0], dummies.Full.Row(0).ToArray()[4..]);
        Assert.Equal([0, 0, 0], dummies.Full.Row(2).ToArray()[4..]);

        // Period 4: the second pair has no sine (sin(pi q) = 0), its cosine alternates.
        var fourier = Design.Build(series, new ItsSpec { Interruptions = [Period.Quarter(2018, 1)], Seasonality = Seasonality.Fourier(2) });
        Assert.Equal(["intercept", "time", "level1", "slope1", "sin1", "cos1", "cos2"], fourier.Terms);
        Assert.Equal(Math.Sin(2 * Math.PI * 3 / 4), fourier.Full[0, 4], 15);
        Assert.Equal(-1, fourier.Full[0, 6], 15);
        Assert.Equal(1, fourier.Full[1, 6], 15);
    }

    [Theory]
    [InlineData("month", Frequency.Quarter, "seasonality month needs monthly data, but the series is quarterly; use quarter or fourier:K")]
    [InlineData("quarter", Frequency.Month, "seasonality quarter needs quarterly data, but the series is monthly; use month or fourier:K")]
    [InlineData("fourier:3", Frequency.Quarter, "seasonality fourier:3: quarterly data have a period of 4, so at most 2 Fourier pairs")]
    [InlineData("quarter", Frequency.Year, "seasonality quarter needs quarterly data, but the series is annual; annual data have no seasons")]
    [InlineData("fourier:1", Frequency.Year, "seasonality fourier:1 needs monthly or quarterly data, but the series is annual; annual data have no seasons")]
    public void Seasonal_terms_that_the_frequency_does_not_have_are_refused(string seasonality, Frequency frequency, string message)
    {
        var start = new Period(frequency, 2000, 1);
        var series = Regular(24, start);
        var e = Assert.Throws<ItsException>(() => Design.Build(series, new ItsSpec { Interruptions = [start.Add(12)], Seasonality = Seasonality.Parse(seasonality) }));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Transition_periods_are_left_out_but_keep_their_coding()
    {
        var d = Design.Build(Monthly(24, Period.Month(2016, 1)), new ItsSpec { Interruptions = [Period.Month(2016, 10)], TransitionPeriods = 2 });
        Assert.Equal(22, d.FitRows.Count);
        Assert.DoesNotContain(9, d.FitRows);
        Assert.DoesNotContain(10, d.FitRows);
        Assert.Contains(11, d.FitRows);
        Assert.Equal(2, d.Full[11, d.IndexOf("slope1")]);
    }

    [Fact]
    public void Interruptions_must_increase()
    {
        var e = Assert.Throws<ItsException>(() => Design.Build(Monthly(24, Period.Month(2016, 1)),
            new ItsSpec { Interruptions = [Period.Month(2017, 1), Period.Month(2016, 6)] }));
        Assert.Contains("does not come after", e.Message);
    }
}
