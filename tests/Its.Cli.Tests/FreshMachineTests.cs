using System.Text.Json.Nodes;
using Its.Data;
using Its.Kernel;

namespace Its.Cli.Tests;

/// <summary>
/// A copy of the repository as a clone holds it (every file git tracks or would add, no build
/// output, no .git), alone in a temporary folder, built and run by child processes whose home and
/// cache folders are empty: no neighbouring folders, no download cache, no kernelspec, no tool. .NET's own
/// packages come from this machine's NuGet folder as a read-only fallback folder, so nothing is
/// downloaded; everything the kit makes (its packages, the tool) goes to fresh folders.
/// </summary>
public sealed class FreshMachine : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private readonly Lazy<string> _feed;
    private readonly Lazy<string> _tool;

    public FreshMachine()
    {
        // Two separate roots: the clone's folder has no siblings at all.
        CloneRoot = Directory.CreateTempSubdirectory("its-clone-").FullName;
        Root = Directory.CreateTempSubdirectory("its-machine-").FullName;
        Clone = Path.Combine(CloneRoot, "its-kit");
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Cache = Directory.CreateDirectory(Path.Combine(Root, "cache")).FullName;
        CopyWorkingTree(Path.GetDirectoryName(Repository.Locate("Research.sln", "run the tests from the repository"))!, Clone);
        WriteUserNuGetConfig();
        _feed = new(Pack);
        _tool = new(InstallTool);
    }

    /// <summary>The folder holding only <see cref="Clone"/>.</summary>
    public string CloneRoot { get; }

    /// <summary>The copy of the repository.</summary>
    public string Clone { get; }

    /// <summary>Home, cache and everything the tests make outside the clone.</summary>
    public string Root { get; }

    /// <summary>The child processes' empty home folder.</summary>
    public string Home { get; }

    /// <summary>The child processes' empty cache folder.</summary>
    public string Cache { get; }

    /// <summary>The local folder feed <c>dotnet pack</c> wrote in the clone (packed once, on first use).</summary>
    public string Feed => _feed.Value;

    /// <summary>The <c>its</c> installed from <see cref="Feed"/> into a tool path (installed once, on first use).</summary>
    public string Tool => _tool.Value;

    /// <summary>Runs a program in a folder with the fresh machine's environment; fails the test past the time limit.</summary>
    public (int Code, string Output) Run(string directory, string program, params string[] args)
    {
        var start = Peers.Start(program, args);
        start.WorkingDirectory = directory;
        // Nothing of this process's environment may lead the child to the repository or its caches.
        foreach (string name in start.Environment.Keys.ToArray())
            if (name.StartsWith("ITS_", StringComparison.Ordinal) || name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("XDG_", StringComparison.Ordinal) || name.StartsWith("JUPYTER", StringComparison.Ordinal) || name == "NUGET_PACKAGES")
                start.Environment.Remove(name);
        start.Environment["HOME"] = Home;
        start.Environment["XDG_CACHE_HOME"] = Cache;
        start.Environment["NUGET_PACKAGES"] = Path.Combine(Root, "nuget-packages");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        return Peers.Run(start, Limit);
    }

    /// <summary>Runs <c>dotnet</c> with the fresh machine's environment.</summary>
    public (int Code, string Output) Dotnet(string directory, params string[] args) => Run(directory, Peers.Dotnet, args);

    /// <summary>A new empty folder outside the clone.</summary>
    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <inheritdoc />
    public void Dispose()
    {
        Directory.Delete(CloneRoot, recursive: true);
        Directory.Delete(Root, recursive: true);
    }

    // The README's commands, as written, in the clone: dotnet pack into its feed folder, then the
    // global tool install from it (the global tool folder is under the empty home).
    private string Pack()
    {
        string[] words = Readme.Words(Readme.Command("dotnet pack "));
        var (code, output) = Dotnet(Clone, words[1..]);
        Assert.True(code == 0, $"{string.Join(' ', words)} failed:\n{output}");
        return Path.Combine(Clone, words[Array.IndexOf(words, "-o") + 1]);
    }

    private string InstallTool()
    {
        _ = Feed;
        string[] words = Readme.Words(Readme.Command("dotnet tool install "));
        Assert.Contains("--global", words);
        var (code, output) = Dotnet(Clone, words[1..]);
        Assert.True(code == 0, $"{string.Join(' ', words)} failed:\n{output}");
        return Path.Combine(Home, ".dotnet", "tools", OperatingSystem.IsWindows() ? "its.exe" : "its");
    }

    /// <summary>The version the packages carry (Directory.Build.props).</summary>
    public const string Version = "0.1.0";

    // The files a clone of this working tree would hold: tracked and not-ignored untracked files, as they are now.
    private static void CopyWorkingTree(string repository, string target)
    {
        var (code, output) = Peers.Run("git", repository, (IReadOnlyDictionary<string, string>?)null, "-c", "core.quotepath=off", "ls-files", "--cached", "--others", "--exclude-standard");
        Assert.True(code == 0, $"git ls-files failed in {repository}:\n{output}");
        foreach (string file in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string source = Path.Combine(repository, file);
            if (!File.Exists(source)) continue; // deleted in the working tree
            string destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }
    }

    // The user's NuGet configuration in the empty home: the usual source, and this machine's package
    // folder as a fallback folder, read but never written (see the class summary).
    private void WriteUserNuGetConfig()
    {
        string machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Directory.CreateDirectory(Path.Combine(Home, ".nuget", "NuGet")).FullName;
        File.WriteAllText(Path.Combine(folder, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }
}

/// <summary>
/// From a fresh machine to finished reports: the README's main command on a bare copy of the
/// repository, offline, with no neighbours and no cache; the packed tool installed from a local
/// feed; the library packages in a project and a notebook outside the repository.
/// </summary>
[Collection(FreshMachineCollection.Name)]
public sealed class FreshMachineTests(FreshMachine machine)
{
    private static readonly string[] Pages = Directory.GetFiles(Repository.Locate("notebooks", "run the tests from the repository"), "*.ipynb")
        .Select(p => Path.GetFileNameWithoutExtension(p) + ".html").Append("index.html").Order(StringComparer.Ordinal).ToArray();

    private static readonly string[] SicilyFit =
        ["--year", "year", "--month", "month", "--outcome", "aces", "--family", "quasipoisson", "--offset", "stdpop",
         "--impact", "level", "--seasonality", "fourier:2", "--interruption", "2005-01"];

    private static string[] HtmlPages(string folder) =>
        Directory.GetFiles(folder, "*.html").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_readme_s_main_command_reproduces_every_page_on_a_bare_clone()
    {
        Assert.False(Directory.Exists(Path.Combine(machine.CloneRoot, "shared")));
        Assert.Equal([machine.Clone], Directory.GetFileSystemEntries(machine.CloneRoot));
        Assert.Empty(Directory.GetFileSystemEntries(machine.Cache));

        var (code, output) = machine.Dotnet(machine.Clone, Readme.Words(Readme.Command("dotnet run --project src/Its.Cli -- reproduce"))[1..]);

        Assert.True(code == 0, output);
        Assert.Equal(Pages, HtmlPages(Path.Combine(machine.Clone, "reports")));
        Assert.Empty(Directory.GetFileSystemEntries(machine.Cache));
    }

    [Fact]
    public void Nothing_in_the_repository_points_at_files_outside_it()
    {
        string outside = "../" + "shared";
        var offenders = Directory.GetFiles(machine.Clone, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}reports{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}artifacts{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(outside, StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(machine.Clone, f));
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_installed_tool_fits_the_sicily_model_from_any_folder_and_finds_its_data()
    {
        string elsewhere = machine.Folder("work-fit");
        var (code, output) = machine.Run(elsewhere, machine.Tool, ["fit", Path.Combine(machine.Clone, "data", "sicily.csv"), .. SicilyFit]);
        Assert.True(code == 0, output);
        // Lopez Bernal et al. (2017): rate ratio 0.8851 (0.8394 to 0.9332).
        Assert.Matches(@"level1 .* 0\.8851 +0\.8394 to 0\.9332", output);

        var list = machine.Run(elsewhere, machine.Tool, "data", "list");
        Assert.True(list.Code == 0, list.Output);
        string installed = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(machine.Tool))!, ".store");
        foreach (var dataset in ReferenceDatasets.All)
            Assert.Matches($@"found: {System.Text.RegularExpressions.Regex.Escape(installed)}\S*/data/{dataset.Name} \(the kit's data, SHA-256 verified\)", list.Output);
    }

    [Fact]
    public void The_installed_tool_installs_a_kernelspec_that_runs_the_installed_tool()
    {
        string prefix = machine.Folder("jupyter-prefix");
        var (code, output) = machine.Run(machine.Root, machine.Tool, "kernel", "install", "--prefix", prefix);
        Assert.True(code == 0, output);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(prefix, "share", "jupyter", "kernels", KernelSpec.Name, "kernel.json")))!;
        Assert.Equal([machine.Tool, "kernel", "--connection-file", "{connection_file}"], spec["argv"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(KernelSpec.Language, (string?)spec["language"]);
        // The tool package also ships a kernelspec for an its on PATH.
        string store = Path.Combine(Path.GetDirectoryName(machine.Tool)!, ".store");
        Assert.Single(Directory.GetFiles(store, "kernel.json", SearchOption.AllDirectories), f => f.EndsWith(Path.Combine("kernelspec", KernelSpec.Name, "kernel.json"), StringComparison.Ordinal));
    }

    [Fact]
    public void The_tool_installs_as_a_local_tool_run_as_dotnet_its()
    {
        string project = machine.Folder("local-tool");
        Assert.Equal(0, machine.Dotnet(project, "new", "tool-manifest").Code);
        var install = machine.Dotnet(project, "tool", "install", "its-kit", "--add-source", machine.Feed);
        Assert.True(install.Code == 0, install.Output);
        var run = machine.Dotnet(project, "its", "data", "list");
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("sicily.csv", run.Output);
        Assert.Contains("SHA-256 verified", run.Output);
    }

    [Fact]
    public void The_installed_tool_reproduces_inside_the_clone()
    {
        string reports = Path.Combine(machine.Folder("tool-reports"), "reports");
        var (code, output) = machine.Run(machine.Clone, machine.Tool, "reproduce", "--out", reports);
        Assert.True(code == 0, output);
        Assert.Equal(Pages, HtmlPages(reports));
    }

    [Fact]
    public void Pack_writes_every_package_with_its_metadata_docs_and_symbols()
    {
        string[] ids = ["ItsKit.Core", "ItsKit.Data", "ItsKit.Plots", "ItsKit.Sanming", "ItsKit.Notebooks", "ItsKit.Kernel", "its-kit"];
        foreach (string id in ids)
        {
            string package = Path.Combine(machine.Feed, $"{id}.{FreshMachine.Version}.nupkg");
            Assert.True(File.Exists(package), $"{package} missing");
            Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id}: no symbols package");
            using var zip = System.IO.Compression.ZipFile.OpenRead(package);
            var names = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", names);
            Assert.Contains("LICENSE", names);
            Assert.Contains(names, n => n.EndsWith(".xml", StringComparison.Ordinal) && (n.StartsWith("lib/", StringComparison.Ordinal) || n.StartsWith("tools/", StringComparison.Ordinal)));
            using var nuspec = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open());
            string text = nuspec.ReadToEnd();
            foreach (string field in new[] { $"<id>{id}</id>", $"<version>{FreshMachine.Version}</version>", "<license type=\"expression\">MIT</license>", "<readme>README.md</readme>", "<description>", "<repository type=\"git\"" })
                Assert.Contains(field, text);
        }
    }

    [Fact]
    public void A_console_project_outside_the_repository_references_the_packages_and_fits_the_sicily_model()
    {
        string project = machine.Folder("Sicily");
        Assert.Equal(0, machine.Dotnet(project, "new", "console", "--framework", "net10.0").Code);
        // As the README has it.
        var add = machine.Dotnet(project, "add", "package", "ItsKit.Data", "--source", machine.Feed);
        Assert.True(add.Code == 0, add.Output);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using Its.Data;
            using Its.Model;
            using Its.Time;

            var sicily = SeriesLoader.Load(TextTable.Read(ReferenceDatasets.Locate("sicily.csv")), new SeriesOptions
            {
                Outcome = "aces", Year = "year", Month = "month", Family = Family.QuasiPoisson, Offset = "stdpop",
            });
            var fit = new ItsModel(sicily, new ItsSpec
            {
                Interruptions = [Period.Month(2005, 1)], Impact = Impact.Level, Seasonality = Seasonality.Fourier(2),
                Family = Family.QuasiPoisson, Offset = "stdpop",
            }).Fit();
            var level = fit["level1"];
            Console.WriteLine($"rate ratio {Math.Exp(level.Estimate):F4} ({Math.Exp(level.Ci.Lower):F4} to {Math.Exp(level.Ci.Upper):F4})");
            """);

        var (code, output) = machine.Dotnet(project, "run");

        Assert.True(code == 0, output);
        Assert.Contains("rate ratio 0.8851 (0.8394 to 0.9332)", output);
        // The data came with the package, beside the program.
        Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net10.0", "data", "sicily.csv")));
    }

    [Fact]
    public void A_notebook_outside_the_repository_runs_with_the_kit_loaded_and_restores_a_package_from_a_local_feed()
    {
        string feed = PackHello();
        string folder = machine.Folder("my-notebooks");
        File.WriteAllText(Path.Combine(folder, "mine.ipynb"), NotebookJson(
            $"#r \"nuget: ItsKit.Core, {FreshMachine.Version}\"\n#r \"nuget: ItsKit.Sanming\"\nvar panel = SanmingLoader.Load(ShippedData.Locate());\nConsole.WriteLine($\"{{panel.Months.Count}} months\");",
            "var sicily = SeriesLoader.Load(TextTable.Read(ReferenceDatasets.Locate(\"sicily.csv\")), new SeriesOptions { Outcome = \"aces\", Year = \"year\", Month = \"month\", Family = Family.QuasiPoisson, Offset = \"stdpop\" });\n"
            + "var fit = new ItsModel(sicily, new ItsSpec { Interruptions = [Period.Month(2005, 1)], Impact = Impact.Level, Seasonality = Seasonality.Fourier(2), Family = Family.QuasiPoisson, Offset = \"stdpop\" }).Fit();\n"
            + "Console.WriteLine($\"rate ratio {Math.Exp(fit[\"level1\"].Estimate):F4}\");",
            $"#i \"nuget: {feed}\"\n#r \"nuget: Hello.Fresh, 1.0.0\"\nConsole.WriteLine(Hello.Fresh.Greeter.Greet(\"Sanming\"));"));

        var (code, output) = machine.Run(folder, machine.Tool, "notebook", "run", "mine.ipynb", "--output", "executed", "--timeout", "300");

        Assert.True(code == 0, output);
        string executed = File.ReadAllText(Path.Combine(folder, "executed", "mine.ipynb"));
        Assert.Contains("47 months", executed);
        Assert.Contains("rate ratio 0.8851", executed);
        Assert.Contains("hello from a local feed, Sanming", executed);
    }

    // A package of the test's own, packed into a folder feed outside the repository.
    private string PackHello()
    {
        string project = machine.Folder("hello-fresh");
        File.WriteAllText(Path.Combine(project, "Hello.Fresh.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <PackageId>Hello.Fresh</PackageId>
                <Version>1.0.0</Version>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Greeter.cs"), """
            namespace Hello.Fresh;
            public static class Greeter { public static string Greet(string name) => "hello from a local feed, " + name; }
            """);
        string feed = machine.Folder("hello-feed");
        var (code, output) = machine.Dotnet(project, "pack", "-o", feed);
        Assert.True(code == 0, output);
        return feed;
    }

    /// <summary>An nbformat 4.5 notebook of C# code cells.</summary>
    internal static string NotebookJson(params string[] cells)
    {
        var array = new JsonArray();
        for (int i = 0; i < cells.Length; i++)
            array.Add(new JsonObject
            {
                ["cell_type"] = "code", ["id"] = $"cell-{i + 1}", ["metadata"] = new JsonObject(), ["execution_count"] = null,
                ["outputs"] = new JsonArray(), ["source"] = cells[i],
            });
        return new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = KernelSpec.Name, ["display_name"] = KernelSpec.DisplayName, ["language"] = KernelSpec.Language } },
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        }.ToJsonString();
    }
}

/// <summary>One fresh machine for all its tests (building the clone and packing take a minute each).</summary>
[CollectionDefinition(Name)]
public sealed class FreshMachineCollection : ICollectionFixture<FreshMachine>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "fresh machine";
}
