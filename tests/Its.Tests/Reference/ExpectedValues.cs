using System.Text.Json;

namespace Its.Tests.Reference;

/// <summary>
/// An object of R's expected values that remembers which fields the checker read, so that a field it
/// does not know (a new R output, a misspelt name) fails the case instead of going unchecked.
/// </summary>
public sealed class ExpectedValues
{
    private readonly JsonElement _json;
    private readonly HashSet<string> _read = [];
    private readonly List<ExpectedValues> _children = [];

    /// <summary>Wraps a JSON object found at <paramref name="path"/> ("" for the top).</summary>
    public ExpectedValues(JsonElement json, string path = "")
    {
        _json = json;
        Path = path;
    }

    /// <summary>Where this object sits in the case's expected values.</summary>
    public string Path { get; }

    /// <summary>Whether R reported the field (null counts: it says the kit must report nothing).</summary>
    public bool Has(string name) => _json.TryGetProperty(name, out _);

    /// <summary>The field, read; throws if R did not report it.</summary>
    public JsonElement this[string name]
    {
        get
        {
            _read.Add(name);
            return _json.GetProperty(name);
        }
    }

    /// <summary>The field if R reported it, read; else null.</summary>
    public JsonElement? Optional(string name)
    {
        if (!_json.TryGetProperty(name, out var value)) return null;
        _read.Add(name);
        return value;
    }

    /// <summary>A nested object, tracked as well; null when R reported null.</summary>
    public ExpectedValues? Object(string name)
    {
        var value = this[name];
        return value.ValueKind == JsonValueKind.Null ? null : Child(value, Join(name));
    }

    /// <summary>A nested array of objects, each tracked.</summary>
    public IReadOnlyList<ExpectedValues> Objects(string name) =>
        this[name].EnumerateArray().Select((e, i) => Child(e, $"{Join(name)}[{i}]")).ToArray();

    /// <summary>The names of the fields of this object.</summary>
    public IEnumerable<string> Names => _json.EnumerateObject().Select(p => p.Name);

    /// <summary>Every field, here and below, that the checker did not read.</summary>
    public IEnumerable<string> Unread() =>
        Names.Where(n => !_read.Contains(n)).Select(Join).Concat(_children.SelectMany(c => c.Unread()));

    private ExpectedValues Child(JsonElement json, string path)
    {
        var child = new ExpectedValues(json, path);
        _children.Add(child);
        return child;
    }

    private string Join(string name) => Path.Length == 0 ? name : $"{Path}.{name}";
}
