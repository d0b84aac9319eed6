using Its.Time;

namespace Sanming;

/// <summary>How a calibration constant is known.</summary>
public enum Evidence
{
    /// <summary>[P] published.</summary>
    Published,
    /// <summary>[D] derived by arithmetic from published figures.</summary>
    Derived,
    /// <summary>[A] assumed.</summary>
    Assumed,
}

/// <summary>A calibration constant with its provenance.</summary>
/// <param name="Value">The value.</param>
/// <param name="Evidence">Published, derived or assumed.</param>
/// <param name="Source">Where it comes from, in a few words.</param>
public sealed record Calibrated(double Value, Evidence Evidence, string Source)
{
    /// <summary>"[P]", "[D]" or "[A]".</summary>
    public string Tag => Evidence switch { Evidence.Published => "[P]", Evidence.Derived => "[D]", _ => "[A]" };
}

/// <summary>The monthly outcomes of the study.</summary>
public enum Outcome
{
    /// <summary>Medical expenditure, yuan.</summary>
    Expenditure,
    /// <summary>Outpatient (and emergency) visits.</summary>
    OutpatientVisits,
    /// <summary>Inpatient admissions.</summary>
    InpatientAdmissions,
}

/// <summary>The generating parameters of one institution type and outcome (log scale, per month).</summary>
/// <param name="InstitutionType"><c>hospital</c> or <c>chsi</c>.</param>
/// <param name="Outcome">The outcome.</param>
/// <param name="Level">L: deseasonalised level in January 2016.</param>
/// <param name="PreSlope">b: monthly log slope before the reform.</param>
/// <param name="SlopeChange">d: change in the monthly log slope from the reform on.</param>
/// <param name="SpringFestival">SF: log effect of a full Spring Festival month.</param>
/// <param name="Sigma">Innovation standard deviation of the AR(1) noise.</param>
public sealed record SeriesCalibration(string InstitutionType, Outcome Outcome, Calibrated Level, Calibrated PreSlope,
    Calibrated SlopeChange, Calibrated SpringFestival, Calibrated Sigma);

/// <summary>
/// Every constant of the synthetic Sanming panel, once, with its provenance (data/
/// CALIBRATION.md): [P] published, [D] derived from published figures, [A] assumed. The generator
/// reads them from here and the report prints <see cref="Table"/>.
/// </summary>
public static class Calibration
{
    /// <summary>Institution type of public hospitals.</summary>
    public const string Hospital = "hospital";

    /// <summary>Institution type of community health service institutions (centres and stations).</summary>
    public const string Chsi = "chsi";

    private const string Abstract = "Lin, Liu, Xiang, Luo 2025, abstract";
    private const string Assumed = "assumed (CALIBRATION.md)";

    /// <summary>First month of the study, January 2016 [P].</summary>
    public static Period FirstMonth { get; } = Period.Month(2016, 1);

    /// <summary>Number of monthly points, January 2016 to November 2019 [P].</summary>
    public static Calibrated Months { get; } = new(47, Evidence.Published, Abstract);

    /// <summary>Default intervention month, October 2017 (t = 22) [A]: the payment reform's start (Zhong et al. 2023).</summary>
    public static Period Intervention { get; } = Period.Month(2017, 10);

    /// <summary>Provenance of <see cref="Intervention"/>.</summary>
    public static Calibrated InterventionEvidence { get; } = new(22, Evidence.Assumed, "global budget payment from Oct 2017 (Zhong et al. 2023)");

    /// <summary>AR(1) coefficient of the noise of every series [A].</summary>
    public static Calibrated Rho { get; } = new(0.4, Evidence.Assumed, Assumed);

    /// <summary>Level change at the reform, c = 0 for every series [A].</summary>
    public static Calibrated LevelChange { get; } = new(0, Evidence.Assumed, Assumed);

