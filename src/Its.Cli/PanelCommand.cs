using System.CommandLine;
using Its.Data;
using Its.Reporting;
using Spectre.Console;

namespace Its.Cli;

/// <summary>
/// <c>its panel</c>: the same ITS model fitted to every unit of a long file (CSV or Parquet) or of
/// a DuckDB query's result, in chunks so memory stays bounded; writes a tidy per-unit table and
/// prints a summary.
/// </summary>
public static class PanelCommand
{
    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("file") { Description = "Long CSV, Excel or Parquet file(s), one row per unit and period; a * or ? in the file name matches several", Arity = ArgumentArity.ZeroOrMore };
        var input = new Option<string[]>("--input") { Description = "More input files or patterns (e.g. 'parts/*.parquet'); each gives its own results" };
        var sql = new Option<string?>("--sql") { Description = "A DuckDB query whose result is the panel, over CSV, Parquet or DuckDB files: e.g. \"SELECT id, month, sum(visits) AS visits FROM 'visits.parquet' WHERE region = 'east' GROUP BY ALL\" (its units need not be sorted)" };
        var query = new Option<string?>("--query") { Description = "A file holding such a query (e.g. panel.sql)" };
        var database = new Option<string?>("--database") { Description = "With --sql or --query: a DuckDB database file (opened read-only) whose tables the query reads, e.g. --database clinics.duckdb --sql \"SELECT * FROM visits\"" };
        var grouped = new Option<bool>("--grouped") { Description = "With --sql or --query: each unit's rows already come together in the query's result (a file sorted by unit); skips DuckDB's sort" };
        var id = new Option<string>("--id") { Description = "Unit identifier column; in a file the rows of a unit must be together", Required = true };
        var date = new Option<string>("--date") { Description = "Date column: 2016-01, 2016/01, 2016m1, 201601, Jan 2016, 2016-01-15; 2016q1; 2016 (Parquet and Excel: also a date)", DefaultValueFactory = _ => "month" };
        var outcome = new Option<string>("--outcome") { Description = "Outcome column; a missing value (empty, NA, ...: see --na) is a missing period", Required = true };
        var table = new TableOptionsReader();
        var period = new Option<string?>("--period") { Description = "month, quarter or year (inferred from the dates when omitted)" };
        var where = new Option<string[]>("--where") { Description = "COL=VALUE: keep only these rows; repeatable" };
        var spec = new SpecOptions(errorsHelp: "ols, hc0-hc3, newey:L, newey:L:parzen, newey:L:qs, prais or cochrane-orcutt");
        var outPath = new Option<string>("--out") { Description = "Results file (.csv or .parquet), one row per unit and term; with several inputs it must contain {name}, the input's file name without extension", Required = true };
        var summaryPath = new Option<string?>("--summary") { Description = "Also write the summary as JSON here, naming the results file and its SHA-256 (with several inputs it must contain {name})" };
        var forest = new Option<int>("--forest") { Description = "Units, in file order, whose estimates the summary lists for a forest plot", DefaultValueFactory = _ => 30 };
        var chunk = new Option<int>("--chunk") { Description = "Units read and fitted at a time (memory grows with it, not with the file)", DefaultValueFactory = _ => 8192 };
        var partition = new Option<string?>("--partition") { Description = "K/N: fit only part K of N of the units (chosen by a hash of the id, the same on every machine), as one task of N; its panel merge joins the parts' summaries" };
        var force = new Option<bool>("--force") { Description = "Overwrite existing results files" };
        var command = new Command("panel", "Fit the same ITS model to every unit of a panel file (millions of units) by shared-design batch fitting");
        command.Arguments.Add(files);
        foreach (var o in new Option[] { input, sql, query, database, grouped, id, date, outcome, period, where }) command.Options.Add(o);
        table.AddTo(command);
        spec.AddTo(command);
        foreach (var o in new Option[] { outPath, summaryPath, forest, chunk, partition, force }) command.Options.Add(o);
        command.Subcommands.Add(Merge(output));
        command.SetAction(p =>
        {
            string[] named = [.. p.GetValue(files) ?? [], .. p.GetValue(input) ?? []];
            var queryText = QueryText(p.GetValue(sql), p.GetValue(query), named);
            if (p.GetValue(grouped) && queryText is null) throw new InputError("--grouped is for a query (--sql or --query); a file's units must already be grouped");
            if (p.GetValue(database) is { } db && queryText is null) throw new InputError($"--database {db}: is read by a query; give --sql \"SELECT ... FROM a_table\" or --query FILE");
            var inputs = queryText is null ? Expand(named, "give a panel file (CSV or Parquet), --input PATTERN, or a query by --sql or --query") : [queryText.Value.Label];
            if (p.GetValue(chunk) < 1) throw new InputError($"--chunk {p.GetValue(chunk)}: must be 1 or more");
            if (p.GetValue(forest) < 0) throw new InputError($"--forest {p.GetValue(forest)}: must be 0 or more");
            var written = spec.InterruptionFrequency(p);
            var frequency = p.GetValue(period) is { } f ? OptionParsing.Frequency(f) : (Time.Frequency?)null;
            var columns = new PanelOptions
            {
                Id = p.GetValue(id)!,
                Date = p.GetValue(date)!,
                Outcome = p.GetValue(outcome)!,
                Period = frequency,
                CalendarDates = frequency ?? written ?? Time.Frequency.Month,
                Where = p.GetValue(where) ?? [],
                Partition = p.GetValue(partition) is { } k ? OptionParsing.Partition(k) : null,
                Table = table.Read(p),
                SettingNames = SettingFlags.Name,
            };
            var plans = PanelPipeline.Plan(inputs, p.GetValue(outPath)!, p.GetValue(summaryPath), p.GetValue(force))
                .Select(plan => plan with { Query = queryText is { } q ? new PanelQuery(q.Sql) { Grouped = p.GetValue(grouped), Database = p.GetValue(database) } : null }).ToArray();
            var model = spec.Read(p);
            var run = new PanelRun
            {
                Columns = columns,
                Spec = model,
                InterruptionsAt = data => spec.WithInterruptions(p, model, data, columns.Table.DateFormat).Interruptions,
                InterruptionFrequency = written,
                Chunk = p.GetValue(chunk),
                Forest = p.GetValue(forest),
                Overwrite = p.GetValue(force),
                Writer = "its panel",
            };
            // The progress bar goes to the terminal's stderr only: stdout keeps the summary, and logs stay clean.
            bool interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
            foreach (var plan in plans)
            {
                var done = interactive ? WithProgressBar(plan, run) : PanelPipeline.Run(plan, run);
                output.Write(PanelReport.Render(done.Summary, PanelModel.Of(done.Spec, columns.Outcome), plan.Input, ReportFormat.Text));
                output.WriteLine($"Results: {plan.Results}{(plan.Summary is { } s ? $", summary: {s}" : "")} ({done.Elapsed.TotalSeconds:F1} s)");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>its panel merge</c>: the summaries of parts of a panel, fitted apart, merged into the whole's.</summary>
    private static Command Merge(TextWriter output)
    {
        var summaries = new Argument<string[]>("summary") { Description = "The parts' summary files (its panel --summary), e.g. 'results/part-*.json'", Arity = ArgumentArity.OneOrMore };
        var summaryPath = new Option<string?>("--summary") { Description = "Write the merged summary as JSON here (it lists the parts and their results files)" };
        var forest = new Option<int>("--forest") { Description = "Fitted units, the parts' first in the order given, whose estimates the summary lists for a forest plot", DefaultValueFactory = _ => 30 };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing summary file" };
        var command = new Command("merge", "Merge the summaries of parts of a panel (--partition K/N, or files split by unit) into the whole's, from the parts' results: the same quantiles and pooled estimates as one run");
        command.Arguments.Add(summaries);
        foreach (var o in new Option[] { summaryPath, forest, force }) command.Options.Add(o);
        command.SetAction(p =>
        {
            if (p.GetValue(forest) < 0) throw new InputError($"--forest {p.GetValue(forest)}: must be 0 or more");
            var named = Expand(p.GetValue(summaries) ?? [], "give the parts' summary files");
            var merged = PanelMerge.Merge(named, p.GetValue(forest));
            string? path = p.GetValue(summaryPath);
            if (path is not null) PanelMerge.Write(merged, path, p.GetValue(force));
            output.Write(PanelReport.Render(merged.Summary, merged.Model, merged.Source, ReportFormat.Text, parts: merged.Parts));
            if (path is not null) output.WriteLine($"Summary: {path}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static PanelRunResult WithProgressBar(PanelOutputs plan, PanelRun run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        PanelRunResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(Path.GetFileName(plan.Input)), maxValue: 1);
                result = PanelPipeline.Run(plan, run, fraction => task.Value = fraction);
                task.Value = 1;
            });
        return result!;
    }

    // The query of --sql or of the --query file, with the name messages give it; null for files.
    private static (string Label, string Sql)? QueryText(string? sql, string? file, string[] named)
    {
        if (sql is null && file is null) return null;
        if (sql is not null && file is not null) throw new InputError("give the query by --sql or by --query FILE, not both");
        if (named.Length > 0) throw new InputError($"{(sql is null ? "--query" : "--sql")} reads the panel from the query; give no panel file ({named[0]})");
        if (file is null) return ("--sql", sql!);
        if (Directory.Exists(file)) throw new InputError($"{file}: is a directory, not a query file");
        try
        {
            return (file, File.ReadAllText(file));
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new InputError($"{file}: query file not found"); }
        catch (UnauthorizedAccessException) { throw new InputError($"{file}: permission denied"); }
        catch (IOException e) { throw new InputError($"{file}: cannot be read ({e.Message})"); }
    }

    // Files named, with the patterns in their file names expanded (in ordinal order).
    private static List<string> Expand(IEnumerable<string> patterns, string noneGiven)
    {
        var files = new List<string>();
        foreach (string pattern in patterns)
        {
            string name = Path.GetFileName(pattern);
            if (name.IndexOfAny(['*', '?']) < 0) { files.Add(pattern); continue; }
            string dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
            if (!Directory.Exists(dir)) throw new InputError($"{pattern}: folder {dir} not found");
            var matches = Directory.GetFiles(dir, name).Order(StringComparer.Ordinal).ToArray();
            if (matches.Length == 0) throw new InputError($"{pattern}: no file matches");
            files.AddRange(matches);
        }
        if (files.Count == 0) throw new InputError(noneGiven);
        return files;
    }
}
