using System.Text.Json.Nodes;
using Its.Kernel;

namespace Its.Notebooks.Tests;

/// <summary>The kit's kernelspec: its kernel.json, and installing and removing it under a kernels folder.</summary>
public sealed class KernelSpecTests : IDisposable
{
    private static readonly string[] command = ["/opt/its/its"];
    private readonly string _kernels = Path.Combine(Directory.CreateTempSubdirectory("its-kernels-").FullName, "kernels");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_kernels)!, recursive: true);

    private string SpecFolder => Path.Combine(_kernels, KernelSpec.Name);

    private string SpecFile => Path.Combine(SpecFolder, "kernel.json");

    private static string[] Argv(JsonNode spec) => spec["argv"]!.AsArray().Select(a => (string)a!).ToArray();

    [Fact]
    public void The_spec_runs_the_command_with_kernel_and_the_connection_file()
    {
        var spec = KernelSpec.Json(command);
        Assert.Equal([.. command, "kernel", "--connection-file", "{connection_file}"], Argv(spec));
        var dotnet = KernelSpec.Json(["/usr/bin/dotnet", "/opt/its/its.dll"]);
        Assert.Equal(["/usr/bin/dotnet", "/opt/its/its.dll", "kernel", "--connection-file", "{connection_file}"], Argv(dotnet));
    }

    [Fact]
    public void The_spec_names_the_kernel_its_language_and_interrupts_by_message()
    {
        var spec = KernelSpec.Json(command);
        Assert.Equal(KernelSpec.DisplayName, (string?)spec["display_name"]);
        Assert.False(string.IsNullOrWhiteSpace(KernelSpec.DisplayName));
        Assert.Equal("C#", (string?)spec["language"]);
        Assert.Equal("message", (string?)spec["interrupt_mode"]);
    }

    [Fact]
    public void Every_notebook_names_the_kernel_and_its_language_as_the_kernel_does()
    {
        string folder = Its.Data.Repository.Locate("notebooks", "run the tests from the repository");
        var notebooks = Directory.GetFiles(folder, "*.ipynb");
        Assert.NotEmpty(notebooks);
        foreach (string path in notebooks)
        {
            var metadata = JsonNode.Parse(File.ReadAllText(path))!["metadata"]!;
            Assert.Equal(KernelSpec.Name, (string?)metadata["kernelspec"]?["name"]);
            Assert.Equal(KernelSpec.Language, (string?)metadata["kernelspec"]?["language"]);
            Assert.True(JsonNode.DeepEquals(KernelSpec.LanguageInfo(null), metadata["language_info"]), $"{Path.GetFileName(path)}: language_info {metadata["language_info"]?.ToJsonString()}");
        }
    }

    [Fact]
    public void An_empty_command_is_refused()
    {
        Assert.Throws<ArgumentException>(() => KernelSpec.Json([]));
    }

    [Fact]
    public void Install_writes_its_csharp_kernel_json_equal_to_the_spec()
    {
        string folder = KernelSpec.Install(_kernels, command);
        Assert.Equal(SpecFolder, folder);
        Assert.Equal("its-csharp", Path.GetFileName(folder));
        var written = JsonNode.Parse(File.ReadAllText(SpecFile));
        Assert.True(JsonNode.DeepEquals(KernelSpec.Json(command), written), written?.ToJsonString());
        Assert.Equal(["kernel.json"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Installing_again_replaces_the_spec()
    {
        KernelSpec.Install(_kernels, command);
        string[] other = ["/usr/bin/dotnet", "/elsewhere/its.dll"];
        KernelSpec.Install(_kernels, other);
        var written = JsonNode.Parse(File.ReadAllText(SpecFile))!;
        Assert.True(JsonNode.DeepEquals(KernelSpec.Json(other), written), written.ToJsonString());
        Assert.Single(Directory.GetFileSystemEntries(SpecFolder));
    }

    [Fact]
    public void Installing_over_a_longer_file_leaves_valid_json()
    {
        Directory.CreateDirectory(SpecFolder);
        File.WriteAllText(SpecFile, new string(' ', 10_000) + "{}");
        KernelSpec.Install(_kernels, command);
        Assert.True(JsonNode.DeepEquals(KernelSpec.Json(command), JsonNode.Parse(File.ReadAllText(SpecFile))));
    }

    [Fact]
    public void Uninstall_removes_the_spec_and_its_folder()
    {
        KernelSpec.Install(_kernels, command);
        Assert.Equal(SpecFolder, KernelSpec.Uninstall(_kernels));
        Assert.False(File.Exists(SpecFile));
        Assert.False(Directory.Exists(SpecFolder));
        // The kernels folder itself stays: other kernels live there.
        Assert.True(Directory.Exists(_kernels));
    }

    [Fact]
    public void Uninstall_without_a_spec_returns_null()
    {
        Assert.Null(KernelSpec.Uninstall(_kernels));
        KernelSpec.Install(_kernels, command);
        Assert.NotNull(KernelSpec.Uninstall(_kernels));
        Assert.Null(KernelSpec.Uninstall(_kernels));
    }

    [Fact]
    public void Uninstall_keeps_a_file_someone_added_and_its_folder()
    {
        KernelSpec.Install(_kernels, command);
        string logo = Path.Combine(SpecFolder, "logo-64x64.png");
        File.WriteAllBytes(logo, [0x89, (byte)'P', (byte)'N', (byte)'G']);
        Assert.Equal(SpecFolder, KernelSpec.Uninstall(_kernels));
        Assert.False(File.Exists(SpecFile));
        Assert.True(File.Exists(logo));
        Assert.Equal([logo], Directory.GetFileSystemEntries(SpecFolder));
    }

    [Fact]
    public void A_prefix_kernels_folder_is_share_jupyter_kernels_under_the_full_prefix()
    {
        string prefix = Path.GetDirectoryName(_kernels)!;
        Assert.Equal(Path.Combine(prefix, "share", "jupyter", "kernels"), KernelSpec.PrefixKernels(prefix));
        Assert.Throws<ArgumentException>(() => KernelSpec.PrefixKernels(""));
    }
}

/// <summary>
/// Kernels folders that depend on the process's environment: the user's on environment variables,
/// a relative prefix's on the current directory. These tests change them and put them back, so
/// they run apart from all others.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class KernelFoldersTests : IDisposable
{
    private readonly string? _jupyterDataDir = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR");
    private readonly string? _xdgDataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", _jupyterDataDir);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", _xdgDataHome);
    }

    [Fact]
    public void Jupyter_data_dir_when_set_holds_the_user_kernels()
    {
        string data = Path.Combine(Path.GetTempPath(), "its-jupyter-data");
        Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", data);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", Path.Combine(Path.GetTempPath(), "its-xdg"));
        Assert.Equal(Path.Combine(data, "kernels"), KernelSpec.UserKernels());
    }

    [Fact]
    public void Without_jupyter_data_dir_the_user_kernels_are_in_the_platform_data_folder()
    {
        Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", null);
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", null);
        string kernels = KernelSpec.UserKernels();
        Assert.True(Path.IsPathFullyQualified(kernels), kernels);
        Assert.Equal("kernels", Path.GetFileName(kernels));
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Path.Combine(home, ".local", "share", "jupyter", "kernels"), kernels);
            string xdg = Path.Combine(Path.GetTempPath(), "its-xdg");
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", xdg);
            Assert.Equal(Path.Combine(xdg, "jupyter", "kernels"), KernelSpec.UserKernels());
        }
        else if (OperatingSystem.IsMacOS())
            Assert.Equal(Path.Combine(home, "Library", "Jupyter", "kernels"), kernels);
    }

    [Fact]
    public void A_relative_prefix_is_taken_from_the_current_directory()
    {
        string before = Environment.CurrentDirectory;
        string folder = Directory.CreateTempSubdirectory("its-prefix-").FullName;
        try
        {
            Environment.CurrentDirectory = folder;
            string kernels = KernelSpec.PrefixKernels("venv");
            Assert.True(Path.IsPathFullyQualified(kernels), kernels);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, "venv", "share", "jupyter", "kernels"), kernels);
        }
        finally
        {
            Environment.CurrentDirectory = before;
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void An_empty_jupyter_data_dir_counts_as_unset()
    {
        Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", null);
        string unset = KernelSpec.UserKernels();
        Environment.SetEnvironmentVariable("JUPYTER_DATA_DIR", "");
        Assert.Equal(unset, KernelSpec.UserKernels());
    }
}

/// <summary>Tests that change the process's environment variables or current directory: not run in parallel with any other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process environment";
}
