using System.Diagnostics;
using Its.Notebooks.Engine;

namespace Its.Notebooks.Tests;

/// <summary>
/// A NuGet feed of test packages, made once for a test class in a temporary folder outside the
/// repository (so its Directory.Build.props does not apply): <c>Greeting.Test</c> 1.0.0
/// (<c>Greeter.Hello</c>); <c>Greeting.Loud</c> 2.0.0, which depends on it (<c>Loud.Hello</c>);
/// and <c>Greeting.Json</c> 99.0.0, whose assembly is named Newtonsoft.Json as one the kit loads.
/// Restores from it read a NuGet.config of its own that clears every source, and a global
/// packages folder of its own, so they never see the machine's NuGet setup or the network.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    /// <summary>The folder holding everything: sources, feed, configuration, packages, projects.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("its-package-feed-").FullName;

    /// <summary>The folder of .nupkg files.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Where restores write their throw-away projects.</summary>
    public string Projects => Path.Combine(Root, "projects");

    /// <summary>How long packing the feed took.</summary>
    public TimeSpan PackTime { get; }

    /// <summary>Restores that see only the sources a cell adds (the configuration clears all others).</summary>
    internal PackageRestoreOptions Options { get; }

    public PackageFeed()
    {
        string config = Path.Combine(Root, "NuGet.config");
        File.WriteAllText(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        Options = new PackageRestoreOptions
        {
            ConfigFile = config,
            Environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(Root, "packages") },
            ProjectsDirectory = Projects,
        };
        string source = Path.Combine(Root, "src");
        Library(source, "Greeting.Test", "1.0.0", "",
            "public static class Greeter { public static string Hello(string name) => \"hello, \" + name; }");
        Library(source, "Greeting.Loud", "2.0.0", "<ItemGroup><ProjectReference Include=\"../Greeting.Test/Greeting.Test.csproj\" /></ItemGroup>",
            "public static class Loud { public static string Hello(string name) => Greeter.Hello(name).ToUpperInvariant(); }");
        Library(source, "Greeting.Json", "99.0.0", "<PropertyGroup><AssemblyName>Newtonsoft.Json</AssemblyName><PackageId>Greeting.Json</PackageId></PropertyGroup>",
            "namespace Newtonsoft.Json; public static class Impostor { public static int Answer => 99; }");
        File.WriteAllText(Path.Combine(source, "feed.slnx"), """
            <Solution>
              <Project Path="Greeting.Test/Greeting.Test.csproj" />
              <Project Path="Greeting.Loud/Greeting.Loud.csproj" />
              <Project Path="Greeting.Json/Greeting.Json.csproj" />
            </Solution>
            """);
        var clock = Stopwatch.StartNew();
        Dotnet(source, "pack", "feed.slnx", "-o", Feed, "--configfile", config, "-nologo", "--disable-build-servers");
        PackTime = clock.Elapsed;
        string[] packed = [.. Directory.EnumerateFiles(Feed, "*.nupkg").Select(Path.GetFileName).Order()!];
        if (packed.Length != 3) throw new InvalidOperationException($"the feed has {string.Join(", ", packed)}");
    }

    private static void Library(string source, string id, string version, string more, string code)
    {
        string folder = Path.Combine(source, id);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, id + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Version>{version}</Version>
                <Authors>tests</Authors>
                <Description>A package the notebook tests restore.</Description>
              </PropertyGroup>
              {more}
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Code.cs"), code);
    }

    private void Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(PackageRestore.DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in Options.Environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not end");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{output.Result}\n{error}");
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Root, recursive: true);
}
