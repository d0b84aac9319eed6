using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Its.Notebooks.Nbformat;
using Microsoft.CodeAnalysis;

namespace Its.Notebooks.Engine;

/// <summary>An error output, and the line of the failing cell it points at when it points at one.</summary>
internal sealed record CellError(ErrorOutput Output, int? Line);

/// <summary>
/// Error outputs that point at cell lines as Jupyter does (<c>Cell In[3], line 2</c>), never at
/// the engine or the kit's own files, and without the notebook's directory, so they read the same
/// on every machine.
/// </summary>
internal sealed partial class CellErrors(string? directory)
{
    // More diagnostics than this say little more than the first ones.
    private const int MaxDiagnostics = 20;

    // A traceback shows this many frames of each end of a longer one (a mutual recursion).
    private const int MaxFrames = 20;

    // Each cell's lines by the names its code is known by: the file name it is compiled under and
    // that name as the source resolver made it a path (which debug information, hence frames, carry).
    private readonly Dictionary<string, CellLines> _cells = new(StringComparer.Ordinal);

    /// <summary>The file name a cell's code is compiled under.</summary>
    public static string FileName(int executionCount) => $"In[{executionCount}]";

    /// <summary>Remembers a cell's lines for tracebacks, under the names its code is known by.</summary>
    public void Register(int executionCount, string code, params string[] names)
    {
        var lines = new CellLines(executionCount, code.Split('\n'));
        foreach (string name in names) _cells[name] = lines;
    }

