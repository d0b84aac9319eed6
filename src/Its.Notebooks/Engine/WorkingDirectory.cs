namespace Its.Notebooks.Engine;

/// <summary>
/// The process's current directory set to a notebook's while its cells run, so relative paths in
/// cells are the notebook's, and restored when the last cell in it ends. The current directory is
/// process-wide: cells of notebooks in one directory may run together, a cell of a notebook
/// elsewhere waits until they have ended.
/// </summary>
internal static class WorkingDirectory
{
    private static readonly object gate = new();
    private static string? active;
    private static string? saved;
    private static int users;

    /// <summary>Enters the directory until the returned scope is disposed; null leaves the current directory alone.</summary>
    public static IDisposable Enter(string? directory)
    {
        if (directory is null) return new Scope(false);
        lock (gate)
        {
            while (users > 0 && active != directory) Monitor.Wait(gate);
            if (users++ == 0)
            {
                saved = Environment.CurrentDirectory;
                Environment.CurrentDirectory = active = directory;
            }
        }
        return new Scope(true);
    }

    private static void Leave()
    {
        lock (gate)
        {
            if (--users > 0) return;
            Environment.CurrentDirectory = saved!;
            active = saved = null;
            Monitor.PulseAll(gate);
        }
    }

    private sealed class Scope(bool entered) : IDisposable
    {
        private bool _left = !entered;

        public void Dispose()
        {
            if (_left) return;
            _left = true;
            Leave();
        }
    }
}
