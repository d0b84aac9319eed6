using System.Globalization;
using Its.Model;
using Its.Time;

namespace Its.Data;

/// <summary>Which columns of a CSV make the series, and which rows.</summary>
public sealed record SeriesOptions
{
    /// <summary>Outcome column.</summary>
    public required string Outcome { get; init; }

    /// <summary>Date column (any form <see cref="DateText"/> reads, or Excel date cells); "month" when neither this nor <see cref="Year"/> is given.</summary>
    public string? Date { get; init; }

    /// <summary>Year column, with <see cref="Month"/> for monthly data, <see cref="Quarter"/> for quarterly data, or alone for annual data.</summary>
    public string? Year { get; init; }

    /// <summary>Calendar month column (1..12), used with <see cref="Year"/>.</summary>
    public string? Month { get; init; }

    /// <summary>Quarter column (1..4), used with <see cref="Year"/>.</summary>
    public string? Quarter { get; init; }

    /// <summary>Expected frequency; inferred from the dates when null.</summary>
    public Frequency? Period { get; init; }

    /// <summary>COL=VALUE filters that select one unit of a long file; all must hold.</summary>
    public IReadOnlyList<string> Where { get; init; } = [];

    /// <summary>Covariate columns.</summary>
    public IReadOnlyList<string> Covariates { get; init; } = [];

    /// <summary>Fit a series with missing periods (absent rows, or rows whose outcome is missing) instead of refusing it.</summary>
    public bool AllowGaps { get; init; }

    /// <summary>Whether the refusal of a gap may suggest <c>--allow-gaps</c> (not where the caller needs complete series).</summary>
    public bool SuggestAllowGaps { get; init; } = true;

    /// <summary>Refuse zero or negative outcomes (the log transform needs positive values).</summary>
    public bool PositiveOutcome { get; init; }

    /// <summary>The family the outcome is for, so that a count family's outcome must be whole numbers 0 or more.</summary>
    public Family Family { get; init; } = Family.Gaussian;

    /// <summary>Offset column (population at risk), loaded beside the covariates; must be positive.</summary>
    public string? Offset { get; init; }
}

