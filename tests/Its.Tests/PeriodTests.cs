using Its.Time;

namespace Its.Tests;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2016-01", Frequency.Month, 2016, 1)]
    [InlineData("2016-1", Frequency.Month, 2016, 1)]
    [InlineData("2016-12-31", Frequency.Month, 2016, 12)]
    [InlineData(" 2019-11 ", Frequency.Month, 2019, 11)]
    [InlineData("2010-Q3", Frequency.Quarter, 2010, 3)]
    [InlineData("2010Q4", Frequency.Quarter, 2010, 4)]
    [InlineData("1989", Frequency.Year, 1989, 1)]
    [InlineData("1989.0", Frequency.Year, 1989, 1)]
    public void Parses_every_documented_form(string text, Frequency frequency, int year, int sub)
    {
        Assert.Equal(new Period(frequency, year, sub), Period.Parse(text));
    }

    [Theory]
    [InlineData("2016-13", "month 13")]
    [InlineData("2016-02-30", "not a valid date")]
    [InlineData("2010-Q5", "not a date")]
    [InlineData("1989.5", "not a date")]
    [InlineData("", "empty")]
    [InlineData("Jan 2016", "not a date")]
    public void Refuses_what_is_not_a_period(string text, string reason)
    {
        Assert.False(Period.TryParse(text, null, out _, out string error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Refuses_another_frequency_when_one_is_expected()
    {
        Assert.False(Period.TryParse("2016-Q1", Frequency.Month, out _, out string error));
        Assert.Equal("'2016-Q1' is a quarter, but the series is monthly", error);
    }

    [Fact]
    public void Counts_and_adds_across_years()
    {
        var start = Period.Month(2016, 11);
        Assert.Equal(Period.Month(2017, 2), start.Add(3));
        Assert.Equal(Period.Month(2015, 12), start.Add(-11));
        Assert.Equal(21, Period.Month(2017, 10).PeriodsSince(Period.Month(2016, 1)));
        Assert.Equal(Period.Quarter(2011, 1), Period.Quarter(2010, 2).Add(3));
        Assert.Equal("2010-Q2", Period.Quarter(2010, 2).ToString());
        Assert.Equal("1989", Period.OfYear(1989).ToString());
        Assert.Throws<ArgumentException>(() => Period.OfYear(1989).PeriodsSince(Period.Month(1989, 1)));
    }

    [Theory]
    [InlineData("2017-10", "2017-10-01")]
    [InlineData("2010-Q1", "2010-01-01")]
    [InlineData("2010-Q4", "2010-10-01")]
    [InlineData("1989", "1989-01-01")]
    public void A_period_sits_on_a_date_axis_at_its_first_day(string period, string day)
    {
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), Period.Parse(period).FirstDay);
    }

    [Theory]
    [InlineData(Frequency.Month, 13)]
    [InlineData(Frequency.Month, 0)]
    [InlineData(Frequency.Quarter, 5)]
    [InlineData(Frequency.Quarter, 0)]
    [InlineData(Frequency.Year, 2)]
    [InlineData(Frequency.Year, 0)]
    [InlineData((Frequency)7, 1)]
    public void Refuses_a_sub_period_outside_its_frequency(Frequency frequency, int sub)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Period(frequency, 2017, sub));
    }

    [Theory]
    [InlineData(Frequency.Month, 12, "2017-12")]
    [InlineData(Frequency.Quarter, 4, "2017-Q4")]
    [InlineData(Frequency.Year, 1, "2017")]
    public void Accepts_every_sub_period_of_its_frequency(Frequency frequency, int sub, string label)
    {
        var p = new Period(frequency, 2017, sub);
        Assert.Equal(label, p.ToString());
        var (f, year, s) = p;
        Assert.Equal((frequency, 2017, sub), (f, year, s));
    }
}
