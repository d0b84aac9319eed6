using System.Globalization;
using System.Text;
using Its.Comparison;
using Its.Model;
using Its.Time;
using Microsoft.Data.Analysis;

namespace Sanming;

/// <summary>One month of one institution type: the row of <c>data/sanming_monthly.csv</c>.</summary>
/// <param name="Month">The month.</param>
/// <param name="InstitutionType"><c>hospital</c>, <c>chsi</c>, or any other type the data hold.</param>
/// <param name="ExpenditureYuan">Medical expenditure, yuan.</param>
/// <param name="OutpatientVisits">Outpatient and emergency visits.</param>
/// <param name="InpatientAdmissions">Inpatient admissions.</param>
/// <param name="SpringFestival">Spring Festival weight of the month, 0 to 1.</param>
public sealed record PanelRow(Period Month, string InstitutionType, double ExpenditureYuan, double OutpatientVisits, double InpatientAdmissions, double SpringFestival)
{
    /// <summary>The value of an outcome.</summary>
    public double Value(Outcome outcome) => outcome switch
    {
        Outcome.Expenditure => ExpenditureYuan,
        Outcome.OutpatientVisits => OutpatientVisits,
        _ => InpatientAdmissions,
    };
}

/// <summary>
/// The monthly panel of the study: every institution type over the same consecutive months. Gives
/// the series the analysis fits: each type, the city (hospitals + CHSIs, the study's scope), the
/// CHSI share of the city, and expenditure per visit or per admission.
/// </summary>
public sealed class SanmingPanel
{
    /// <summary>Group name of the city totals.</summary>
    public const string City = "city";

    /// <summary>The data-file columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["month", "institution_type", "expenditure_yuan", "outpatient_visits", "inpatient_admissions", "spring_festival"];

    private readonly Dictionary<string, PanelRow[]> _byType;

    /// <summary>Builds and checks a panel.</summary>
    /// <exception cref="ItsException">Types with different months, gaps, duplicates, or values that are not positive and finite.</exception>
    public SanmingPanel(IEnumerable<PanelRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        if (list.Count == 0) throw new ItsException("the panel is empty");
        InstitutionTypes = list.Select(r => r.InstitutionType).Distinct(StringComparer.Ordinal).ToArray();
        _byType = InstitutionTypes.ToDictionary(t => t, t => list.Where(r => r.InstitutionType == t).OrderBy(r => r.Month).ToArray(), StringComparer.Ordinal);
        var first = _byType[InstitutionTypes[0]];
        Months = first.Select(r => r.Month).ToArray();
        foreach (var (type, series) in _byType)
        {
            for (int i = 1; i < series.Length; i++)
            {
                int step = series[i].Month.PeriodsSince(series[i - 1].Month);
                if (step == 0) throw new ItsException($"{type}: month {series[i].Month} appears twice");
                if (step > 1) throw new ItsException($"{type}: months missing between {series[i - 1].Month} and {series[i].Month}");
            }
            if (!series.Select(r => r.Month).SequenceEqual(Months))
                throw new ItsException($"{type} covers {series[0].Month} to {series[^1].Month} but {InstitutionTypes[0]} covers {Months[0]} to {Months[^1]}: every institution type needs the same months");
            foreach (var r in series)
            {
                foreach (var o in Enum.GetValues<Outcome>())
                    if (!(r.Value(o) > 0) || !double.IsFinite(r.Value(o)))
                        throw new ItsException($"{type} {o.Column()} is {r.Value(o).ToString(CultureInfo.InvariantCulture)} in {r.Month}: values must be positive");
                if (!(r.SpringFestival is >= 0 and <= 1))
                    throw new ItsException($"{type} spring_festival is {r.SpringFestival.ToString(CultureInfo.InvariantCulture)} in {r.Month}: it is a weight from 0 to 1");
            }
            if (!series.Select(r => r.SpringFestival).SequenceEqual(first.Select(r => r.SpringFestival)))
                throw new ItsException($"{type} has other spring_festival weights than {InstitutionTypes[0]}: the calendar is the same for every type");
        }
        Rows = InstitutionTypes.SelectMany(t => _byType[t]).ToArray();
    }