/// <summary>
/// Builds a validated <see cref="TimeSeries"/> from a table's rows, refusing bad input with the
/// file, row and column. Cells are read by the table's options: its missing-value tokens, decimal
/// separator and date format. A row whose outcome is missing is a missing period, as a row that is
/// not there: refused unless gaps are allowed. A missing covariate or offset is refused.
/// </summary>
public static class SeriesLoader
{
    /// <summary>Selects, parses, sorts and checks the rows.</summary>
    /// <exception cref="InputError">Any problem with the data, with its location.</exception>
    public static TimeSeries Load(TextTable data, SeriesOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var filters = options.Where.Select(w => Filter(data, w)).ToArray();
        int outcome = data.Column(options.Outcome, Setting.Of<SeriesOptions>(nameof(SeriesOptions.Outcome)));
        if (options.Offset is not null && options.Covariates.Contains(options.Offset))
            throw new InputError(new UserMessage($"{Setting.Of<SeriesOptions>(nameof(SeriesOptions.Offset), options.Offset)} is also a {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Covariates))}; give it once"));
        foreach (var twice in options.Covariates.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new InputError(new UserMessage($"{Setting.Of<SeriesOptions>(nameof(SeriesOptions.Covariates), twice.Key)} is given twice"));
        var covariates = options.Covariates.Select(c => (Name: c, Index: data.Column(c, Setting.Of<SeriesOptions>(nameof(SeriesOptions.Covariates)))))
            .Concat(options.Offset is { } o ? [(Name: o, Index: data.Column(o, Setting.Of<SeriesOptions>(nameof(SeriesOptions.Offset))))] : []).ToArray();
        int offset = options.Offset is null ? -1 : covariates[^1].Index;
        var dateOf = DateReader(data, options);

        var rows = data.Rows.Where(r => filters.All(f => r.Fields[f.Column].Trim() == f.Value)).ToArray();
        if (rows.Length == 0)
            throw new InputError($"{data.File}: no row has {string.Join(" and ", options.Where)}");

        var parsed = new List<(int Line, Period Period, double Y, double[] X)>(rows.Length);
        Frequency? frequency = options.Period;
        string dateColumn = options.Date ?? (options.Year is null ? "month" : options.Year);
        foreach (var (line, fields) in rows)
        {
            var period = dateOf(line, fields, frequency);
            frequency ??= period.Frequency;
            if (data.Options.IsMissing(fields[outcome].Trim()))
            {
                if (options.AllowGaps) continue;
                var remedy = options.SuggestAllowGaps ? new UserMessage($"give {AllowGaps} to fit it as a missing period") : "every period must be present";
                throw new InputError(new UserMessage($"{data.At(line, outcome)}: missing value (the {Period.Describe(period.Frequency)} {period}); {remedy}"));
            }
            double y = Number(data, line, fields, outcome);
            if (options.PositiveOutcome && y <= 0)
                throw new InputError(new UserMessage($"{data.At(line, outcome)}: {y.ToString(CultureInfo.InvariantCulture)} is not positive, but {Setting.Of<ItsSpec>(nameof(ItsSpec.Transform), OutcomeTransform.Log)} needs positive values"));
            if (options.Family.IsCount() && (y < 0 || y != Math.Floor(y)))
                throw new InputError(new UserMessage($"{data.At(line, outcome)}: {y.ToString(CultureInfo.InvariantCulture)} is not a count, but {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Family), options.Family)} needs whole numbers 0 or more"));
            if (offset >= 0 && !(Number(data, line, fields, offset) > 0))
                throw new InputError(new UserMessage($"{data.At(line, offset)}: {InputText.Shown(fields[offset].Trim())} is not positive, but {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Offset))} needs the population at risk (> 0)"));
            parsed.Add((line, period, y, covariates.Select(c => Number(data, line, fields, c.Index)).ToArray()));
        }
        if (parsed.Count == 0)
            throw new InputError($"{data.File}: column {options.Outcome}: every value is missing");
        parsed.Sort((a, b) => a.Period.CompareTo(b.Period));
        string unit = Period.Describe(frequency!.Value);
        for (int i = 1; i < parsed.Count; i++)
        {
            var (prev, cur) = (parsed[i - 1], parsed[i]);
            int step = cur.Period.PeriodsSince(prev.Period);
            if (step == 0)
            {
                var unitHint = options.Where.Count == 0 ? new UserMessage($" (a long file needs {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Where), "COL=VALUE")} to pick one unit)") : "";
                throw new InputError(new UserMessage($"{data.File}: rows {Math.Min(prev.Line, cur.Line)} and {Math.Max(prev.Line, cur.Line)}, column {dateColumn}: {unit} {cur.Period} appears twice{unitHint}"));
            }
            if (step > 1 && !options.AllowGaps)
            {
                var remedy = options.SuggestAllowGaps ? new UserMessage($"give {AllowGaps} to fit anyway") : "every month must be present";
                throw new InputError(new UserMessage($"{data.File}: column {dateColumn}: {step - 1} {unit}(s) missing between {prev.Period} (row {prev.Line}) and {cur.Period} (row {cur.Line}); {remedy}"));
            }
        }
        var covariateValues = covariates.Select((c, j) => (c.Name, Values: parsed.Select(p => p.X[j]).ToArray()))
            .ToDictionary(c => c.Name, c => c.Values, StringComparer.Ordinal);
        return new TimeSeries(parsed.Select(p => p.Period).ToArray(), parsed.Select(p => p.Y).ToArray(), covariateValues, options.Outcome);
    }

    /// <summary>
    /// Loads one series per value of <paramref name="groupColumn"/> among the rows the filters
    /// keep, in order of first appearance (a long panel: one row per unit and period).
    /// </summary>
    /// <exception cref="InputError">Any problem with the data, with its location and group.</exception>
    public static IReadOnlyList<(string Group, TimeSeries Series)> LoadGroups(TextTable data, SeriesOptions options, string groupColumn, UserMessage? askedBy = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var option = askedBy ?? "the group column";
        int column = data.Column(groupColumn, option);
        var filters = options.Where.Select(w => Filter(data, w)).ToArray();
        var kept = data.Rows.Where(r => filters.All(f => r.Fields[f.Column].Trim() == f.Value)).ToArray();
        var values = kept.Select(r => r.Fields[column].Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (values.Length == 0) throw new InputError($"{data.File}: no row has {string.Join(" and ", options.Where)}");
        if (values.Contains(""))
        {
            // The first empty value among the rows kept, not among rows the filters leave out.
            var row = kept.First(r => r.Fields[column].Trim().Length == 0);
            throw new InputError(new UserMessage($"{data.At(row.Line, column)}: missing value ({option} needs a group in every row)"));
        }
        return values.Select(v =>
        {
            try { return (v, Load(data, options with { Where = [.. options.Where, $"{groupColumn}={v}"] })); }
            catch (InputError e) { throw new InputError(new UserMessage($"{e.Text} (in the rows of {groupColumn}={v})")); }
        }).ToArray();
    }

    /// <summary>
    /// The value of <paramref name="labelColumn"/> for each value of <paramref name="groupColumn"/>
    /// among the rows <paramref name="options"/> keep (a unit's type): one value per group, the same in every row of it.
    /// </summary>
    /// <exception cref="InputError">A row has no label, or a group has two, with the row.</exception>
    public static IReadOnlyDictionary<string, string> GroupLabels(TextTable data, SeriesOptions options, string groupColumn, string labelColumn, UserMessage askedBy)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int group = data.Column(groupColumn, "the group column"), label = data.Column(labelColumn, askedBy);
        var filters = options.Where.Select(w => Filter(data, w)).ToArray();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in data.Rows.Where(r => filters.All(f => r.Fields[f.Column].Trim() == f.Value)))
        {
            string g = row.Fields[group].Trim(), value = row.Fields[label].Trim();
            if (value.Length == 0) throw new InputError(new UserMessage($"{data.At(row.Line, label)}: missing value ({askedBy} needs a value in every row)"));
            if (labels.TryGetValue(g, out var first) && first != value)
                throw new InputError(new UserMessage($"{data.At(row.Line, label)}: {g} is {value} here and {first} in an earlier row ({askedBy} must be the same in every row of a {groupColumn})"));
            labels[g] = value;
        }
        return labels;
    }

