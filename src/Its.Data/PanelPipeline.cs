using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Its.Batch;
using Its.Data.Output;
using Its.Model;
using Its.Reporting;
using Its.Time;

namespace Its.Data;

/// <summary>The files one panel input gives: its per-unit results and, optionally, its summary as JSON.</summary>
/// <param name="Input">The panel file read (CSV, Excel or Parquet), or how a <see cref="Query"/> is named.</param>
/// <param name="Results">The results file written (.csv or .parquet), one row per unit and term.</param>
/// <param name="Summary">The summary written as JSON, naming the results file and its SHA-256; null for none.</param>
public sealed record PanelOutputs(string Input, string Results, string? Summary)
{
    /// <summary>A DuckDB query whose result is the panel (<see cref="PanelReader.OpenQuery"/>); null: the file <see cref="Input"/>.</summary>
    public PanelQuery? Query { get; init; }
}

/// <summary>A DuckDB query whose result is a long panel (one row per unit and period).</summary>
/// <param name="Sql">The query, in DuckDB's SQL: over files (<c>read_csv</c>, <c>'x.parquet'</c>), with any joins, filters and aggregation.</param>
public sealed record PanelQuery(string Sql)
{
    /// <summary>
    /// The result already has each unit's rows together (a file sorted by unit, read in order):
    /// DuckDB's sort is skipped, and a unit that comes back after others is refused.
    /// </summary>
    public bool Grouped { get; init; }

    /// <summary>
    /// A DuckDB database file the query runs in, opened read-only, so that the query can name its
    /// tables and views (and still read files); null for none.
    /// </summary>
    public string? Database { get; init; }
}

/// <summary>How every unit of a panel is read and fitted: the columns, the model and the sizes of the work.</summary>
public sealed record PanelRun
{
    /// <summary>Which columns make the units, and how the file is read.</summary>
    public required PanelOptions Columns { get; init; }

    /// <summary>The model fitted to every unit (Gaussian); its interruptions are used as they are unless <see cref="InterruptionsAt"/> is set.</summary>
    public required ItsSpec Spec { get; init; }

    /// <summary>
    /// The interruptions as periods of the data's frequency, read once that is known (for
    /// interruptions written as the data's dates are); null keeps <see cref="Spec"/>'s own.
    /// </summary>
    public Func<Frequency, IReadOnlyList<Period>>? InterruptionsAt { get; init; }

    /// <summary>
    /// The frequency the interruptions are written in, taken as the data's when neither
    /// <see cref="PanelOptions.Period"/> nor a date read gives one; null means that of
    /// <see cref="Spec"/>'s first interruption.
    /// </summary>
    public Frequency? InterruptionFrequency { get; init; }

    /// <summary>Units read and fitted at a time: memory grows with it, not with the file.</summary>
    public int Chunk { get; init; } = 8192;

    /// <summary>Units, in file order, whose estimates the summary lists for a forest plot.</summary>
    public int Forest { get; init; } = 30;

    /// <summary>Replace results and summary files that exist; without it they are refused.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Who writes, as another run to the same results is told while this one holds them.</summary>
    public string Writer { get; init; } = "panel run";
}

/// <summary>What a panel run fitted and wrote.</summary>
/// <param name="Outputs">The input and the files written.</param>
/// <param name="Summary">The units by status, the pooled estimates and the forest rows.</param>
/// <param name="Spec">The model as fitted, with its interruptions in the data's frequency.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record PanelRunResult(PanelOutputs Outputs, PanelSummary Summary, ItsSpec Spec, TimeSpan Elapsed);

/// <summary>
/// The streaming read-fit-write pipeline of a panel: <see cref="PanelReader"/> reads the units in
/// chunks, <see cref="PanelFitter"/> fits each chunk by shared-design batch fitting,
/// <see cref="UnitResultWriter"/> writes the per-unit rows, and <see cref="PanelSummary"/> gathers
/// the summary; memory stays bounded by the chunk size. Outputs are transactional: the results
/// and the summary are complete on disk before either replaces its target, and a run that fits no
/// unit writes nothing (but a partition's, which its merge needs).
/// </summary>
public static class PanelPipeline
{
    /// <summary>Stands for an input's file name without extension in the output paths of several inputs.</summary>
    public const string NamePlaceholder = "{name}";

