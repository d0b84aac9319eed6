using Its.Notebooks.Engine;
using Its.Plots;

namespace Its.Notebooks.Tests;

/// <summary>Figures a cell saves go to its session's folder, whatever other sessions of the process do at the same time.</summary>
[Collection(NotebookFolder.Name)]
public sealed class FigureFolderTests : NotebookFolder
{
    private const string Fit = "var periods = Enumerable.Range(0, 36).Select(Period.Month(2016, 1).Add).ToArray();\n"
        + "var fit = new ItsModel(new TimeSeries(periods, periods.Select((p, t) => 100 + t - (t >= 18 ? 10 : 0) + Math.Sin(t)).ToArray(), outcomeName: \"visits\"), new ItsSpec { Interruptions = [Period.Month(2017, 7)] }).Fit();";

    [Fact]
    public async Task Two_sessions_running_at_once_write_their_figures_to_their_own_folders()
    {
        string first = Path.Combine(Folder, "first"), second = Path.Combine(Folder, "second");
        var sessions = new[] { (Name: "a", Session: Session(first)), (Name: "b", Session: Session(second)) };
        foreach (var (_, session) in sessions) Assert.Equal(CellStatus.Ok, session.RunCell(Fit, 1).Status);
        // Each cell saves from its own thread and from a task it starts, its sleeps overlapping the other's.
        var cells = sessions.Select(s => Task.Run(() => s.Session.RunCell($$"""
            Thread.Sleep(200);
            FigureFiles.Save(ItsFigure.From(fit), "{{s.Name}}-cell");
            Thread.Sleep(200);
            await Task.Run(() => FigureFiles.Save(ItsFigure.From(fit), "{{s.Name}}-task"));
            """, 2))).ToArray();
        var results = await Task.WhenAll(cells);
        Assert.All(results, r => Assert.Equal(CellStatus.Ok, r.Status));
        Assert.Equal(["a-cell.png", "a-cell.svg", "a-task.png", "a-task.svg"], Files(first));
        Assert.Equal(["b-cell.png", "b-cell.svg", "b-task.png", "b-task.svg"], Files(second));
        // The folders are the sessions', not the process's.
        Assert.Null(FigureFiles.Directory);
        Assert.Equal(first, sessions[0].Session.FiguresDirectory);
    }

    [Fact]
    public void A_session_without_a_folder_only_shows_its_figures()
    {
        var session = new NotebookSession(new PlainFormatter());
        Assert.Equal(CellStatus.Ok, session.RunCell(Fit, 1).Status);
        var result = session.RunCell("FigureFiles.Directory ?? \"none\"", 2);
        Assert.Equal("none", Assert.IsType<Nbformat.ExecuteResultOutput>(Assert.Single(result.Outputs)).Data.PlainText);
        Assert.Null(session.FiguresDirectory);
    }

    private static NotebookSession Session(string figures) => new(new PlainFormatter(), options: new NotebookSessionOptions { FiguresDirectory = figures });

    private static string[] Files(string folder) => [.. Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
