using System.CommandLine;
using Its.Data;
using Its.Estimation;
using Its.Model;
using Its.Multilevel;
using Its.Plots;
using Its.Reporting;

namespace Its.Cli;

/// <summary>
/// <c>its multilevel</c>: multilevel ITS on a long panel (one row per unit and period), as R
/// <c>nlme::lme</c>: the ITS terms with random effects per unit, the units' types as fixed
/// interactions, independent or AR(1) errors within units, REML or ML.
/// </summary>
public static class MultilevelCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var data = new DataOptions();
        var spec = new SpecOptions("ols", "ols (independent errors within each unit) or gls-ar:1 (AR(1) errors within each unit, as nlme's corAR1)");
        var figure = new FigureOption();
        var unit = new Option<string>("--unit") { Description = "Column naming each row's unit (hospital, state)", Required = true };
        var type = new Option<string?>("--type") { Description = "Column holding each unit's type (hospital, community): the types' differences enter as fixed interactions (group, group:time, ...)" };
        var reference = new Option<string?>("--reference") { Description = "With --type: the type the others are compared with (default: the last type in the file)" };
        var random = new Option<string>("--random") { Description = "Design terms that vary between units, comma-separated", DefaultValueFactory = _ => "intercept,time,level1,slope1" };
        var covariance = new Option<string>("--covariance") { Description = "Covariance of the random effects: diagonal (independent) or general (with correlations)", DefaultValueFactory = _ => "diagonal" };
        var method = new Option<string>("--method") { Description = "reml or ml (compare models with different fixed effects by ml)", DefaultValueFactory = _ => "reml" };
        var figureTerm = new Option<string?>("--figure-term") { Description = "The random term of the --figure caterpillar plot (default: the first interruption term among --random)" };
        var command = new Command("multilevel", "Multilevel ITS across units (nlme::lme): random intercepts, trends, level and slope changes per unit, their between-unit SDs, type differences, and each unit's own changes");
        data.AddColumns(command);
        spec.AddTo(command);
        foreach (var o in new Option[] { unit, type, reference, random, covariance, method }) command.Options.Add(o);
        figure.AddTo(command);
        command.Options.Add(figureTerm);
        data.AddFormat(command);
        command.SetAction(p =>
        {
            string? figureFile = figure.Path(p);
            var format = data.Format(p);
            var its = spec.Read(p);
            var model = new MultilevelSpec
            {
                RandomTerms = p.GetValue(random)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Covariance = OptionParsing.Parse(() => MultilevelSpec.ParseCovariance(p.GetValue(covariance)!), "--covariance"),
                Method = OptionParsing.Parse(() => MultilevelSpec.ParseMethod(p.GetValue(method)!), "--method"),
                WithinAr1 = its.Errors.Process switch
                {
                    IndependentErrors when its.Errors.Covariance is ClassicalCovariance => false,
                    GlsErrors { P: 1, Q: 0, Method: LikelihoodMethod.Reml, Satterthwaite: false } => true,
                    GlsErrors { P: 1, Q: 0 } => throw new InputError($"--errors {p.GetValue<string>("--errors")}: give the likelihood with --method (reml or ml); nlme's df are used, not Satterthwaite's"),
                    _ => throw new InputError($"--errors {p.GetValue<string>("--errors")}: multilevel ITS takes ols (independent errors within units) or gls-ar:1 (AR(1) within units)"),
                },
            };
            string file = data.File(p), unitColumn = p.GetValue(unit)!;
            var table = TextTable.Read(file, data.Table(p));
            var options = data.Series(p) with { PositiveOutcome = its.Transform == OutcomeTransform.Log };
            var series = SeriesLoader.LoadGroups(table, options, unitColumn, "--unit");
            var types = p.GetValue(type) is { } typeColumn ? SeriesLoader.GroupLabels(table, options, unitColumn, typeColumn, "--type") : null;
            if (types is null && p.GetValue(reference) is not null) throw new InputError("--reference needs --type");
            var units = series.Select(s => new MultilevelUnit(s.Group, s.Series, types?[s.Group])).ToArray();
            its = spec.WithInterruptions(p, its with { Errors = ErrorModel.Ols }, units[0].Series.Frequency, data.Table(p).DateFormat);
            var result = FitCommand.FitOrExplain(file, () => MultilevelIts.Fit(units, its, model, p.GetValue(reference)));
            string term = p.GetValue(figureTerm) ?? result.RandomTerms.FirstOrDefault(t => t.StartsWith("level", StringComparison.Ordinal) || t.StartsWith("slope", StringComparison.Ordinal)) ?? result.RandomTerms[0];
            if (!result.RandomTerms.Contains(term)) throw new InputError($"--figure-term {term}: not one of the random terms ({string.Join(", ", result.RandomTerms)})");
            FigureOption.Write(figureFile, f => FigureExport.Write(ChartFigure.Caterpillar(result, term), f));
            output.Write(MultilevelReport.Render(result, format));
            if (format == ReportFormat.Json) output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
