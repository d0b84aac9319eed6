using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Its.Batch;
using Its.Data;
using Its.Data.Output;
using Its.Model;
using Its.Reporting;
using Spectre.Console;

namespace Its.Cli;

/// <summary>
/// <c>its panel</c>: the same ITS model fitted to every unit of a long file (CSV or Parquet), in
/// chunks so memory stays bounded; writes a tidy per-unit table and prints a summary.
/// </summary>
public static class PanelCommand
{
    private const string NamePlaceholder = "{name}";

    /// <summary>The command definition.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("file") { Description = "Long CSV, Excel or Parquet file(s), one row per unit and period; a * or ? in the file name matches several", Arity = ArgumentArity.ZeroOrMore };
        var input = new Option<string[]>("--input") { Description = "More input files or patterns (e.g. 'parts/*.parquet'); each gives its own results" };
        var id = new Option<string>("--id") { Description = "Unit identifier column; the rows of a unit must be together", Required = true };
        var date = new Option<string>("--date") { Description = "Date column: 2016-01, 2016/01, 2016m1, 201601, Jan 2016, 2016-01-15; 2016q1; 2016 (Parquet and Excel: also a date)", DefaultValueFactory = _ => "month" };
        var outcome = new Option<string>("--outcome") { Description = "Outcome column; a missing value (empty, NA, ...: see --na) is a missing period", Required = true };
        var table = new TableOptionsReader();
        var period = new Option<string?>("--period") { Description = "month, quarter or year (inferred from the dates when omitted)" };
        var where = new Option<string[]>("--where") { Description = "COL=VALUE: keep only these rows; repeatable" };
        var spec = new SpecOptions(errorsHelp: "ols, hc0-hc3, newey:L, prais or cochrane-orcutt");
        var outPath = new Option<string>("--out") { Description = "Results file (.csv or .parquet), one row per unit and term; with several inputs it must contain {name}, the input's file name without extension", Required = true };
        var summaryPath = new Option<string?>("--summary") { Description = "Also write the summary as JSON here, naming the results file and its SHA-256 (with several inputs it must contain {name})" };
        var forest = new Option<int>("--forest") { Description = "Units, in file order, whose estimates the summary lists for a forest plot", DefaultValueFactory = _ => 30 };
        var chunk = new Option<int>("--chunk") { Description = "Units read and fitted at a time (memory grows with it, not with the file)", DefaultValueFactory = _ => 8192 };
        var force = new Option<bool>("--force") { Description = "Overwrite existing results files" };
        var command = new Command("panel", "Fit the same ITS model to every unit of a panel file (millions of units) by shared-design batch fitting");
        command.Arguments.Add(files);
        foreach (var o in new Option[] { input, id, date, outcome, period, where }) command.Options.Add(o);
        table.AddTo(command);
        spec.AddTo(command);
        foreach (var o in new Option[] { outPath, summaryPath, forest, chunk, force }) command.Options.Add(o);
        command.SetAction(p =>
        {
            var inputs = Expand([.. p.GetValue(files) ?? [], .. p.GetValue(input) ?? []]);
            string target = p.GetValue(outPath)!;
            string? summaryTarget = p.GetValue(summaryPath);
            if (inputs.Count > 1 && !target.Contains(NamePlaceholder, StringComparison.Ordinal))
                throw new InputError($"--out {target}: {inputs.Count} inputs need one results file each; put {NamePlaceholder} in the path (e.g. results/{NamePlaceholder}.csv)");
            if (inputs.Count > 1 && summaryTarget is not null && !summaryTarget.Contains(NamePlaceholder, StringComparison.Ordinal))
                throw new InputError($"--summary {summaryTarget}: {inputs.Count} inputs need one summary each; put {NamePlaceholder} in the path");
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
                Table = table.Read(p),
            };
            var plans = inputs.Select(file =>
            {
                string name = Path.GetFileNameWithoutExtension(file);
                return new Plan(file, Target(target, name), summaryTarget is null ? null : Target(summaryTarget, name));
            }).ToArray();
            CheckTargets(plans, p.GetValue(force));
            var job = new Job(columns, spec.Read(p), q => spec.WithInterruptions(p, q.Spec, q.Frequency, columns.Table.DateFormat), written, p.GetValue(chunk), p.GetValue(forest), p.GetValue(force));
            // The progress bar goes to the terminal's stderr only: stdout keeps the summary, and logs stay clean.
            bool interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
            foreach (var plan in plans)
            {
                var (summary, fitted, seconds) = interactive ? WithProgressBar(plan, job) : job.Run(plan, _ => { });
                output.Write(PanelReport.Render(summary, fitted, plan.Input, ReportFormat.Text));
                output.WriteLine($"Results: {plan.Results}{(plan.Summary is { } s ? $", summary: {s}" : "")} ({seconds:F1} s)");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Target(string path, string name) => path.Replace(NamePlaceholder, name, StringComparison.Ordinal);

    // One input and the files it gives.
    private sealed record Plan(string Input, string Results, string? Summary);

    // Every file a run will write, checked before it starts, by what it is on disk (links resolved,
    // hard links seen through) and not by its spelling: none may be an input, be written twice (two
    // inputs of the same name in different folders, or results and summary in one file), lie
    // under a file, or exist without --force.
    private static void CheckTargets(IReadOnlyList<Plan> plans, bool force)
    {
        var inputs = new Dictionary<object, string>();
        foreach (var plan in plans)
            if (FileIdentity.Key(plan.Input) is { } key) inputs.TryAdd(key, plan.Input);
        var writers = new Dictionary<object, string>();
        foreach (var plan in plans)
            foreach (var (option, path) in new[] { ("--out", plan.Results), ("--summary", plan.Summary) })
            {
                if (path is null) continue;
                string resolved = FileIdentity.Resolve(path);
                if (DeepestExisting(Path.GetDirectoryName(resolved)!) is { } under && File.Exists(under))
                    throw new InputError($"{option} {path}: {under} is a file, not a folder");
                object key = FileIdentity.Key(path) ?? resolved;
                if (inputs.TryGetValue(key, out string? input))
                    throw new InputError($"{option} {path}: is the input {input}{(Path.GetFullPath(path) == Path.GetFullPath(input) ? "" : " (the same file on disk)")}; give another file name");
                if (writers.TryGetValue(key, out string? other))
                    throw new InputError($"{option} {path}: {other} writes it too; give each input its own file (two inputs with the same name need {NamePlaceholder} in different folders, or other names)");
                if (Directory.Exists(resolved)) throw new InputError($"{option} {path}: is a directory; give a file name");
                if (File.Exists(resolved) && !force) throw new InputError($"{path}: exists; give --force to overwrite it");
                writers[key] = $"{option} for {plan.Input}";
            }
    }

    // The path itself or its nearest ancestor that exists (file or folder).
    private static string? DeepestExisting(string path)
    {
        string? existing = path;
        while (existing is not null && !Path.Exists(existing)) existing = Path.GetDirectoryName(existing);
        return existing;
    }

    private static (PanelSummary, ItsSpec, double) WithProgressBar(Plan plan, Job job)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        (PanelSummary, ItsSpec, double) result = default;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(Path.GetFileName(plan.Input)), maxValue: 1);
                result = job.Run(plan, fraction => task.Value = fraction);
                task.Value = 1;
            });
        return result;
    }

    // Files named, with the patterns in their file names expanded (in ordinal order).
    private static List<string> Expand(IEnumerable<string> patterns)
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
        if (files.Count == 0) throw new InputError("give a panel file (CSV or Parquet), or --input PATTERN");
        return files;
    }

    // One run's settings; the spec's interruptions are read once the data's frequency is known.
    private sealed record Job(PanelOptions Columns, ItsSpec Spec, Func<(ItsSpec Spec, Time.Frequency Frequency), ItsSpec> Interruptions,
        Time.Frequency? Written, int Chunk, int Forest, bool Force)
    {
        public (PanelSummary Summary, ItsSpec Spec, double Seconds) Run(Plan plan, Action<double> progress)
        {
            var clock = Stopwatch.StartNew();
            string file = plan.Input;
            // A second run to the same results is refused while this one writes them.
            using var writing = OutputLock.Acquire(plan.Results, "its panel");
            using var reader = PanelReader.Open(file, Columns);
            // Written where links lead, so a link to a results file keeps pointing at the new one.
            using var writer = UnitResultWriter.Create(FileIdentity.Resolve(plan.Results), Force);
            PanelFitter? fitter = null;
            PanelSummary? summary = null;
            var firstFailures = new Dictionary<UnitStatus, (string Id, string? Note)>();
            // One thread reads (parsing is the slow part) while this one fits on the others and
            // writes; two chunks in flight at most, so memory stays bounded. The reader's progress
            // and frequency travel with each chunk, read on the reader's thread.
            using var queue = new BlockingCollection<(IReadOnlyList<PanelUnit> Units, double Progress, Time.Frequency? Frequency)>(boundedCapacity: 2);
            using var stop = new CancellationTokenSource();
            var producer = Task.Run(() =>
            {
                try
                {
                    foreach (var chunk in reader.Chunks(Chunk)) queue.Add((chunk, reader.Progress, reader.Frequency), stop.Token);
                }
                finally
                {
                    queue.CompleteAdding();
                }
            });
            try
            {
                foreach (var (units, read, frequency) in queue.GetConsumingEnumerable())
                {
                    fitter ??= Fitter(file, frequency);
                    summary ??= new PanelSummary(fitter.InterruptionTerms, Forest);
                    var result = FitCommand.FitOrExplain(file, () => fitter.Fit(units));
                    writer.Write(units, result);
                    summary.Add(units.Select(u => u.Id).ToArray(), result);
                    for (int i = 0; i < result.Count; i++)
                        if (result.Status(i) != UnitStatus.Ok) firstFailures.TryAdd(result.Status(i), (units[i].Id, result.Note(i)));
                    progress(read);
                }
            }
            catch
            {
                stop.Cancel();
                try { producer.Wait(); } catch (AggregateException) { } // the reader must be done before it is closed
                throw;
            }
            producer.GetAwaiter().GetResult(); // the reader's own error, if any
            if (fitter is null || summary is null) throw new InputError($"{file}: no data rows{(Columns.Where.Count > 0 ? $" with {string.Join(" and ", Columns.Where)}" : "")}");
            // A run that fitted nothing is refused and writes nothing: its results would be all blanks.
            if (summary.StatusCounts[UnitStatus.Ok] == 0) throw new InputError(NothingFitted(file, summary, firstFailures));
            // Both files are complete on disk, beside their targets, before either replaces its target;
            // then the results and the summary are renamed in place one right after the other. The
            // summary names the results file and its SHA-256, so a pair that is not one run's (a kill
            // between the two renames) can be told.
            var results = new PanelResultsFile(plan.Results, writer.Finish());
            using var summaryFile = plan.Summary is { } summaryPath
                ? Pending(summaryPath, PanelReport.Render(summary, fitter.Spec, file, ReportFormat.Json, results) + "\n")
                : null;
            writer.Commit();
            summaryFile?.Commit();
            return (summary, fitter.Spec, clock.Elapsed.TotalSeconds);
        }

        // "no unit could be fitted: 3 invalid (the first, unit a: row 2, column visits: 'x' is not a finite number); ..."
        private static string NothingFitted(string file, PanelSummary summary, Dictionary<UnitStatus, (string Id, string? Note)> firstFailures)
        {
            var reasons = summary.StatusCounts.Where(s => s.Value > 0).Select(s =>
            {
                var (id, note) = firstFailures[s.Key];
                string why = note is null ? "" : note.StartsWith($"{file}: ", StringComparison.Ordinal) ? note[(file.Length + 2)..] : note;
                return $"{s.Value:N0} {s.Key.Name()} (the first, unit {id}{(why.Length > 0 ? $": {why}" : "")})";
            });
            return $"{file}: no unit could be fitted: {string.Join("; ", reasons)}";
        }

        // The data's frequency: given, else that of the dates read, else the one the interruption is written in.
        private PanelFitter Fitter(string file, Time.Frequency? read)
        {
            var frequency = Columns.Period ?? read ?? Written
                ?? throw new InputError($"{file}: no date in column {Columns.Date} could be read, so the frequency is unknown; give --period");
            var spec = Interruptions((Spec, frequency));
            return FitCommand.FitOrExplain(file, () => new PanelFitter(spec, Columns.Outcome));
        }

        // The text written to a temporary beside the file (where links lead) and flushed to disk, to be committed.
        private static PendingFile Pending(string path, string text)
        {
            try
            {
                string target = FileIdentity.Resolve(path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var pending = PendingFile.Create(target);
                try
                {
                    pending.Stream.Write(Encoding.UTF8.GetBytes(text));
                    pending.Close();
                    return pending;
                }
                catch
                {
                    pending.Dispose();
                    throw;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputError($"{path}: cannot be written ({e.Message})");
            }
        }
    }
}
