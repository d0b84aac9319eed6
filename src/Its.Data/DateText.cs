using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Its.Time;
using Its.Model;

namespace Its.Data;

/// <summary>
/// Reads a date cell as people and programs write it: ISO months and days (<c>2016-01</c>,
/// <c>2016/01/15</c>), Stata's <c>2016m1</c> and <c>2016q1</c>, English month names
/// (<c>Jan 2016</c>, <c>15JAN2016</c>), compact <c>201601</c> and <c>20160115</c>, pandas'
/// date-times (<c>2016-01-15 00:00:00</c>); or, when the user gives one, a .NET custom date format.
/// </summary>
/// <remarks>
/// What cannot be read without guessing is refused with a message that says what to give: dates
/// written day or month first (<c>01/02/2016</c>), even when a part above 12 tells this one date
/// apart, since a file read day first for some rows and month first for others would be silently
/// wrong; and two-digit years (<c>Jan-16</c>, <c>16m1</c>).
/// </remarks>
public static partial class DateText
{
    /// <summary>
    /// Reads the period a date cell names. A month, quarter or year is read as written and must be
    /// of <paramref name="expected"/> when that is given (<c>2016-01</c> in a quarterly series is
    /// refused). A day has no frequency of its own: it is read as its month, or as its quarter or
    /// year when <paramref name="expected"/> is <see cref="Frequency.Quarter"/> or
    /// <see cref="Frequency.Year"/>.
    /// </summary>
    /// <param name="text">The cell as read; surrounding white space is ignored.</param>
    /// <param name="expected">The frequency already known (given by the user or fixed by the first
    /// date read), or null when it is not yet known.</param>
    /// <param name="format">A .NET custom date format the dates are written in (<c>dd/MM/yyyy</c>,
    /// <c>M/d/yyyy</c>, <c>MM.yyyy</c>), or null to read the forms above. When given, every date
    /// must be written in it, the forms above included, so that a file is never read half one way
    /// and half another. It must name the year; a format without the day (<c>MM/yyyy</c>) reads
    /// months, one without the month (<c>yyyy</c>) reads years.</param>
    /// <param name="period">The period read; default when the text is refused.</param>
    /// <param name="error">Why the text is refused, in the user's terms and with the text shown by
    /// <see cref="InputText.Shown"/>; empty when it is read.</param>
    /// <returns>True when the text names a period of the expected frequency.</returns>
    public static bool TryParse(string text, Frequency? expected, string? format, out Period period, out UserMessage error)
    {
        ArgumentNullException.ThrowIfNull(text);
        period = default;
        string s = text.Trim();
        var reading = s.Length == 0 ? Reading.Refused("the date is empty")
            : format is null ? Read(s)
            : ReadInFormat(s, format);
        if (reading.Error is { } refusal)
        {
            error = refusal;
            return false;
        }
        if (reading.Period is not { } p)
        {
            p = expected switch
            {
                Frequency.Quarter => Period.Quarter(reading.Year, (reading.Month - 1) / 3 + 1),
                Frequency.Year => Period.OfYear(reading.Year),
                _ => Period.Month(reading.Year, reading.Month),
            };
        }
        else if (expected is { } f && p.Frequency != f)
        {
            error = $"{Quoted(s)} is a {Period.Describe(p.Frequency)}, but the series is {Period.Adjective(f)}";
            return false;
        }
        period = p;
        error = "";
        return true;
    }

    /// <summary>What a text names: a period of its own frequency, or a day (which has none), or why it is refused.</summary>
    private readonly record struct Reading(Period? Period, int Year, int Month, UserMessage? Error)
    {
        public static Reading Of(Period period) => new(period, 0, 0, null);
        public static Reading Day(int year, int month) => new(null, year, month, null);
        public static Reading Refused(UserMessage error) => new(null, 0, 0, error);
    }

    private const string ExpectedForms = "a month as 2016-01, 2016m1, Jan 2016 or 201601, a quarter as 2016-Q1 or Q1 2016, a year as 2016, or a day as 2016-01-15";

