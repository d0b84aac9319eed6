using System.Diagnostics;

namespace Its.Cli.Tests;

/// <summary>
/// The real programs some tests drive (Jupyter's Python tools, Chromium), from Debian: .ci/run
/// installs them, and a missing one fails its test naming the package to install.
/// </summary>
public static class Peers
{
    /// <summary>Debian's Python, which has the python3-* packages (not a pyenv or venv one).</summary>
    public const string Python = "/usr/bin/python3";

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
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null) start.WorkingDirectory = directory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