    /// <summary>The six series: level, pre-slope, slope change, Spring Festival effect, noise.</summary>
    public static IReadOnlyList<SeriesCalibration> Series { get; } =
    [
        Make(Hospital, Outcome.Expenditure, 215_000_000, Evidence.Derived, "scaled from 2,037.8m yuan, 22 hospitals, Jan-Nov 2014", 0.0090, -0.0005, -0.15, 0.020),
        Make(Hospital, Outcome.OutpatientVisits, 440_000, Evidence.Derived, "scaled from 4,797,978 visits, Jan-Nov 2014", 0.0180, -0.0190, -0.14, 0.025),
        Make(Hospital, Outcome.InpatientAdmissions, 28_500, Evidence.Derived, "scaled from 279,177 admissions, Jan-Nov 2014", 0.0080, -0.0052, -0.24, 0.025),
        Make(Chsi, Outcome.Expenditure, 19_500_000, Evidence.Assumed, Assumed, 0.0120, -0.0090, -0.20, 0.040),
        Make(Chsi, Outcome.OutpatientVisits, 180_000, Evidence.Assumed, Assumed, 0.0120, -0.0010, -0.22, 0.045),
        Make(Chsi, Outcome.InpatientAdmissions, 900, Evidence.Assumed, Assumed, 0.0060, 0.0000, -0.25, 0.070),
    ];

    /// <summary>Raw calendar-month offsets M[k, month] of CALIBRATION.md, January first, before centring [A].</summary>
    public static IReadOnlyDictionary<Outcome, double[]> MonthOffsets { get; } = new Dictionary<Outcome, double[]>
    {
        [Outcome.OutpatientVisits] = [.02, -.03, .04, .02, .01, 0, .03, .03, -.01, -.04, -.01, .02],
        [Outcome.InpatientAdmissions] = [.03, -.03, .05, .01, 0, -.01, .01, .01, -.01, -.03, -.01, .02],
        [Outcome.Expenditure] = [.02, -.03, .04, .01, 0, 0, .02, .02, -.01, -.03, -.01, .03],
    };

    /// <summary>
    /// Spring Festival weight w by month [P dates]: 1 in February 2016, 2018 and 2019; 0.6 in
    /// January 2017 and 0.4 in February 2017, when the holiday spanned both.
    /// </summary>
    public static IReadOnlyDictionary<Period, double> SpringFestivalWeights { get; } = new Dictionary<Period, double>
    {
        [Period.Month(2016, 2)] = 1.0,
        [Period.Month(2017, 1)] = 0.6,
        [Period.Month(2017, 2)] = 0.4,
        [Period.Month(2018, 2)] = 1.0,
        [Period.Month(2019, 2)] = 1.0,
    };

    /// <summary>Month of the optional outpatient step (higher employee outpatient reimbursement), August 2016 [P].</summary>
    public static Period OutpatientStepMonth { get; } = Period.Month(2016, 8);

    /// <summary>Size of the optional August 2016 outpatient step, log scale [A], by institution type.</summary>
    public static IReadOnlyDictionary<string, Calibrated> OutpatientStep { get; } = new Dictionary<string, Calibrated>
    {
        [Hospital] = new(0.08, Evidence.Assumed, Assumed),
        [Chsi] = new(0.15, Evidence.Assumed, Assumed),
    };

    /// <summary>
    /// Share of CHSI activity in CHS centres (not stations) [A], used when CHSIs are defined as the
    /// 23 centres only; CALIBRATION.md's levels are for centres and stations (68 institutions).
    /// </summary>
    public static Calibrated CentreShare { get; } = new(0.7, Evidence.Assumed, "assumed: centres are larger than stations; no published split");

    /// <summary>Public hospitals and CHSIs (23 centres, 45 stations) of Sanming in 2017 [P], the institutions of the facility-level panel.</summary>
    public static IReadOnlyDictionary<string, Calibrated> Institutions { get; } = new Dictionary<string, Calibrated>
    {
        [Hospital] = new(46, Evidence.Published, "Sanming health statistics, 2017"),
        [Chsi] = new(68, Evidence.Published, "Sanming health statistics, 2017"),
    };

    /// <summary>
    /// Between-institution variation of the facility-level panel [A], in log units: the SD of
    /// institution size, of an institution's own level change and slope change (per month) at the
    /// reform, and of its month-to-month noise, each relative to its type.
    /// </summary>
    public static IReadOnlyDictionary<string, (Calibrated Size, Calibrated LevelChange, Calibrated SlopeChange, Calibrated Noise)> FacilityVariation { get; } =
        new Dictionary<string, (Calibrated, Calibrated, Calibrated, Calibrated)>
        {
            [Hospital] = (new(0.9, Evidence.Assumed, Assumed), new(0.04, Evidence.Assumed, Assumed), new(0.004, Evidence.Assumed, Assumed), new(0.03, Evidence.Assumed, Assumed)),
            [Chsi] = (new(0.6, Evidence.Assumed, Assumed), new(0.06, Evidence.Assumed, Assumed), new(0.006, Evidence.Assumed, Assumed), new(0.05, Evidence.Assumed, Assumed)),
        };

