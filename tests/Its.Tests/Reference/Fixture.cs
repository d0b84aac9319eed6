using System.Text.Json;
using Its.Model;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Sdk;

namespace Its.Tests.Reference;

/// <summary>
/// One case of an R fixture file under tests/reference, in the schema of tests/reference/README.md:
/// the R call that made it, its data, the kit's spec, R's numbers and the tolerance of each field.
/// </summary>
public sealed class Fixture
{
    private static readonly string[] CaseFields = ["name", "kind", "call", "data", "spec", "expected", "tolerance"];

    // The options of `its fit` a spec may hold, and those of the other entry points by kind.
    private static readonly string[] SpecFields =
        ["interruptions", "impact", "seasonality", "transform", "transition", "covariates", "family", "offset", "errors", "effects_at", "cumulative", "cumby_huizinga"];

    private static readonly Dictionary<string, string[]> KindSpecFields = new()
    {
        ["break-search"] = ["trim"],
        ["group-comparison"] = ["reference", "lag_scope"],
        ["synthetic-did"] = ["method", "treated"],
        ["multilevel"] = ["reference", "random", "covariance", "within", "method"],
    };

    private Fixture(string file, JsonElement json)
    {
        File = file;
        Json = json;
        foreach (var property in json.EnumerateObject())
            if (!CaseFields.Contains(property.Name))
                throw new XunitException($"{file}: case {Name}: unknown field '{property.Name}' (the schema has {string.Join(", ", CaseFields)})");
        foreach (string required in CaseFields.Where(f => f != "spec"))
            if (!json.TryGetProperty(required, out _))
                throw new XunitException($"{file}: case {Name}: no '{required}'");
        Tolerances = FieldTolerance.ReadAll(json.GetProperty("tolerance"), $"{file}: case {Name}");
    }

    /// <summary>The fixture file, e.g. gaussian.json.</summary>
    public string File { get; }

    /// <summary>The raw case.</summary>
    public JsonElement Json { get; }

    /// <summary>Case name, unique in its file.</summary>
    public string Name => Json.GetProperty("name").GetString()!;

    /// <summary>The kit's entry point the case is fitted with ("model", "break-search", ...).</summary>
    public string Kind => Json.GetProperty("kind").GetString()!;

    /// <summary>The R call that produced the expected values.</summary>
    public string Call => Json.GetProperty("call").GetString()!;

    /// <summary>The input data.</summary>
    public JsonElement Data => Json.GetProperty("data");

    /// <summary>R's numbers under the kit's names.</summary>
    public JsonElement Expected => Json.GetProperty("expected");

    /// <summary>The tolerance entries by field path.</summary>
    public IReadOnlyDictionary<string, FieldTolerance> Tolerances { get; }

    /// <summary>Folder of the fixture files copied next to the test assembly.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "reference");

    /// <summary>Every fixture file, by name.</summary>
    public static IReadOnlyList<string> Files() =>
        Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>All cases of a fixture file.</summary>
    public static IReadOnlyList<Fixture> Load(string file) =>
        Root(file).GetProperty("cases").EnumerateArray().Select(c => new Fixture(file, c)).ToArray();

    /// <summary>The case of a file with this name.</summary>
    public static Fixture Load(string file, string name) => Load(file).Single(c => c.Name == name);

