using System.Text;
using Its.Data;
using Parquet;
using Parquet.Schema;

namespace Its.Cli.Tests;

/// <summary>The shell commands of README.md's <c>sh</c> blocks, as a reader would type them.</summary>
public static class Readme
{
    /// <summary>The README's path.</summary>
    public static string Path => Repository.Locate("README.md", "run the tests from the repository");

    /// <summary>Each command of every <c>sh</c> block: continuation lines joined, comments dropped.</summary>
    public static IReadOnlyList<string> Commands()
    {
        var commands = new List<string>();
        bool inBlock = false;
        var current = new StringBuilder();
        foreach (string raw in File.ReadAllLines(Path))
        {
            if (!inBlock) { inBlock = raw.Trim() == "```sh"; continue; }
            if (raw.Trim() == "```") { inBlock = false; continue; }
            string line = StripComment(raw).TrimEnd();
            if (line.Trim().Length == 0) continue;
            bool continues = line.EndsWith('\\');
            current.Append(continues ? line[..^1] : line).Append(' ');
            if (continues) continue;
            commands.Add(string.Join(' ', current.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            current.Clear();
        }
        return commands;
    }

    /// <summary>The one README command that starts so.</summary>
    public static string Command(string start) => Assert.Single(Commands(), c => c.StartsWith(start, StringComparison.Ordinal));

    /// <summary>A command's words, with '...' and "..." quoting as a POSIX shell has it (no variables, no globs).</summary>
    public static string[] Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool any = false;
        char quote = '\0';
        foreach (char c in command)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; else word.Append(c); }
            else if (c is '\'' or '"') { quote = c; any = true; }
            else if (char.IsWhiteSpace(c)) { if (any || word.Length > 0) words.Add(word.ToString()); word.Clear(); any = false; }
            else word.Append(c);
        }
        Assert.True(quote == '\0', $"unterminated quote in: {command}");
        if (any || word.Length > 0) words.Add(word.ToString());
        return [.. words];
    }

    // A # that starts a word begins a comment.
    private static string StripComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '\'' or '"') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }
}

/// <summary>
/// Every command the README shows is run by a test, as written: the <c>its</c> commands here, in a
/// scratch folder holding the files they name; the main command, <c>dotnet pack</c> and
/// <c>dotnet tool install</c> on a fresh copy of the repository (<see cref="FreshMachineTests"/>);
/// the test command by CI. A command of any other kind fails the first test until a test runs it.
/// </summary>
public sealed class ReadmeTests : IClassFixture<ReadmeTests.Workspace>
{
    private const string Run = "dotnet run --project src/Its.Cli -- ";
    private readonly Workspace _workspace;

    public ReadmeTests(Workspace workspace) => _workspace = workspace;

    /// <summary>The README commands <see cref="FreshMachineTests"/> runs verbatim on a fresh copy.</summary>
    public static readonly string[] RunOnAFreshMachine = ["dotnet run --project src/Its.Cli -- reproduce", "dotnet pack ", "dotnet tool install "];

    /// <summary>The <c>its</c> commands of the README, as written (with <c>dotnet run ... --</c> or <c>its</c>).</summary>
    public static TheoryData<string> ItsCommands()
    {
        var data = new TheoryData<string>();
        // The command as the README writes it: the same arguments may be shown both ways.
        foreach (string command in Readme.Commands().Where(c => !RunOnAFreshMachine.Any(c.StartsWith) && !InSequence(c)).Distinct())
            if (command.StartsWith(Run, StringComparison.Ordinal) || command.StartsWith("its ", StringComparison.Ordinal)) data.Add(command);
        return data;
    }

    // The partitions of a panel and their merge: run in the README's order, one after the other (theory cases are not).
    private static bool InSequence(string command) => command.Contains(" --partition ", StringComparison.Ordinal) || command.StartsWith("its panel merge ", StringComparison.Ordinal);

    [Fact]
    public void Every_command_the_readme_shows_is_one_a_test_runs()
    {
        var commands = Readme.Commands();
        Assert.True(commands.Count >= 10, $"only {commands.Count} commands read from {Readme.Path}");
        var unrun = commands.Where(c => c != "dotnet test Research.sln" && !RunOnAFreshMachine.Any(c.StartsWith)
                                       && !c.StartsWith(Run, StringComparison.Ordinal) && !c.StartsWith("its ", StringComparison.Ordinal));
        Assert.Empty(unrun);
        Assert.Contains("dotnet run --project src/Its.Cli -- reproduce", commands);
        Assert.Equal("dotnet run --project src/Its.Cli -- reproduce", commands[0]);
        Assert.Equal("dotnet test Research.sln", commands[1]);
    }

    [Fact]
    public void The_readme_s_test_command_is_the_one_ci_runs()
    {
        string ci = File.ReadAllText(Repository.Locate(".ci/run", "run the tests from the repository"));
        Assert.Contains("\ndotnet test Research.sln\n", ci);
    }

