using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Its.Notebooks.Engine;

/// <summary>
/// A session's metadata resolver that answers each question once: the same <c>#r</c> and the
/// same missing assembly (a facade such as <c>System.Runtime</c> that a referenced assembly
/// needs) give the same reference object in every cell.
/// </summary>
/// <remarks>
/// Every cell is a new compilation, and Roslyn asks the resolver again for each one. The
/// scripting resolver answers with a new reference each time, whose metadata is read into native
/// memory and kept by the cell's compilation for the session's life: about 3.5 MB a cell, the
/// bulk of a long session's growth. A reference object seen before keeps its metadata, and
/// Roslyn can reuse the symbols it built for it.
/// </remarks>
internal sealed class ReusedReferences(MetadataReferenceResolver resolver) : MetadataReferenceResolver
{
    private readonly ConcurrentDictionary<(string Reference, string? BaseFilePath, MetadataReferenceProperties Properties), ImmutableArray<PortableExecutableReference>> _references = new();
    private readonly ConcurrentDictionary<(MetadataReference Definition, AssemblyIdentity Identity), PortableExecutableReference?> _missing = new();

    /// <inheritdoc />
    public override bool ResolveMissingAssemblies => resolver.ResolveMissingAssemblies;

    /// <inheritdoc />
    public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
        _references.GetOrAdd((reference, baseFilePath, properties), key => resolver.ResolveReference(key.Reference, key.BaseFilePath, key.Properties));

    /// <inheritdoc />
    public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
        _missing.GetOrAdd((definition, referenceIdentity), key => resolver.ResolveMissingAssembly(key.Definition, key.Identity));

    /// <inheritdoc />
    public override bool Equals(object? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
