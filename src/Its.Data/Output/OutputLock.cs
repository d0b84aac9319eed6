using System.Diagnostics;
using System.Globalization;

namespace Its.Data.Output;

/// <summary>
/// Keeps a second run from writing the same output while a first one does: a lock file beside the
/// target (<c>.NAME.its-lock</c>) holds the writer's process id and start time. A lock whose
/// process is gone (a run that was killed) is stale and taken over.
/// </summary>
public sealed class OutputLock : IDisposable
{
    // Seconds within which two readings of a process's start time are the same start.
    private const double SameStart = 1;

    private readonly string _file;

    private OutputLock(string file) => _file = file;

    /// <summary>The lock file for a target: hidden, beside it.</summary>
    public static string FileFor(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        string full = FileIdentity.Resolve(target).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.its-lock");
    }

    /// <summary>Takes the lock of a target for this process.</summary>
    /// <param name="target">The file or folder about to be written.</param>
    /// <param name="command">The command writing it, for the message another run gets (e.g. "its reproduce").</param>
    /// <exception cref="InputError">Another live process holds the lock.</exception>
    public static OutputLock Acquire(string target, string command)
    {
        string file = FileFor(target);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var self = Process.GetCurrentProcess();
        string content = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n{self.StartTime.ToUniversalTime():O}\n{command}\n");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
                return new OutputLock(file);
            }
            catch (IOException) when (File.Exists(file))
            {
                if (Holder(file) is { } holder)
                    throw new InputError($"another {holder.Command} is writing {target} (pid {holder.Pid}); wait for it to end, or end it");
                // Stale: its writer is gone. Taken over by whoever removes it first.
                try { File.Delete(file); } catch (IOException) { }
            }
        }
        throw new InputError($"{target}: its lock {file} is taken and released again and again; is another its writing here?");
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        try { File.Delete(_file); }
        catch (IOException) { }
    }

    // The live process that holds a lock file, or null when it is gone (or the file is unreadable).
    private static (int Pid, string Command)? Holder(string file)
    {
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (IOException) { return null; }
        if (lines.Length < 3 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            // The same pid may have been given to another process since. A process's start time as
            // two processes read it differs by a few milliseconds (Linux counts it in clock ticks
            // from a boot time each process estimates), so it is compared to within a second.
            bool same = DateTime.TryParse(lines[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)
                && Math.Abs((process.StartTime.ToUniversalTime() - started.ToUniversalTime()).TotalSeconds) < SameStart;
            return process.HasExited || !same ? null : (pid, lines[2]);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