    [Theory]
    [MemberData(nameof(ItsCommands))]
    public void The_readme_s_its_commands_run_as_written(string command)
    {
        string arguments = command.StartsWith(Run, StringComparison.Ordinal) ? command[Run.Length..] : command["its ".Length..];
        var (code, output) = _workspace.Its(Readme.Words(arguments));
        Assert.True(code == 0, $"its {arguments}\nexit {code}\n{output}");
        Assert.False(string.IsNullOrWhiteSpace(output), $"its {arguments} printed nothing");
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public void The_readme_s_partitions_of_a_panel_and_their_merge_run_in_order_as_written()
    {
        var sequence = Readme.Commands().Where(InSequence).ToArray();
        Assert.True(sequence.Length >= 3, $"the README shows {sequence.Length} commands of partitions and their merge");
        Assert.StartsWith("its panel merge ", sequence[^1]);
        string output = "";
        foreach (string command in sequence)
        {
            int code;
            (code, output) = _workspace.Its(Readme.Words(command["its ".Length..]));
            Assert.True(code == 0, $"{command}\nexit {code}\n{output}");
        }
        Assert.Contains($"Merged from {sequence.Length - 1} parts", output);
    }

    /// <summary>
    /// A scratch folder with the files the README's commands name: a copy of <c>data/</c>, a
    /// notebook <c>my.ipynb</c>, <c>real.csv</c> in the study's schema, <c>admissions.csv</c> as
    /// European Excel saves CSV, and a facility panel as
    /// <c>facilities.parquet</c> and as <c>parts/*.parquet</c>. Commands run there with the
    /// built <c>its</c>, a Jupyter data directory and a cache of its own.
    /// </summary>
    public sealed class Workspace : IDisposable
    {
        private readonly TempFolder _folder = new();

        public Workspace()
        {
            string data = Directory.CreateDirectory(Path.Combine(Folder, "data")).FullName;
            foreach (string file in Directory.GetFiles(Repository.Locate("data", "run the tests from the repository")))
                File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
            File.Copy(Path.Combine(data, "sanming_monthly.csv"), Path.Combine(Folder, "real.csv"));
            File.Copy(Path.Combine(AppContext.BaseDirectory, "OwnData", "european.csv"), Path.Combine(Folder, "admissions.csv"));
            File.WriteAllText(Path.Combine(Folder, "my.ipynb"), FreshMachineTests.NotebookJson("var x = 40;\nx + 2"));
            WriteFacilities(Path.Combine(Folder, "facilities.parquet"), 0, 6).GetAwaiter().GetResult();
            Directory.CreateDirectory(Path.Combine(Folder, "parts"));
            WriteFacilities(Path.Combine(Folder, "parts", "part-1.parquet"), 0, 3).GetAwaiter().GetResult();
            WriteFacilities(Path.Combine(Folder, "parts", "part-2.parquet"), 3, 6).GetAwaiter().GetResult();
            Directory.CreateDirectory(Path.Combine(Folder, "results"));
        }

        /// <summary>The scratch folder.</summary>
        public string Folder => _folder.Path;

        /// <summary>Runs the built <c>its</c> in the scratch folder.</summary>
        public (int Code, string Output) Its(string[] args)
        {
            var start = Peers.Start(Peers.Dotnet, [Path.Combine(AppContext.BaseDirectory, "its.dll"), .. args]);
            start.WorkingDirectory = Folder;
            start.Environment["JUPYTER_DATA_DIR"] = Path.Combine(Folder, "jupyter");
            start.Environment["ITS_CACHE"] = Path.Combine(Folder, "cache");
            return Peers.Run(start, TimeSpan.FromMinutes(5));
        }

        /// <inheritdoc />
        public void Dispose() => _folder.Dispose();

        // Facilities [from, to), 48 months from 2016-01, visits growing before October 2017 and slower after.
        private static async Task WriteFacilities(string path, int from, int to)
        {
            var ids = new List<string>();
            var months = new List<string>();
            var visits = new List<double>();
            for (int f = from; f < to; f++)
                for (int t = 0; t < 48; t++)
                {
                    ids.Add($"F{f:00}");
                    months.Add($"{2016 + t / 12}-{t % 12 + 1:00}");
                    double post = Math.Max(0, t - 21);
                    visits.Add(Math.Round(1000 * (1 + f) * Math.Exp(0.01 * t - 0.008 * post + 0.02 * Math.Sin(1.7 * t + f)), 1));
                }
            var id = new DataField<string>("facility");
            var month = new DataField<string>("month");
            var value = new DataField<double>("visits");
            using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, month, value), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, ids);
            await group.WriteAsync(month, months);
            await group.WriteAsync<double>(value, visits.ToArray().AsMemory());
        }
    }
}
