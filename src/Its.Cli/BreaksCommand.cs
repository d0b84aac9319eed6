using System.CommandLine;
using System.Globalization;
using Its.Data;
using Its.Plots;
using Its.Reporting;
using Its.Robustness;

namespace Its.Cli;

/// <summary><c>its breaks</c>: the sup-F search for the date of the interruption terms in one series.</summary>
public static class BreaksCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var options = new ModelOptions();
        var trim = new Option<double>("--trim")
        {
            Description = "Share of the observations at each end that are not candidate dates, between 0 and 0.5",
            DefaultValueFactory = _ => BreakSearch.DefaultTrim,
        };
        var command = new Command("breaks",
            "Search for the break date of the interruption terms by the sup-F test (R strucchange's Fstats, Hansen's p value); the --interruption is the pre-specified date it is compared with");
        var figure = new FigureOption();
        options.AddTo(command);
        figure.AddTo(command);
        command.Options.Add(trim);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            string? figureFile = figure.Path(p);
            double share = p.GetValue(trim);
            if (!(share > 0 && share < 0.5))
                throw new InputError($"--trim {share.ToString(CultureInfo.InvariantCulture)}: must be between 0 and 0.5 (exclusive), e.g. 0.15");
            var (series, spec) = options.Load(p);
            var result = FitCommand.FitOrExplain(options.File(p), () => BreakSearch.Run(series, spec, share));
            // The F statistic by candidate date, the 5% critical value and the chosen date.
            FigureOption.Write(figureFile, file => FigureExport.Write(ChartFigure.Breaks(result), file));
            output.Write(BreakSearchReport.Render(result, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
