using System.CommandLine;
using Its.Data;
using System.Globalization;
using Its.Model;
using Its.Plots;
using Its.Reporting;
using Its.Robustness;

namespace Its.Cli;

/// <summary>
/// <c>its power</c>: the power of a planned ITS study by simulation (<see cref="PowerSimulation"/>):
/// the share of simulated series in which the level and slope changes are significant, with the
/// mean estimate, its spread, the mean model SE and the coverage of the 95% CI.
/// </summary>
public static class PowerCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var before = new Option<int>("--before") { Description = "Periods before the interruption", Required = true };
        var after = new Option<int>("--after") { Description = "Periods from the interruption on", Required = true };
        var level = new Option<double>("--level") { Description = "True level change at the interruption, on the outcome's scale", Required = true };
        var slope = new Option<double>("--slope") { Description = "True slope change per period, on the outcome's scale", Required = true };
        var rho = new Option<double>("--rho") { Description = "AR(1) autocorrelation of the errors, between -1 and 1", DefaultValueFactory = _ => 0 };
        var sd = new Option<double>("--sd") { Description = "SD of the AR(1) innovations (the errors' SD when rho is 0)", DefaultValueFactory = _ => 1 };
        var errors = new Option<string>("--errors") { Description = "Error model of the fits (see its fit --help)", DefaultValueFactory = _ => "ols" };
        var seasonality = new Option<string>("--seasonality") { Description = "Seasonal terms of the fits: none, month, quarter or fourier:K (the simulated series have none)", DefaultValueFactory = _ => "none" };
        var impact = new Option<string>("--impact") { Description = "Interruption terms of the fits: level+slope, level or slope", DefaultValueFactory = _ => "level+slope" };
        var period = new Option<string>("--period") { Description = "month, quarter or year", DefaultValueFactory = _ => "month" };
        var replicates = new Option<int>("--replicates") { Description = "Number of simulated series", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same result", DefaultValueFactory = _ => 1 };
        var alpha = new Option<double>("--alpha") { Description = "Significance level of the two-sided tests", DefaultValueFactory = _ => 0.05 };
        var format = new Option<string>("--format") { Description = "table, json, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };
        var figure = new FigureOption();
        var curve = new CurveOptions();
        var command = new Command("power", "Power of an ITS study by simulation: how often the level and slope changes are found, and how well the intervals cover them");
        foreach (var o in new Option[] { before, after, level, slope, rho, sd, errors, seasonality, impact, period, replicates, seed, alpha, format })
            command.Options.Add(o);
        figure.AddTo(command);
        curve.AddTo(command);
        command.SetAction(p =>
        {
            var reportFormat = OptionParsing.Format(p.GetValue(format)!);
            string? figureFile = figure.Path(p);
            var effects = curve.Effects(p);
            var scenario = new PowerScenario
            {
                PeriodsBefore = p.GetValue(before),
                PeriodsAfter = p.GetValue(after),
                LevelChange = p.GetValue(level),
                SlopeChange = p.GetValue(slope),
                Rho = p.GetValue(rho),
                InnovationSd = p.GetValue(sd),
                Frequency = OptionParsing.Frequency(p.GetValue(period)!),
                Impact = OptionParsing.Parse(() => OptionNames.ParseImpact(p.GetValue(impact)!), "--impact"),
                Seasonality = OptionParsing.Parse(() => Seasonality.Parse(p.GetValue(seasonality)!), "--seasonality"),
                Errors = OptionParsing.Parse(() => ErrorModel.Parse(p.GetValue(errors)!), "--errors"),
                Replicates = p.GetValue(replicates),
                Seed = p.GetValue(seed),
                Alpha = p.GetValue(alpha),
            };
            return Simulate(output, scenario, reportFormat, figureFile, curve.Effect(p), effects);
        });
        command.Subcommands.Add(FromData(output));
        return command;
    }

    // its power from-data: the length, rho and SD of an observed series, the effects given.
    private static Command FromData(TextWriter output)
    {
        var options = new ModelOptions();
        var level = new Option<double>("--level") { Description = "True level change at the interruption, on the model's scale (log units with --transform log)", Required = true };
        var slope = new Option<double>("--slope") { Description = "True slope change per period, on the model's scale", Required = true };
        var replicates = new Option<int>("--replicates") { Description = "Number of simulated series", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same result", DefaultValueFactory = _ => 1 };
        var alpha = new Option<double>("--alpha") { Description = "Significance level of the two-sided tests", DefaultValueFactory = _ => 0.05 };
        var figure = new FigureOption();
        var curve = new CurveOptions();
        var command = new Command("from-data", "Power of a study like the one in a CSV: its periods before and after, and the AR(1) rho and innovation SD of a Prais-Winsten fit of the model");
        options.AddTo(command);
        foreach (var o in new Option[] { level, slope, replicates, seed, alpha }) command.Options.Add(o);
        figure.AddTo(command);
        curve.AddTo(command);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            string? figureFile = figure.Path(p);
            var effects = curve.Effects(p);
            var (series, spec) = options.Load(p);
            var scenario = FitCommand.FitOrExplain(options.File(p), () => PowerScenario.Like(series, spec)) with
            {
                LevelChange = p.GetValue(level),
                SlopeChange = p.GetValue(slope),
                Replicates = p.GetValue(replicates),
                Seed = p.GetValue(seed),
                Alpha = p.GetValue(alpha),
            };
            return Simulate(output, scenario, format, figureFile, curve.Effect(p), effects);
        });
        return command;
    }

    private static int Simulate(TextWriter output, PowerScenario scenario, ReportFormat format, string? figureFile, PowerCurveEffect effect, IReadOnlyList<double>? effects)
    {
        if (scenario.Problem() is { } problem)
            throw new InputError($"{Options.GetValueOrDefault(problem.Property, problem.Property)} {problem.Value}: {problem.Reason}");
        var result = PowerSimulation.Run(scenario);
        if (effects is not null)
        {
            // The power curve: the same scenario and seeds at every effect size.
            var points = PowerCurve.Run(scenario, effect, effects);
            string term = PowerCurve.Term(effect);
            if (points[0].Terms.All(t => t.Term != term)) throw new InputError($"--curve-of {OptionName(effect)}: the fitted model has no {ChartFigure.TermName(term)} (see --impact)");
            FigureOption.Write(figureFile, file => FigureExport.Write(ChartFigure.Power(points, term), file));
            output.Write(PowerReport.Render(result, format));
            if (format == ReportFormat.Json) output.WriteLine();
            if (format is ReportFormat.Text or ReportFormat.Markdown) output.Write(Environment.NewLine + CurveTable(points, term, format));
            return ExitCodes.Success;
        }
        // Without a curve, one point per term: the power of the scenario with its Monte Carlo interval.
        ChartFigureFiles.Write(figureFile, result.Terms.Select(t => t.Term).ToArray(), term => ChartFigure.Power([result], term));
        output.Write(PowerReport.Render(result, format));
        if (format == ReportFormat.Json) output.WriteLine();
        return ExitCodes.Success;
    }

    private static string OptionName(PowerCurveEffect effect) => effect == PowerCurveEffect.Level ? "level" : "slope";

    private static string CurveTable(IReadOnlyList<PowerResult> points, string term, ReportFormat format)
    {
        var table = new Table($"Power curve of the {ChartFigure.TermName(term)}", [$"true {term}", "power", "Monte Carlo 95% interval"],
            points.Select(r =>
            {
                var t = r[term];
                return (IReadOnlyList<string>)[t.TrueValue.ToString("G6", CultureInfo.InvariantCulture), t.Power.ToString("0.000", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, t.Power - 1.96 * t.MonteCarloSe):0.000} to {Math.Min(1, t.Power + 1.96 * t.MonteCarloSe):0.000}")];
            }).ToArray());
        return format == ReportFormat.Markdown ? table.ToMarkdown() : table.ToText();
    }

    // --curve 0,0.005,0.01 and --curve-of level|slope: the power at each effect size, for the figure.
    private sealed class CurveOptions
    {
        private readonly Option<string?> _curve = new("--curve") { Description = "Effect sizes of a power curve, comma-separated (e.g. 0,0.005,0.01): the scenario simulated at each with the same seeds, drawn by --figure and listed after a table or markdown report" };
        private readonly Option<string> _of = new("--curve-of") { Description = "The change --curve varies: level or slope", DefaultValueFactory = _ => "slope" };

        public void AddTo(Command command)
        {
            command.Options.Add(_curve);
            command.Options.Add(_of);
        }

        public IReadOnlyList<double>? Effects(ParseResult p)
        {
            _ = Effect(p);
            if (p.GetValue(_curve) is not { } text) return null;
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length > 50) throw new InputError($"--curve {text}: at most 50 effect sizes");
            return parts.Select(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double e) && double.IsFinite(e)
                ? e : throw new InputError($"--curve {text}: '{part}' is not a number (give effect sizes separated by commas, e.g. 0,0.005,0.01)")).ToArray();
        }

        public PowerCurveEffect Effect(ParseResult p) => p.GetValue(_of)!.Trim().ToLowerInvariant() switch
        {
            "level" => PowerCurveEffect.Level,
            "slope" => PowerCurveEffect.Slope,
            var other => throw new InputError($"--curve-of {other}: must be level or slope"),
        };
    }

    // The option that sets each scenario property the library may refuse.
    private static readonly Dictionary<string, string> Options = new()
    {
        [nameof(PowerScenario.PeriodsBefore)] = "--before",
        [nameof(PowerScenario.PeriodsAfter)] = "--after",
        [nameof(PowerScenario.LevelChange)] = "--level",
        [nameof(PowerScenario.SlopeChange)] = "--slope",
        [nameof(PowerScenario.Rho)] = "--rho",
        [nameof(PowerScenario.InnovationSd)] = "--sd",
        [nameof(PowerScenario.Replicates)] = "--replicates",
        [nameof(PowerScenario.Alpha)] = "--alpha",
    };
}
