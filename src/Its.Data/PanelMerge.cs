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
public sealed record PanelMerged(PanelSummary Summary, PanelModel Model, string Source, IReadOnlyList<PanelPart> Parts);

/// <summary>
/// Merges the summaries of parts of one panel, fitted apart (<c>its panel --partition K/N</c>, or
/// files split by unit), into the summary of the whole: each part's results file is found by the
/// name its summary gives (as given, else beside the summary), checked against the SHA-256 the
/// summary names, and read back (CSV or Parquet, through DuckDB), so that the quantiles and the
/// pooled estimates are those of the union and not an average of summaries. Refused: parts fitted
/// with different models, a unit in two parts, a partition missing or given twice, a part whose
/// units belong to other partitions, and results that are not the ones their summary was made with.
/// The forest rows are the first fitted units of the parts in the order given.
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
        var parts = summaries.Select(Read).ToArray();
        var first = parts[0];
        foreach (var part in parts.Skip(1))
        {
            if (!part.Model.SameAs(first.Model))
                throw new InputError($"{part.File}: fitted with {Describe(part.Model)}, but {first.File} with {Describe(first.Model)}; the parts of one panel are fitted with one model");
            if (!part.Terms.SequenceEqual(first.Terms))
                throw new InputError($"{part.File}: summarises {string.Join(", ", part.Terms)}, but {first.File} {string.Join(", ", first.Terms)}");
        }
        CheckPartitions(parts);
        var summary = new PanelSummary(first.Terms, forest);
        var seen = new Dictionary<ulong, string>();
        foreach (var part in parts) ReadUnits(part, summary, seen);
        var source = string.Join(", ", parts.Select(p => p.Source).Distinct());
        return new PanelMerged(summary, first.Model, source, parts.Select(p => new PanelPart(p.File, p.Source, p.Results)).ToArray());
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
        foreach (var part in merged.Parts)
            foreach (string input in new[] { part.Summary, part.Results.File })
                if (FileIdentity.Same(path, input)) throw new InputError($"{path}: is {input}, a part's {(input == part.Summary ? "summary" : "results")}; give another file name");
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
            var results = Field(root, "results", JsonValueKind.Object);
            var model = new PanelModel(Text(root, "errors"), Text(root, "impact"),
                Field(root, "interruptions", JsonValueKind.Array).EnumerateArray().Select(p => p.GetString() ?? "").ToArray());
            var terms = Field(root, "terms", JsonValueKind.Array).EnumerateArray().Select(t => Text(t, "term", "terms[].")).ToArray();
            UnitPartition? partition = null;
            if (root.TryGetProperty("partition", out var p))
            {
                int index = Field(p, "index", JsonValueKind.Number, "partition.").GetInt32(), count = Field(p, "count", JsonValueKind.Number, "partition.").GetInt32();
                partition = index >= 1 && index <= count ? new UnitPartition(index, count) : throw new InputError($"{file}: partition {index}/{count} is not a part of {count}");
            }
            string named = Text(results, "file", "results."), sha256 = Text(results, "sha256", "results.");
            string path = Locate(file, named);
            string actual = Sha256(path);
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
                throw new InputError($"{path}: its SHA-256 is {actual}, not {sha256} as {file} says: these results are not the ones that summary was made with (rerun that part)");
            return new Part(file, Text(root, "source"), model, terms, Field(root, "units", JsonValueKind.Number).GetInt32(),
                new PanelResultsFile(named, sha256) { Partition = partition }, path);
        }
    }

    // The results file as the run named it (relative to where it ran), else by its name beside the summary.
    private static string Locate(string summary, string named)
    {
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(summary))!, Path.GetFileName(named));
        foreach (string path in new[] { named, beside })
            if (File.Exists(path)) return path;
        throw new InputError($"{summary}: its results file {named} is not found (neither where the run wrote it nor beside the summary, as {beside})");
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

    private static string Describe(PanelModel model) => $"{model.Errors} errors, {model.Impact} impact at {string.Join(", ", model.Interruptions)}";

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
            if (part.Source != first.Source)
                throw new InputError($"{part.File}: partition {partition} of {part.Source}, but {first.File} is of {first.Source}; merge the partitions of one panel");
            if (!byIndex.TryAdd(partition.Index, part))
                throw new InputError($"{part.File}: partition {partition} is given twice (also {byIndex[partition.Index].File})");
        }
        var missing = Enumerable.Range(1, count).Where(k => !byIndex.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
            throw new InputError($"partition{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(k => $"{k}/{count}"))} of {first.Source} {(missing.Length > 1 ? "are" : "is")} missing: the merge of {parts.Length} of {count} parts would not be the whole panel");
    }

    // The part's units, read back from its results into the summary; each unit in one part only.
    private static void ReadUnits(Part part, PanelSummary summary, Dictionary<ulong, string> seen)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        string path = part.ResultsPath;
        string literal = $"'{QueryRows.Literal(path)}'";
        string table = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? $"read_parquet({literal})"
            : $"read_csv({literal}, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{string.Join(", ", UnitResultWriter.Columns.Select(c => $"'{c}': '{Type(c)}'"))}}})";
        var terms = part.Terms;
        var coefficients = new Coefficient[terms.Length];
        int units = 0;
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
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
                        throw new InputError($"{path}: unit {id} is also in the results of {other}{(other == part.File ? " (its rows are not together)" : "")}; each unit belongs to one part");
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