    /// <summary>
    /// The outputs of each input, with <see cref="NamePlaceholder"/> in <paramref name="results"/>
    /// and <paramref name="summary"/> replaced by the input's file name, checked before any is
    /// written by what they are on disk (links resolved, hard links seen through) and not by their
    /// spelling: none may be an input, be written twice (two inputs of the same name in different
    /// folders, or results and summary in one file), lie under a file, be a folder, or exist unless
    /// <paramref name="overwrite"/>.
    /// </summary>
    /// <exception cref="InputError">An output cannot be written as planned.</exception>
    public static IReadOnlyList<PanelOutputs> Plan(IReadOnlyList<string> inputs, string results, string? summary, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(results);
        if (inputs.Count > 1 && !results.Contains(NamePlaceholder, StringComparison.Ordinal))
            throw new InputError(new UserMessage($"{Results(results)}: {inputs.Count} inputs need one results file each; put {NamePlaceholder} in the path (e.g. results/{NamePlaceholder}.csv)"));
        if (inputs.Count > 1 && summary is not null && !summary.Contains(NamePlaceholder, StringComparison.Ordinal))
            throw new InputError(new UserMessage($"{Summary(summary)}: {inputs.Count} inputs need one summary each; put {NamePlaceholder} in the path"));
        var plans = inputs.Select(file =>
        {
            string name = Path.GetFileNameWithoutExtension(file);
            return new PanelOutputs(file, Target(results, name), summary is null ? null : Target(summary, name));
        }).ToArray();
        CheckTargets(plans, overwrite);
        return plans;
    }

