using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using Its.Data;
using Its.Notebooks.Nbformat;
using Microsoft.CodeAnalysis.CSharp;

namespace Its.Notebooks.Engine;

/// <summary>What <c>#!about</c> shows: the kernel, the kit's version, .NET, Roslyn and C#, and where the kit's data and documentation are.</summary>
internal static class KitAbout
{
    /// <summary>The kit's version (without the commit the build adds).</summary>
    public static string Version =>
        typeof(KitAbout).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>The lines of the about, label and value, as text/plain and text/html.</summary>
    /// <param name="kernel">The kernel to name, as <c>name (display name)</c>; null for none.</param>
    public static MimeBundle Bundle(string? kernel)
    {
        var rows = Rows(kernel);
        int width = rows.Max(r => r.Label.Length);
        string plain = string.Join('\n', rows.Select(r => $"{(r.Label + ":").PadRight(width + 2)}{r.Value}"));
        string html = "<table>" + string.Concat(rows.Select(r =>
            $"<tr><th style=\"text-align:left\">{WebUtility.HtmlEncode(r.Label)}</th><td style=\"text-align:left\">{Link(r.Value)}</td></tr>")) + "</table>";
        return new MimeBundle(new Dictionary<string, string> { ["text/plain"] = plain, ["text/html"] = html });
    }

    private static List<(string Label, string Value)> Rows(string? kernel)
    {
        string roslyn = typeof(CSharpCompilation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
        var rows = new List<(string, string)>();
        if (kernel is not null) rows.Add(("kernel", kernel));
        rows.AddRange(
        [
            ("kit", Version),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("Roslyn", roslyn),
            ("C#", ScriptEnvironment.LanguageVersion),
        ]);
        foreach (string folder in KitData.Folders()) rows.Add(("data", folder));
        if (Repository() is { } url) rows.Add(("documentation", url));
        // The XML docs beside the kit's assemblies are what inspection (Shift+Tab) shows.
        string assemblies = Path.GetDirectoryName(typeof(KitAbout).Assembly.Location) ?? "";
        rows.Add(("API docs", assemblies.Length > 0 ? assemblies : AppContext.BaseDirectory));
        return rows;
    }

    // The repository's address the build recorded (from its git remote); null when it had none.
    private static string? Repository() =>
        typeof(KitAbout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryUrl" && !string.IsNullOrWhiteSpace(a.Value))?.Value;

    private static string Link(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? $"<a href=\"{WebUtility.HtmlEncode(value)}\">{WebUtility.HtmlEncode(value)}</a>"
            : WebUtility.HtmlEncode(value);
}

/// <summary>
/// The times of a cell run under <c>#!time</c>, written as IPython's <c>%time</c> writes them. CPU
/// times are the process's (every thread, the kernel's own included), as in IPython.
/// </summary>
internal sealed class CellTimer
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _user, _system;

    public CellTimer()
    {
        using var process = Process.GetCurrentProcess();
        (_user, _system) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
    }

    private int _stopped;

    /// <summary>Writes the lines IPython prints, CPU times then the wall time, on the cell's stdout; the first call only.</summary>
    public void Stop(CellOutputs outputs)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0) outputs.Write("stdout", Report());
    }

    private string Report()
    {
        var wall = _wall.Elapsed;
        using var process = Process.GetCurrentProcess();
        var user = process.UserProcessorTime - _user;
        var system = process.PrivilegedProcessorTime - _system;
        return $"CPU times: user {Format(user)}, sys {Format(system)}, total {Format(user + system)}\nWall time: {Format(wall)}\n";
    }

    /// <summary>
    /// A duration as IPython's <c>_format_time</c> writes it: from a minute on in whole days,
    /// hours, minutes and seconds (<c>1min 3s</c>), below in s, ms, µs or ns to 3 significant digits.
    /// </summary>
    public static string Format(TimeSpan span)
    {
        double seconds = span.TotalSeconds;
        if (seconds >= 60)
        {
            var parts = new List<string>();
            long left = (long)seconds;
            foreach (var (suffix, length) in new[] { ("d", 86400L), ("h", 3600L), ("min", 60L), ("s", 1L) })
            {
                if (left / length is var value and > 0) parts.Add($"{value}{suffix}");
                left %= length;
            }
            return string.Join(' ', parts);
        }
        (double scaled, string unit) = seconds switch
        {
            >= 1 => (seconds, "s"),
            >= 1e-3 => (seconds * 1e3, "ms"),
            >= 1e-6 => (seconds * 1e6, "µs"),
            _ => (seconds * 1e9, "ns"),
        };
        return scaled.ToString("G3", CultureInfo.InvariantCulture) + " " + unit;
    }
}
