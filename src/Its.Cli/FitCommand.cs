using System.CommandLine;
using Its.Data;
using Its.Model;
using Its.Plots;
using Its.Reporting;

namespace Its.Cli;

/// <summary><c>its fit</c>: one series, one model, one report.</summary>
public static class FitCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var options = new ModelOptions();
        var figure = new FigureOption();
        var command = new Command("fit", "Fit a segmented regression to one series and print coefficients, diagnostics and effects");
        options.AddTo(command);
        figure.AddTo(command);
        command.SetAction(p =>
        {
            var format = options.Format(p);
            string? figureFile = figure.Path(p);
            var (series, spec) = options.Load(p);
            var result = FitOrExplain(options.File(p), () => new ItsModel(series, spec).Fit());
            // The Turner et al. (2021) figure, as Stata's itsa draws with ", figure".
            FigureOption.Write(figureFile, file => FigureExport.Write(ItsFigure.From(result), file));
            output.Write(ResultReport.Render(result, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Runs a library call, turning a model that does not fit the data into an input error naming the file.</summary>
    public static T FitOrExplain<T>(string file, Func<T> fit) => InputError.FromModel(file, fit);
}
