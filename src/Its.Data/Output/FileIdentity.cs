using System.Runtime.InteropServices;

namespace Its.Data.Output;

/// <summary>
/// Whether two paths name the same file or folder on disk, whatever links lead to them: the device
/// and inode numbers on Linux and macOS (so a hard link is seen through too), the fully resolved
/// path elsewhere. Outputs are compared with inputs this way, never by spelling.
/// </summary>
public static partial class FileIdentity
{
    /// <summary>Whether both paths exist and are the same file or folder.</summary>
    public static bool Same(string a, string b) => Of(a) is { } x && Of(b) is { } y && x.Equals(y);

    /// <summary>
    /// The path with every symbolic link in it resolved (the final one too), or, for a path that
    /// does not exist yet, its deepest existing folder resolved and the rest as written.
    /// </summary>
    public static string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string? existing = full;
        var rest = new Stack<string>();
        while (existing is not null && !Path.Exists(existing))
        {
            rest.Push(Path.GetFileName(existing));
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) return full;
        string resolved = RealPath(existing);
        while (rest.Count > 0) resolved = Path.Combine(resolved, rest.Pop());
        return resolved;
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="outer"/> or lies inside it, after resolving links.</summary>
    public static bool IsWithin(string inner, string outer)
    {
        string a = Resolve(inner).TrimEnd(Path.DirectorySeparatorChar), b = Resolve(outer).TrimEnd(Path.DirectorySeparatorChar);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return a.Equals(b, comparison) || a.StartsWith(b + Path.DirectorySeparatorChar, comparison) || b.Length == 0;
    }

    // (device, inode), or the resolved path where those cannot be had; null when the path does not exist.
    private static object? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Path.Exists(path)) return null;
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Inode(path) is { } inode) return inode;
        return RealPath(path);
    }

    private static unsafe (ulong Device, ulong Inode)? Inode(string path)
    {
        // struct stat starts with st_dev then (Linux) st_ino, or (macOS) st_mode and st_nlink then st_ino:
        // st_ino is the 8 bytes at offset 8 on both; st_dev is 8 bytes (Linux) or 4 (macOS) at 0.
        byte* buffer = stackalloc byte[512];
        try
        {
            if (Stat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        ulong device = OperatingSystem.IsMacOS() ? *(uint*)buffer : *(ulong*)buffer;
        return (device, *(ulong*)(buffer + 8));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);

    // Every link in an existing path resolved, component by component.
    private static string RealPath(string existing)
    {
        string full = Path.GetFullPath(existing);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            var info = new FileInfo(next);
            for (int hops = 0; info.LinkTarget is not null && hops < 40; hops++)
            {
                next = Path.GetFullPath(info.LinkTarget, Path.GetDirectoryName(next)!);
                next = RealPath(next);
                info = new FileInfo(next);
            }
            current = next;
        }
        return current;
    }
}