    private static Reading Read(string s)
    {
        Match m;
        if ((m = YearForm().Match(s)).Success)
            return Year(s, Number(m.Groups["y"]));
        if ((m = CompactForm().Match(s)).Success)
            return m.Groups["d"].Success ? Day(s, m) : Month(s, Number(m.Groups["y"]), Number(m.Groups["m"]));
        if ((m = YearFirstForm().Match(s)).Success)
        {
            if (m.Groups["d"].Success) return Day(s, m);
            // 2016.1 and 2016.5 are as likely a fraction of a year as a month.
            if (m.Groups["sep"].ValueSpan is "." && m.Groups["m"].Length != 2)
                return Reading.Refused($"{Quoted(s)} is not a date: a month written with a dot has two digits, 2016.01 to 2016.12");
            return Month(s, Number(m.Groups["y"]), Number(m.Groups["m"]));
        }
        if ((m = StataMonthForm().Match(s)).Success)
            return Month(s, Number(m.Groups["y"]), Number(m.Groups["m"]));
        if ((m = QuarterForm().Match(s)).Success)
            return Quarter(s, Number(m.Groups["y"]), Number(m.Groups["q"]));
        if ((m = NamedMonthForm().Match(s)).Success && MonthNumber(m) is { } named)
            return Month(s, Number(m.Groups["y"]), named);
        if ((m = NamedDayForm().Match(s)).Success && MonthNumber(m) is { } month)
            return Day(s, Number(m.Groups["y"]), month, Number(m.Groups["d"]));
        if ((m = MonthYearForm().Match(s)).Success)
            return Month(s, Number(m.Groups["y"]), Number(m.Groups["m"]));
        if ((m = DayOrMonthFirstForm().Match(s)).Success)
            return DayOrMonthFirst(s, m);
        if ((m = TwoDigitYearForm().Match(s)).Success && (!m.Groups["name"].Success || MonthNumber(m) is not null))
            return TwoDigitYear(s, m.Groups["yy"]);
        return Reading.Refused(new UserMessage(
            $"{Quoted(s)} is not a date (expected {ExpectedForms}; give {Setting.Of<TableOptions>(nameof(TableOptions.DateFormat))} for another form)"));
    }

    private static Reading Year(string s, int year) =>
        year < 1 ? YearZero(s) : Reading.Of(Period.OfYear(year));

    private static Reading Quarter(string s, int year, int quarter) =>
        year < 1 ? YearZero(s)
        : quarter is < 1 or > 4 ? Reading.Refused($"{Quoted(s)} has quarter {quarter}, not 1..4")
        : Reading.Of(Period.Quarter(year, quarter));

    private static Reading Month(string s, int year, int month) =>
        year < 1 ? YearZero(s)
        : month is < 1 or > 12 ? Reading.Refused($"{Quoted(s)} has month {month}, not 1..12")
        : Reading.Of(Period.Month(year, month));

    private static Reading Day(string s, Match m) =>
        Day(s, Number(m.Groups["y"]), Number(m.Groups["m"]), Number(m.Groups["d"]));

    private static Reading Day(string s, int year, int month, int day) =>
        year < 1 ? YearZero(s)
        : month is < 1 or > 12 ? Reading.Refused($"{Quoted(s)} has month {month}, not 1..12")
        : day < 1 || day > DateTime.DaysInMonth(year, month) ? Reading.Refused($"{Quoted(s)} is not a valid date")
        : Reading.Day(year, month);

    private static Reading YearZero(string s) => Reading.Refused($"{Quoted(s)} has year 0, not 1..9999");

    /// <summary>
    /// <c>01/02/2016</c>: refused whatever its parts, naming the readings and the two formats that
    /// would read it (with the separator, digits and time of day it is written with).
    /// </summary>
    private static Reading DayOrMonthFirst(string s, Match m)
    {
        Group first = m.Groups["a"], second = m.Groups["b"], yearGroup = m.Groups["y"];
        bool twoDigitYear = yearGroup.Length == 2;
        int year = twoDigitYear ? CultureInfo.InvariantCulture.Calendar.ToFourDigitYear(Number(yearGroup)) : Number(yearGroup);
        string? dayFirst = DayAndMonth(Number(first), Number(second), year);
        string? monthFirst = DayAndMonth(Number(second), Number(first), year);
        string what = (dayFirst, monthFirst) switch
        {
            (null, null) => "is not a date day first or month first",
            (null, _) => $"can only be {monthFirst} (month first), but other dates written so could be read either way",
            (_, null) => $"can only be {dayFirst} (day first), but other dates written so could be read either way",
            _ when dayFirst == monthFirst => $"is {dayFirst} day first or month first, but other dates written so may not be",
            _ => $"could be {dayFirst} or {monthFirst}",
        };
        if (twoDigitYear) what += ", and its year has two digits";

        // One-digit parts read with d and M, which also read two digits; dd and MM read only two.
        bool twoDigitParts = first.Length == 2 && second.Length == 2;
        string day = twoDigitParts ? "dd" : "d", month = twoDigitParts ? "MM" : "M";
        string separator = m.Groups["sep"].Value, yearFormat = twoDigitYear ? "yy" : "yyyy";
        string clock = !m.Groups["time"].Success ? ""
            : (m.Groups["t"].ValueSpan is " " ? " " : "'T'") + (m.Groups["h"].Length == 2 ? "HH" : "H") + ":mm" + (m.Groups["sec"].Success ? ":ss" : "");
        string dayFirstFormat = day + separator + month + separator + yearFormat + clock;
        string monthFirstFormat = month + separator + day + separator + yearFormat + clock;
        return Reading.Refused(new UserMessage($"{Quoted(s)} {what}: give {Setting.Of<TableOptions>(nameof(TableOptions.DateFormat), dayFirstFormat)} (day first) or {Setting.Of<TableOptions>(nameof(TableOptions.DateFormat), monthFirstFormat)} (month first)"));
    }

