using System.Globalization;
using System.Text.RegularExpressions;

namespace Its.Time;

/// <summary>How often a regular series is observed.</summary>
public enum Frequency
{
    /// <summary>Twelve periods a year; the default.</summary>
    Month,
    /// <summary>Four periods a year.</summary>
    Quarter,
    /// <summary>One period a year.</summary>
    Year,
}

/// <summary>
/// One period of a regular series: a month (<c>2016-01</c>), a quarter (<c>2010-Q1</c>) or a year
/// (<c>1989</c>). Periods of one frequency are totally ordered and can be counted apart.
/// </summary>
public readonly partial record struct Period : IComparable<Period>
{
    /// <summary>A period of the given frequency.</summary>
    /// <param name="frequency">Monthly, quarterly or annual.</param>
    /// <param name="year">Calendar year.</param>
    /// <param name="sub">Month 1..12, quarter 1..4, or 1 for annual periods.</param>
    /// <exception cref="ArgumentOutOfRangeException">The frequency is not one of the enum's, or <paramref name="sub"/> is outside its range.</exception>
    public Period(Frequency frequency, int year, int sub)
    {
        if (!Enum.IsDefined(frequency)) throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "not a frequency");
        Frequency = frequency;
        Year = year;
        Sub = frequency switch
        {
            Frequency.Month => CheckSub(sub, 12, "month"),
            Frequency.Quarter => CheckSub(sub, 4, "quarter"),
            _ => sub == 1 ? sub : throw new ArgumentOutOfRangeException(nameof(sub), sub, "an annual period has sub-period 1"),
        };
    }

    /// <summary>Monthly, quarterly or annual.</summary>
    public Frequency Frequency { get; }

    /// <summary>Calendar year.</summary>
    public int Year { get; }

    /// <summary>Month 1..12, quarter 1..4, or 1 for annual periods.</summary>
    public int Sub { get; }

    /// <summary>Deconstructs into frequency, year and sub-period.</summary>
    public void Deconstruct(out Frequency frequency, out int year, out int sub) => (frequency, year, sub) = (Frequency, Year, Sub);

    /// <summary>Periods per year: 12, 4 or 1.</summary>
    public static int PerYear(Frequency frequency) => frequency switch
    {
        Frequency.Month => 12,
        Frequency.Quarter => 4,
        _ => 1,
    };

    /// <summary>Creates a monthly period.</summary>
    public static Period Month(int year, int month) => new(Frequency.Month, year, month);

    /// <summary>Creates a quarterly period.</summary>
    public static Period Quarter(int year, int quarter) => new(Frequency.Quarter, year, quarter);

    /// <summary>Creates an annual period.</summary>
    public static Period OfYear(int year) => new(Frequency.Year, year, 1);

    /// <summary>Position on a continuous count of periods (year * periods per year + sub - 1).</summary>
    public int Ordinal => Year * PerYear(Frequency) + Sub - 1;

    /// <summary>The calendar month 1..12 of a monthly period.</summary>
    /// <exception cref="InvalidOperationException">The period is not monthly.</exception>
    public int CalendarMonth => Frequency == Frequency.Month
        ? Sub
        : throw new InvalidOperationException("calendar months exist only for monthly series");

    /// <summary>
    /// The period's first day (1 October 2017 for <c>2017-10</c>, 1 April for Q2, 1 January for a
    /// year): where the period sits on a date axis.
    /// </summary>
    public DateOnly FirstDay => new(Year, Frequency switch
    {
        Frequency.Month => Sub,
        Frequency.Quarter => 3 * Sub - 2,
        _ => 1,
    }, 1);

    /// <summary>The period <paramref name="count"/> periods later (earlier when negative).</summary>
    public Period Add(int count)
    {
        int per = PerYear(Frequency);
        int ordinal = Ordinal + count;
        return new Period(Frequency, Math.DivRem(ordinal, per, out int rem) - (rem < 0 ? 1 : 0), (rem + per) % per + 1);
    }

    /// <summary>Number of periods from <paramref name="start"/> to this period.</summary>
    /// <exception cref="ArgumentException">The two periods have different frequencies.</exception>
    public int PeriodsSince(Period start)
    {
        if (start.Frequency != Frequency)
            throw new ArgumentException($"cannot compare {Describe(start.Frequency)} {start} with {Describe(Frequency)} {this}", nameof(start));
        return Ordinal - start.Ordinal;
    }

    /// <inheritdoc />
    public int CompareTo(Period other) => PeriodsSince(other);

    /// <summary>Label: <c>2016-01</c>, <c>2010-Q1</c> or <c>1989</c>.</summary>
    public override string ToString() => Frequency switch
    {
        Frequency.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Sub:D2}"),
        Frequency.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-Q{Sub}"),
        _ => Year.ToString("D4", CultureInfo.InvariantCulture),
    };

    /// <summary>Lower-case name of a frequency's period ("month", "quarter", "year").</summary>
    public static string Describe(Frequency frequency) => frequency.ToString().ToLowerInvariant();

    /// <summary>
    /// Reads <c>YYYY-MM</c>, <c>YYYY-MM-DD</c> (day ignored), <c>YYYY-Qn</c> or a year (<c>1989</c>,
    /// also <c>1989.0</c>). Returns false with a reason when the text is none of these or, when
    /// <paramref name="expected"/> is given, is of another frequency.
    /// </summary>
    public static bool TryParse(string? text, Frequency? expected, out Period period, out string error)
    {
        period = default;
        string s = (text ?? "").Trim();
        Period? parsed = null;
        Match m;
        if ((m = MonthPattern().Match(s)).Success)
        {
            int month = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (month is < 1 or > 12) { error = $"'{s}' has month {month}, not 1..12"; return false; }
            if (m.Groups[3].Success)
            {
                int day = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                int year = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                if (day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month)) { error = $"'{s}' is not a valid date"; return false; }
            }
            parsed = new Period(Frequency.Month, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), month);
        }
        else if ((m = QuarterPattern().Match(s)).Success)
        {
            parsed = new Period(Frequency.Quarter, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value[0] - '0');
        }
        else if ((m = YearPattern().Match(s)).Success)
        {
            parsed = OfYear(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        if (parsed is not { } p)
        {
            error = s.Length == 0 ? "the date is empty" : $"'{s}' is not a date (expected YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY)";
            return false;
        }
        if (expected is { } f && p.Frequency != f)
        {
            error = $"'{s}' is a {Describe(p.Frequency)}, but the series is {Adjective(f)}";
            return false;
        }
        period = p;
        error = "";
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on failure.</summary>
    public static Period Parse(string text, Frequency? expected = null) =>
        TryParse(text, expected, out var p, out var error) ? p : throw new FormatException(error);

    /// <summary>"monthly", "quarterly" or "annual".</summary>
    public static string Adjective(Frequency frequency) => frequency switch
    {
        Frequency.Month => "monthly",
        Frequency.Quarter => "quarterly",
        _ => "annual",
    };

    private static int CheckSub(int value, int max, string name) =>
        value >= 1 && value <= max ? value : throw new ArgumentOutOfRangeException("sub", value, $"{name} must be 1..{max}");

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"^(\d{4})-?[Qq]([1-4])$")]
    private static partial Regex QuarterPattern();

    [GeneratedRegex(@"^(\d{4})(?:\.0+)?$")]
    private static partial Regex YearPattern();
}
