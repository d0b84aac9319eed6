using System.CommandLine;
using Its.Data;
using Its.Data.Output;
using Its.Model;
using Its.Reporting;
using Its.Time;
using Sanming;

namespace Its.Cli;

/// <summary>
/// <c>its sanming</c>: the study's analysis plan on the shipped synthetic panel or on real data in
/// the same schema; <c>generate</c> writes a synthetic panel; <c>calibration</c> prints its constants.
/// </summary>
public static class SanmingCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output)
    {
        var data = new Option<string?>("--data") { Description = $"Panel CSV or Excel file in the documented schema (default: {ShippedData.RelativePath})" };
        var intervention = new Option<string>("--intervention") { Description = "Intervention month YYYY-MM", DefaultValueFactory = _ => Calibration.Intervention.ToString() };
        var errors = new Option<string>("--errors") { Description = "Error model of every fit (see its fit --help)", DefaultValueFactory = _ => new StudyPlan().Errors.Name };
        var format = new Option<string>("--format") { Description = "table, json, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };
        var table = new TableOptionsReader();
        var command = new Command("sanming", "Run the Sanming study's analysis plan and print its main table");
        foreach (var o in new Option[] { data, intervention, errors, format }) command.Options.Add(o);
        table.AddTo(command);
        command.SetAction(p =>
        {
            var plan = new StudyPlan
            {
                Intervention = Month(p.GetValue(intervention)!, "--intervention"),
                Errors = OptionParsing.Parse(() => ErrorModel.Parse(p.GetValue(errors)!), "--errors"),
            };
            var reportFormat = OptionParsing.Format(p.GetValue(format)!);
            string? given = p.GetValue(data);
            string file = given ?? ShippedData.Locate("give --data FILE");
            var panel = SanmingLoader.Load(TextTable.Read(file, table.Read(p)));
            var study = FitCommand.FitOrExplain(file, () => StudyResults.Run(plan, panel));
            output.Write(StudyReport.Render(study, reportFormat));
            if (given is null && reportFormat == ReportFormat.Text)
                output.WriteLine($"Data: {ShippedData.RelativePath}, SYNTHETIC, calibrated to the published results (data/README.md); give --data FILE for real data.");
            return ExitCodes.Success;
        });
        command.Subcommands.Add(Generate(output));
        command.Subcommands.Add(CalibrationTable(output));
        return command;
    }

    private static Command Generate(TextWriter output)
    {
        var outFile = new Option<string>("--out") { Description = "File to write", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => GeneratorOptions.ShippedSeed };
        var intervention = new Option<string>("--intervention") { Description = "Intervention month YYYY-MM", DefaultValueFactory = _ => Calibration.Intervention.ToString() };
        var step = new Option<bool>("--outpatient-step") { Description = "Add the August 2016 outpatient step" };
        var chsi = new Option<string>("--chsi") { Description = "centres-and-stations or centres", DefaultValueFactory = _ => "centres-and-stations" };
        var noiseless = new Option<bool>("--no-noise") { Description = "Write the noise-free mean" };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists" };
        var facilities = new Option<bool>("--facilities") { Description = "Write the facility-level panel: every hospital and CHSI its own series, adding up to the type totals" };
        var command = new Command("generate", "Write a synthetic Sanming panel calibrated to the published results");
        foreach (var o in new Option[] { outFile, seed, intervention, step, chsi, noiseless, force, facilities }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var options = new GeneratorOptions
            {
                Seed = p.GetValue(seed),
                Intervention = Month(p.GetValue(intervention)!, "--intervention"),
                OutpatientStep = p.GetValue(step),
                Chsi = p.GetValue(chsi)!.Trim().ToLowerInvariant() switch
                {
                    "centres-and-stations" => ChsiDefinition.CentresAndStations,
                    "centres" => ChsiDefinition.CentresOnly,
                    var other => throw new InputError($"--chsi {other}: expected centres-and-stations or centres"),
                },
                Noise = !p.GetValue(noiseless),
            };
            string path = p.GetValue(outFile)!;
            if (File.Exists(path) && !p.GetValue(force))
                throw new InputError($"{path}: exists; give --force to overwrite it");
            if (Directory.Exists(path)) throw new InputError($"{path}: is a directory");
            string text;
            try
            {
                var panel = SanmingGenerator.Generate(options);
                text = p.GetValue(facilities) ? SanmingFacilities.ToCsv(SanmingFacilities.Generate(panel, options)) : panel.ToCsv();
            }
            catch (ItsException e) { throw new InputError(new UserMessage($"--intervention {options.Intervention}: {e.Text}")); }
            try { AtomicFile.WriteAllText(path, text); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputError($"{path}: cannot be written ({e.Message})"); }
            output.WriteLine($"wrote {path} (seed {options.Seed}, synthetic{(p.GetValue(facilities) ? ", facility level" : "")})");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CalibrationTable(TextWriter output)
    {
        var format = new Option<string>("--format") { Description = "table, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };
        var command = new Command("calibration", "Print the calibration of the synthetic panel: every constant with its provenance");
        command.Options.Add(format);
        command.SetAction(p =>
        {
            var table = Calibration.Table();
            output.Write(OptionParsing.Format(p.GetValue(format)!) switch
            {
                ReportFormat.Markdown => table.ToMarkdown(),
                ReportFormat.Html => table.ToHtml(),
                ReportFormat.Latex => table.ToLatex(),
                ReportFormat.Csv => table.ToCsv(),
                ReportFormat.Json => throw new InputError("--format json: the calibration table is printed as table, csv, markdown, latex or html"),
                _ => table.ToText(),
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static Period Month(string text, string option) =>
        Period.TryParse(text, Frequency.Month, out var p, out string error) ? p : throw new InputError($"{option} {text}: {error}");
}
