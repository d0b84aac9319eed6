using System.Diagnostics;
using Microsoft.Playwright;

namespace Its.Cli.Tests;

/// <summary>
/// The real programs some tests drive (Jupyter's Python tools, Chromium), from Debian: .ci/run
/// installs them, and a missing one fails its test naming the package to install.
/// </summary>
public static class Peers
{
    /// <summary>Debian's Python, which has the python3-* packages (not a pyenv or venv one).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Debian's Chromium (package chromium), which Playwright drives headless; no browser is downloaded.</summary>
    public const string Chromium = "/usr/lib/chromium/chromium";

    /// <summary>Launches Debian's Chromium headless (without its sandbox when running as root, as CI does).</summary>
    /// <exception cref="InvalidOperationException">Chromium is missing: the message names the package.</exception>
    public static Task<IBrowser> LaunchChromium(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Require(Chromium, "chromium"),
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    /// <summary>The program's path when it exists.</summary>
    /// <exception cref="InvalidOperationException">It does not: the message names the Debian packages to install.</exception>
    public static string Require(string program, string packages) =>
        File.Exists(program) ? program : throw new InvalidOperationException($"{program} is missing: apt-get install {packages} (.ci/run installs it)");

    /// <summary>Runs the program to its end; its exit code, and its stdout then stderr.</summary>
    /// <param name="program">The program.</param>
    /// <param name="args">Its arguments.</param>
    public static (int Code, string Output) Run(string program, params string[] args) => Run(program, null, null, args);

    /// <summary>Runs the program in a directory with extra environment variables.</summary>
    public static (int Code, string Output) Run(string program, string? directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = Start(program, args);
        if (directory is not null) start.WorkingDirectory = directory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Run(start, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A start for the program with its arguments, its output redirected.</summary>
    public static ProcessStartInfo Start(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs a process to its end, or fails the test and kills it (with its children) past the limit.</summary>
    public static (int Code, string Output) Run(ProcessStartInfo start, TimeSpan limit)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{start.FileName} {string.Join(' ', start.ArgumentList)} ran past {limit.TotalMinutes} minutes");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The .NET host running the tests (the SDK's <c>dotnet</c>), for child builds and runs.</summary>
    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
