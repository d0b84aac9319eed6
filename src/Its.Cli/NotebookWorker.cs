using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Its.Notebooks.Engine;

namespace Its.Cli;

/// <summary>
/// Runs <c>its notebook run</c> and <c>its reproduce</c> in a child process of the same program
/// (a worker), so that a cell that ends the process in a way .NET cannot catch (a stack overflow
/// in a library, <c>Environment.FailFast</c> or <c>Exit</c> called by a library, the system's
/// out-of-memory killer) still ends the command with exit code 1 and a line naming the notebook
/// and the cell, the pages written before it kept. The worker shares the console and tells the
/// supervisor what it is doing through a progress file (<see cref="WorkerProgress"/>).
/// </summary>
internal static class NotebookWorker
{
    /// <summary>The hidden option that makes a command a worker writing its progress to a file.</summary>
    public const string ProgressOption = "--worker-progress";

    /// <summary>Runs the command line in a worker and waits for it; its exit code, or 1 with a line on stderr when it died.</summary>
    /// <param name="args">The worker's command line.</param>
    /// <param name="error">Where the line goes.</param>
    /// <param name="shown">Where a page the worker wrote is for the user (a report built in a staging folder is moved after).</param>
    public static int Supervise(string[] args, TextWriter error, Func<string, string> shown)
    {
        string file = Path.GetTempFileName();
        try
        {
            string[] command = ThisProgram.CommandLine();
            var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
            foreach (string a in command[1..].Concat(args).Append(ProgressOption).Append(file)) start.ArgumentList.Add(a);
            using var worker = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
            // Stopped with the command (a terminal's Ctrl+C reaches both already).
            using var terminated = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Stop(worker));
            worker.WaitForExit();
            var records = File.ReadAllLines(file, Encoding.UTF8).Select(line => line.Split('\t')).ToList();
            if (records.Any(r => r[0] == WorkerProgress.Done) || records.Count == 0 && worker.ExitCode != 0) return worker.ExitCode;
            error.WriteLine($"its: {Died(records, worker.ExitCode, shown)}");
            return ExitCodes.Failure;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Ends this worker when its supervisor is gone (killed): nobody would take in what it writes,
    /// and the next run clears its staging folder away.
    /// </summary>
    public static void EndWithSupervisor()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int supervisor = ParentProcessId();
        var watch = new Thread(() =>
        {
            while (ParentProcessId() == supervisor) Thread.Sleep(200);
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }) { IsBackground = true, Name = "its supervisor watch" };
        watch.Start();
    }

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int ParentProcessId();

    private static void Stop(Process worker)
    {
        try
        {
            worker.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has ended already.
        }
    }

    // What the worker was running when it ended, how it ended, and what it had written.
    private static string Died(List<string[]> records, int code, Func<string, string> shown)
    {
        string notebook = records.LastOrDefault(r => r[0] == WorkerProgress.Notebook)?[1] ?? "the notebook run";
        var cell = records.LastOrDefault(r => r[0] is WorkerProgress.CellStarted or WorkerProgress.CellEnded);
        string what = cell is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $" cell {int.Parse(cell[1], CultureInfo.InvariantCulture) + 1} (In[{cell[2]}])");
        string when = cell?[0] == WorkerProgress.CellEnded ? " (after it had ended: work it left running?)" : "";
        var written = records.Where(r => r[0] == WorkerProgress.Wrote).Select(r => Path.GetRelativePath(Environment.CurrentDirectory, shown(r[1]))).ToList();
        string kept = written.Count == 0 ? "no page was written" : $"pages written so far: {string.Join(", ", written)}";
        return $"{notebook}:{what} ended the process{when} ({How(code)}); {kept}";
    }

    private static string How(int code) => code switch
    {
        0 => "Environment.Exit(0) in code it called",
        // 128 + the signal, as a shell reports a process a signal ended.
        134 => "exit code 134, SIGABRT: a stack overflow, Environment.FailFast or an abort",
        137 => "exit code 137, SIGKILL: killed, by the system when out of memory?",
        139 => "exit code 139, SIGSEGV: a crash in native code",
        _ => $"exit code {code.ToString(CultureInfo.InvariantCulture)}: Environment.Exit in code it called, or a crash",
    };
}

/// <summary>The program running now.</summary>
internal static class ThisProgram
{
    /// <summary>The program running now, as a command line: the <c>its</c> executable, or <c>dotnet</c> with <c>its.dll</c>.</summary>
    public static string[] CommandLine()
    {
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        string assembly = Assembly.GetEntryAssembly()?.Location ?? "";
        return Path.GetFileNameWithoutExtension(program) == "dotnet" && assembly.Length > 0 ? [program, assembly] : [program];
    }
}


/// <summary>
/// What a worker tells its supervisor, one tab-separated record a line, each written through to
/// the file at once so that it survives the worker's death: the notebook it starts, each cell it
/// starts and ends, each page it writes, and that it is done.
/// </summary>
internal sealed class WorkerProgress(string path) : IDisposable
{
    public const string Notebook = "notebook", CellStarted = "cell", CellEnded = "cell-ended", Wrote = "wrote", Done = "done";

    private readonly StreamWriter _file = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };

    /// <summary>A notebook starts, as its path was given.</summary>
    public void Starting(string notebook) => Write(Notebook, notebook);

    /// <summary>A cell starts or ends.</summary>
    public void Cell(CellProgress cell) => Write(cell.Ended ? CellEnded : CellStarted,
        cell.CellIndex.ToString(CultureInfo.InvariantCulture), cell.ExecutionCount.ToString(CultureInfo.InvariantCulture));

    /// <summary>A page (or executed notebook) was written.</summary>
    public void Written(string page) => Write(Wrote, page);

    /// <summary>The command ended by itself: whatever its exit code, it has said why.</summary>
    public void Finished() => Write(Done);

    private void Write(params string[] fields)
    {
        lock (_file) _file.WriteLine(string.Join('\t', fields));
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
