using System.Diagnostics;
using System.Globalization;
using Its.Data;
using Its.Data.Output;

namespace Its.Cli.Tests;

/// <summary>
/// <see cref="OutputLock"/> with lock files as another process writes them: its own reading of its
/// start time differs from ours by milliseconds, yet it is the same live writer.
/// </summary>
public sealed class OutputLockTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Target => Path.Combine(_folder.Path, "reports");

    private void Held(DateTime started) => File.WriteAllText(OutputLock.FileFor(Target),
        string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n{started:O}\nits reproduce\n"));

    private static DateTime Started()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }

    [Fact]
    public void A_live_holder_whose_start_time_reads_a_few_milliseconds_off_keeps_its_lock()
    {
        Held(Started().AddMilliseconds(7));
        var refused = Assert.Throws<InputError>(() => OutputLock.Acquire(Target, "its reproduce"));
        Assert.Equal($"another its reproduce is writing {Target} (pid {Environment.ProcessId}); wait for it to end, or end it", refused.Message);
    }

    [Fact]
    public void A_lock_naming_a_process_that_started_at_another_time_is_stale_and_taken_over()
    {
        // The pid was given to this process after the run that wrote the lock ended.
        Held(Started().AddMinutes(-5));
        using (OutputLock.Acquire(Target, "its reproduce"))
            Assert.Contains($"{Environment.ProcessId}\n", File.ReadAllText(OutputLock.FileFor(Target)));
        Assert.False(File.Exists(OutputLock.FileFor(Target)));
    }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}
