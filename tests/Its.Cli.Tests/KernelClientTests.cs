using Its.Kernel;

namespace Its.Cli.Tests;

/// <summary>The kit's kernelspec installed in a scratch prefix, pointing at the <c>its</c> built beside the tests.</summary>
public sealed class InstalledKernel : IDisposable
{
    private readonly TempFolder _folder = new();

    public InstalledKernel()
    {
        string its = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "its.exe" : "its");
        KernelSpec.Install(KernelSpec.PrefixKernels(_folder.Path), [its]);
        Environment = new Dictionary<string, string>
        {
            ["JUPYTER_PATH"] = Path.Combine(_folder.Path, "share", "jupyter"),
            // Connection files go here, not to the user's runtime directory.
            ["JUPYTER_RUNTIME_DIR"] = Path.Combine(_folder.Path, "runtime"),
        };
    }

    /// <summary>The scratch folder.</summary>
    public string Folder => _folder.Path;

    /// <summary>What a Jupyter client needs to find the kernel.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// The kernel with real Jupyter clients (Debian's python3-jupyter-client, python3-nbclient and
/// jupyter-nbconvert): nbconvert executes every notebook through it with the outputs
/// <c>its reproduce</c> writes, and scripted jupyter_client sessions (<c>Kernel/client.py</c>)
/// check execution, interrupt, completion, restart, input, shutdown (also with a foreground thread
/// a cell left running), a cell that ends the process, signed, replayed and oversized messages, a
/// non-loopback address or an empty key refused unless the flag accepts it, and user expressions,
/// history, inspection and the magics.
/// </summary>
[Collection(ReproducedReportsCollection.Name)]
public sealed class KernelClientTests(ReproducedReports reports, InstalledKernel kernel) : IClassFixture<InstalledKernel>
{
    private static readonly string scripts = Path.Combine(AppContext.BaseDirectory, "Kernel");

    private static readonly string[] notebooks = Directory.GetFiles(Its.Data.Repository.Locate("notebooks", "run the tests from the repository"), "*.ipynb")
        .Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData("info")]
    [InlineData("execute")]
    [InlineData("interrupt")]
    [InlineData("complete")]
    [InlineData("restart")]
    [InlineData("signature")]
    [InlineData("stdin")]
    [InlineData("niceties")]
    [InlineData("shutdown")]
    [InlineData("foreground_thread")]
    [InlineData("process_exit")]
    [InlineData("exposure")]
    public void A_jupyter_client_session_gets_what_the_protocol_promises(string scenario)
    {
        Peers.Require(Peers.Python, "python3-jupyter-client");
        string log = Path.Combine(kernel.Folder, scenario + ".log");
        var (code, output) = Peers.Run(Peers.Python, kernel.Folder, kernel.Environment, Path.Combine(scripts, "client.py"), scenario, log);
        Assert.True(code == 0 && output.TrimEnd().EndsWith("passed", StringComparison.Ordinal),
            $"{scenario}: {output}\nkernel log:\n{(File.Exists(log) ? File.ReadAllText(log) : "(none)")}");
    }

    [Fact]
    public void Nbconvert_executes_every_notebook_through_the_kernel_with_the_outputs_of_its_reproduce()
    {
        Assert.True(reports.FirstRun.ExitCode == 0, reports.FirstRun.Error);
        string jupyter = Peers.Require("/usr/bin/jupyter", "jupyter-core jupyter-nbconvert python3-nbclient");
        string executed = Path.Combine(kernel.Folder, "executed");
        // The notebooks name the kernel in their metadata (its-csharp): nbconvert starts it from the kernelspec.
        var (code, output) = Peers.Run(jupyter, null, kernel.Environment,
            ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", "--output-dir", executed, .. notebooks]);
        Assert.True(code == 0, $"jupyter nbconvert --execute failed: {output}");
        foreach (string notebook in notebooks)
        {
            string name = Path.GetFileName(notebook);
            var (same, differences) = Peers.Run(Peers.Python, Path.Combine(scripts, "same_outputs.py"), Path.Combine(executed, name), Path.Combine(reports.First, "notebooks", name));
            Assert.True(same == 0, $"{name}: the kernel's outputs differ from its reproduce's:\n{differences}");
        }
    }

    [Fact]
    public void The_output_comparison_sees_a_difference()
    {
        // Guards the test above against a comparison that finds everything the same.
        string first = Path.Combine(reports.First, "notebooks", Path.GetFileName(notebooks[0]));
        string second = Path.Combine(reports.First, "notebooks", Path.GetFileName(notebooks[1]));
        var (code, output) = Peers.Run(Peers.Python, Path.Combine(scripts, "same_outputs.py"), first, second);
        Assert.Equal(1, code);
        Assert.Contains("code cell 1", output);
    }
}
