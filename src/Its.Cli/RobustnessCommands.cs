using System.CommandLine;
using System.Text.RegularExpressions;
using Its.Data;
using Its.Model;
using Its.Plots;
using Its.Reporting;
using Its.Robustness;
using Its.Time;

namespace Its.Cli;

/// <summary>
/// <c>its placebo</c> (the interruption moved to every admissible date) and <c>its sensitivity</c>
/// (the model under a grid of error models and interruption dates).
/// </summary>
public static class RobustnessCommands
{
    /// <summary>The <c>placebo</c> command.</summary>
    public static Command Placebo(TextWriter output)
    {
        var options = new ModelOptions();
        var minimum = new Option<int>("--min-side") { Description = "Fitted periods required on each side of a pseudo-date", DefaultValueFactory = _ => PlaceboTest.DefaultMinimumEachSide };
        var pre = new Option<bool>("--pre-only") { Description = "Pseudo-dates before the real interruption only, fitted on those periods alone (no effect to find)" };
        var figure = new FigureOption();
        var command = new Command("placebo", "Refit with the interruption moved to every admissible date and rank the real effect among the pseudo-effects");
        options.AddTo(command);
        figure.AddTo(command);
        command.Options.Add(minimum);
        command.Options.Add(pre);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            string? figureFile = figure.Path(p);
            var (series, spec) = options.Load(p);
            var window = p.GetValue(pre) ? PlaceboWindow.PreInterruption : PlaceboWindow.WholeSeries;
            int side = p.GetValue(minimum) is >= 3 and var m ? m : throw new InputError($"--min-side {p.GetValue(minimum)}: must be 3 or more");
            var result = FitCommand.FitOrExplain(options.File(p), () => PlaceboTest.Run(series, spec, side, window));
            // The pseudo-date estimates with their CIs, the real one marked: one figure per term.
            ChartFigureFiles.Write(figureFile, ChartFigure.Terms(result), term => ChartFigure.Placebo(result, term));
            Write(output, RobustnessReport.Render(result, spec, series.OutcomeName, format), format);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The <c>sensitivity</c> command.</summary>
    public static Command SensitivityGrid(TextWriter output)
    {
        var options = new ModelOptions();
        var grid = new Option<string[]>("--grid") { Description = "Error models to try, comma-separated or repeated (default: ols, hc3, newey:0..6, newey:auto, prais, cochrane-orcutt, gls-ar:1, arima:1,0,0)" };
        var dates = new Option<string[]>("--also-at") { Description = "Further interruption dates to try with every error model; repeatable" };
        var figure = new FigureOption();
        var command = new Command("sensitivity", "Fit the model under a grid of error models (and interruption dates) side by side");
        options.AddTo(command);
        figure.AddTo(command);
        command.Options.Add(grid);
        command.Options.Add(dates);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            string? figureFile = figure.Path(p);
            // Split at commas that start a new model, not inside orders such as arima:1,0,0.
            var models = (p.GetValue(grid) ?? [])
                .SelectMany(g => Regex.Split(g, ",(?=\\s*[A-Za-z])"))
                .Where(g => g.Trim().Length > 0)
                .Select(g => OptionParsing.Parse(() => ErrorModel.Parse(g), "--grid")).ToArray();
            var (series, spec) = options.Load(p);
            var other = (p.GetValue(dates) ?? []).Select(d =>
            {
                var period = SpecOptions.Period(d, series.Frequency, options.Table(p).DateFormat, "--also-at");
                return period.CompareTo(series.Periods[0]) <= 0 || period.CompareTo(series.Periods[^1]) > 0
                    ? throw new InputError($"--also-at {d}: outside the series {series.Periods[0]} to {series.Periods[^1]} (it must fall after the first period and no later than the last)")
                    : period;
            }).ToArray();
            var rows = FitCommand.FitOrExplain(options.File(p), () => Sensitivity.Run(series, spec, models.Length > 0 ? models : null, other));
            // A forest plot of the grid: one figure per term.
            ChartFigureFiles.Write(figureFile, ChartFigure.Terms(rows), term => ChartFigure.Sensitivity(rows, term));
            Write(output, RobustnessReport.Render(rows, spec, series.OutcomeName, format), format);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(TextWriter output, string text, ReportFormat format)
    {
        output.Write(text);
        if (format == ReportFormat.Json) output.WriteLine();
    }
}
