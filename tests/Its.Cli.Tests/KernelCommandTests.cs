using System.Text.Json.Nodes;
using Its.Kernel;

namespace Its.Cli.Tests;

/// <summary>
/// <c>its kernel install</c> and <c>uninstall</c> under a prefix, and <c>its kernel</c> refusing
/// what it cannot serve with. (A serving kernel is tested with a Jupyter client elsewhere.)
/// </summary>
public sealed class KernelCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Kernels => Path.Combine(_folder.Path, "share", "jupyter", "kernels");

    private string SpecFile => Path.Combine(Kernels, "its-csharp", "kernel.json");

    [Fact]
    public void Install_with_a_prefix_writes_a_spec_that_runs_an_existing_program_and_says_where()
    {
        var run = CliRun.Of("kernel", "install", "--prefix", _folder.Path);
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(Path.Combine(Kernels, "its-csharp"), run.Output);
        var spec = JsonNode.Parse(File.ReadAllText(SpecFile))!;
        string[] argv = spec["argv"]!.AsArray().Select(a => (string)a!).ToArray();
        Assert.True(File.Exists(argv[0]), $"argv[0] {argv[0]} is not a file");
        Assert.True(Path.IsPathFullyQualified(argv[0]), argv[0]);
        Assert.Equal(["kernel", "--connection-file", "{connection_file}"], argv[^3..]);
        // With dotnet as the program, the next argument is the its assembly, which exists too.
        if (Path.GetFileNameWithoutExtension(argv[0]) == "dotnet" && argv.Length > 4)
            Assert.True(File.Exists(argv[1]), $"argv[1] {argv[1]} is not a file");
        Assert.Equal("C#", (string?)spec["language"]);
    }

    [Fact]
    public void The_shipped_kernelspec_is_the_one_install_writes_for_an_its_on_PATH()
    {
        string shipped = Path.Combine(AppContext.BaseDirectory, "kernelspec", KernelSpec.Name, "kernel.json");
        Assert.True(File.Exists(shipped), $"{shipped} is not beside the its assembly");
        Assert.True(JsonNode.DeepEquals(KernelSpec.Json(["its"]), JsonNode.Parse(File.ReadAllText(shipped))), File.ReadAllText(shipped));
    }

    [Fact]
    public void Uninstall_with_a_prefix_removes_the_spec_and_again_is_exit_code_2_naming_the_folder()
    {
        Assert.Equal(0, CliRun.Of("kernel", "install", "--prefix", _folder.Path).ExitCode);
        var removed = CliRun.Of("kernel", "uninstall", "--prefix", _folder.Path);
        Assert.Equal("", removed.Error);
        Assert.Equal(0, removed.ExitCode);
        Assert.Contains(Path.Combine(Kernels, "its-csharp"), removed.Output);
        Assert.False(File.Exists(SpecFile));
        Assert.False(Directory.Exists(Path.GetDirectoryName(SpecFile)));

        var again = CliRun.Of("kernel", "uninstall", "--prefix", _folder.Path);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no kernel its-csharp", again.Error);
        Assert.Contains(Kernels, again.Error);
        Assert.Equal("", again.Output);
    }

    [Theory]
    [InlineData("install")]
    [InlineData("uninstall")]
    public void User_and_prefix_together_are_exit_code_2_and_change_nothing(string subcommand)
    {
        var run = CliRun.Of("kernel", subcommand, "--user", "--prefix", _folder.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--user or --prefix, not both", run.Error);
        Assert.False(Directory.Exists(Kernels));
    }

    [Fact]
    public void The_kernel_without_a_connection_file_is_exit_code_2_saying_to_give_one()
    {
        var run = CliRun.Of("kernel");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--connection-file", run.Error);
    }

    [Fact]
    public void The_kernel_with_a_missing_connection_file_is_exit_code_2_naming_it()
    {
        string path = Path.Combine(_folder.Path, "missing.json");
        var run = CliRun.Of("kernel", "-f", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains("cannot be read", run.Error);
    }

    [Fact]
    public void The_kernel_with_a_bad_port_in_its_connection_file_is_exit_code_2_naming_file_and_field()
    {
        string path = _folder.Write("kernel-bad.json",
            """{"shell_port": "x", "iopub_port": 50001, "stdin_port": 50002, "control_port": 50003, "hb_port": 50004, "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "its-csharp"}""");
        var run = CliRun.Of("kernel", "--connection-file", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains("shell_port", run.Error);
    }

    [Theory]
    [InlineData("0.0.0.0", "k", "is not a loopback address", "--allow-remote")]
    [InlineData("127.0.0.1", "", "the key is empty", "--allow-unsigned")]
    public void The_kernel_on_an_exposed_connection_is_exit_code_2_naming_the_file_and_the_flag_that_accepts_it(string ip, string key, string refusal, string flag)
    {
        string path = _folder.Write("kernel-exposed.json",
            $$"""{"shell_port": 50000, "iopub_port": 50001, "stdin_port": 50002, "control_port": 50003, "hb_port": 50004, "ip": "{{ip}}", "key": "{{key}}", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "its-csharp"}""");
        var run = CliRun.Of("kernel", "--connection-file", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains(refusal, run.Error);
        Assert.Contains(flag, run.Error);
    }
}
