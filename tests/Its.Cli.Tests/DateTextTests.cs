using Its.Data;
using Its.Time;

namespace Its.Cli.Tests;

/// <summary><see cref="InputText.Shown"/>: what a message echoes of a cell is short and cannot act on a terminal.</summary>
public sealed class InputTextTests
{
    [Theory]
    [InlineData("2016-01")]
    [InlineData("Jan 2016 – café 😀")]
    [InlineData(@"C:\data\visits.csv")]
    [InlineData("")]
    public void Short_plain_text_is_shown_as_it_is(string text)
    {
        Assert.Same(text, InputText.Shown(text));
    }

    [Fact]
    public void A_100_MB_text_is_cut_to_40_characters_and_an_ellipsis()
    {
        // 50 million UTF-16 characters: 100 MB.
        string text = "2016-01-" + new string('9', 50_000_000);
        string shown = InputText.Shown(text);
        Assert.True(shown.Length <= InputText.MaxShown + 1, $"{shown.Length} characters shown");
        Assert.Equal(text[..InputText.MaxShown] + "…", shown);
    }

    [Fact]
    public void Text_of_exactly_the_limit_is_whole_and_one_more_is_cut()
    {
        string limit = new('x', InputText.MaxShown);
        Assert.Same(limit, InputText.Shown(limit));
        Assert.Equal(limit + "…", InputText.Shown(limit + "y"));
    }

    [Fact]
    public void An_escape_sequence_is_shown_escaped_never_raw()
    {
        string shown = InputText.Shown("\u001b[2J\u001b[31m2016-01");
        Assert.Equal(@"\u001b[2J\u001b[31m2016-01", shown);
        Assert.DoesNotContain(shown, char.IsControl);
    }

    [Theory]
    [InlineData("a\tb", @"a\u0009b")]
    [InlineData("2016\n01", @"2016\u000a01")]
    [InlineData("2016\r\n", @"2016\u000d\u000a")]
    [InlineData("\u0085x", @"\u0085x")]
    [InlineData("\u202e10-6102", @"\u202e10-6102")]
    [InlineData("\ufeff2016", @"\ufeff2016")]
    [InlineData("a\u2028b", @"a\u2028b")]
    public void Controls_and_invisible_characters_are_escaped(string text, string expected)
    {
        Assert.Equal(expected, InputText.Shown(text));
    }

    // Built here: xUnit's theory data would turn the lone surrogate into U+FFFD before the test.
    [Fact]
    public void An_unpaired_surrogate_is_escaped()
    {
        Assert.Equal(@"a\ud800b", InputText.Shown("a" + (char)0xd800 + "b"));
        Assert.Equal(@"\udc00", InputText.Shown(((char)0xdc00).ToString()));
    }

    [Fact]
    public void Many_control_characters_are_cut_within_the_limit_and_never_mid_escape()
    {
        string shown = InputText.Shown(new string('\u001b', 1000));
        Assert.True(shown.Length <= InputText.MaxShown + 1, $"{shown.Length} characters shown");
        Assert.Equal(string.Concat(Enumerable.Repeat(@"\u001b", InputText.MaxShown / 6)) + "…", shown);

        string nearEnd = new string('x', InputText.MaxShown - 2) + "\u001b";
        Assert.Equal(new string('x', InputText.MaxShown - 2) + "…", InputText.Shown(nearEnd));
    }

    [Fact]
    public void A_surrogate_pair_is_never_cut_in_half()
    {
        string text = new string('x', InputText.MaxShown - 1) + "😀 and more";
        Assert.Equal(new string('x', InputText.MaxShown - 1) + "…", InputText.Shown(text));
    }
}

/// <summary><see cref="DateText.TryParse"/>: dates as people write them, and what it refuses to guess.</summary>
public sealed class DateTextTests
{
    private static Period Read(string text, Frequency? expected = null, string? format = null)
    {
        Assert.True(DateText.TryParse(text, expected, format, out var period, out var error), error.ToString());
        Assert.Equal("", error.ToString());
        return period;
    }

