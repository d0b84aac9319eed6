using System.CommandLine;
using System.Globalization;
using Its.Data;
using Its.Model;
using Its.Reporting;
using Its.Time;

namespace Its.Cli;

/// <summary><c>its fit</c>: one series, one model, one report.</summary>
public static class FitCommand
{
    private static readonly Argument<string> Csv = new("csv") { Description = "CSV file with a header row" };
    private static readonly Option<string> Outcome = new("--outcome") { Description = "Outcome column", Required = true };
    private static readonly Option<string?> Date = new("--date") { Description = "Date column: YYYY-MM, YYYY-MM-DD, YYYY-Qn or a year (default: month)" };
    private static readonly Option<string?> Year = new("--year") { Description = "Year column (with --month for monthly data, alone for annual data)" };
    private static readonly Option<string?> Month = new("--month") { Description = "Calendar month column (1-12), with --year" };
    private static readonly Option<string?> PeriodOption = new("--period") { Description = "month, quarter or year (inferred from the dates when omitted)" };
    private static readonly Option<string[]> Where = new("--where") { Description = "COL=VALUE: keep only these rows (one unit of a long file); repeatable" };
    private static readonly Option<string[]> Interruption = new("--interruption") { Description = "Interruption period, as the dates are written; repeatable", Required = true };
    private static readonly Option<string> ImpactOption = new("--impact") { Description = "level+slope, level or slope", DefaultValueFactory = _ => "level+slope" };
    private static readonly Option<int> Transition = new("--transition") { Description = "Periods left out of the fit from each interruption on (washout)", DefaultValueFactory = _ => 0 };
    private static readonly Option<string> Transform = new("--transform") { Description = "none or log", DefaultValueFactory = _ => "none" };
    private static readonly Option<string> SeasonalityOption = new("--seasonality") { Description = "none, month (11 dummies) or fourier:K", DefaultValueFactory = _ => "none" };
    private static readonly Option<string[]> Covariate = new("--covariate") { Description = "Covariate column; repeatable" };
    private static readonly Option<string> Errors = new("--errors") { Description = "ols, hc0-hc3, newey:L, newey:auto, newey:r-default, prais, cochrane-orcutt, gls-ar:P[:ml][:satterthwaite], gls-arma:P,Q, arima:p,0,q, arima:auto", DefaultValueFactory = _ => "ols" };
    private static readonly Option<string[]> EffectsAt = new("--effects-at") { Description = "Horizons K (periods after the first interruption, 0 = that period), e.g. 0,12,24" };
    private static readonly Option<string> FamilyOption = new("--family") { Description = "gaussian, poisson, quasipoisson or negbin (count families use a log link)", DefaultValueFactory = _ => "gaussian" };
    private static readonly Option<string?> Offset = new("--offset") { Description = "Population-at-risk column of a count model; log(COL) is the offset" };
    private static readonly Option<int> TestLag = new("--test-lag") { Description = "Lag of the Ljung-Box and Box-Pierce tests and of the residual ACF/PACF", DefaultValueFactory = _ => 12 };
    private static readonly Option<bool> AllowGaps = new("--allow-gaps") { Description = "Fit a series with missing periods instead of refusing it" };
    private static readonly Option<string> Format = new("--format") { Description = "table, json, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };

    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var command = new Command("fit", "Fit a segmented regression to one series and print coefficients, diagnostics and effects");
        command.Arguments.Add(Csv);
        foreach (var o in new Option[] { Outcome, Date, Year, Month, PeriodOption, Where, Interruption, ImpactOption, Transition, Transform, SeasonalityOption, Covariate, FamilyOption, Offset, Errors, EffectsAt, TestLag, AllowGaps, Format })
            command.Options.Add(o);
        command.SetAction(result => Run(result, output));
        return command;
    }

    private static int Run(ParseResult p, TextWriter output)
    {
        var format = OptionParsing.Format(p.GetValue(Format)!);
        var transform = OptionParsing.Parse(() => OptionNames.ParseTransform(p.GetValue(Transform)!), "--transform");
        var family = OptionParsing.Parse(() => FamilyNames.Parse(p.GetValue(FamilyOption)!), "--family");
        if (p.GetValue(Offset) is not null && !family.IsCount()) throw new InputError("--offset needs --family poisson, quasipoisson or negbin");
        if (family.IsCount() && transform != OutcomeTransform.None) throw new InputError($"--transform {transform.Name()}: --family {family.Name()} has a log link already");
        var seriesOptions = new SeriesOptions
        {
            Outcome = p.GetValue(Outcome)!,
            Date = p.GetValue(Date),
            Year = p.GetValue(Year),
            Month = p.GetValue(Month),
            Period = p.GetValue(PeriodOption) is { } f ? ParseFrequency(f) : null,
            Where = p.GetValue(Where) ?? [],
            Covariates = p.GetValue(Covariate) ?? [],
            AllowGaps = p.GetValue(AllowGaps),
            PositiveOutcome = transform == OutcomeTransform.Log,
            Family = family,
            Offset = p.GetValue(Offset),
        };
        var spec = new ItsSpec
        {
            Interruptions = [],
            Impact = OptionParsing.Parse(() => OptionNames.ParseImpact(p.GetValue(ImpactOption)!), "--impact"),
            TransitionPeriods = p.GetValue(Transition) is >= 0 and var t ? t : throw new InputError($"--transition {p.GetValue(Transition)}: must be 0 or more"),
            Transform = transform,
            Seasonality = OptionParsing.Parse(() => Seasonality.Parse(p.GetValue(SeasonalityOption)!), "--seasonality"),
            Covariates = seriesOptions.Covariates,
            Family = family,
            Offset = seriesOptions.Offset,
            Errors = OptionParsing.Parse(() => ErrorModel.Parse(p.GetValue(Errors)!), "--errors"),
            EffectsAt = ParseHorizons(p.GetValue(EffectsAt) ?? []),
            PortmanteauLag = p.GetValue(TestLag) is >= 1 and var lag ? lag : throw new InputError($"--test-lag {p.GetValue(TestLag)}: must be 1 or more"),
        };
        string file = p.GetValue(Csv)!;
        var series = SeriesLoader.Load(CsvData.Read(file), seriesOptions);
        spec = spec with
        {
            Interruptions = (p.GetValue(Interruption) ?? []).Select(i =>
                Period.TryParse(i, series.Frequency, out var period, out string error) ? period : throw new InputError($"--interruption {i}: {error}")).ToArray(),
        };
        try
        {
            var result = new ItsModel(series, spec).Fit();
            output.Write(ResultReport.Render(result, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        }
        catch (ItsException e)
        {
            throw new InputError($"{file}: {e.Message}");
        }
    }

    private static Frequency ParseFrequency(string text) => text.Trim().ToLowerInvariant() switch
    {
        "month" or "monthly" => Frequency.Month,
        "quarter" or "quarterly" => Frequency.Quarter,
        "year" or "annual" or "yearly" => Frequency.Year,
        _ => throw new InputError($"--period {text}: expected month, quarter or year"),
    };

    private static int[] ParseHorizons(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int k)
                ? k : throw new InputError($"--effects-at {v}: expected whole numbers >= 0, e.g. 0,12,24"))
            .ToArray();
}