    /// <summary>
    /// Reads, fits and writes one input: one thread reads (parsing is the slow part), the caller's
    /// fits, and another writes the results, two chunks in flight between each.
    /// </summary>
    /// <param name="outputs">The input and its outputs, as <see cref="Plan"/> made them.</param>
    /// <param name="run">The columns, the model and the sizes of the work.</param>
    /// <param name="progress">Told the fraction of the input read after each chunk; null for none.</param>
    /// <exception cref="InputError">The file cannot be read, the model does not fit its data, no unit could be fitted, or an output cannot be written.</exception>
    public static PanelRunResult Run(PanelOutputs outputs, PanelRun run, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfLessThan(run.Chunk, 1, nameof(run));
        ArgumentOutOfRangeException.ThrowIfNegative(run.Forest, nameof(run));
        var clock = Stopwatch.StartNew();
        string file = outputs.Input;
        // A second run to the same results is refused while this one writes them.
        using var writing = OutputLock.Acquire(outputs.Results, run.Writer);
        using var reader = outputs.Query is { } query ? PanelReader.OpenQuery(file, query, run.Columns) : PanelReader.Open(file, run.Columns);
        // Written where links lead, so a link to a results file keeps pointing at the new one.
        using var writer = UnitResultWriter.Create(FileIdentity.Resolve(outputs.Results), run.Overwrite);
        PanelFitter? fitter = null;
        PanelSummary? summary = null;
        var firstFailures = new Dictionary<UnitStatus, (string Id, string? Note)>();
        // The reader's progress and frequency travel with each chunk, read on the reader's thread.
        using var queue = new BlockingCollection<(IReadOnlyList<PanelUnit> Units, double Progress, Frequency? Frequency)>(boundedCapacity: 2);
        using var fitted = new BlockingCollection<(IReadOnlyList<PanelUnit> Units, BatchResult Result)>(boundedCapacity: 2);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var chunk in reader.Chunks(run.Chunk)) queue.Add((chunk, reader.Progress, reader.Frequency), stop.Token);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        var consumer = Task.Run(() =>
        {
            try
            {
                foreach (var (units, result) in fitted.GetConsumingEnumerable()) writer.Write(units, result);
            }
            catch
            {
                stop.Cancel(); // the reader and the fits stop too
                throw;
            }
        });
        try
        {
            foreach (var (units, read, frequency) in queue.GetConsumingEnumerable())
            {
                fitter ??= Fitter(file, run, frequency);
                summary ??= new PanelSummary(fitter.InterruptionTerms, run.Forest);
                var result = InputError.FromModel(file, () => fitter.Fit(units));
                fitted.Add((units, result), stop.Token);
                summary.Add(units.Select(u => u.Id).ToArray(), result);
                for (int i = 0; i < result.Count; i++)
                    if (result.Status(i) != UnitStatus.Ok) firstFailures.TryAdd(result.Status(i), (units[i].Id, result.Note(i)));
                progress?.Invoke(read);
            }
            fitted.CompleteAdding();
            consumer.GetAwaiter().GetResult(); // the writer's error, if any
        }
        catch (Exception e)
        {
            stop.Cancel();
            if (!fitted.IsAddingCompleted) fitted.CompleteAdding();
            // Both threads must be done before the reader and the writer are closed.
            try { producer.Wait(); } catch (AggregateException) { }
            try { consumer.Wait(); }
            catch (AggregateException failed) when (e is OperationCanceledException && failed.InnerException is not OperationCanceledException)
            {
                // The fits stopped because the writer failed: its error is the one to tell.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.InnerException!);
            }
            catch (AggregateException) { }
            throw;
        }
        producer.GetAwaiter().GetResult(); // the reader's own error, if any
        var where = run.Columns.Where;
        // A partition may hold no unit, or none that fits: its (empty) results and summary are
        // written all the same, for the merge of the parts to be whole.
        bool partition = run.Columns.Partition is not null;
        if ((fitter is null || summary is null) && !partition)
            throw new InputError($"{file}: no data rows{(where.Count > 0 ? $" with {string.Join(" and ", where)}" : "")}");
        fitter ??= Fitter(file, run, reader.Frequency);
        summary ??= new PanelSummary(fitter.InterruptionTerms, run.Forest);
        // A run that fitted nothing is refused and writes nothing: its results would be all blanks.
        if (summary.StatusCounts[UnitStatus.Ok] == 0 && !partition) throw new InputError(NothingFitted(file, summary, firstFailures));
        // Both files are complete on disk, beside their targets, before either replaces its target;
        // then the results and the summary are renamed in place one right after the other. The
        // summary names the results file and its SHA-256, so a pair that is not one run's (a kill
        // between the two renames) can be told.
        var results = new PanelResultsFile(outputs.Results, writer.Finish()) { Partition = run.Columns.Partition, Query = outputs.Query?.Sql };
        using var summaryFile = outputs.Summary is { } summaryPath
            ? Pending(summaryPath, PanelReport.Render(summary, PanelModel.Of(fitter.Spec, run.Columns.Outcome), file, ReportFormat.Json, results) + "\n")
            : null;
        writer.Commit();
        summaryFile?.Commit();
        return new PanelRunResult(outputs, summary, fitter.Spec, clock.Elapsed);
    }

    private static string Target(string path, string name) => path.Replace(NamePlaceholder, name, StringComparison.Ordinal);

    // The outputs as messages name them, with the path given.
    private static Setting Results(params object[] path) => Setting.Of<PanelOutputs>(nameof(PanelOutputs.Results), path);

    private static Setting Summary(params object[] path) => Setting.Of<PanelOutputs>(nameof(PanelOutputs.Summary), path);

    private static void CheckTargets(IReadOnlyList<PanelOutputs> plans, bool overwrite)
    {
        var inputs = new Dictionary<object, string>();
        foreach (var plan in plans)
            if (FileIdentity.Key(plan.Input) is { } key) inputs.TryAdd(key, plan.Input);
        var writers = new Dictionary<object, UserMessage>();
        foreach (var plan in plans)
            foreach (var (output, path) in new[] { (Results(), plan.Results), (Summary(), plan.Summary) })
            {
                if (path is null) continue;
                var given = new Setting(output.Owner, output.Property, path);
                string resolved = FileIdentity.Resolve(path);
                if (DeepestExisting(Path.GetDirectoryName(resolved)!) is { } under && File.Exists(under))
                    throw new InputError(new UserMessage($"{given}: {under} is a file, not a folder"));
                object key = FileIdentity.Key(path) ?? resolved;
                if (inputs.TryGetValue(key, out string? input))
                    throw new InputError(new UserMessage($"{given}: is the input {input}{(Path.GetFullPath(path) == Path.GetFullPath(input) ? "" : " (the same file on disk)")}; give another file name"));
                if (writers.TryGetValue(key, out var other))
                    throw new InputError(new UserMessage($"{given}: {other} writes it too; give each input its own file (two inputs with the same name need {NamePlaceholder} in different folders, or other names)"));
                if (Directory.Exists(resolved)) throw new InputError(new UserMessage($"{given}: is a directory; give a file name"));
                if (File.Exists(resolved) && !overwrite) throw new InputError(new UserMessage($"{path}: exists; give {Setting.Of<PanelRun>(nameof(PanelRun.Overwrite), true)} to overwrite it"));
                writers[key] = new UserMessage($"{output} for {plan.Input}");
            }
    }

    // The path itself or its nearest ancestor that exists (file or folder).
    private static string? DeepestExisting(string path)
    {
        string? existing = path;
        while (existing is not null && !Path.Exists(existing)) existing = Path.GetDirectoryName(existing);
        return existing;
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

    // The data's frequency: given, else that of the dates read, else the one the interruptions are written in.
    private static PanelFitter Fitter(string file, PanelRun run, Frequency? read)
    {
        var frequency = run.Columns.Period ?? read ?? run.InterruptionFrequency
            ?? (run.Spec.Interruptions.Count > 0 ? run.Spec.Interruptions[0].Frequency : (Frequency?)null)
            ?? throw new InputError(new UserMessage($"{file}: no date in column {run.Columns.Date} could be read, so the frequency is unknown; give {Setting.Of<PanelOptions>(nameof(PanelOptions.Period))}"));
        var spec = run.InterruptionsAt is { } interruptions ? run.Spec with { Interruptions = interruptions(frequency) } : run.Spec;
        return InputError.FromModel(file, () => new PanelFitter(spec, run.Columns.Outcome));
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