    // The refusal as the command line shows it, with its settings as options.
    private static string Refusal(string text, Frequency? expected = null, string? format = null)
    {
        Assert.False(DateText.TryParse(text, expected, format, out var period, out var error), $"'{text}' read as {period}");
        Assert.Equal(default, period);
        return error.Render(SettingFlags.Name);
    }

    [Theory]
    // Monthly
    [InlineData("2016-01", Frequency.Month, 2016, 1)]
    [InlineData("2016-1", Frequency.Month, 2016, 1)]
    [InlineData("2016/01", Frequency.Month, 2016, 1)]
    [InlineData("2016/1", Frequency.Month, 2016, 1)]
    [InlineData("2016.01", Frequency.Month, 2016, 1)]
    [InlineData("2016.12", Frequency.Month, 2016, 12)]
    [InlineData("2016m1", Frequency.Month, 2016, 1)]
    [InlineData("2016M01", Frequency.Month, 2016, 1)]
    [InlineData("2016m12", Frequency.Month, 2016, 12)]
    [InlineData("201601", Frequency.Month, 2016, 1)]
    [InlineData("201612", Frequency.Month, 2016, 12)]
    [InlineData("Jan 2016", Frequency.Month, 2016, 1)]
    [InlineData("Jan-2016", Frequency.Month, 2016, 1)]
    [InlineData("Jan.2016", Frequency.Month, 2016, 1)]
    [InlineData("Jan. 2016", Frequency.Month, 2016, 1)]
    [InlineData("January 2016", Frequency.Month, 2016, 1)]
    [InlineData("SEPTEMBER 2016", Frequency.Month, 2016, 9)]
    [InlineData("2016 Jan", Frequency.Month, 2016, 1)]
    [InlineData("2016-Dec", Frequency.Month, 2016, 12)]
    [InlineData("jan2016", Frequency.Month, 2016, 1)]
    [InlineData("May 2016", Frequency.Month, 2016, 5)]
    [InlineData("01/2016", Frequency.Month, 2016, 1)]
    [InlineData("1-2016", Frequency.Month, 2016, 1)]
    [InlineData("11.2016", Frequency.Month, 2016, 11)]
    // Days, read as their month
    [InlineData("2016-01-15", Frequency.Month, 2016, 1)]
    [InlineData("2016/01/15", Frequency.Month, 2016, 1)]
    [InlineData("2016.01.15", Frequency.Month, 2016, 1)]
    [InlineData("2016-1-5", Frequency.Month, 2016, 1)]
    [InlineData("20160115", Frequency.Month, 2016, 1)]
    [InlineData("20161231", Frequency.Month, 2016, 12)]
    [InlineData("2016-01-15T00:00:00", Frequency.Month, 2016, 1)]
    [InlineData("2016-01-15 00:00:00", Frequency.Month, 2016, 1)]
    [InlineData("2016-01-15 23:59:59.999", Frequency.Month, 2016, 1)]
    [InlineData("2016-01-31T23:00:00-05:00", Frequency.Month, 2016, 1)]
    [InlineData("2016-01-15T00:00:00Z", Frequency.Month, 2016, 1)]
    [InlineData("2016-02-29", Frequency.Month, 2016, 2)]
    [InlineData("15JAN2016", Frequency.Month, 2016, 1)]
    [InlineData("15-Jan-2016", Frequency.Month, 2016, 1)]
    [InlineData("15 January 2016", Frequency.Month, 2016, 1)]
    [InlineData("January 15, 2016", Frequency.Month, 2016, 1)]
    [InlineData("Jan 15 2016", Frequency.Month, 2016, 1)]
    // Quarterly
    [InlineData("2016q1", Frequency.Quarter, 2016, 1)]
    [InlineData("2016Q1", Frequency.Quarter, 2016, 1)]
    [InlineData("2016-Q1", Frequency.Quarter, 2016, 1)]
    [InlineData("2016 Q1", Frequency.Quarter, 2016, 1)]
    [InlineData("2016-q1", Frequency.Quarter, 2016, 1)]
    [InlineData("2016q4", Frequency.Quarter, 2016, 4)]
    [InlineData("Q1 2016", Frequency.Quarter, 2016, 1)]
    [InlineData("Q1-2016", Frequency.Quarter, 2016, 1)]
    [InlineData("q3 2016", Frequency.Quarter, 2016, 3)]
    // Annual
    [InlineData("2016", Frequency.Year, 2016, 1)]
    [InlineData("1989.0", Frequency.Year, 1989, 1)]
    // Surrounding space
    [InlineData("  2016-01 ", Frequency.Month, 2016, 1)]
    [InlineData("\t2016q2\r", Frequency.Quarter, 2016, 2)]
    public void Reads_each_form_as_its_period(string text, Frequency frequency, int year, int sub)
    {
        Assert.Equal(new Period(frequency, year, sub), Read(text));
    }