    private static (int Column, string Value) Filter(TextTable data, string where)
    {
        var (column, value) = Where.Parse<SeriesOptions>(where);
        return (data.Column(column, Setting.Of<SeriesOptions>(nameof(SeriesOptions.Where))), value);
    }

    // The settings of the date columns and of gaps, as messages name them.
    private static readonly Setting Date = Setting.Of<SeriesOptions>(nameof(SeriesOptions.Date)), Year = Setting.Of<SeriesOptions>(nameof(SeriesOptions.Year)),
        Month = Setting.Of<SeriesOptions>(nameof(SeriesOptions.Month)), Quarter = Setting.Of<SeriesOptions>(nameof(SeriesOptions.Quarter)), AllowGaps = Setting.Of<SeriesOptions>(nameof(SeriesOptions.AllowGaps), true);

    private static Func<int, string[], Frequency?, Period> DateReader(TextTable data, SeriesOptions options)
    {
        if (options.Date is not null && options.Year is not null)
            throw new InputError(new UserMessage($"give either {Date} or {Year} (with {Month}), not both"));
        if (options.Month is not null && options.Year is null)
            throw new InputError(new UserMessage($"{Month} needs {Year}"));
        if (options.Quarter is not null && options.Year is null)
            throw new InputError(new UserMessage($"{Quarter} needs {Year}"));
        if (options.Quarter is not null && options.Month is not null)
            throw new InputError(new UserMessage($"give {Month} or {Quarter} with {Year}, not both"));
        if (options.Year is null)
        {
            int column = data.Column(options.Date ?? "month", options.Date is null ? new UserMessage($"the default {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Date), "month")}") : Date);
            string? format = data.Options.DateFormat;
            return (line, fields, expected) =>
                DateText.TryParse(fields[column].Trim(), expected, format, out var p, out var error) ? p
                    : throw new InputError(new UserMessage($"{data.At(line, column)}: {error}"));
        }
        int year = data.Column(options.Year, Year);
        int month = options.Month is null ? -1 : data.Column(options.Month, Month);
        int quarter = options.Quarter is null ? -1 : data.Column(options.Quarter, Quarter);
        return (line, fields, expected) =>
        {
            int y = Integer(data, line, fields, year, 1, 9999);
            var p = month >= 0 ? Period.Month(y, Integer(data, line, fields, month, 1, 12))
                : quarter >= 0 ? Period.Quarter(y, Integer(data, line, fields, quarter, 1, 4))
                : Period.OfYear(y);
            if (expected is { } f && f != p.Frequency)
                throw new InputError(new UserMessage($"{data.At(line, Math.Max(year, Math.Max(month, quarter)))}: the data are {Period.Adjective(p.Frequency)}, but {Setting.Of<SeriesOptions>(nameof(SeriesOptions.Period))} says {Period.Describe(f)}"));
            return p;
        };
    }

    private static int Integer(TextTable data, int line, string[] fields, int column, int min, int max)
    {
        double v = Number(data, line, fields, column);
        if (v != Math.Floor(v) || v < min || v > max)
            throw new InputError($"{data.At(line, column)}: {InputText.Shown(fields[column].Trim())} is not a whole number from {min} to {max}");
        return (int)v;
    }

    private static double Number(TextTable data, int line, string[] fields, int column)
    {
        string text = fields[column].Trim();
        if (data.Options.IsMissing(text))
            throw new InputError($"{data.At(line, column)}: missing value");
        char separator = data.Options.Decimal ?? '.';
        if (!NumberText.TryParse(text, separator, out double v))
            throw new InputError(new UserMessage($"{data.At(line, column)}: '{InputText.Shown(text)}' is not a number{NumberText.Hint(text, separator)}"));
        if (!double.IsFinite(v))
            throw new InputError($"{data.At(line, column)}: '{InputText.Shown(text)}' is not a finite number");
        return v;
    }
}
