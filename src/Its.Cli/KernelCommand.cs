using System.CommandLine;
using Its.Data;
using Its.Kernel;

namespace Its.Cli;

/// <summary>
/// <c>its kernel</c>: the Jupyter kernel a front end starts with a connection file, and
/// <c>its kernel install</c> / <c>uninstall</c>, which write and remove its kernelspec.
/// </summary>
public static class KernelCommand
{
    /// <summary>The <c>kernel</c> command and its subcommands.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new Option<string?>("--connection-file", "-f") { Description = "The connection file a Jupyter front end starts the kernel with" };
        var remote = new Option<bool>("--allow-remote")
        {
            Description = "Listen on the connection file's address even if other machines can reach it (not 127.0.0.1): whoever reaches the ports and has the key can run code as you",
        };
        var unsigned = new Option<bool>("--allow-unsigned")
        {
            Description = "Take unsigned messages when the connection file's key is empty: any process that reaches the ports can run code as you",
        };
        var command = new Command("kernel", "Serve the kit's C# notebooks to Jupyter front ends (VS Code, JupyterLab): started by Jupyter after its kernel install");
        command.Options.Add(connection);
        command.Options.Add(remote);
        command.Options.Add(unsigned);
        command.SetAction(p =>
        {
            string path = p.GetValue(connection)
                ?? throw new InputError("kernel: give --connection-file FILE (Jupyter starts the kernel with one), or use its kernel install");
            var accepted = (p.GetValue(remote) ? ConnectionRisks.Remote : ConnectionRisks.None)
                | (p.GetValue(unsigned) ? ConnectionRisks.Unsigned : ConnectionRisks.None);
            ConnectionInfo info;
            try { info = ConnectionInfo.Read(path, accepted); }
            catch (ConnectionFileException e) { throw new InputError(e.Message + Flag(e.Risk)); }
            foreach (string warning in info.Warnings()) error.WriteLine($"its: warning: {warning}");
            using var kernel = new JupyterKernel(info, KitComposition.Formatter, error, Environment.CurrentDirectory, KitComposition.Session());
            try
            {
                kernel.Run();
            }
            catch (InvalidOperationException e)
            {
                error.WriteLine($"its: {e.Message}");
                return ExitCodes.Failure;
            }
            return ExitCodes.Success;
        });
        command.Subcommands.Add(Install(output));
        command.Subcommands.Add(Uninstall(output));
        return command;
    }

    // The flag that accepts a refused risk, for the refusal's message.
    private static string Flag(ConnectionRisks risk) => risk switch
    {
        ConnectionRisks.Remote => "; to listen there anyway, start the kernel with --allow-remote",
        ConnectionRisks.Unsigned => "; give the connection file a key (Jupyter writes one), or start the kernel with --allow-unsigned",
        _ => "",
    };

    private static Command Install(TextWriter output) => AtPlace(
        "install", $"Install the kernelspec \"{KernelSpec.Name}\" ({KernelSpec.DisplayName}) so Jupyter front ends can start the kernel; it runs this its",
        kernels =>
        {
            string folder = KernelSpec.Install(kernels, ThisProgram.CommandLine());
            output.WriteLine($"installed the kernel {KernelSpec.Name} ({KernelSpec.DisplayName}) in {folder}");
        });

    private static Command Uninstall(TextWriter output) => AtPlace(
        "uninstall", $"Remove the kernelspec \"{KernelSpec.Name}\"",
        kernels =>
        {
            string folder = KernelSpec.Uninstall(kernels) ?? throw new InputError($"kernel uninstall: no kernel {KernelSpec.Name} in {kernels}");
            output.WriteLine($"removed the kernel {KernelSpec.Name} from {folder}");
        });

    // A subcommand acting on one kernels folder: the user's (--user, the default) or a prefix's (--prefix DIR).
    private static Command AtPlace(string name, string description, Action<string> act)
    {
        var user = new Option<bool>("--user") { Description = "The user's Jupyter data directory (the default)" };
        var prefix = new Option<string?>("--prefix") { Description = "An installation prefix instead: the kernelspec goes to PREFIX/share/jupyter/kernels" };
        var command = new Command(name, description);
        command.Options.Add(user);
        command.Options.Add(prefix);
        command.SetAction(p =>
        {
            act(Kernels(p.GetValue(user), p.GetValue(prefix)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Kernels(bool user, string? prefix) => (user, prefix) switch
    {
        (true, not null) => throw new InputError("kernel: give --user or --prefix, not both"),
        (_, not null) => KernelSpec.PrefixKernels(prefix),
        _ => KernelSpec.UserKernels(),
    };
}
