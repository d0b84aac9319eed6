using System.Text;

namespace Its.Data.Output;

/// <summary>
/// Writes a file so that it is either its old self or wholly new, never half written: the bytes go
/// to a uniquely named temporary file in the same folder (so the rename stays on one file system),
/// are flushed to disk, and the temporary file is renamed over the target in one step. A kill at
/// any moment leaves the old file, or the new one, and at worst a hidden <c>.NAME.its-*.tmp</c>.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>The temporary file a write to <paramref name="path"/> goes through: hidden, beside it, unique to this write.</summary>
    public static string TemporaryFor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.its-{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Writes the file through <paramref name="write"/>, then renames it into place.</summary>
    /// <param name="path">The target.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = PendingFile.Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Writes text as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(Utf8.GetBytes(text ?? throw new ArgumentNullException(nameof(text)))));

    /// <summary>Writes bytes.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }
}
