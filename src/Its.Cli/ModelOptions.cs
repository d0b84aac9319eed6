using System.CommandLine;
using System.Globalization;
using Its.Data;
using Its.Model;
using Its.Reporting;
using Its.Time;

namespace Its.Cli;

/// <summary>
/// The options every model-fitting command shares (<c>fit</c>, <c>compare</c>, <c>placebo</c>,
/// <c>sensitivity</c>, <c>breaks</c>, <c>power from-data</c>): the table file and how it is read,
/// its columns, the model and the output format. Each
/// command makes its own instance, as a System.CommandLine option belongs to one command.
/// </summary>
public sealed class ModelOptions
{
    private readonly Option<string[]> _covariate = new("--covariate") { Description = "Covariate column; repeatable" };
    private readonly Option<string[]> _effectsAt = new("--effects-at") { Description = "Horizons K (periods after the first interruption, 0 = that period), e.g. 0,12,24" };
    private readonly Option<string?> _cumulative = new("--cumulative") { Description = "Sum the effects over periods K1 to K2 after the first interruption: K1:K2, K1: (to the end of the series) or all" };
    private readonly Option<string> _family = new("--family") { Description = "gaussian, poisson, quasipoisson or negbin (count families use a log link)", DefaultValueFactory = _ => "gaussian" };
    private readonly Option<string?> _offset = new("--offset") { Description = "Population-at-risk column of a count model; log(COL) is the offset" };
    private readonly Option<int> _testLag = new("--test-lag") { Description = "Lag of the Ljung-Box and Box-Pierce tests, of the residual ACF/PACF and the largest Cumby-Huizinga lag", DefaultValueFactory = _ => 12 };
    private readonly Option<string?> _cumbyHuizinga = new("--cumby-huizinga") { Description = "Cumby-Huizinga variant, as Stata actest's options: robust (the default) or homoskedastic, with q0, bp (Box-Pierce, homoskedastic), small; comma-separated" };
    private readonly Option<bool> _allowGaps = new("--allow-gaps") { Description = "Fit a series with missing periods (rows absent, or an outcome that is missing) instead of refusing it" };
    private readonly Option<string?> _shareOf = new("--share-of") { Description = "COL=VALUE: fit the share (%) of the rows with COL=VALUE in the total of all COL values, period by period" };

    private readonly DataOptions _data = new();
    private readonly SpecOptions _spec;

    /// <summary>Makes the options; <paramref name="defaultErrors"/> is the <c>--errors</c> default.</summary>
    public ModelOptions(string defaultErrors = "ols") => _spec = new SpecOptions(defaultErrors);

    /// <summary>Adds the argument and the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        _data.AddColumns(command);
        _spec.AddTo(command);
        foreach (var o in new Option[] { _covariate, _family, _offset, _effectsAt, _cumulative, _testLag, _cumbyHuizinga, _allowGaps, _shareOf })
            command.Options.Add(o);
        _data.AddFormat(command);
    }

    /// <summary>The table file given.</summary>
    public string File(ParseResult p) => _data.File(p);

    /// <summary>The output format.</summary>
    public ReportFormat Format(ParseResult p) => _data.Format(p);

    /// <summary>Reads the options into the loader's options and a spec whose interruptions are still empty (they need the data's frequency).</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public (SeriesOptions Series, ItsSpec Spec) Read(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var spec = _spec.Read(p);
        var transform = spec.Transform;
        var family = OptionParsing.Parse(() => FamilyNames.Parse(p.GetValue(_family)!), "--family");
        if (p.GetValue(_offset) is not null && !family.IsCount()) throw new InputError("--offset needs --family poisson, quasipoisson or negbin");
        if (family.IsCount() && transform != OutcomeTransform.None) throw new InputError($"--transform {transform.Name()}: --family {family.Name()} has a log link already");
        var series = _data.Series(p) with
        {
            Covariates = p.GetValue(_covariate) ?? [],
            AllowGaps = p.GetValue(_allowGaps),
            PositiveOutcome = transform == OutcomeTransform.Log,
            Family = family,
            Offset = p.GetValue(_offset),
        };
        spec = spec with
        {
            Covariates = series.Covariates,
            Family = family,
            Offset = series.Offset,
            EffectsAt = ParseHorizons(p.GetValue(_effectsAt) ?? []),
            Cumulative = p.GetValue(_cumulative) is { } window ? OptionParsing.Parse(() => EffectWindow.Parse(window), "--cumulative") : null,
            PortmanteauLag = p.GetValue(_testLag) is >= 1 and var lag ? lag : throw new InputError($"--test-lag {p.GetValue(_testLag)}: must be 1 or more"),
            CumbyHuizinga = p.GetValue(_cumbyHuizinga) is { } ch ? OptionParsing.Parse(() => Diagnostics.CumbyHuizingaOptions.Parse(ch), "--cumby-huizinga") : Diagnostics.CumbyHuizingaOptions.General,
        };
        return (series, spec);
    }

    /// <summary>How the table file is read.</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public TableOptions Table(ParseResult p) => _data.Table(p);

    /// <summary>The spec with its interruptions read in the data's frequency.</summary>
    /// <exception cref="InputError">An interruption is not a period of that frequency.</exception>
    public ItsSpec WithInterruptions(ParseResult p, ItsSpec spec, Frequency frequency) => _spec.WithInterruptions(p, spec, frequency, Table(p).DateFormat);

    /// <summary>The <c>--share-of</c> value, or null.</summary>
    public string? ShareOf(ParseResult p) => p.GetValue(_shareOf);

    /// <summary>
    /// Reads the options and loads the one series they select (or, with <c>--share-of</c>, the
    /// share series of a panel): the whole job of a single-series command before it fits.
    /// </summary>
    /// <exception cref="InputError">Bad options or bad data, with the location.</exception>
    public (TimeSeries Series, ItsSpec Spec) Load(ParseResult p)
    {
        var (seriesOptions, spec) = Read(p);
        var data = TextTable.Read(File(p), Table(p));
        var series = ShareOf(p) is { } share ? Share(data, seriesOptions, share) : SeriesLoader.Load(data, seriesOptions);
        return (series, WithInterruptions(p, spec, series.Frequency));
    }

    private static TimeSeries Share(TextTable data, SeriesOptions options, string shareOf)
    {
        int eq = shareOf.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new InputError($"--share-of {shareOf}: expected COL=VALUE");
        string column = shareOf[..eq].Trim(), value = shareOf[(eq + 1)..].Trim();
        if (options.Family.IsCount()) throw new InputError($"--share-of: a share is a percentage, not a count; use --family gaussian (with --transform log if wanted)");
        // The parts may be zero in some periods; only the share has to be positive for a log model.
        var parts = SeriesLoader.LoadGroups(data, options with { PositiveOutcome = false }, column, "--share-of")
            .Select(g => new Comparison.GroupSeries(g.Group, g.Series)).ToArray();
        if (parts.All(g => g.Name != value))
            throw new InputError($"--share-of {shareOf}: no row has {column}={value} (values: {string.Join(", ", parts.Select(g => g.Name))})");
        try
        {
            return Comparison.PanelSeries.Share(parts, [value], $"{value} share of {options.Outcome} (%)");
        }
        catch (ItsException e) { throw new InputError(new UserMessage($"{data.File}: --share-of {shareOf}: {e.Text}")); }
    }

    private static int[] ParseHorizons(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int k)
                ? k : throw new InputError($"--effects-at {v}: expected whole numbers >= 0, e.g. 0,12,24"))
            .ToArray();
}
