using System.Text.Json;
using Its.Model;
using Its.Time;

namespace Its.Tests.Reference;

/// <summary>One case of an R fixture file under tests/reference: the data, the spec, and R's numbers.</summary>
public sealed class Fixture
{
    private Fixture(JsonElement json) => Json = json;

    /// <summary>The raw case.</summary>
    public JsonElement Json { get; }

    /// <summary>Case name.</summary>
    public string Name => Json.GetProperty("name").GetString()!;

    /// <summary>All cases of a fixture file copied next to the test assembly.</summary>
    public static IReadOnlyList<Fixture> Load(string file) =>
        Root(file).GetProperty("cases").EnumerateArray().Select(c => new Fixture(c)).ToArray();

    /// <summary>The whole fixture file copied next to the test assembly (cases and any other sections).</summary>
    public static JsonElement Root(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "reference", file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    /// <summary>The case's series.</summary>
    public TimeSeries Series() => SeriesOf(Json.GetProperty("series"));

    /// <summary>A series stored as frequency, periods, y and covariates.</summary>
    public static TimeSeries SeriesOf(JsonElement s)
    {
        var frequency = s.GetProperty("frequency").GetString() switch
        {
            "month" => Frequency.Month,
            "quarter" => Frequency.Quarter,
            _ => Frequency.Year,
        };
        var periods = s.GetProperty("periods").EnumerateArray().Select(p => Period.Parse(p.GetString()!, frequency)).ToArray();
        var covariates = s.GetProperty("covariates").EnumerateObject()
            .ToDictionary(p => p.Name, p => Numbers(p.Value));
        return new TimeSeries(periods, Numbers(s.GetProperty("y")), covariates);
    }

    /// <summary>The case's spec, its periods read in the frequency of the case's series unless given.</summary>
    public ItsSpec Spec(Frequency? given = null)
    {
        var frequency = given ?? Series().Frequency;
        return new ItsSpec
        {
            Interruptions = Json.GetProperty("interruptions").EnumerateArray().Select(p => Period.Parse(p.GetString()!, frequency)).ToArray(),
            Impact = OptionNames.ParseImpact(Json.GetProperty("impact").GetString()!),
            Seasonality = Seasonality.Parse(Json.GetProperty("seasonality").GetString()!),
            Transform = OptionNames.ParseTransform(Optional("transform")?.GetString() ?? "none"),
            TransitionPeriods = Optional("transition")?.GetInt32() ?? 0,
            Covariates = Optional("covariates")?.EnumerateArray().Select(c => c.GetString()!).ToArray() ?? [],
            Family = FamilyNames.Parse(Optional("family")?.GetString() ?? "gaussian"),
            Offset = Optional("offset")?.GetString(),
            Errors = ErrorModel.Parse(Json.GetProperty("errors").GetString()!),
            EffectsAt = Optional("effects_at")?.EnumerateArray().Select(e => e.GetInt32()).ToArray() ?? [],
        };
    }

    /// <summary>A property that some fixture files leave out, or null.</summary>
    public JsonElement? Optional(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A JSON array of numbers.</summary>
    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <inheritdoc />
    public override string ToString() => Name;
}
