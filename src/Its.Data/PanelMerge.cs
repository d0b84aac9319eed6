using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using DuckDB.NET.Data;
using Its.Batch;
using Its.Data.Output;
using Its.Model;
using Its.Reporting;
using Its.Results;

namespace Its.Data;

/// <summary>The summary of the parts of a panel merged (<see cref="PanelMerge.Merge"/>).</summary>
/// <param name="Summary">The whole panel's units by status, pooled estimates and forest rows.</param>
/// <param name="Model">How every unit was fitted (the same in every part).</param>
/// <param name="Source">The input of the parts (each distinct one once, in order).</param>
/// <param name="Parts">The parts, as merged.</param>
/// <param name="Read">The files read: each part's summary and its results file where it was found.</param>
public sealed record PanelMerged(PanelSummary Summary, PanelModel Model, string Source, IReadOnlyList<PanelPart> Parts, IReadOnlyList<string> Read);

/// <summary>
/// Merges the summaries of parts of one panel, fitted apart (<c>its panel --partition K/N</c>, or
/// files split by unit), into the summary of the whole: each part's results file is found by the
/// name its summary gives (as given, or beside the summary: the one with the SHA-256 the summary
/// names) and read back (CSV or Parquet, through DuckDB, streamed), so that the quantiles and the
/// pooled estimates are those of the union and not an average of summaries. Refused: parts fitted
/// with different models, partitions of different inputs or queries, a partition missing or given
/// twice, a summary given twice, a unit in two parts, a part whose units belong to other
/// partitions, results that are not the ones their summary was made with, and parts that fitted no
/// unit between them. The forest rows are the first fitted units of the parts in the order given.
/// </summary>
public static class PanelMerge
{
    /// <summary>Merges the parts' summaries.</summary>
    /// <param name="summaries">The parts' summary JSON files (<c>its panel --summary</c>), in the order their units are taken.</param>
    /// <param name="forest">How many fitted units, in order, give forest-plot rows.</param>
    /// <exception cref="InputError">A summary or results file cannot be read, or the parts are not the parts of one panel.</exception>
    public static PanelMerged Merge(IReadOnlyList<string> summaries, int forest = 30)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentOutOfRangeException.ThrowIfNegative(forest);
        if (summaries.Count == 0) throw new InputError("give the summaries of the parts to merge (its panel --summary)");
        for (int i = 0; i < summaries.Count; i++)
            for (int j = 0; j < i; j++)
                if (FileIdentity.Same(summaries[i], summaries[j]) || Path.GetFullPath(summaries[i]) == Path.GetFullPath(summaries[j]))
                    throw new InputError($"{summaries[i]}: is given twice ({summaries[j]}); give each part's summary once");
        var parts = summaries.Select(Read).ToArray();
        var first = parts[0];
        // The terms of the parts that fitted a unit (a part that fitted none summarises none).
        var withTerms = parts.FirstOrDefault(p => p.Terms.Length > 0) ?? first;
        foreach (var part in parts.Skip(1))
            if (!part.Model.SameAs(first.Model))
                throw new InputError($"{part.File}: fitted with {Describe(part.Model)}, but {first.File} with {Describe(first.Model)}; the parts of one panel are fitted with one model");
        foreach (var part in parts)
            if (part.Terms.Length > 0 && !part.Terms.SequenceEqual(withTerms.Terms))
                throw new InputError($"{part.File}: summarises {string.Join(", ", part.Terms)}, but {withTerms.File} {string.Join(", ", withTerms.Terms)}");
        CheckPartitions(parts);
        var summary = new PanelSummary(withTerms.Terms, forest);
        var seen = new Dictionary<ulong, string>();
        foreach (var part in parts) ReadUnits(part, withTerms.Terms, summary, seen);
        if (summary.StatusCounts[UnitStatus.Ok] == 0)
            throw new InputError($"no part fitted any unit ({summary.Units:N0} units in {parts.Length} parts); see the status and note columns of their results");
        var source = string.Join(", ", parts.Select(p => p.Source).Distinct());
        return new PanelMerged(summary, first.Model, source, parts.Select(p => new PanelPart(p.File, p.Source, p.Results)).ToArray(),
            parts.SelectMany(p => new[] { p.File, p.ResultsPath }).ToArray());
    }

    /// <summary>
    /// Writes the merged summary as JSON (atomically: the old file or the new, never half), refusing
    /// a path that is one of the parts' summaries or results files, a folder, or a file that exists
    /// unless <paramref name="overwrite"/>.
    /// </summary>
    /// <exception cref="InputError">The summary cannot be written there.</exception>
    public static void Write(PanelMerged merged, string path, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(path);
        foreach (string input in merged.Read)
            if (FileIdentity.Same(path, input)) throw new InputError($"{path}: is {input}, which the merge read; give another file name");
        if (Directory.Exists(path)) throw new InputError($"{path}: is a directory; give a file name");
        if (File.Exists(path) && !overwrite) throw new InputError(new UserMessage($"{path}: exists; give {Setting.Of<PanelRun>(nameof(PanelRun.Overwrite), true)} to overwrite it"));
        try
        {
            string target = FileIdentity.Resolve(path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            AtomicFile.WriteAllText(target, PanelReport.Render(merged.Summary, merged.Model, merged.Source, ReportFormat.Json, parts: merged.Parts) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputError($"{path}: cannot be written ({e.Message})");
        }
    }

    // One part's summary as read: its file, input, model, terms, units and results (found, hashed and checked).
    private sealed record Part(string File, string Source, PanelModel Model, string[] Terms, int Units, PanelResultsFile Results, string ResultsPath);

    private static Part Read(string file)
    {
        if (Directory.Exists(file)) throw new InputError($"{file}: is a directory, not a panel summary");
        JsonDocument json;
        try
        {
            using var stream = File.OpenRead(file);
            json = JsonDocument.Parse(stream);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new InputError($"{file}: file not found"); }
        catch (UnauthorizedAccessException) { throw new InputError($"{file}: permission denied"); }
        catch (IOException e) { throw new InputError($"{file}: cannot be read ({e.Message})"); }
        catch (JsonException e) { throw new InputError($"{file}: not JSON ({e.Message})"); }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("parts", out _))
                throw new InputError($"{file}: is itself a merge of parts; give the parts' own summaries");
            JsonElement Field(JsonElement on, string name, JsonValueKind kind, string where = "") =>
                on.ValueKind == JsonValueKind.Object && on.TryGetProperty(name, out var v) && v.ValueKind == kind ? v
                    : throw new InputError($"{file}: not the summary of an its panel run (no {kind.ToString().ToLowerInvariant()} field '{where}{name}'); give the file its panel --summary wrote");
            string Text(JsonElement on, string name, string where = "") => Field(on, name, JsonValueKind.String, where).GetString()!;
            int Number(JsonElement on, string name, string where = "") => Field(on, name, JsonValueKind.Number, where).TryGetInt32(out int n) ? n
                : throw new InputError($"{file}: field '{where}{name}' is not a whole number");
            var results = Field(root, "results", JsonValueKind.Object);
            var model = new PanelModel(Text(root, "outcome"), Text(root, "errors"), Text(root, "impact"),
                Field(root, "interruptions", JsonValueKind.Array).EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : p.ToString()).ToArray(),
                Text(root, "transform"), Text(root, "seasonality"), Number(root, "transition"));
            var terms = Field(root, "terms", JsonValueKind.Array).EnumerateArray().Select(t => Text(t, "term", "terms[].")).ToArray();
            UnitPartition? partition = null;
            if (root.TryGetProperty("partition", out var p))
            {
                int index = Number(p, "index", "partition."), count = Number(p, "count", "partition.");
                partition = index >= 1 && index <= count ? new UnitPartition(index, count) : throw new InputError($"{file}: partition {index}/{count} is not a part of {count}");
            }
            string named = Text(results, "file", "results."), sha256 = Text(results, "sha256", "results.");
            string? query = root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
            return new Part(file, Text(root, "source"), model, terms, Number(root, "units"),
                new PanelResultsFile(named, sha256) { Partition = partition, Query = query }, Locate(file, named, sha256));
        }
    }

    // The results file as the run named it (relative to where it ran), or by its name beside the
    // summary: the one whose SHA-256 is the summary's.
    private static string Locate(string summary, string named, string sha256)
    {
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(summary))!, Path.GetFileName(named));
        var found = new[] { named, beside }.Where(File.Exists).Distinct().ToArray();
        if (found.Length == 0)
            throw new InputError($"{summary}: its results file {named} is not found (neither where the run wrote it nor beside the summary, as {beside})");
        string? first = null;
        foreach (string path in found)
        {
            string hash = Sha256(path);
            first ??= hash;
            if (string.Equals(hash, sha256, StringComparison.OrdinalIgnoreCase)) return path;
        }
        throw new InputError($"{found[0]}: its SHA-256 is {first}, not {sha256} as {summary} says: these results are not the ones that summary was made with (rerun that part)");
    }

    private static string Sha256(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (UnauthorizedAccessException) { throw new InputError($"{path}: permission denied"); }
        catch (IOException e) { throw new InputError($"{path}: cannot be read ({e.Message})"); }
    }

    private static string Input(Part part) => part.Results.Query is { } query ? $"the query {InputText.Shown(query)}" : part.Source;

    private static string Describe(PanelModel model) =>
        $"{model.Outcome}, {model.Errors} errors, {model.Impact} impact at {string.Join(", ", model.Interruptions)}, transform {model.Transform}, seasonality {model.Seasonality}, {model.Transition} transition periods";

    // Partitions of one input: all of 1/N to N/N, each once; parts not partitioned are files split by unit.
    private static void CheckPartitions(Part[] parts)
    {
        var partitioned = parts.Where(p => p.Results.Partition is not null).ToArray();
        if (partitioned.Length == 0) return;
        if (partitioned.Length < parts.Length)
        {
            var whole = parts.First(p => p.Results.Partition is null);
            throw new InputError($"{whole.File}: fitted the whole of {whole.Source}, not a partition, but {partitioned[0].File} fitted partition {partitioned[0].Results.Partition}; merge the partitions of one panel");
        }
        var first = partitioned[0];
        int count = first.Results.Partition!.Count;
        var byIndex = new Dictionary<int, Part>();
        foreach (var part in parts)
        {
            var partition = part.Results.Partition!;
            if (partition.Count != count)
                throw new InputError($"{part.File}: partition {partition} is of {partition.Count} parts, but {first.File}'s ({first.Results.Partition}) of {count}");
            if (part.Source != first.Source || part.Results.Query != first.Results.Query)
                throw new InputError($"{part.File}: partition {partition} of {Input(part)}, but {first.File} is of {Input(first)}; merge the partitions of one panel");
            if (!byIndex.TryAdd(partition.Index, part))
                throw new InputError($"{part.File}: partition {partition} is given twice (also {byIndex[partition.Index].File})");
        }
        var missing = Enumerable.Range(1, count).Where(k => !byIndex.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
            throw new InputError($"partition{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(k => $"{k}/{count}"))} of {first.Source} {(missing.Length > 1 ? "are" : "is")} missing: the merge of {parts.Length} of {count} parts would not be the whole panel");
    }

    // The part's units, read back from its results into the summary; each unit in one part only.
    private static void ReadUnits(Part part, string[] terms, PanelSummary summary, Dictionary<ulong, string> seen)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        string path = part.ResultsPath, links = QueryRows.Spill();
        string literal = $"'{QueryRows.Literal(QueryRows.Unglobbed(path, links))}'";
        string table = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? $"read_parquet({literal})"
            : $"read_csv({literal}, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{string.Join(", ", UnitResultWriter.Columns.Select(c => $"'{c}': '{Type(c)}'"))}}})";
        var coefficients = new Coefficient[terms.Length];
        int units = 0;
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Streamed, so a part of millions of units is not held whole.
            command.UseStreamingMode = true;
            command.CommandText = $"SELECT id, term, estimate, std_error, statistic, df, p_value, ci_lower, ci_upper, status FROM {table}";
            using var reader = command.ExecuteReader();
            string? current = null;
            UnitStatus status = UnitStatus.Ok;
            int found = 0;
            long row = 0;
            void Finish()
            {
                if (current is null) return;
                if (status == UnitStatus.Ok && found < terms.Length)
                    throw new InputError($"{path}: unit {current} is fitted but has no row for {terms.First(t => coefficients.All(c => c?.Term != t))}");
                summary.Add(current, status, coefficients);
                units++;
            }
            while (reader.Read())
            {
                row++;
                string id = reader.IsDBNull(0) ? throw new InputError($"{path}: row {row}, column id: missing unit id") : reader.GetString(0);
                if (id != current)
                {
                    Finish();
                    if (seen.TryGetValue(UnitPartition.Hash(id), out string? other))
                        throw new InputError(other == part.File ? $"{path}: unit {id} comes again after other units; a results file has each unit's rows together"
                            : $"{path}: unit {id} is also in the results of {other}; each unit belongs to one part");
                    seen[UnitPartition.Hash(id)] = part.File;
                    if (part.Results.Partition is { } partition && !partition.Holds(id))
                        throw new InputError($"{path}: unit {id} is not in partition {partition}, whose results these are said to be ({part.File})");
                    current = id;
                    status = Status(reader, row, path);
                    Array.Clear(coefficients);
                    found = 0;
                }
                if (status != UnitStatus.Ok) continue;
                int k = Array.IndexOf(terms, reader.IsDBNull(1) ? null : reader.GetString(1));
                if (k < 0) continue;
                double Number(int column) => reader.IsDBNull(column)
                    ? throw new InputError($"{path}: row {row}, column {reader.GetName(column)}: empty for a fitted unit ({id})")
                    : reader.GetDouble(column);
                coefficients[k] = new Coefficient(terms[k], Number(2), Number(3), Number(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), Number(6), new Interval(Number(7), Number(8)));
                found++;
            }
            Finish();
        }
        catch (DbException e) { throw new InputError($"{path}: not a panel results file ({FirstLine(e.Message)})"); }
        finally
        {
            if (Directory.Exists(links)) Directory.Delete(links, recursive: true);
        }
        if (units != part.Units)
            throw new InputError($"{path}: holds {units:N0} units, but {part.File} summarises {part.Units:N0}");
    }

    private static UnitStatus Status(DbDataReader reader, long row, string path)
    {
        string? name = reader.IsDBNull(9) ? null : reader.GetString(9);
        foreach (var status in Enum.GetValues<UnitStatus>())
            if (status.Name() == name) return status;
        throw new InputError($"{path}: row {row}, column status: '{InputText.Shown(name ?? "")}' is not a unit status ({string.Join(", ", Enum.GetValues<UnitStatus>().Select(s => s.Name()))})");
    }

    // The DuckDB type of each column of a results CSV, as UnitResultWriter writes them.
    private static string Type(string column) => column switch
    {
        "df" or "n" => "INTEGER",
        "id" or "term" or "status" or "note" => "VARCHAR",
        _ => "DOUBLE",
    };

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