    /// <summary>An exception thrown by cell code.</summary>
    public CellError Thrown(Exception exception, int executionCount)
    {
        var traceback = new List<string>();
        int? line = null;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            traceback.Add($"{(e == exception ? "" : " ---> ")}{e.GetType().Name}: {Clean(e.Message)}");
            var frames = new List<string>();
            int repeats = 0;
            foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
            {
                string? name = frame.GetFileName();
                int number = frame.GetFileLineNumber();
                if (name is null || number <= 0 || !_cells.TryGetValue(name, out var cell)) continue;
                string? method = frame.GetMethod() is { } m ? MethodName(m) : null;
                string at = $"   at Cell In[{cell.ExecutionCount}], line {number}{(method is null ? "" : $", in {method}")}: {cell.Source(number)}";
                // A deep recursion repeats a frame thousands of times: said once, with the count.
                if (frames.Count > 0 && frames[^1] == at) repeats++;
                else
                {
                    Repeated(frames, repeats);
                    repeats = 0;
                    frames.Add(at);
                }
                // The outermost frame in the failing cell is the line that led to the error.
                if (e == exception && cell.ExecutionCount == executionCount) line = number;
            }
            Repeated(frames, repeats);
            traceback.AddRange(frames.Count <= 2 * MaxFrames
                ? frames
                : [.. frames[..MaxFrames], $"   ... {frames.Count - 2 * MaxFrames} more frames ...", .. frames[^MaxFrames..]]);
        }
        return new CellError(new ErrorOutput(exception.GetType().Name, Clean(exception.Message), traceback), line);
    }

    private static void Repeated(List<string> frames, int repeats)
    {
        if (repeats > 0) frames.Add($"   [the frame above repeated {repeats} more {(repeats == 1 ? "time" : "times")}]");
    }

    /// <summary>An exception nothing caught in the cell's work on another thread: as thrown, saying where.</summary>
    public CellError Thrown(CellFailure failure, int executionCount)
    {
        var error = Thrown(failure.Exception, executionCount);
        return error with { Output = error.Output with { Value = $"{error.Output.Value} (on {failure.Where}; nothing caught it)" } };
    }

    /// <summary>Compilation errors of a cell, each with its cell-relative line and column.</summary>
    public CellError Compilation(IReadOnlyList<Diagnostic> errors)
    {
        var traceback = errors.Take(MaxDiagnostics).Select(d => $"{Where(d)}: error {d.Id}: {Clean(d.GetMessage(CultureInfo.InvariantCulture))}").ToList();
        if (errors.Count > MaxDiagnostics) traceback.Add($"... and {errors.Count - MaxDiagnostics} more errors");
        var first = errors[0];
        var span = first.Location.GetMappedLineSpan();
        string more = errors.Count > 1 ? $" (and {errors.Count - 1} more {(errors.Count == 2 ? "error" : "errors")})" : "";
        int? line = span.IsValid && _cells.ContainsKey(span.Path) ? span.StartLinePosition.Line + 1 : null;
        return new CellError(new ErrorOutput("CompilationError", $"{first.Id}: {Clean(first.GetMessage(CultureInfo.InvariantCulture))}{more}", traceback), line);
    }

    /// <summary>
    /// Calls that would end the notebook's process, refused before the cell runs: the first is the
    /// error, each is a line of the traceback.
    /// </summary>
    public CellError ProcessEnding(IReadOnlyList<ProcessEnder> calls)
    {
        var traceback = calls.Select(c => $"{WhereLine(c.Location)}   <- {c.Call}").ToList();
        var first = calls[0];
        var span = first.Location.GetMappedLineSpan();
        int? line = _cells.ContainsKey(span.Path) ? span.StartLinePosition.Line + 1 : null;
        string at = line is null ? $"{Clean(span.Path)} line {span.StartLinePosition.Line + 1}" : $"In[{_cells[span.Path].ExecutionCount}] line {line}";
        return new CellError(new ErrorOutput("ProcessExitRefused",
            $"{at}: {first.Call} would end the notebook's process (the kernel, or the run and its report); throw an exception or return instead", traceback), line);
    }

    /// <summary>A directive the kit cannot honour.</summary>
    public static CellError Refused(int executionCount, int line, string directive, string reason) =>
        new(new ErrorOutput("DirectiveError", $"{directive}: {reason}", [$"Cell In[{executionCount}], line {line}: {directive}"]), line);

    /// <summary>
    /// A cell that ran longer than its timeout: stopped, or abandoned when it did not stop; when
    /// it was stopped while restoring packages, those.
    /// </summary>
    public static CellError Timeout(int executionCount, TimeSpan timeout, bool stopped, IReadOnlyList<PackageDirective>? restoring = null)
    {
        string seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        string during = restoring is null ? "" : $" while restoring {Named(restoring)}";
        string value = stopped
            ? $"the cell ran longer than its timeout of {seconds} s and was stopped{during}"
            : $"the cell ran longer than its timeout of {seconds} s and did not stop (a long call outside the cell's code); the session cannot run more cells";
        return new CellError(new ErrorOutput("TimeoutError", value, [$"Cell In[{executionCount}]: {(stopped ? "stopped" : "abandoned")} after {seconds} s{during}"]), null);
    }

    /// <summary>
    /// A package restore that failed: the directive of the package it failed on, then the
    /// restore's reasons (NuGet's error lines, as <c>NU1101: Unable to find package ...</c>).
    /// </summary>
    public static CellError RestoreFailed(int executionCount, PackageDirective package, IReadOnlyList<string> reasons) =>
        new(new ErrorOutput("RestoreError", $"{package.Directive}: restore failed: {string.Join("\n", reasons)}",
            [$"Cell In[{executionCount}], line {package.Line}: {package.Directive}", .. reasons.Select(r => "   " + r)]), package.Line);

    /// <summary>A package restore stopped by an interrupt of its cell.</summary>
    public static CellError RestoreInterrupted(int executionCount, IReadOnlyList<PackageDirective> restoring) =>
        new(new ErrorOutput(nameof(CellInterruptedException), $"the cell was interrupted while restoring {Named(restoring)}",
            [$"Cell In[{executionCount}], line {restoring[0].Line}: {restoring[0].Directive}: the restore was stopped"]), restoring[0].Line);

    private static string Named(IReadOnlyList<PackageDirective> packages) => string.Join(", ", packages.Select(p => p.Named));

    private string Where(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        if (!span.IsValid) return "Cell";
        // A file the cell loads (#load) is named by its path relative to the notebook.
        string file = _cells.TryGetValue(span.Path, out var cell) ? $"Cell In[{cell.ExecutionCount}]" : Clean(span.Path);
        return $"{file}, line {span.StartLinePosition.Line + 1}, column {span.StartLinePosition.Character + 1}";
    }

    // The cell and line, then the source line, as a frame of a traceback shows them; columns would
    // count the interruption checks the code that ran has.
    private string WhereLine(Location location)
    {
        var span = location.GetMappedLineSpan();
        int line = span.StartLinePosition.Line + 1;
        return _cells.TryGetValue(span.Path, out var cell)
            ? $"Cell In[{cell.ExecutionCount}], line {line}: {cell.Source(line)}"
            : $"{Clean(span.Path)}, line {line}";
    }

    // The notebook's directory where it stands alone in a message (not a prefix of another name).
    private readonly Regex? _bareDirectory = directory is null ? null : new Regex(Regex.Escape(directory) + @"(?![\w.\-])", RegexOptions.CultureInvariant);

    /// <summary>Text without the notebook's directory: paths in it become relative to the notebook.</summary>
    public string Clean(string text)
    {
        // A notebook at the file system's root has no prefix worth taking off.
        if (_bareDirectory is null || Path.GetPathRoot(directory) == directory) return text;
        return _bareDirectory.Replace(text.Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal), ".");
    }

    /// <summary>
    /// The name a reader knows a frame's method by: none for a cell's top-level code, else the
    /// method or local function, with its class when the cell declared one; compiler-made names
    /// (state machines, lambdas' closures) are read back to the names written in the cell.
    /// </summary>
    private static string? MethodName(MethodBase method)
    {
        string name = method.Name;
        Type? type = method.DeclaringType;
        // An async method or iterator runs in MoveNext of a nested type named <Method>d__N.
        if (name == "MoveNext" && type?.Name.StartsWith('<') == true)
        {
            name = type.Name;
            type = type.DeclaringType;
        }
        while (type?.Name.StartsWith('<') == true) type = type.DeclaringType;
        if (LocalFunction().Match(name) is { Success: true } local) name = local.Groups[1].Value;
        else if (CompilerMade().Match(name) is { Success: true } made)
        {
            string outer = made.Groups["outer"].Value;
            bool lambda = made.Groups["kind"].Value == "b";
            if (outer == "<Initialize>") return lambda ? "a lambda" : null;
            name = lambda ? $"a lambda in {outer}" : outer;
        }
        return type is null || type.Name.StartsWith("Submission#", StringComparison.Ordinal) ? name : $"{type.Name}.{name}";
    }

    [GeneratedRegex(@"g__([^|]+)\|")]
    private static partial Regex LocalFunction();

    [GeneratedRegex(@"^<(?<outer><Initialize>|[^>]+)>(?<kind>[a-z])__")]
    private static partial Regex CompilerMade();
}

/// <summary>A cell's lines, for the source shown beside a frame.</summary>
internal sealed record CellLines(int ExecutionCount, string[] Lines)
{
    /// <summary>The 1-based line, trimmed; empty past the end.</summary>
    public string Source(int line) => line <= Lines.Length ? Lines[line - 1].Trim() : "";
}
