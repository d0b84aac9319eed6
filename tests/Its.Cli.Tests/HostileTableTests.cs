namespace Its.Cli.Tests;

/// <summary>Files the reader writes once for the class: a 1 GB line and a binary file.</summary>
public sealed class HostileTables : IDisposable
{
    private readonly TempFolder _folder = new();

    public HostileTables()
    {
        LongLine = Path.Combine(_folder.Path, "long-line.csv");
        using (var file = new FileStream(LongLine, FileMode.Create, FileAccess.Write))
        {
            file.Write("month,visits,id\n2016-01,"u8);
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)'9');
            for (int i = 0; i < 1024; i++) file.Write(chunk);
            file.Write("\n"u8);
        }
        Binary = Path.Combine(_folder.Path, "binary.csv");
        var bytes = new byte[1 << 16];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(Binary, bytes);
    }

    /// <summary>A header, then a data line of 1 GiB (a field of 2^30 nines).</summary>
    public string LongLine { get; }

    /// <summary>64 KiB of random bytes.</summary>
    public string Binary { get; }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// Every command that reads a table refuses a 1 GB line and a binary file with exit code 2 and one
/// line, having read a megabyte of the file, not all of it.
/// </summary>
public sealed class HostileTableTests(HostileTables files) : IClassFixture<HostileTables>
{
    private static readonly string[] Model = ["--outcome", "visits", "--interruption", "2017-01"];

    public static TheoryData<string, string[]> Commands() => new()
    {
        { "fit", ["fit", "{file}", .. Model] },
        { "compare", ["compare", "{file}", "--group", "id", "--treated", "a", .. Model] },
        { "placebo", ["placebo", "{file}", .. Model] },
        { "sensitivity", ["sensitivity", "{file}", .. Model] },
        { "breaks", ["breaks", "{file}", .. Model] },
        { "power from-data", ["power", "from-data", "{file}", .. Model, "--level", "0", "--slope", "0.1"] },
        { "panel", ["panel", "{file}", "--id", "id", .. Model, "--out", "{out}"] },
        { "sanming", ["sanming", "--data", "{file}"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_one_gigabyte_line_is_refused_in_one_line_naming_its_row(string command, string[] args)
    {
        var run = Run(args, files.LongLine, out long allocated);
        Assert.True(run.ExitCode == 2, $"{command}: exit {run.ExitCode}: {run.Error}");
        Assert.Equal($"its: {files.LongLine}: row 2: a line longer than 1,048,576 characters; this is not a table the kit reads\n", run.Error.Replace("\r", ""));
        // Refused at the limit: a few megabytes of text allocated, not the gigabyte.
        Assert.True(allocated < 64L << 20, $"{command}: {allocated:N0} bytes allocated");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_binary_file_is_refused_in_one_line(string command, string[] args)
    {
        var run = Run(args, files.Binary, out _);
        Assert.True(run.ExitCode == 2, $"{command}: exit {run.ExitCode}: {run.Error}");
        string line = run.Error.TrimEnd('\n');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"its: {files.Binary}: not a text file", line);
    }

    private static CliRun Run(string[] args, string file, out long allocated)
    {
        string output = Path.Combine(Path.GetTempPath(), $"its-hostile-{Guid.NewGuid():N}.csv");
        var concrete = args.Select(a => a.Replace("{file}", file, StringComparison.Ordinal).Replace("{out}", output, StringComparison.Ordinal)).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var run = CliRun.Of(concrete);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(File.Exists(output), $"{output} written");
        return run;
    }
}
