using System.CommandLine;
using System.Text.Json;

namespace Its.Cli.Tests;

/// <summary>
/// An option no command knows is refused in one line naming it and its command, in every command
/// (read from the command tree, so a new command is covered when it is added), whether the parser
/// would have taken it as a file or name or left it unmatched; after <c>--</c> it is an argument,
/// and negative numbers stay values.
/// </summary>
public sealed class UnknownOptionTests
{
    // Every command and subcommand, as the words that name it after "its".
    private static IEnumerable<string[]> CommandPaths(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] words = [.. path, sub.Name];
            yield return words;
            foreach (var deeper in CommandPaths(sub, words)) yield return deeper;
        }
    }

    private static string[] CommandNames() =>
        [.. CommandPaths(Cli.Commands(TextWriter.Null, TextWriter.Null), []).Select(path => string.Join(" ", path))];

    public static TheoryData<string> Commands() => new(CommandNames());

    [Fact]
    public void The_commands_read_from_the_tree_include_those_with_files_and_names()
    {
        var paths = CommandNames();
        Assert.Contains("panel", paths);
        Assert.Contains("notebook run", paths);
        Assert.Contains("data fetch", paths);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_refuses_an_unknown_option_naming_it(string command)
    {
        string[] words = command.Split(' ');
        string[][] placements = [[.. words, "--bogus"], [.. words, "--bogus", "data.csv"], [.. words, "data.csv", "--bogus"]];
        foreach (var args in placements)
        {
            var run = CliRun.Of(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Equal("", run.Output);
            Assert.Equal($"its: {command}: unknown option --bogus (its {command} --help lists the options)\n", run.Error.Replace("\r", ""));
        }
    }

    [Fact]
    public void A_short_unknown_option_and_one_before_any_command_are_refused_too()
    {
        var panel = CliRun.Of("panel", "-x", "data.csv", "--id", "id", "--outcome", "visits", "--out", "out.csv");
        Assert.Equal(2, panel.ExitCode);
        Assert.Equal("its: panel: unknown option -x (its panel --help lists the options)\n", panel.Error.Replace("\r", ""));
        var root = CliRun.Of("--bogus");
        Assert.Equal(2, root.ExitCode);
        Assert.Equal("its: unknown option --bogus (its --help lists the options)\n", root.Error.Replace("\r", ""));
    }

    [Fact]
    public void After_a_double_dash_a_dashed_word_is_a_file()
    {
        // The file is looked for, and not found: it was taken as a file, not refused as an option.
        using var dir = new TempFolder();
        string missing = "--bogus-" + Guid.NewGuid().ToString("N") + ".csv";
        var run = CliRun.Of("panel", "--id", "id", "--outcome", "visits", "--interruption", "2018-01", "--out", Path.Combine(dir.Path, "out.csv"), "--", missing);
        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("unknown option", run.Error);
        Assert.Contains(missing, run.Error);
    }

    [Fact]
    public void Negative_numbers_stay_option_values()
    {
        var run = CliRun.Of("power", "--before", "12", "--after", "12", "--level", "-1", "--slope", "-0.1", "--rho", "-0.3", "--replicates", "20", "--format", "json");
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        var scenario = JsonDocument.Parse(run.Output).RootElement.GetProperty("scenario");
        Assert.Equal(-0.1, scenario.GetProperty("slope_change").GetDouble());
        Assert.Equal(-0.3, scenario.GetProperty("rho").GetDouble());
    }
}