    /// <summary>The whole fixture file: source, description, generated_with and cases.</summary>
    public static JsonElement Root(string file)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Folder, file)));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// The tolerance of a field: the entry for its label (one term or element, "coefficients[intercept].std_error"),
    /// else for its path ("coefficients.std_error"), else for the nearest parent path, else "default".
    /// </summary>
    public FieldTolerance Tolerance(string label, string field)
    {
        if (Tolerances.TryGetValue(label, out var exact)) return exact;
        for (string path = field; path.Length > 0; path = path.Contains('.') ? path[..path.LastIndexOf('.')] : "")
            if (Tolerances.TryGetValue(path, out var entry)) return entry;
        return Tolerances.TryGetValue("default", out var fallback)
            ? fallback
            : throw new XunitException($"{this}: no tolerance for {label} and no default");
    }

    /// <summary>The case's series (data.series).</summary>
    public TimeSeries Series() => SeriesOf(Data.GetProperty("series"));

    /// <summary>A series stored as frequency, periods, y and covariates.</summary>
    public static TimeSeries SeriesOf(JsonElement s)
    {
        var frequency = s.GetProperty("frequency").GetString() switch
        {
            "month" => Frequency.Month,
            "quarter" => Frequency.Quarter,
            "year" => Frequency.Year,
            var other => throw new XunitException($"unknown frequency '{other}'"),
        };
        var periods = s.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!, frequency)).ToArray();
        var covariates = s.GetProperty("covariates").EnumerateObject().ToDictionary(p => p.Name, p => Numbers(p.Value));
        return new TimeSeries(periods, Numbers(s.GetProperty("y")), covariates);
    }

    /// <summary>The design R fitted (data.design: terms and columns) and the outcome (data.series.y).</summary>
    public (Matrix<double> X, Vector<double> Y, string[] Terms) Design()
    {
        var design = Data.GetProperty("design");
        var terms = design.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var x = Matrix<double>.Build.DenseOfColumnArrays(design.GetProperty("columns").EnumerateArray().Select(Numbers));
        var y = Vector<double>.Build.DenseOfArray(Numbers(Data.GetProperty("series").GetProperty("y")));
        return (x, y, terms);
    }

    /// <summary>
    /// The case's spec in the kit's grammar, its periods read in the given frequency (default: the
    /// series'). A field that is neither an option of <c>its fit</c> nor one of the case's kind fails.
    /// </summary>
    public ItsSpec Spec(Frequency? given = null)
    {
        var s = Json.GetProperty("spec");
        string[] extra = KindSpecFields.GetValueOrDefault(Kind, []);
        foreach (var property in s.EnumerateObject())
            if (!SpecFields.Contains(property.Name) && !extra.Contains(property.Name))
                throw new XunitException($"{this}: unknown spec field '{property.Name}'");
        var frequency = given ?? Series().Frequency;
        JsonElement? Option(string name) => s.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
        var spec = new ItsSpec
        {
            Interruptions = s.GetProperty("interruptions").EnumerateArray().Select(p => Period.Parse(p.GetString()!, frequency)).ToArray(),
            Covariates = Option("covariates")?.EnumerateArray().Select(c => c.GetString()!).ToArray() ?? [],
            EffectsAt = Option("effects_at")?.EnumerateArray().Select(e => e.GetInt32()).ToArray() ?? [],
            Offset = Option("offset")?.GetString(),
            TransitionPeriods = Option("transition")?.GetInt32() ?? 0,
        };
        if (Option("impact") is { } impact)
        {
            var (shape, rate) = OptionNames.ParseImpactAndRate(impact.GetString()!);
            spec = spec with { Impact = shape, Rate = rate };
        }
        if (Option("seasonality") is { } seasonality) spec = spec with { Seasonality = Seasonality.Parse(seasonality.GetString()!) };
        if (Option("transform") is { } transform) spec = spec with { Transform = OptionNames.ParseTransform(transform.GetString()!) };
        if (Option("family") is { } family) spec = spec with { Family = FamilyNames.Parse(family.GetString()!) };
        if (Option("errors") is { } errors) spec = spec with { Errors = ErrorModel.Parse(errors.GetString()!) };
        if (Option("cumulative") is { } cumulative) spec = spec with { Cumulative = EffectWindow.Parse(cumulative.GetString()!) };
        if (Option("cumby_huizinga") is { } ch) spec = spec with { CumbyHuizinga = Diagnostics.CumbyHuizingaOptions.Parse(ch.GetString()!) };
        return spec;
    }

    /// <summary>A spec field outside <see cref="ItsSpec"/> (a break search's trim, a comparison's reference).</summary>
    public JsonElement SpecOption(string name) =>
        Json.GetProperty("spec").TryGetProperty(name, out var value) ? value : throw new XunitException($"{this}: no spec.{name}");

    /// <summary>A JSON array of numbers.</summary>
    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <inheritdoc />
    public override string ToString() => $"{File}: case {Name}";
}
