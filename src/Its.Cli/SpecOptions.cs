using System.CommandLine;
using Its.Data;
using Its.Model;
using Its.Time;

namespace Its.Cli;

/// <summary>
/// The options that make a model spec from a series' point of view, shared by the single-series
/// commands (through <see cref="ModelOptions"/>) and <c>panel</c>: interruptions, impact,
/// transition, transform, seasonality and errors.
/// </summary>
public sealed class SpecOptions
{
    private readonly Option<string[]> _interruption = new("--interruption") { Description = "Interruption period, as the dates are written; repeatable", Required = true };
    private readonly Option<string> _impact = new("--impact") { Description = "level+slope, level (step), slope (ramp), pulse, or a transfer function with an estimated rate, gradual or decay (a fixed one: gradual:0.5)", DefaultValueFactory = _ => "level+slope" };
    private readonly Option<int> _transition = new("--transition") { Description = "Periods left out of the fit from each interruption on (washout)", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _transform = new("--transform") { Description = "none or log", DefaultValueFactory = _ => "none" };
    private readonly Option<string> _seasonality = new("--seasonality") { Description = "none, month (11 dummies, monthly data), quarter (3 dummies, quarterly data) or fourier:K (K pairs of period 12 or 4)", DefaultValueFactory = _ => "none" };
    private readonly Option<string> _errors;

    /// <summary>Makes the options; <paramref name="defaultErrors"/> is the <c>--errors</c> default, <paramref name="errorsHelp"/> lists the choices.</summary>
    public SpecOptions(string defaultErrors = "ols",
        string errorsHelp = "ols, hc0-hc3, newey:L, newey:L:parzen, newey:L:qs, newey:auto, newey:r-default, prais, cochrane-orcutt, gls-ar:P[:ml][:satterthwaite], gls-arma:P,Q, arima:p,d,q, arima:p,d,q:P,D,Q (seasonal), arima:auto")
    {
        _errors = new("--errors") { Description = errorsHelp, DefaultValueFactory = _ => defaultErrors };
    }

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var o in new Option[] { _interruption, _impact, _transition, _transform, _seasonality, _errors })
            command.Options.Add(o);
    }

    /// <summary>Reads the spec; its interruptions are still empty (they need the data's frequency).</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public ItsSpec Read(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (impact, rate) = OptionParsing.Parse(() => OptionNames.ParseImpactAndRate(p.GetValue(_impact)!), "--impact");
        return new ItsSpec
        {
            Interruptions = [],
            Impact = impact,
            Rate = rate,
            TransitionPeriods = p.GetValue(_transition) is >= 0 and var t ? t : throw new InputError($"--transition {p.GetValue(_transition)}: must be 0 or more"),
            Transform = OptionParsing.Parse(() => OptionNames.ParseTransform(p.GetValue(_transform)!), "--transform"),
            Seasonality = OptionParsing.Parse(() => Seasonality.Parse(p.GetValue(_seasonality)!), "--seasonality"),
            Errors = OptionParsing.Parse(() => ErrorModel.Parse(p.GetValue(_errors)!), "--errors"),
        };
    }

    /// <summary>The frequency the first <c>--interruption</c> is written in (2018-01 a month, 2018-Q1 a quarter, 2018 a year); null when it is not a period.</summary>
    public Frequency? InterruptionFrequency(ParseResult p) =>
        (p.GetValue(_interruption) ?? []).FirstOrDefault() is { } first && DateText.TryParse(first, null, null, out var period, out UserMessage _) ? period.Frequency : null;

    /// <summary>The spec with its interruptions read in the data's frequency, written as the data's dates are (with their <c>--date-format</c>, if any) or as 2018-01, 2018-Q1, 2018.</summary>
    /// <exception cref="InputError">An interruption is not a period of that frequency.</exception>
    public ItsSpec WithInterruptions(ParseResult p, ItsSpec spec, Frequency frequency, string? dateFormat)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with
        {
            Interruptions = (p.GetValue(_interruption) ?? []).Select(i => Period(i, frequency, dateFormat, "--interruption")).ToArray(),
        };
    }

    /// <summary>A period given in an option, written as the data's dates are or in the canonical form.</summary>
    /// <exception cref="InputError">The text is not a period of that frequency.</exception>
    public static Period Period(string text, Frequency frequency, string? dateFormat, string option) =>
        DateText.TryParse(text.Trim(), frequency, dateFormat, out var period, out var error) ? period : throw new InputError(new UserMessage($"{option} {text}: {error}"));
}
