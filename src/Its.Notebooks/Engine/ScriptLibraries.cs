using System.Reflection;

namespace Its.Notebooks.Engine;

/// <summary>
/// The libraries a host adds to what its sessions' cells compile against, beside the engine's own:
/// assemblies every cell references, namespaces every cell imports, and the NuGet ids the
/// assemblies are published under, which <c>#r "nuget: ..."</c> finds loaded instead of restoring
/// them. Two sets with the same members are equal, and sessions with equal sets share one
/// compiled environment.
/// </summary>
public sealed record ScriptLibraries
{
    /// <summary>No libraries: cells see the engine's own only.</summary>
    public static ScriptLibraries None { get; } = new();

    /// <summary>Assemblies every cell references.</summary>
    public IReadOnlyList<Assembly> Assemblies { get; init; } = [];

    /// <summary>Namespaces every cell imports; one that none of <see cref="Assemblies"/> has a public type in is left out.</summary>
    public IReadOnlyList<string> Imports { get; init; } = [];

    /// <summary>NuGet package ids with the assembly each stands for (one of <see cref="Assemblies"/>), as a notebook written for the packaged libraries asks for them.</summary>
    public IReadOnlyList<LibraryPackage> Packages { get; init; } = [];

    /// <inheritdoc />
    public bool Equals(ScriptLibraries? other) =>
        other is not null && Assemblies.SequenceEqual(other.Assemblies) && Imports.SequenceEqual(other.Imports, StringComparer.Ordinal) && Packages.SequenceEqual(other.Packages);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var assembly in Assemblies) hash.Add(assembly);
        foreach (string name in Imports) hash.Add(name, StringComparer.Ordinal);
        foreach (var package in Packages) hash.Add(package);
        return hash.ToHashCode();
    }
}

/// <summary>A NuGet package id and the assembly it stands for.</summary>
/// <param name="Id">The package id, as <c>#r "nuget: Id"</c> names it (ids are case-insensitive).</param>
/// <param name="Assembly">The assembly, loaded by the host.</param>
public sealed record LibraryPackage(string Id, Assembly Assembly);
