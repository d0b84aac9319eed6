using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Its.Notebooks.Nbformat;

/// <summary>A notebook that cannot be read: the message names the notebook and what is wrong.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);

/// <summary>
/// A Jupyter notebook in nbformat 4 (https://nbformat.readthedocs.io): cells with their sources,
/// metadata and outputs. Metadata the kit does not know is kept as it was read, so a notebook
/// written back differs only in what the kit changed. Outputs are not read: the engine runs every
/// code cell afresh. Written as nbformat 4.5: every cell has an
/// id (made from its position when the file had none), sources and text outputs as lists of lines,
/// keys in a fixed order, so the same notebook always gives the same bytes.
/// </summary>
public sealed class Notebook
{
    /// <summary>A notebook with the given cells and metadata.</summary>
    public Notebook(IEnumerable<Cell> cells, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(cells);
        Cells = cells.ToList();
        Metadata = metadata ?? [];
    }

    /// <summary>The cells, in order.</summary>
    public List<Cell> Cells { get; }

    /// <summary>Notebook metadata (kernelspec, language_info and anything else), as read.</summary>
    public JsonObject Metadata { get; }

    /// <summary>Reads a notebook from its JSON text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="name">The notebook's name or path, for messages.</param>
    /// <exception cref="NotebookFormatException">Not JSON, not nbformat 4, or a cell that is not well formed.</exception>
    public static Notebook Parse(string json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new NotebookFormatException($"{name}: not a notebook (the JSON is not an object)");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{name}: not valid JSON (line {e.LineNumber + 1}: {e.Message})");
        }
        if (root["nbformat"]?.GetValueKind() != JsonValueKind.Number || root["nbformat"]!.GetValue<int>() != 4)
            throw new NotebookFormatException($"{name}: not an nbformat 4 notebook (nbformat is {root["nbformat"]?.ToJsonString() ?? "missing"})");
        if (root["cells"] is not JsonArray cells)
            throw new NotebookFormatException($"{name}: no cells array");
        var read = new List<Cell>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject c) throw new NotebookFormatException($"{name}: cell {i + 1} is not an object");
            string type = c["cell_type"]?.GetValueKind() == JsonValueKind.String ? c["cell_type"]!.GetValue<string>() : "";
            if (type is not ("code" or "markdown" or "raw"))
                throw new NotebookFormatException($"{name}: cell {i + 1} has cell_type '{type}' (expected code, markdown or raw)");
            string id = c["id"]?.GetValueKind() == JsonValueKind.String ? c["id"]!.GetValue<string>() : $"cell-{i + 1}";
            // nbformat 4.5 cell ids are unique; a duplicate (e.g. a copied cell) gets its position.
            if (!ids.Add(id)) ids.Add(id = $"cell-{i + 1}");
            var cell = new Cell(type, Text(c["source"], name, i, "source"))
            {
                Id = id,
                Metadata = c["metadata"] is JsonObject m ? (JsonObject)m.DeepClone() : [],
                Attachments = c["attachments"] is JsonObject a ? (JsonObject)a.DeepClone() : null,
            };
            read.Add(cell);
        }
        return new Notebook(read, root["metadata"] is JsonObject meta ? (JsonObject)meta.DeepClone() : []);
    }

    /// <summary>The notebook as nbformat 4.5 JSON text (one-space indent, as Jupyter writes it), ending with a newline.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(Cells.Select((c, i) => (JsonNode)c.ToJson(i + 1)).ToArray()),
            ["metadata"] = Metadata.DeepClone(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            root.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Reads a source or text field: a string, or a list of strings joined as they are.</summary>
    internal static string Text(JsonNode? node, string name, int cell, string field) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray a when a.All(x => x?.GetValueKind() == JsonValueKind.String) => string.Concat(a.Select(x => x!.GetValue<string>())),
        _ => throw new NotebookFormatException($"{name}: cell {cell + 1}: {field} is neither text nor a list of text lines"),
    };

    /// <summary>Text as nbformat's list of lines, each but the last keeping its newline.</summary>
    internal static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }
}

/// <summary>A notebook cell: code, markdown or raw, with its outputs once a code cell has run.</summary>
/// <param name="Type"><c>code</c>, <c>markdown</c> or <c>raw</c>.</param>
/// <param name="Source">The cell's text.</param>
public sealed record Cell(string Type, string Source)
{
    /// <summary>The nbformat 4.5 cell id; empty for a new cell, which is then written with its position (<c>cell-3</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>Cell metadata, as read.</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>Attachments of a markdown cell, as read; null for none.</summary>
    public JsonObject? Attachments { get; init; }

    /// <summary>The execution count of a code cell that ran; null otherwise.</summary>
    public int? ExecutionCount { get; init; }

    /// <summary>The outputs of a code cell, in order.</summary>
    public IReadOnlyList<CellOutput> Outputs { get; init; } = [];

    /// <summary>Whether this is a code cell.</summary>
    public bool IsCode => Type == "code";