    [Fact]
    public void Every_writing_of_a_month_names_the_same_month()
    {
        var names = System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat;
        for (int month = 1; month <= 12; month++)
        {
            string full = names.MonthNames[month - 1], abbreviated = names.AbbreviatedMonthNames[month - 1];
            string[] writings =
            [
                $"2016-{month:D2}", $"2016-{month}", $"2016/{month}", $"2016.{month:D2}", $"2016m{month}", $"2016M{month:D2}",
                $"2016{month:D2}", $"{abbreviated} 2016", $"{abbreviated.ToLowerInvariant()}2016", $"{abbreviated.ToUpperInvariant()}-2016",
                $"{full} 2016", $"2016 {abbreviated}", $"{month:D2}/2016", $"2016-{month:D2}-28", $"2016{month:D2}28",
                $"2016-{month:D2}-01 00:00:00", $"28{abbreviated.ToUpperInvariant()}2016", $"{full} 28, 2016",
            ];
            foreach (string text in writings)
                Assert.True(Period.Month(2016, month) == Read(text), $"'{text}' is not 2016-{month:D2}");
        }
    }

    // Period.TryParse reads the kit's own labels; every one of them reads the same here.
    [Fact]
    public void Reads_every_canonical_label_as_Period_TryParse_does()
    {
        for (int year = 1900; year <= 2100; year += 7)
        {
            var labels = Enumerable.Range(1, 12).Select(m => Period.Month(year, m))
                .Concat(Enumerable.Range(1, 4).Select(q => Period.Quarter(year, q)))
                .Append(Period.OfYear(year))
                .Select(p => p.ToString())
                .Concat(Enumerable.Range(1, 12).Select(m => $"{year}-{m}-{DateTime.DaysInMonth(year, m)}"))
                .Append($"{year}.0");
            foreach (string label in labels)
            {
                Assert.True(Period.TryParse(label, null, out var canonical, out string error), error);
                Assert.Equal(canonical, Read(label));
            }
        }
    }

    [Theory]
    [InlineData("2016-05-15", Frequency.Quarter, 2016, 2)]
    [InlineData("2016-03-31", Frequency.Quarter, 2016, 1)]
    [InlineData("2016-04-01", Frequency.Quarter, 2016, 2)]
    [InlineData("20161231", Frequency.Quarter, 2016, 4)]
    [InlineData("2016-08-01T00:00:00", Frequency.Quarter, 2016, 3)]
    [InlineData("2016-10-01 00:00:00", Frequency.Quarter, 2016, 4)]
    [InlineData("15JUL2016", Frequency.Quarter, 2016, 3)]
    [InlineData("2016/12/31", Frequency.Year, 2016, 1)]
    [InlineData("20160101", Frequency.Year, 2016, 1)]
    [InlineData("2016-06-30 12:00:00", Frequency.Year, 2016, 1)]
    [InlineData("2016-06-30", Frequency.Month, 2016, 6)]
    public void Reads_a_day_as_the_expected_frequency_s_period(string text, Frequency expected, int year, int sub)
    {
        Assert.Equal(new Period(expected, year, sub), Read(text, expected));
    }

