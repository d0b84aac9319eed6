using System.Diagnostics;
using Its.Data;
using Its.Data.Output;

namespace Its.Cli.Tests;

/// <summary>The output discipline's parts: atomic files, identity through links, and output locks.</summary>
public sealed class OutputPrimitiveTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string In(string name) => Path.Combine(_folder.Path, name);

    private static void Link(string kind, string target, string link)
    {
        var run = Process.Start(new ProcessStartInfo("/bin/ln", kind == "hard" ? [target, link] : ["-s", target, link]))!;
        run.WaitForExit();
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void An_atomic_write_replaces_the_file_whole_and_leaves_no_temporary()
    {
        string path = _folder.Write("out.txt", "old");
        AtomicFile.WriteAllText(path, "new content");
        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Equal(["out.txt"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_write_that_fails_leaves_the_old_file_and_no_temporary()
    {
        string path = _folder.Write("out.txt", "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["out.txt"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_atomic_write_through_a_symbolic_link_replaces_the_link_not_its_target()
    {
        string input = _folder.Write("input.csv", "the user's data");
        Link("soft", input, In("out.csv"));
        AtomicFile.WriteAllText(In("out.csv"), "results");
        Assert.Equal("the user's data", File.ReadAllText(input));
        Assert.Null(new FileInfo(In("out.csv")).LinkTarget);
    }

    [Fact]
    public void The_same_file_is_seen_through_symbolic_and_hard_links_and_other_files_are_not()
    {
        string input = _folder.Write("input.csv", "data");
        string other = _folder.Write("other.csv", "data");
        Link("soft", input, In("soft.csv"));
        Link("hard", input, In("hard.csv"));
        Directory.CreateDirectory(In("sub"));
        Link("soft", _folder.Path, In("sub/up"));
        Assert.True(FileIdentity.Same(input, In("soft.csv")));
        Assert.True(FileIdentity.Same(input, In("hard.csv")));
        Assert.True(FileIdentity.Same(input, In("sub/up/input.csv")));
        Assert.True(FileIdentity.Same(input, In("sub/../input.csv")));
        Assert.False(FileIdentity.Same(input, other));
        Assert.False(FileIdentity.Same(input, In("missing.csv")));
    }

    [Fact]
    public void Resolving_follows_every_link_and_keeps_the_part_that_does_not_exist_yet()
    {
        Directory.CreateDirectory(In("real"));
        Link("soft", In("real"), In("alias"));
        string real = FileIdentity.Resolve(In("real"));
        Assert.Equal(Path.Combine(real, "new", "file.csv"), FileIdentity.Resolve(In("alias/new/file.csv")));
        Assert.True(FileIdentity.IsWithin(In("alias/new"), In("real")));
        Assert.True(FileIdentity.IsWithin(In("alias"), In("real")));
        Assert.False(FileIdentity.IsWithin(In("real"), In("real/new")));
        Assert.True(FileIdentity.IsWithin(In("anything"), "/"));
    }

    [Fact]
    public void A_second_lock_on_a_target_is_refused_naming_the_holder_and_released_it_is_free()
    {
        string target = In("results.csv");
        using (OutputLock.Acquire(target, "its panel"))
        {
            string message = Assert.Throws<InputError>(() => OutputLock.Acquire(target, "its panel")).Message;
            Assert.Equal($"another its panel is writing {target} (pid {Environment.ProcessId}); wait for it to end, or end it", message);
            Assert.True(File.Exists(OutputLock.FileFor(target)));
        }
        Assert.False(File.Exists(OutputLock.FileFor(target)));
        using (OutputLock.Acquire(target, "its panel")) { }
    }

    [Fact]
    public void A_lock_left_by_a_process_that_is_gone_is_taken_over()
    {
        string target = In("reports");
        using var gone = Process.Start(new ProcessStartInfo("/bin/true"))!;
        gone.WaitForExit();
        File.WriteAllText(OutputLock.FileFor(target), $"{gone.Id}\n2026-01-01T00:00:00.0000000Z\nits reproduce\n");
        using (OutputLock.Acquire(target, "its reproduce"))
            Assert.StartsWith($"{Environment.ProcessId}\n", File.ReadAllText(OutputLock.FileFor(target)));
        // A live pid whose start time differs is another process that took the pid since: stale too.
        File.WriteAllText(OutputLock.FileFor(target), $"{Environment.ProcessId}\n2000-01-01T00:00:00.0000000Z\nits reproduce\n");
        using (OutputLock.Acquire(target, "its reproduce")) { }
    }

    [Fact]
    public async Task A_lock_created_and_not_yet_written_is_not_taken_as_stale()
    {
        // Its writer has created it (empty) and writes its lines a moment later.
        string target = In("results.csv");
        string file = OutputLock.FileFor(target);
        File.WriteAllText(file, "");
        using var self = Process.GetCurrentProcess();
        var writing = Task.Run(async () =>
        {
            await Task.Delay(200);
            File.WriteAllText(file, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n{self.StartTime.ToUniversalTime():O}\nits panel\n"));
        });
        string message = Assert.Throws<InputError>(() => OutputLock.Acquire(target, "its panel")).Message;
        Assert.Equal($"another its panel is writing {target} (pid {Environment.ProcessId}); wait for it to end, or end it", message);
        await writing;
        // One left empty for longer is stale.
        File.WriteAllText(file, "");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
        using (OutputLock.Acquire(target, "its panel")) { }
    }

    [Fact]
    public void A_live_holder_is_known_by_its_start_time_read_a_little_apart()
    {
        // Another process reads the holder's start time off by the clock's jitter, not to the tick.
        string target = In("results.csv");
        using var self = Process.GetCurrentProcess();
        string started = self.StartTime.ToUniversalTime().AddMilliseconds(3).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(OutputLock.FileFor(target), $"{Environment.ProcessId}\n{started}\nits panel\n");
        string message = Assert.Throws<InputError>(() => OutputLock.Acquire(target, "its panel")).Message;
        Assert.Equal($"another its panel is writing {target} (pid {Environment.ProcessId}); wait for it to end, or end it", message);
    }
}