    /// <summary>The cell as nbformat 4.5 JSON; <paramref name="position"/> (1-based) names a cell without an id.</summary>
    public JsonObject ToJson(int position)
    {
        var o = new JsonObject { ["cell_type"] = Type, ["id"] = Id.Length > 0 ? Id : $"cell-{position}", ["metadata"] = Metadata.DeepClone() };
        if (Attachments is not null) o["attachments"] = Attachments.DeepClone();
        o["source"] = Notebook.Lines(Source);
        if (!IsCode) return o;
        o["execution_count"] = ExecutionCount;
        o["outputs"] = new JsonArray(Outputs.Select(x => (JsonNode)x.ToJson()).ToArray());
        return o;
    }
}

/// <summary>
/// A Jupyter MIME bundle: the same value in several representations, <c>text/plain</c> always,
/// often <c>text/html</c> or <c>image/svg+xml</c> beside it.
/// </summary>
public sealed partial record MimeBundle
{
    /// <summary>A bundle from representations by MIME type.</summary>
    /// <exception cref="ArgumentException">No text/plain representation, or one of a JSON type that is not JSON.</exception>
    public MimeBundle(IReadOnlyDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.ContainsKey("text/plain")) throw new ArgumentException("a MIME bundle needs text/plain", nameof(data));
        foreach (var (type, value) in data.Where(kv => IsJson(kv.Key)))
        {
            try { JsonNode.Parse(value); }
            catch (JsonException e) { throw new ArgumentException($"the {type} representation is not JSON: {e.Message}", nameof(data), e); }
        }
        Data = new SortedDictionary<string, string>(data.ToDictionary(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Representations by MIME type, in ordinal order of the type. Those of a JSON type
    /// (<c>application/json</c>, <c>application/*+json</c>) hold JSON text, which notebooks and
    /// Jupyter messages carry as JSON, not as a string (see <see cref="IsJson"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Data { get; }

    /// <summary>
    /// What a front end needs to show the representations, by MIME type, as an output's
    /// <c>metadata</c> carries it in notebooks and Jupyter messages: e.g.
    /// <c>{"image/png": {"width": 672, "height": 432}}</c>, the size in CSS pixels at which to show
    /// an image drawn at a higher resolution. Empty for none.
    /// </summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>Whether nbformat carries a representation of this type as JSON rather than text.</summary>
    public static bool IsJson(string mimeType) => JsonType().IsMatch(mimeType);

    /// <summary>The representations as a JSON object: text as it is, JSON types as their JSON.</summary>
    /// <param name="lines">Text as a list of lines, as notebooks keep it; else one string, as Jupyter messages carry it.</param>
    public JsonObject ToJson(bool lines) =>
        new(Data.Select(kv => KeyValuePair.Create(kv.Key, IsJson(kv.Key) ? JsonNode.Parse(kv.Value) : lines ? Notebook.Lines(kv.Value) : JsonValue.Create(kv.Value))));

    /// <summary>The plain-text representation.</summary>
    public string PlainText => Data["text/plain"];

    /// <summary>A bundle with plain text only.</summary>
    public static MimeBundle Plain(string text) => new(new Dictionary<string, string> { ["text/plain"] = text });

    [GeneratedRegex(@"^application/(.+\+)?json$")]
    private static partial Regex JsonType();
}

/// <summary>One output of a code cell.</summary>
public abstract record CellOutput
{
    /// <summary>The output as nbformat JSON.</summary>
    public abstract JsonObject ToJson();
}

/// <summary>Text written to stdout or stderr.</summary>
/// <param name="Name"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The text.</param>
public sealed record StreamOutput(string Name, string Text) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new() { ["name"] = Name, ["output_type"] = "stream", ["text"] = Notebook.Lines(Text) };
}

/// <summary>A value shown by <c>display(x)</c>.</summary>
/// <param name="Data">Its representations.</param>
public sealed record DisplayOutput(MimeBundle Data) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new() { ["data"] = Data.ToJson(lines: true), ["metadata"] = Data.Metadata.DeepClone(), ["output_type"] = "display_data" };
}

/// <summary>The value of a cell's last expression.</summary>
/// <param name="Data">Its representations.</param>
/// <param name="ExecutionCount">The cell's execution count.</param>
public sealed record ExecuteResultOutput(MimeBundle Data, int ExecutionCount) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new() { ["data"] = Data.ToJson(lines: true), ["execution_count"] = ExecutionCount, ["metadata"] = Data.Metadata.DeepClone(), ["output_type"] = "execute_result" };
}

/// <summary>An exception or a compilation error.</summary>
/// <param name="Name">Exception type (<c>ename</c>).</param>
/// <param name="Value">Its message (<c>evalue</c>).</param>
/// <param name="Traceback">Lines pointing at the cell, not at the engine.</param>
public sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["ename"] = Name,
        ["evalue"] = Value,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(Traceback.Select(t => (JsonNode?)t).ToArray()),
    };
}
