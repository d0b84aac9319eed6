using Xunit.Abstractions;

namespace Its.Tests.Reference;

/// <summary>
/// Every case of every fixture file under tests/reference against the kit, by <see cref="FixtureChecker"/>:
/// a new fixture file or case is picked up without new test code.
/// </summary>
public sealed class ReferenceFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Fixture.Files())
            foreach (var c in Fixture.Load(file))
                data.Add(file, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_R(string file, string name)
    {
        var comparison = FixtureChecker.Check(Fixture.Load(file, name));
        Assert.True(comparison.Compared > 0, "a case compares at least one value");
        output.WriteLine($"{file}\t{name}\tcompared {comparison.Compared}\tnot compared {comparison.NotCompared}\t" +
                         $"max |kit - R| {comparison.MaxDifference:G3}\tclosest {comparison.Closest.Ratio:G3} of allowed at {comparison.Closest.Label}");
    }

    public static TheoryData<string> Files() => new(Fixture.Files());

    /// <summary>Each file names the committed R script that writes it, and every case carries its R call.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Names_its_script_and_calls(string file)
    {
        var root = Fixture.Root(file);
        string source = root.GetProperty("source").GetString()!;
        Assert.True(File.Exists(Path.Combine(Fixture.Folder, source)), $"{file}: source {source} is not beside it");
        Assert.Equal(["source", "description", "generated_with", "cases"], root.EnumerateObject().Select(p => p.Name));
        var cases = Fixture.Load(file);
        Assert.NotEmpty(cases);
        Assert.All(cases, c => Assert.False(string.IsNullOrWhiteSpace(c.Call), $"{c}: no R call"));
        Assert.All(cases, c => Assert.Contains(c.Kind, FixtureChecker.Kinds.Keys));
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
    }
}
