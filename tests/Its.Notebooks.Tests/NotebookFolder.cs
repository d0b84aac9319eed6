namespace Its.Notebooks.Tests;

/// <summary>
/// Tests whose notebooks live in a folder of their own, removed after the test. Sessions there
/// change the process's current directory, so these tests run one after another and can check
/// that it is restored: each test class says <c>[Collection(NotebookFolder.Name)]</c> (xUnit does
/// not inherit the attribute).
/// </summary>
public abstract class NotebookFolder : IDisposable
{
    /// <summary>The test collection of tests in a notebook folder.</summary>
    public const string Name = "notebook folder";

    /// <summary>The notebook's folder, as a full path.</summary>
    protected string Folder { get; } = Directory.CreateTempSubdirectory("its-notebook-").FullName;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>The collection of <see cref="NotebookFolder"/> tests.</summary>
[CollectionDefinition(NotebookFolder.Name)]
public sealed class NotebookFolderCollection;
