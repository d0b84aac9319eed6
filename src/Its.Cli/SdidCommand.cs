using System.CommandLine;
using Its.Comparison;
using Its.Data;
using Its.Plots;
using Its.Reporting;
using Its.Synthetic;

namespace Its.Cli;

/// <summary>
/// <c>its sdid</c>: synthetic difference-in-differences, synthetic control and DiD on a long panel
/// (one row per unit and period), every unit in every period.
/// </summary>
public static class SdidCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var data = new DataOptions();
        var figure = new FigureOption();
        var unit = new Option<string>("--unit") { Description = "Column naming each row's unit (state, hospital)", Required = true };
        var treated = new Option<string>("--treated") { Description = "The treated unit", Required = true };
        var interruption = new Option<string>("--interruption") { Description = "The first treated period, e.g. 1989 or 2017-10", Required = true };
        var estimator = new Option<string>("--estimator") { Description = "sdid, sc, did, or all (the three side by side)", DefaultValueFactory = _ => "all" };
        var command = new Command("sdid", "Synthetic difference-in-differences (Arkhangelsky et al. 2021), with the synthetic control and DiD estimates, unit and time weights and placebo standard errors");
        data.AddColumns(command);
        foreach (var o in new Option[] { unit, treated, interruption, estimator }) command.Options.Add(o);
        figure.AddTo(command);
        data.AddFormat(command);
        command.SetAction(p =>
        {
            string? figureFile = figure.Path(p);
            var format = data.Format(p);
            string chosen = p.GetValue(estimator)!.Trim().ToLowerInvariant();
            var estimators = chosen == "all" ? SyntheticEstimators.All
                : [OptionParsing.Parse(() => SyntheticEstimators.Parse(chosen), "--estimator")];
            string file = data.File(p), column = p.GetValue(unit)!;
            var options = data.Series(p);
            var units = SeriesLoader.LoadGroups(TextTable.Read(file, data.Table(p)), options, column, "--unit")
                .Select(g => new GroupSeries(g.Group, g.Series)).ToArray();
            var start = SpecOptions.Period(p.GetValue(interruption)!, units[0].Series.Frequency, data.Table(p).DateFormat, "--interruption");
            var panel = FitCommand.FitOrExplain(file, () => new PanelOutcomes(units, [p.GetValue(treated)!], start));
            var results = FitCommand.FitOrExplain(file, () => estimators.Select(e => SyntheticDid.Fit(panel, e)).ToArray());
            // Abadie et al.'s inference for the synthetic control.
            var space = estimators.Contains(SyntheticEstimator.SyntheticControl) ? SyntheticDid.PlaceboInSpace(panel) : null;
            FigureOption.Write(figureFile, f => FigureExport.Write(LineFigure.From(panel, results, options.Outcome), f));
            output.Write(SyntheticReport.Render(panel, options.Outcome, results, space, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
