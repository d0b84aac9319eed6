using System.CommandLine;
using Its.Data;
using Its.Model;
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
        var seasonality = new Option<string>("--seasonality") { Description = "Seasonal terms of the fits: none, month or fourier:K (the simulated series have none)", DefaultValueFactory = _ => "none" };
        var impact = new Option<string>("--impact") { Description = "Interruption terms of the fits: level+slope, level or slope", DefaultValueFactory = _ => "level+slope" };
        var period = new Option<string>("--period") { Description = "month, quarter or year", DefaultValueFactory = _ => "month" };
        var replicates = new Option<int>("--replicates") { Description = "Number of simulated series", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same result", DefaultValueFactory = _ => 1 };
        var alpha = new Option<double>("--alpha") { Description = "Significance level of the two-sided tests", DefaultValueFactory = _ => 0.05 };
        var format = new Option<string>("--format") { Description = "table, json, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };
        var command = new Command("power", "Power of an ITS study by simulation: how often the level and slope changes are found, and how well the intervals cover them");
        foreach (var o in new Option[] { before, after, level, slope, rho, sd, errors, seasonality, impact, period, replicates, seed, alpha, format })
            command.Options.Add(o);
        command.SetAction(p =>
        {
            var reportFormat = OptionParsing.Format(p.GetValue(format)!);
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
            return Simulate(output, scenario, reportFormat);
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
        var command = new Command("from-data", "Power of a study like the one in a CSV: its periods before and after, and the AR(1) rho and innovation SD of a Prais-Winsten fit of the model");
        options.AddTo(command);
        foreach (var o in new Option[] { level, slope, replicates, seed, alpha }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            var (series, spec) = options.Load(p);
            var scenario = FitCommand.FitOrExplain(options.File(p), () => PowerScenario.Like(series, spec)) with
            {
                LevelChange = p.GetValue(level),
                SlopeChange = p.GetValue(slope),
                Replicates = p.GetValue(replicates),
                Seed = p.GetValue(seed),
                Alpha = p.GetValue(alpha),
            };
            return Simulate(output, scenario, format);
        });
        return command;
    }

    private static int Simulate(TextWriter output, PowerScenario scenario, ReportFormat format)
    {
        if (scenario.Problem() is { } problem)
            throw new InputError($"{Options.GetValueOrDefault(problem.Property, problem.Property)} {problem.Value}: {problem.Reason}");
        output.Write(PowerReport.Render(PowerSimulation.Run(scenario), format));
        if (format == ReportFormat.Json) output.WriteLine();
        return ExitCodes.Success;
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