    // Checked against where each period sits on the calendar, not against the arithmetic that reads it.
    [Fact]
    public void Reads_every_day_of_a_year_inside_its_month_quarter_and_year()
    {
        for (var day = new DateOnly(2016, 1, 1); day.Year == 2016; day = day.AddDays(1))
        {
            string text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var frequency in new[] { Frequency.Month, Frequency.Quarter, Frequency.Year })
            {
                var period = Read(text, frequency);
                Assert.Equal(frequency, period.Frequency);
                Assert.True(period.FirstDay <= day && day < period.Add(1).FirstDay, $"{text} read as {period}");
            }
            Assert.Equal(Read(text, Frequency.Month), Read(text));
        }
    }

    [Theory]
    [InlineData("2016-01", Frequency.Quarter, "'2016-01' is a month, but the series is quarterly")]
    [InlineData("Jan 2016", Frequency.Year, "'Jan 2016' is a month, but the series is annual")]
    [InlineData("2016m1", Frequency.Quarter, "'2016m1' is a month, but the series is quarterly")]
    [InlineData("2016q1", Frequency.Month, "'2016q1' is a quarter, but the series is monthly")]
    [InlineData("2016", Frequency.Month, "'2016' is a year, but the series is monthly")]
    [InlineData("Q2 2016", Frequency.Year, "'Q2 2016' is a quarter, but the series is annual")]
    public void Refuses_a_period_of_another_frequency_than_expected(string text, Frequency expected, string error)
    {
        Assert.Equal(error, Refusal(text, expected));
    }

    [Fact]
    public void Words_a_frequency_refusal_as_Period_TryParse_does()
    {
        Assert.False(Period.TryParse("2016-01", Frequency.Quarter, out _, out string canonical));
        Assert.Equal(canonical, Refusal("2016-01", Frequency.Quarter));
    }

    [Theory]
    [InlineData("01/02/2016", "could be 1 February or 2 January", "dd/MM/yyyy", "MM/dd/yyyy")]
    [InlineData("1/2/2016", "could be 1 February or 2 January", "d/M/yyyy", "M/d/yyyy")]
    [InlineData("1/12/2016", "could be 1 December or 12 January", "d/M/yyyy", "M/d/yyyy")]
    [InlineData("13/01/2016", "can only be 13 January (day first), but other dates written so could be read either way", "dd/MM/yyyy", "MM/dd/yyyy")]
    [InlineData("01/13/2016", "can only be 13 January (month first), but other dates written so could be read either way", "dd/MM/yyyy", "MM/dd/yyyy")]
    [InlineData("01.02.2016", "could be 1 February or 2 January", "dd.MM.yyyy", "MM.dd.yyyy")]
    [InlineData("02-01-2016", "could be 2 January or 1 February", "dd-MM-yyyy", "MM-dd-yyyy")]
    [InlineData("05/05/2016", "is 5 May day first or month first, but other dates written so may not be", "dd/MM/yyyy", "MM/dd/yyyy")]
    [InlineData("01/02/16", "could be 1 February or 2 January, and its year has two digits", "dd/MM/yy", "MM/dd/yy")]
    [InlineData("1/2/2016 0:00", "could be 1 February or 2 January", "d/M/yyyy H:mm", "M/d/yyyy H:mm")]
    [InlineData("01/02/2016 00:00:00", "could be 1 February or 2 January", "dd/MM/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm:ss")]
    [InlineData("31/02/2016", "is not a date day first or month first", "dd/MM/yyyy", "MM/dd/yyyy")]
    public void Refuses_dates_written_day_or_month_first_naming_the_formats_that_read_them(string text, string ambiguity, string dayFirst, string monthFirst)
    {
        string error = Refusal(text);
        Assert.Equal($"'{text}' {ambiguity}: give --date-format {dayFirst} (day first) or --date-format {monthFirst} (month first)", error);
    }

    // The formats a refusal names read the date, each its own way.
    [Theory]
    [InlineData("01/02/2016")]
    [InlineData("1/12/2016")]
    [InlineData("13/01/2016")]
    [InlineData("02-01-2016")]
    [InlineData("01/02/16")]
    [InlineData("1/2/2016 0:00")]
    [InlineData("01/02/2016 00:00:00")]
    public void The_formats_named_in_a_refusal_read_the_date(string text)
    {
        string error = Refusal(text);
        string dayFirst = Between(error, "--date-format ", " (day first)"), monthFirst = Between(error, "or --date-format ", " (month first)");
        var parts = text.Split(' ')[0].Split('/', '.', '-').Select(int.Parse).ToArray();
        int year = parts[2] < 100 ? 2000 + parts[2] : parts[2];
        if (parts[1] <= 12) Assert.Equal(Period.Month(year, parts[1]), Read(text, format: dayFirst));
        else Refusal(text, format: dayFirst);
        if (parts[0] <= 12) Assert.Equal(Period.Month(year, parts[0]), Read(text, format: monthFirst));
        else Refusal(text, format: monthFirst);
    }

    private static string Between(string text, string before, string after)
    {
        int start = text.IndexOf(before, StringComparison.Ordinal) + before.Length;
        return text[start..text.IndexOf(after, start, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData("Jan-16", "'Jan-2016'")]
    [InlineData("Jan 16", "'Jan 2016'")]
    [InlineData("jan16", "'jan2016'")]
    [InlineData("16m1", "'2016m1'")]
    [InlineData("95m12", "'1995m12'")]
    [InlineData("16q1", "'2016q1'")]
    [InlineData("16-Q1", "'2016-Q1'")]
    [InlineData("Q1-16", "'Q1-2016'")]
    [InlineData("Q1 16", "'Q1 2016'")]
    [InlineData("01/16", "'01/2016'")]
    [InlineData("15-Jan-16", "'15-Jan-2016'")]
    public void Refuses_two_digit_years_naming_the_four_digit_form(string text, string inFull)
    {
        Assert.Equal($"'{text}' has a two-digit year: write the year with four digits, as in {inFull}", Refusal(text));
    }

    [Theory]
    [InlineData("2016-13", "'2016-13' has month 13, not 1..12")]
    [InlineData("201613", "'201613' has month 13, not 1..12")]
    [InlineData("201600", "'201600' has month 0, not 1..12")]
    [InlineData("2016m13", "'2016m13' has month 13, not 1..12")]
    [InlineData("13/2016", "'13/2016' has month 13, not 1..12")]
    [InlineData("2016q5", "'2016q5' has quarter 5, not 1..4")]
    [InlineData("Q0 2016", "'Q0 2016' has quarter 0, not 1..4")]
    [InlineData("2015-02-29", "'2015-02-29' is not a valid date")]
    [InlineData("20160230", "'20160230' is not a valid date")]
    [InlineData("31 Apr 2016", "'31 Apr 2016' is not a valid date")]
    [InlineData("0000", "'0000' has year 0, not 1..9999")]
    [InlineData("0000-01-01", "'0000-01-01' has year 0, not 1..9999")]
    [InlineData("", "the date is empty")]
    [InlineData("   ", "the date is empty")]
    public void Refuses_impossible_dates(string text, string error)
    {
        Assert.Equal(error, Refusal(text));
    }

    [Theory]
    [InlineData("2016.1")]
    [InlineData("2016.5")]
    public void Refuses_a_month_after_a_dot_without_two_digits(string text)
    {
        Assert.Equal($"'{text}' is not a date: a month written with a dot has two digits, 2016.01 to 2016.12", Refusal(text));
    }

    [Theory]
    [InlineData("NA")]
    [InlineData(".")]
    [InlineData("Foo 2016")]
    [InlineData("2016h1")]
    [InlineData("2016-01-15x")]
    [InlineData("2016-01-15T25:00:00")]
    [InlineData("1.2016")]
    [InlineData("12345")]
    [InlineData("２０１６")]
    [InlineData("٢٠١٦-٠١")]
    public void Refuses_what_is_not_a_date_naming_the_forms_and_the_option(string text)
    {
        string error = Refusal(text);
        Assert.StartsWith($"'{text}' is not a date (expected a month as 2016-01", error);
        Assert.Contains("--date-format", error);
    }

    [Fact]
    public void Echoes_a_long_or_unprintable_cell_as_InputText_shows_it()
    {
        string longText = "2016-01-" + new string('7', 10_000);
        string error = Refusal(longText);
        Assert.StartsWith($"'{InputText.Shown(longText)}' is not a date", error);
        Assert.True(error.Length < 400, error);

        string escape = Refusal("\u001b[2J2016");
        Assert.StartsWith(@"'\u001b[2J2016' is not a date", escape);
        Assert.DoesNotContain(escape, char.IsControl);
    }

    [Theory]
    [InlineData("01/02/2016", "dd/MM/yyyy", null, Frequency.Month, 2016, 2)]
    [InlineData("01/02/2016", "MM/dd/yyyy", null, Frequency.Month, 2016, 1)]
    [InlineData("13/01/2016", "dd/MM/yyyy", null, Frequency.Month, 2016, 1)]
    [InlineData("1/2/2016", "M/d/yyyy", null, Frequency.Month, 2016, 1)]
    [InlineData("12/31/2016", "M/d/yyyy", null, Frequency.Month, 2016, 12)]
    [InlineData("02.2016", "MM.yyyy", null, Frequency.Month, 2016, 2)]
    [InlineData("02/2016", "MM/yyyy", null, Frequency.Month, 2016, 2)]
    [InlineData("2016", "yyyy", null, Frequency.Year, 2016, 1)]
    [InlineData("FY2016", "'FY'yyyy", null, Frequency.Year, 2016, 1)]
    [InlineData("15/05/2016", "dd/MM/yyyy", Frequency.Quarter, Frequency.Quarter, 2016, 2)]
    [InlineData("15/05/2016", "dd/MM/yyyy", Frequency.Year, Frequency.Year, 2016, 1)]
    [InlineData("  01/02/2016 ", "dd/MM/yyyy", null, Frequency.Month, 2016, 2)]
    [InlineData("Mon 01 Feb 2016", "ddd dd MMM yyyy", null, Frequency.Month, 2016, 2)]
    // The date as written, not moved to this machine's time zone (here into February).
    [InlineData("2016-01-31T23:00:00-05:00", "yyyy-MM-dd'T'HH:mm:sszzz", null, Frequency.Month, 2016, 1)]
    [InlineData("2016-01-31T23:00:00+14:00", "yyyy-MM-dd'T'HH:mm:sszzz", null, Frequency.Month, 2016, 1)]
    public void Reads_in_the_format_given(string text, string format, Frequency? expected, Frequency frequency, int year, int sub)
    {
        Assert.Equal(new Period(frequency, year, sub), Read(text, expected, format));
    }

    [Theory]
    [InlineData("2016-01")]
    [InlineData("2016-01-15")]
    [InlineData("2016q1")]
    [InlineData("2016")]
    [InlineData("1/2/2016")]
    [InlineData("01-02-2016")]
    public void With_a_format_given_refuses_every_other_form_naming_text_and_format(string text)
    {
        Assert.Equal($"'{text}' is not a date in the format 'dd/MM/yyyy' given by --date-format (with a format given, every date must be written in it)",
            Refusal(text, format: "dd/MM/yyyy"));
    }

    [Theory]
    [InlineData("02/2016", "MM/yyyy", Frequency.Quarter, "'02/2016' is a month, but the series is quarterly")]
    [InlineData("2016", "yyyy", Frequency.Month, "'2016' is a year, but the series is monthly")]
    [InlineData("01/02/2016", "MM/dd", null, "the date format 'MM/dd' has no year (yyyy)")]
    [InlineData("01 2016", "dd yyyy", null, "the date format 'dd yyyy' has a day but no month (MM)")]
    [InlineData("01/02/2016", "d", null, "the date format 'd' is a single letter, which .NET reads as a standard format: write the custom format, such as MM/dd/yyyy")]
    [InlineData("01/02/2016", "", null, "the date format is empty")]
    [InlineData("", "dd/MM/yyyy", null, "the date is empty")]
    [InlineData("31/02/2016", "dd/MM/yyyy", null, "'31/02/2016' is not a date in the format 'dd/MM/yyyy' given by --date-format (with a format given, every date must be written in it)")]
    public void With_a_format_given_refuses_with_the_reason(string text, string format, Frequency? expected, string error)
    {
        Assert.Equal(error, Refusal(text, expected, format));
    }

    [Fact]
    public void Names_a_year_only_as_a_literal_in_a_format_as_no_year()
    {
        Assert.Equal("the date format 'MM \"yyyy\"' has no year (yyyy)", Refusal("01 yyyy", format: "MM \"yyyy\""));
        Assert.Equal(@"the date format 'MM \y' has no year (yyyy)", Refusal("01 y", format: @"MM \y"));
    }
}
