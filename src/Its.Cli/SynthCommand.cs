using System.CommandLine;
using Its.Comparison;
using Its.Data;
using Its.Plots;
using Its.Reporting;
using Its.Synthetic;
using Its.Time;

namespace Its.Cli;

/// <summary>
/// <c>its synth</c>: Abadie et al.'s synthetic control on a long panel (one row per unit and
/// period), matching predictors with optimised V weights as R's Synth, with the placebo in space,
/// and leave-one-out and an in-time placebo when asked for.
/// </summary>
public static class SynthCommand
{
    private static readonly string[] FigureKinds = ["path", "gaps", "weights", "leave-one-out"];

    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var data = new DataOptions();
        var figure = new FigureOption();
        var unit = new Option<string>("--unit") { Description = "Column naming each row's unit (state, city)", Required = true };
        var treated = new Option<string>("--treated") { Description = "The treated unit", Required = true };
        var interruption = new Option<string>("--interruption") { Description = "The first treated period, e.g. 1989 or 2017-10", Required = true };
        var predictor = new Option<string[]>("--predictor") { Description = "A predictor: the mean of a column over pre-period years, COLUMN:FROM-TO (lnincome:1980-1988), COLUMN:FROM..TO (any periods) or COLUMN:PERIOD (cigsale:1975); repeatable. None: match the pre-period outcome path", AllowMultipleArgumentsPerToken = false };
        var skipPlacebos = new Option<bool>("--skip-placebos") { Description = "Leave out the placebo in space (a synthetic control for every donor, the slow part)" };
        var leaveOneOut = new Option<bool>("--leave-one-out") { Description = "Also refit without each donor that has weight" };
        var inTime = new Option<string?>("--in-time") { Description = "Also the in-time placebo: the synthetic control as if the interruption came at this earlier period" };
        var inTimePredictor = new Option<string[]>("--in-time-predictor") { Description = "A predictor of the in-time placebo (as --predictor; default: the predictors moved back by the distance between the two dates, those then without values left out); repeatable" };
        var figureKind = new Option<string>("--figure-kind") { Description = "The --figure: path (treated and synthetic), gaps (every placebo's gap, the treated unit's on top), weights (donor weights) or leave-one-out", DefaultValueFactory = _ => "path" };
        var gapsLimit = new Option<double?>("--gaps-limit") { Description = "With --figure-kind gaps: leave out placebos whose pre-period MSPE is more than this many times the treated unit's (Abadie et al. use 20, 5 and 2)" };
        var command = new Command("synth", "Synthetic control (Abadie, Diamond and Hainmueller 2010) as R Synth: donor weights matching predictors with optimised V weights, the gap, the placebo in space and its permutation p value, leave-one-out and in-time placebos");
        data.AddColumns(command);
        foreach (var o in new Option[] { unit, treated, interruption, predictor, skipPlacebos, leaveOneOut, inTime, inTimePredictor }) command.Options.Add(o);
        figure.AddTo(command);
        command.Options.Add(figureKind);
        command.Options.Add(gapsLimit);
        data.AddFormat(command);
        command.SetAction(p =>
        {
            string? figureFile = figure.Path(p);
            string kind = p.GetValue(figureKind)!.Trim().ToLowerInvariant();
            if (!FigureKinds.Contains(kind)) throw new InputError($"--figure-kind {kind}: expected {string.Join(", ", FigureKinds)}");
            if (kind == "gaps" && p.GetValue(skipPlacebos)) throw new InputError("--figure-kind gaps draws the placebos: leave out --skip-placebos");
            if (kind == "leave-one-out" && !p.GetValue(leaveOneOut)) throw new InputError("--figure-kind leave-one-out needs --leave-one-out");
            if (p.GetValue(gapsLimit) is { } limit && !(limit > 0)) throw new InputError($"--gaps-limit {limit}: must be more than 0");
            if (p.GetValue(inTimePredictor) is { Length: > 0 } && p.GetValue(inTime) is null) throw new InputError("--in-time-predictor needs --in-time");
            var format = data.Format(p);
            string file = data.File(p), column = p.GetValue(unit)!;
            var options = data.Series(p);
            var table = TextTable.Read(file, data.Table(p));
            var units = SeriesLoader.LoadGroups(table, options, column, "--unit").Select(g => new GroupSeries(g.Group, g.Series)).ToArray();
            var frequency = units[0].Series.Frequency;
            string? dateFormat = data.Table(p).DateFormat;
            Period Read(string text, string option) => SpecOptions.Period(text, frequency, dateFormat, option);
            SynthPredictor[] Predictors(Option<string[]> option) => (p.GetValue(option) ?? []).Select(text =>
                OptionParsing.Parse(() => SynthPredictor.Parse(text, t => Read(t, option.Name)), option.Name)).ToArray();
            var predictors = Predictors(predictor);
            // Every covariate a predictor names, one series per unit, its missing cells allowed (skipped in the means).
            var named = predictors.Concat(Predictors(inTimePredictor)).Select(x => x.Column).Where(c => c != options.Outcome).Distinct().ToArray();
            foreach (string c in named) table.Column(c, "--predictor");
            var covariates = named.ToDictionary(c => c, c => (IReadOnlyList<GroupSeries>)SeriesLoader.LoadGroups(table, options with { Outcome = c, AllowGaps = true }, column, "--unit")
                    .Select(g => new GroupSeries(g.Group, g.Series)).ToArray());
            var start = Read(p.GetValue(interruption)!, "--interruption");
            var panel = FitCommand.FitOrExplain(file, () => new PanelOutcomes(units, [p.GetValue(treated)!], start));
            var inputs = new SynthInputs(panel, options.Outcome, predictors, covariates);
            var findings = FitCommand.FitOrExplain(file, () =>
            {
                var fit = SyntheticControl.Fit(inputs);
                var space = p.GetValue(skipPlacebos) ? null : SyntheticControl.PlaceboInSpace(inputs);
                var loo = p.GetValue(leaveOneOut) ? SyntheticControl.LeaveOneOut(inputs, fit) : null;
                var time = p.GetValue(inTime) is { } pseudo
                    ? SyntheticControl.InTime(inputs, Read(pseudo, "--in-time"), p.GetValue(inTimePredictor) is { Length: > 0 } ? Predictors(inTimePredictor) : null)
                    : null;
                return new SynthReport.Findings(fit, space, loo, time);
            });
            FigureOption.Write(figureFile, f =>
            {
                var fit = findings.Fit;
                switch (kind)
                {
                    case "weights": FigureExport.Write(ChartFigure.Weights(fit), f); break;
                    case "gaps": FigureExport.Write(LineFigure.Gaps(findings.Space!, panel.Periods, panel.Interruption, options.Outcome, p.GetValue(gapsLimit)), f); break;
                    default: FigureExport.Write(LineFigure.From(fit, options.Outcome, kind == "leave-one-out" ? findings.LeaveOneOut : null), f); break;
                }
            });
            output.Write(SynthReport.Render(panel, options.Outcome, findings, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