    /// <summary>The calibration of one series.</summary>
    /// <exception cref="KeyNotFoundException">No such series.</exception>
    public static SeriesCalibration For(string institutionType, Outcome outcome) =>
        Series.FirstOrDefault(s => s.InstitutionType == institutionType && s.Outcome == outcome)
        ?? throw new KeyNotFoundException($"no calibration for {institutionType} {outcome}");

    /// <summary>Data-file column of an outcome.</summary>
    public static string Column(this Outcome outcome) => outcome switch
    {
        Outcome.Expenditure => "expenditure_yuan",
        Outcome.OutpatientVisits => "outpatient_visits",
        _ => "inpatient_admissions",
    };

    /// <summary>Plain name of an outcome.</summary>
    public static string Label(this Outcome outcome) => outcome switch
    {
        Outcome.Expenditure => "expenditure",
        Outcome.OutpatientVisits => "outpatient visits",
        _ => "inpatient admissions",
    };

    /// <summary>The calibration as a table: parameter, series, value, tag, source.</summary>
    public static Its.Reporting.Table Table()
    {
        var rows = new List<IReadOnlyList<string>>
        {
            Row("months (Jan 2016 - Nov 2019)", "all", Months),
            Row("intervention month index t (Oct 2017)", "all", InterventionEvidence),
            Row("AR(1) rho of the noise", "all", Rho),
            Row("level change c", "all", LevelChange),
        };
        foreach (var s in Series)
        {
            string series = $"{s.InstitutionType} {s.Outcome.Label()}";
            rows.Add(Row("level L, Jan 2016", series, s.Level));
            rows.Add(Row("pre-period slope b (log/month)", series, s.PreSlope));
            rows.Add(Row("slope change d (log/month)", series, s.SlopeChange));
            rows.Add(Row("Spring Festival effect SF (log)", series, s.SpringFestival));
            rows.Add(Row("innovation sigma", series, s.Sigma));
        }
        foreach (var (outcome, offsets) in MonthOffsets)
            rows.Add([$"calendar-month offsets M (Jan..Dec, centred)", outcome.Label(),
                string.Join(" ", CentredOffsets(outcome).Select(v => v.ToString("+0.000;-0.000;0", System.Globalization.CultureInfo.InvariantCulture))), "[A]", Assumed]);
        rows.Add(["Spring Festival weight w", "all", string.Join(", ", SpringFestivalWeights.Select(p => $"{p.Key} {p.Value}")), "[P] dates, [A] split", "national holiday calendar"]);
        foreach (var (type, step) in OutpatientStep)
            rows.Add(Row("optional Aug 2016 outpatient step (log)", type, step));
        rows.Add(Row("centres' share of CHSI activity", Chsi, CentreShare));
        foreach (var (type, count) in Institutions)
        {
            var v = FacilityVariation[type];
            rows.Add(Row("institutions (facility-level panel)", type, count));
            rows.Add(Row("facility size SD (log)", type, v.Size));
            rows.Add(Row("facility level change SD (log)", type, v.LevelChange));
            rows.Add(Row("facility slope change SD (log/month)", type, v.SlopeChange));
            rows.Add(Row("facility noise SD (log)", type, v.Noise));
        }
        return new Its.Reporting.Table("Calibration of the synthetic Sanming panel", ["parameter", "series", "value", "tag", "source"], rows);
    }

    /// <summary>The month offsets of an outcome minus their mean, so they sum to 0 over a year.</summary>
    public static double[] CentredOffsets(Outcome outcome)
    {
        var raw = MonthOffsets[outcome];
        double mean = raw.Average();
        return raw.Select(v => v - mean).ToArray();
    }

    private static string[] Row(string parameter, string series, Calibrated c) =>
        [parameter, series, c.Value.ToString("G", System.Globalization.CultureInfo.InvariantCulture), c.Tag, c.Source];

    private static SeriesCalibration Make(string type, Outcome outcome, double level, Evidence levelEvidence, string levelSource,
        double b, double d, double sf, double sigma) =>
        new(type, outcome, new(level, levelEvidence, levelSource), new(b, Evidence.Assumed, Assumed), new(d, Evidence.Assumed, Assumed),
            new(sf, Evidence.Assumed, "size assumed; national Feb drops 13-26% [P]"), new(sigma, Evidence.Assumed, Assumed));
}