    /// <summary>All rows, grouped by institution type in order of first appearance, months increasing.</summary>
    public IReadOnlyList<PanelRow> Rows { get; }

    /// <summary>The institution types, in order of first appearance.</summary>
    public IReadOnlyList<string> InstitutionTypes { get; }

    /// <summary>The months, consecutive and the same for every type.</summary>
    public IReadOnlyList<Period> Months { get; }

    /// <summary>The groups the study compares: city, then every institution type.</summary>
    public IReadOnlyList<string> Groups => [City, .. InstitutionTypes];

    /// <summary>
    /// An outcome of one group as a series with the <c>spring_festival</c> covariate. The city is
    /// the sum of hospitals and CHSIs, the institutions the study covers.
    /// </summary>
    /// <exception cref="ItsException">The group is not in the panel.</exception>
    public TimeSeries Series(string group, Outcome outcome)
    {
        double[] values = group == City
            ? Values(Calibration.Hospital, outcome).Zip(Values(Calibration.Chsi, outcome), (h, c) => h + c).ToArray()
            : Values(group, outcome);
        return Make(values, group == City ? outcome.Column() : $"{outcome.Column()} ({group})");
    }

    /// <summary>The CHSI share of the city total of an outcome, 100 chsi / (hospital + chsi), in percent.</summary>
    public TimeSeries ChsiShare(Outcome outcome) =>
        PanelSeries.Share(
            [new GroupSeries(Calibration.Hospital, Series(Calibration.Hospital, outcome)), new GroupSeries(Calibration.Chsi, Series(Calibration.Chsi, outcome))],
            [Calibration.Chsi], $"chsi share of {outcome.Column()} (%)");

    /// <summary>Expenditure per outpatient visit or per inpatient admission of a group, yuan.</summary>
    /// <exception cref="ArgumentException">The denominator is expenditure.</exception>
    public TimeSeries ExpenditurePer(string group, Outcome denominator)
    {
        if (denominator == Outcome.Expenditure) throw new ArgumentException("expenditure per expenditure is not a series", nameof(denominator));
        var spend = Series(group, Outcome.Expenditure).Outcome;
        var units = Series(group, denominator).Outcome;
        string per = denominator == Outcome.OutpatientVisits ? "visit" : "admission";
        return Make(spend.Zip(units, (s, u) => s / u).ToArray(), $"expenditure per {per} ({group})");
    }

    /// <summary>The panel as CSV text in the documented schema, rows in panel order, invariant culture.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", Columns)).Append('\n');
        foreach (var r in Rows)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{r.Month},{r.InstitutionType},{r.ExpenditureYuan:0.00},{r.OutpatientVisits:0},{r.InpatientAdmissions:0},{r.SpringFestival:0.0#}\n"));
        return sb.ToString();
    }

    /// <summary>The panel as a <see cref="DataFrame"/> with the columns of the data file.</summary>
    public DataFrame ToDataFrame() => new(
        new StringDataFrameColumn("month", Rows.Select(r => r.Month.ToString())),
        new StringDataFrameColumn("institution_type", Rows.Select(r => r.InstitutionType)),
        new DoubleDataFrameColumn("expenditure_yuan", Rows.Select(r => r.ExpenditureYuan)),
        new DoubleDataFrameColumn("outpatient_visits", Rows.Select(r => r.OutpatientVisits)),
        new DoubleDataFrameColumn("inpatient_admissions", Rows.Select(r => r.InpatientAdmissions)),
        new DoubleDataFrameColumn("spring_festival", Rows.Select(r => r.SpringFestival)));

    private double[] Values(string type, Outcome outcome) =>
        _byType.TryGetValue(type, out var rows)
            ? rows.Select(r => r.Value(outcome)).ToArray()
            : throw new ItsException($"the data have no institution type '{type}' (they have {string.Join(", ", InstitutionTypes)})");

    private TimeSeries Make(double[] values, string name) =>
        new(Months, values, new Dictionary<string, double[]> { ["spring_festival"] = _byType[InstitutionTypes[0]].Select(r => r.SpringFestival).ToArray() }, name);
}