    /// <summary>"1 February", or null when there is no such day.</summary>
    private static string? DayAndMonth(int day, int month, int year) =>
        month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(1, year), month)
            ? string.Create(CultureInfo.InvariantCulture, $"{day} {CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[month - 1]}")
            : null;

    private static Reading TwoDigitYear(string s, Group twoDigits)
    {
        int year = CultureInfo.InvariantCulture.Calendar.ToFourDigitYear(Number(twoDigits));
        string inFull = string.Concat(s.AsSpan(0, twoDigits.Index), year.ToString("D4", CultureInfo.InvariantCulture), s.AsSpan(twoDigits.Index + 2));
        return Reading.Refused($"{Quoted(s)} has a two-digit year: write the year with four digits, as in {Quoted(inFull)}");
    }

    private static Reading ReadInFormat(string s, string format)
    {
        if (format.Length == 0) return Reading.Refused("the date format is empty");
        if (format.Length == 1)
            return Reading.Refused($"the date format '{InputText.Shown(format)}' is a single letter, which .NET reads as a standard format: write the custom format, such as MM/dd/yyyy");
        var (hasYear, hasMonth, hasDay) = FieldsOf(format);
        if (!hasYear) return Reading.Refused($"the date format '{InputText.Shown(format)}' has no year (yyyy)");
        if (hasDay && !hasMonth) return Reading.Refused($"the date format '{InputText.Shown(format)}' has a day but no month (MM)");
        // DateTimeOffset keeps the date as written; DateTime would move a date with a UTC offset to
        // this machine's time zone, and so perhaps to another day and month. Only one-letter
        // (standard) formats make it throw, and those are refused above.
        if (!DateTimeOffset.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var written))
            return Reading.Refused(new UserMessage($"{Quoted(s)} is not a date in the format '{InputText.Shown(format)}' given by {Setting.Of<TableOptions>(nameof(TableOptions.DateFormat))} (with a format given, every date must be written in it)"));
        return hasDay ? Reading.Day(written.Year, written.Month)
            : hasMonth ? Reading.Of(Period.Month(written.Year, written.Month))
            : Reading.Of(Period.OfYear(written.Year));
    }

    /// <summary>Whether a custom date format reads a year (y), a month (M) and a day of the month (d or dd; ddd names a weekday).</summary>
    private static (bool Year, bool Month, bool Day) FieldsOf(string format)
    {
        bool year = false, month = false, day = false;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c is '\'' or '"')
            {
                int close = format.IndexOf(c, i + 1);
                if (close < 0) break;
                i = close;
                continue;
            }
            if (c == '\\')
            {
                i++;
                continue;
            }
            int run = 1;
            while (i + run < format.Length && format[i + run] == c) run++;
            year |= c == 'y';
            month |= c == 'M';
            day |= c == 'd' && run <= 2;
            i += run - 1;
        }
        return (year, month, day);
    }

    private static readonly FrozenDictionary<string, int> MonthNumbers = Enumerable.Range(1, 12)
        .SelectMany(month => new[]
        {
            (Name: CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[month - 1], Month: month),
            (Name: CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[month - 1], Month: month),
        })
        .DistinctBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(n => n.Name, n => n.Month, StringComparer.OrdinalIgnoreCase);

    /// <summary>The month an English name or three-letter abbreviation names, or null.</summary>
    private static int? MonthNumber(Match m) =>
        MonthNumbers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(m.Groups["name"].ValueSpan, out int month) ? month : null;

    private static int Number(Group digits) => int.Parse(digits.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Quoted(string text) => $"'{InputText.Shown(text)}'";

    // [0-9], not \d: \d also matches other scripts' digits, which int.Parse does not read.
    // A time of day after a day, as ISO 8601 and pandas write it; read and ignored.
    private const string ClockTime = @"(?:[T ](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?";
    private const RegexOptions Letters = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>2016; also 2016.0, as a column of numbers is often written.</summary>
    [GeneratedRegex(@"^(?<y>[0-9]{4})(?:\.0+)?$")]
    private static partial Regex YearForm();

    /// <summary>201601, 20160115.</summary>
    [GeneratedRegex(@"^(?<y>[0-9]{4})(?<m>[0-9]{2})(?<d>[0-9]{2})?$")]
    private static partial Regex CompactForm();

    /// <summary>2016-01, 2016/1, 2016.01, 2016-01-15, 2016/01/15, 2016-01-15T00:00:00, 2016-01-15 00:00:00.</summary>
    [GeneratedRegex(@"^(?<y>[0-9]{4})(?<sep>[-/.])(?<m>[0-9]{1,2})(?:\k<sep>(?<d>[0-9]{1,2})" + ClockTime + ")?$", Letters)]
    private static partial Regex YearFirstForm();

    /// <summary>Stata's %tm: 2016m1, 2016M01, 2016m12.</summary>
    [GeneratedRegex(@"^(?<y>[0-9]{4})m(?<m>[0-9]{1,2})$", Letters)]
    private static partial Regex StataMonthForm();

    /// <summary>2016q1 (Stata's %tq), 2016-Q1, 2016 Q1, Q1 2016, Q1-2016.</summary>
    [GeneratedRegex(@"^(?:(?<y>[0-9]{4})[-\s/._:]?q(?<q>[0-9])|q(?<q>[0-9])[-\s/._:]?(?<y>[0-9]{4}))$", Letters)]
    private static partial Regex QuarterForm();

    /// <summary>Jan 2016, Jan-2016, Jan.2016, January 2016, jan2016, 2016 Jan (the name checked apart).</summary>
    [GeneratedRegex(@"^(?:(?<name>[a-z]+)\.?[-\s,/]*(?<y>[0-9]{4})|(?<y>[0-9]{4})[-\s/.]*(?<name>[a-z]+)\.?)$", Letters)]
    private static partial Regex NamedMonthForm();

    /// <summary>15JAN2016 (SAS's and Stata's date9), 15-Jan-2016, 15 January 2016, January 15, 2016.</summary>
    [GeneratedRegex(@"^(?:(?<d>[0-9]{1,2})[-\s./]*(?<name>[a-z]+)\.?[-\s./,]*(?<y>[0-9]{4})|(?<name>[a-z]+)\.?\s*(?<d>[0-9]{1,2})(?:st|nd|rd|th)?(?:,\s*|\s+)(?<y>[0-9]{4}))$", Letters)]
    private static partial Regex NamedDayForm();

    /// <summary>01/2016, 1-2016, 01.2016 (a dot needs two digits: 1.2016 is a number).</summary>
    [GeneratedRegex(@"^(?:(?<m>[0-9]{1,2})[-/]|(?<m>[0-9]{2})\.)(?<y>[0-9]{4})$")]
    private static partial Regex MonthYearForm();

    /// <summary>01/02/2016, 1/2/2016, 01.02.2016, 02-01-2016, 01/02/16, 1/2/2016 0:00: day or month first.</summary>
    [GeneratedRegex(@"^(?<a>[0-9]{1,2})(?<sep>[-/.])(?<b>[0-9]{1,2})\k<sep>(?<y>[0-9]{4}|[0-9]{2})(?<time>(?<t>[T ])(?<h>[0-9]{1,2}):[0-9]{2}(?<sec>:[0-9]{2})?)?$", Letters)]
    private static partial Regex DayOrMonthFirstForm();

    /// <summary>Jan-16, jan16, 16m1, 16q1, 16-Q1, Q1-16, 01/16, 15-Jan-16: the forms above with the year's last two digits.</summary>
    [GeneratedRegex(@"^(?:(?<name>[a-z]+)\.?[-\s,/]*(?<yy>[0-9]{2})|(?<yy>[0-9]{2})m[0-9]{1,2}|(?<yy>[0-9]{2})[-\s/._:]?q[0-9]|q[0-9][-\s/._:]?(?<yy>[0-9]{2})|[0-9]{1,2}[-/](?<yy>[0-9]{2})|[0-9]{1,2}[-\s./]*(?<name>[a-z]+)\.?[-\s./,]*(?<yy>[0-9]{2}))$", Letters)]
    private static partial Regex TwoDigitYearForm();
}
