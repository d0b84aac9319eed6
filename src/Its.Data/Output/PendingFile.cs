namespace Its.Data.Output;

/// <summary>
/// A file written to its hidden temporary beside the target (<see cref="AtomicFile.TemporaryFor"/>)
/// and put in place only by <see cref="Commit"/>, which flushes it to disk and renames it over the
/// target in one step. Disposed without a commit, the temporary is deleted and the target is as it
/// was; a kill leaves only the hidden temporary. Files that belong together are each written
/// pending and then committed one right after the other.
/// </summary>
public sealed class PendingFile : IDisposable
{
    private FileStream? _stream;
    private bool _committed;

    private PendingFile(string target, string temporary, FileStream stream)
    {
        Target = target;
        Temporary = temporary;
        _stream = stream;
    }

    /// <summary>The file this one replaces when committed (a full path).</summary>
    public string Target { get; }

    /// <summary>The temporary file being written.</summary>
    public string Temporary { get; }

    /// <summary>The temporary's stream, open until <see cref="Close"/> or <see cref="Commit"/>.</summary>
    public Stream Stream => _stream ?? throw new InvalidOperationException($"{Temporary} is closed");

    /// <summary>Creates the temporary for a target, in the target's folder (which must exist).</summary>
    public static PendingFile Create(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        string full = Path.GetFullPath(target);
        string temporary = AtomicFile.TemporaryFor(full);
        return new PendingFile(full, temporary, new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <summary>Flushes the temporary to disk and closes it; the target is not touched yet.</summary>
    public void Close()
    {
        if (_stream is null) return;
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
    }

    /// <summary>Closes the temporary (flushed to disk) and renames it over the target.</summary>
    public void Commit()
    {
        Close();
        File.Move(Temporary, Target, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary unless it was committed.</summary>
    public void Dispose()
    {
        if (_committed) return;
        _stream?.Dispose();
        _stream = null;
        File.Delete(Temporary);
    }
}
