using System.CommandLine;
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

    private static int Run(string[] args, TextWriter output, TextWriter error, bool supervised)
    {
        string[]? supervise = supervised ? args : null;
        var root = new RootCommand("its: interrupted time series analysis of health-system reforms");
        root.Subcommands.Add(NotebookCommands.Reproduce(output, error, supervise));
        root.Subcommands.Add(FitCommand.Create(output));
        root.Subcommands.Add(CompareCommand.Create(output));
        root.Subcommands.Add(RobustnessCommands.Placebo(output));
        root.Subcommands.Add(RobustnessCommands.SensitivityGrid(output));
        root.Subcommands.Add(BreaksCommand.Create(output));
        root.Subcommands.Add(PowerCommand.Create(output));
        root.Subcommands.Add(PanelCommand.Create(output, error));
        root.Subcommands.Add(NotebookCommands.Notebook(output, error, supervise));
        root.Subcommands.Add(KernelCommand.Create(output, error));
        root.Subcommands.Add(DataCommand.Create(output));
        root.Subcommands.Add(SanmingCommand.Create(output));
        if (args.Length == 0)
        {
            error.WriteLine($"its: give a command: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (its --help describes them)");
            return ExitCodes.BadInput;
        }
        var parsed = root.Parse(args);
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
            error.WriteLine($"its: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            error.WriteLine($"its: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
