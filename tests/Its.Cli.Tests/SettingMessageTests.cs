using System.Text.RegularExpressions;
using Its.Batch;
using Its.Data;
using Its.Model;
using Its.Time;

namespace Its.Cli.Tests;

/// <summary>
/// Library refusals name the settings a C# caller sets (<c>ItsSpec.Transform</c>,
/// <c>TableOptions.DateFormat</c>) and no command-line option; the command line renders the same
/// message with its options (<see cref="SettingFlags"/>).
/// </summary>
public sealed partial class SettingMessageTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex("--[a-z]")]
    private static partial Regex Flag();

    // The library's message and the command line's, each checked for what it names.
    private static void Names(Exception refusal, string library, string commandLine)
    {
        Assert.Contains(library, refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(Flag(), refusal.Message);
        string shown = SettingFlags.Message(refusal);
        Assert.Contains(commandLine, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(library, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_refusal_names_the_spec_property_and_its_value()
    {
        var spec = new ItsSpec { Interruptions = [Period.Month(2018, 1)], Family = Family.Poisson };
        var refusal = Assert.Throws<ItsException>(() => new PanelFitter(spec));
        Names(refusal, "use ItsSpec.Transform = OutcomeTransform.Log for counts", "use --transform log for counts");
    }

    [Fact]
    public void A_table_refusal_names_the_reading_option()
    {
        string csv = _dir.Write("t.csv", "month,y\n2016-01,1\n");
        var refusal = Assert.Throws<InputError>(() => TextTable.Read(csv, new TableOptions { Sheet = "Data" }));
        Names(refusal, "TableOptions.Sheet is for Excel workbooks", "--sheet is for Excel workbooks");
    }

    [Fact]
    public void A_missing_column_names_the_setting_that_asked_for_it()
    {
        var table = TextTable.Read(_dir.Write("s.csv", "month,y\n2016-01,1\n2016-02,2\n"));
        var refusal = Assert.Throws<InputError>(() => SeriesLoader.Load(table, new SeriesOptions { Outcome = "visits" }));
        Names(refusal, "no column 'visits' (asked for by SeriesOptions.Outcome)", "no column 'visits' (asked for by --outcome)");
    }

    [Fact]
    public void An_ambiguous_date_names_the_date_formats_that_read_it()
    {
        Assert.False(DateText.TryParse("01/02/2016", null, null, out _, out var error));
        Assert.Equal("'01/02/2016' could be 1 February or 2 January: give TableOptions.DateFormat = \"dd/MM/yyyy\" (day first) or TableOptions.DateFormat = \"MM/dd/yyyy\" (month first)",
            error.ToString());
        Assert.Equal("'01/02/2016' could be 1 February or 2 January: give --date-format dd/MM/yyyy (day first) or --date-format MM/dd/yyyy (month first)",
            error.Render(SettingFlags.Name));
    }

    [Fact]
    public void A_panel_plan_names_the_outputs_and_overwriting()
    {
        string a = _dir.Write("a.csv", "id,month,y\n"), b = _dir.Write("b.csv", "id,month,y\n");
        var several = Assert.Throws<InputError>(() => PanelPipeline.Plan([a, b], "out.csv", null, overwrite: false));
        Names(several, "PanelOutputs.Results = \"out.csv\": 2 inputs need one results file each", "--out out.csv: 2 inputs need one results file each");
        string existing = _dir.Write("done.csv", "");
        var exists = Assert.Throws<InputError>(() => PanelPipeline.Plan([a], existing, null, overwrite: false));
        Names(exists, "exists; give PanelRun.Overwrite = true to overwrite it", "exists; give --force to overwrite it");
    }

    [Fact]
    public void A_wrapped_refusal_keeps_the_settings_it_names()
    {
        var spec = new ItsSpec { Interruptions = [Period.Month(2018, 1)], Family = Family.Poisson };
        var refusal = Assert.Throws<InputError>(() => InputError.FromModel("panel.csv", () => new PanelFitter(spec)));
        Names(refusal, "panel.csv: panel fits are Gaussian; use ItsSpec.Transform = OutcomeTransform.Log", "panel.csv: panel fits are Gaussian; use --transform log");
    }

    // A unit's problem is text in the results file: worded in the library's terms unless the caller names the settings its own way.
    [Theory]
    [InlineData(false, "give TableOptions.Decimal = ',' if the file uses ','")]
    [InlineData(true, "give --decimal , if the file uses ','")]
    public void A_units_problem_names_settings_as_the_caller_does(bool commandLine, string hint)
    {
        var lines = new List<string> { "id,month,visits" };
        for (int t = 0; t < 24; t++)
        {
            lines.Add($"a,{2016 + t / 12}-{t % 12 + 1:D2},{50 + t + t % 3}");
            lines.Add($"b,{2016 + t / 12}-{t % 12 + 1:D2},{(t == 5 ? "\"12,5\"" : (40 + t + t % 2).ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }
        // The rows of a unit must be together.
        string input = _dir.Write("panel.csv", string.Join("\n", lines.Take(1).Concat(lines.Skip(1).OrderBy(l => l[0]))) + "\n");
        var plan = Assert.Single(PanelPipeline.Plan([input], Path.Combine(_dir.Path, "results.csv"), null, overwrite: false));
        var run = new PanelRun
        {
            Columns = new PanelOptions { Id = "id", Date = "month", Outcome = "visits", SettingNames = commandLine ? SettingFlags.Name : null },
            Spec = new ItsSpec { Interruptions = [Period.Month(2017, 1)] },
        };
        PanelPipeline.Run(plan, run);
        string results = File.ReadAllText(plan.Results);
        Assert.Contains(hint, results, StringComparison.Ordinal);
        if (!commandLine) Assert.DoesNotMatch(Flag(), results);
    }
}
