using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Its.Data;

namespace Its.Cli;

/// <summary>Exit codes of the <c>its</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>Anything unexpected.</summary>
    public const int Failure = 1;
    /// <summary>Bad input or bad options.</summary>
    public const int BadInput = 2;
}

/// <summary>The <c>its</c> command line: parses, dispatches, and turns errors into one line and an exit code.</summary>
public static class Cli
{
    /// <summary>
    /// Runs the command line, writing to the console, as the <c>its</c> program: notebooks run in a
    /// worker process it supervises (see <see cref="NotebookWorker"/>).
    /// </summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error, supervised: true);

    /// <summary>Runs the command line with the given writers, notebooks in this process (tests use this).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, supervised: false);

    /// <summary>The command tree, writing to the given writers, notebooks in this process (tests walk it).</summary>
    public static RootCommand Commands(TextWriter output, TextWriter error) => Commands(output, error, supervise: null);

    // The command tree; notebooks run in a supervised worker given these arguments, or in this process when null.
    private static RootCommand Commands(TextWriter output, TextWriter error, string[]? supervise)
    {
        var root = new RootCommand("its: interrupted time series analysis of health-system reforms");
        root.Subcommands.Add(NotebookCommands.Reproduce(output, error, supervise));
        root.Subcommands.Add(FitCommand.Create(output));
        root.Subcommands.Add(CompareCommand.Create(output));
        root.Subcommands.Add(RobustnessCommands.Placebo(output));
        root.Subcommands.Add(RobustnessCommands.SensitivityGrid(output));
        root.Subcommands.Add(BreaksCommand.Create(output));
        root.Subcommands.Add(SynthCommand.Create(output));
        root.Subcommands.Add(SdidCommand.Create(output));
        root.Subcommands.Add(MultilevelCommand.Create(output));
        root.Subcommands.Add(PowerCommand.Create(output));
        root.Subcommands.Add(PanelCommand.Create(output, error));
        root.Subcommands.Add(NotebookCommands.Notebook(output, error, supervise));
        root.Subcommands.Add(KernelCommand.Create(output, error));
        root.Subcommands.Add(DataCommand.Create(output));
        root.Subcommands.Add(SanmingCommand.Create(output));
        return root;
    }

    private static int Run(string[] args, TextWriter output, TextWriter error, bool supervised)
    {
        var root = Commands(output, error, supervised ? args : null);
        if (args.Length == 0)
        {
            error.WriteLine($"its: give a command: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (its --help describes them)");
            return ExitCodes.BadInput;
        }
        var parsed = root.Parse(args);
        if (UnknownOption(parsed) is { } unknown)
        {
            error.WriteLine($"its: {unknown}");
            return ExitCodes.BadInput;
        }
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"its: {parsed.Errors[0].Message}");
            return ExitCodes.BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is InputError or Its.Model.ItsException)
        {
            error.WriteLine($"its: {SettingFlags.Message(e)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is OutOfMemoryException || e is AggregateException a && a.Flatten().InnerExceptions.Any(x => x is OutOfMemoryException))
        {
            // Not a fault of the kit's: the machine's, a container's or DOTNET_GCHeapHardLimit's limit.
            error.WriteLine("its: out of memory: the run needs more memory than this process may use (a container's limit, or DOTNET_GCHeapHardLimit); no output was changed");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            error.WriteLine($"its: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The first option-like token that no option took, as a line naming it and its command; null
    /// when there is none. The parser gives such a token to a command's positional arguments when
    /// the command has some (so <c>its panel --bogus data.csv</c> would read a file named
    /// <c>--bogus</c>), and leaves it unmatched otherwise; both are refused alike. After <c>--</c>
    /// every token is an argument, and a negative number is a value, not an option.
    /// </summary>
    private static string? UnknownOption(ParseResult parsed)
    {
        var commands = new List<CommandResult>();
        for (SymbolResult? r = parsed.CommandResult; r is not null; r = r.Parent)
            if (r is CommandResult command) commands.Insert(0, command);
        // Each token the parser bound, by identity, to the command whose positional argument took it, or to none for an option's value.
        var owners = new Dictionary<Token, CommandResult?>(ReferenceEqualityComparer.Instance);
        foreach (var command in commands)
            foreach (var child in command.Children.Where(c => c is ArgumentResult or OptionResult))
                foreach (var token in child.Tokens) owners[token] = child is ArgumentResult ? command : null;
        foreach (var token in parsed.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash))
        {
            if (token.Type != TokenType.Argument || !LooksLikeOption(token.Value)) continue;
            // A token bound to nothing is one the parser left unmatched: it belongs to the command given.
            var command = owners.TryGetValue(token, out var owner) ? owner : parsed.CommandResult;
            if (command is null) continue;
            string path = string.Join(" ", commands.Skip(1).Take(commands.IndexOf(command)).Select(c => c.Command.Name));
            return path.Length == 0
                ? $"unknown option {token.Value} (its --help lists the options)"
                : $"{path}: unknown option {token.Value} (its {path} --help lists the options)";
        }
        return null;
    }

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
