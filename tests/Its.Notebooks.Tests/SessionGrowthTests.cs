using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;
using Microsoft.CodeAnalysis;

namespace Its.Notebooks.Tests;

/// <summary>
/// What a long session keeps per cell. Measured alone (no other test allocating meanwhile), after
/// full collections.
/// </summary>
[Collection(Name)]
public sealed class SessionGrowthTests
{
    /// <summary>The collection that runs alone, so the heap measured is this test's.</summary>
    public const string Name = "session growth, measured alone";

    // Every compilation of a session is kept, so what each holds must not grow with the cells
    // before it: it did (references named again by every cell), 0.6 MB a cell and rising.
    [Fact]
    public void Two_hundred_more_cells_keep_under_40_MB_more_of_the_heap()
    {
        var session = new NotebookSession(new PlainFormatter());
        int count = 0;
        for (; count < 50; count++) session.RunCell($"var v{count} = {count} + 1;", count + 1);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (; count < 250; count++) Assert.Equal(CellStatus.Ok, session.RunCell($"var v{count} = v{count - 1} + 1;", count + 1).Status);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal("250", session.RunCell("v249", count + 1).Outputs.OfType<ExecuteResultOutput>().Single().Data.PlainText);
        double grown = (after - before) / 1e6;
        Assert.True(grown < 40, $"the heap grew by {grown:F1} MB over 200 cells");
    }

    [Fact]
    public void A_missing_assembly_is_resolved_to_the_same_reference_every_time()
    {
        var inner = new CountingResolver();
        var reused = new ReusedReferences(inner);
        var identity = new AssemblyIdentity("System.Runtime");
        var definition = MetadataReference.CreateFromFile(typeof(object).Assembly.Location);
        var first = reused.ResolveMissingAssembly(definition, identity);
        var second = reused.ResolveMissingAssembly(definition, identity);
        Assert.Same(first, second);
        Assert.Equal(1, inner.Missing);
    }

    private sealed class CountingResolver : MetadataReferenceResolver
    {
        public int Missing { get; private set; }

        public override bool ResolveMissingAssemblies => true;

        public override System.Collections.Immutable.ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) => [];

        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity)
        {
            Missing++;
            return MetadataReference.CreateFromFile(typeof(object).Assembly.Location);
        }

        public override bool Equals(object? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => 0;
    }
}

/// <summary>Runs <see cref="SessionGrowthTests"/> after the other tests, alone.</summary>
[CollectionDefinition(SessionGrowthTests.Name, DisableParallelization = true)]
public sealed class SessionGrowthCollection;
