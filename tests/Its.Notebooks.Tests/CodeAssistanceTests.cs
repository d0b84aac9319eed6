using Its.Notebooks.Engine;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>
/// Completion and inspection in a session: what earlier cells declared completes, directives do
/// not get in the way, documentation comes with signatures, and nothing runs.
/// </summary>
public sealed class CodeAssistanceTests(SharedSession shared) : IClassFixture<SharedSession>
{
    private NotebookSession Session => shared.Session;

    private static Completions At(NotebookSession session, string code) => session.Complete(code, code.Length);

    [Fact]
    public void Members_of_a_variable_of_an_earlier_cell_complete()
    {
        Assert.Equal(CellStatus.Ok, shared.Run("""
            var panel = SanmingLoader.Load(ShippedData.Locate());
            var fit = new ItsModel(panel.Series("hospital", Outcome.OutpatientVisits), new StudyPlan().Spec()).Fit();
            """).Status);
        var members = At(Session, "fit.").Matches;
        Assert.Contains("Coefficients", members);
        Assert.Contains("Parameters", members);
    }

    [Fact]
    public void Static_members_of_a_framework_type_complete_filtered_by_the_typed_prefix()
    {
        var completions = At(Session, "Console.Wri");
        Assert.Contains("Write", completions.Matches);
        Assert.Contains("WriteLine", completions.Matches);
        Assert.All(completions.Matches, m => Assert.StartsWith("Wri", m, StringComparison.OrdinalIgnoreCase));
        Assert.Equal((8, 11), (completions.Start, completions.End));
    }

    [Fact]
    public void The_replaced_span_is_the_word_at_the_cursor()
    {
        const string code = "var numbers = new List<int>();\nnumbers.Sel(x => x)";
        int cursor = code.IndexOf("Sel", StringComparison.Ordinal) + 3;
        var completions = Session.Complete(code, cursor);
        Assert.Contains("Select", completions.Matches);
        Assert.Contains("SelectMany", completions.Matches);
        Assert.DoesNotContain("Where", completions.Matches);
        Assert.Equal((cursor - 3, cursor), (completions.Start, completions.End));
    }

    [Fact]
    public void Kit_types_complete()
    {
        Assert.Contains("ItsModel", At(Session, "var model = new ItsMo").Matches);
    }

    [Fact]
    public void A_nuget_directive_does_not_break_completion_on_later_lines()
    {
        const string code = "#r \"nuget: MathNet.Numerics\"\n#!csharp\nMathNet.Numerics.SpecialFunctions.Facto";
        var completions = At(Session, code);
        Assert.Contains("Factorial", completions.Matches);
        Assert.Equal(code.Length - "Facto".Length, completions.Start);
    }

    [Fact]
    public void A_cell_that_failed_to_compile_is_not_in_the_chain()
    {
        shared.Run("var declaredBefore = 1;");
        Assert.Equal(CellStatus.Error, shared.Run("var declaredInBroken = 2;\nundefinedName + 1;").Status);
        var completions = At(Session, "declared");
        Assert.Contains("declaredBefore", completions.Matches);
        Assert.DoesNotContain("declaredInBroken", completions.Matches);
    }

    [Fact]
    public void Completing_and_inspecting_leave_the_session_s_state_as_it_was()
    {
        shared.Run("var counter = 1;");
        At(Session, "counter = 5;\ncounter.");
        Session.Inspect("counter = 5;", 2, detailed: true);
        var result = Assert.IsType<ExecuteResultOutput>(Assert.Single(shared.Run("counter").Outputs));
        Assert.Equal("1", result.Data.PlainText);
    }

    [Fact]
    public void Inspecting_a_kit_method_shows_its_signature_and_summary()
    {
        const string code = "ItsModel model = null!;\nmodel.Fit()";
        var inspection = Session.Inspect(code, code.IndexOf("Fit", StringComparison.Ordinal) + 1, detailed: false);
        Assert.NotNull(inspection);
        Assert.StartsWith("ItsResult ItsModel.Fit()\n", inspection.Text);
        Assert.Contains("Estimates the model.", inspection.Text);
    }

    [Fact]
    public void Inspecting_inside_an_argument_list_shows_the_called_method()
    {
        const string code = "Math.Max(1, ";
        var inspection = Session.Inspect(code, code.Length, detailed: false);
        Assert.NotNull(inspection);
        Assert.Contains("Math.Max(", inspection.Text);
    }

    [Fact]
    public void Detailed_inspection_adds_the_remarks()
    {
        const string code = "NotebookSession session;";
        string brief = Session.Inspect(code, 3, detailed: false)!.Text;
        string detailed = Session.Inspect(code, 3, detailed: true)!.Text;
        Assert.Contains("One C# scripting session", brief);
        Assert.DoesNotContain(".NET cannot end a thread that is computing", brief);
        Assert.Contains(".NET cannot end a thread that is computing", detailed);
    }

    // The SDK that builds the tests carries the framework's reference XML docs (packs/Microsoft.NETCore.App.Ref).
    [Theory]
    [InlineData("Console.WriteLine(\"x\");", "WriteLine", "void Console.WriteLine(string? value) (+ ", "Writes the specified string value, followed by the current line terminator", "Exception IOException: An I/O error occurred.")]
    [InlineData("Math.Sqrt(2.0)", "Sqrt", "double Math.Sqrt(double d)", "Returns the square root of a specified number.", "- Zero or positive: The positive square root of d.")]
    [InlineData("ItsModel model = null!;", "ItsModel", "class Its.Model.ItsModel\n", "A segmented regression of a series under a spec.", null)]
    [InlineData("ItsFigure figure = null!;", "ItsFigure", "record Its.Plots.ItsFigure\n", "What an ITS figure shows, independent of how it is drawn", null)]
    public void Inspection_shows_the_signature_and_summary_and_in_detail_more(string code, string word, string signature, string summary, string? detail)
    {
        int cursor = code.IndexOf(word, StringComparison.Ordinal) + 2;
        string brief = Session.Inspect(code, cursor, detailed: false)!.Text;
        string detailed = Session.Inspect(code, cursor, detailed: true)!.Text;
        Assert.StartsWith(signature, brief);
        Assert.Contains(summary, brief);
        Assert.StartsWith(brief, detailed);
        if (detail is not null) Assert.Contains(detail, detailed);
    }

    [Fact]
    public void Completions_say_what_each_match_is()
    {
        var completions = At(Session, "Console.Wri");
        Assert.Equal(completions.Matches.Count, completions.Types.Count);
        Assert.Equal("function", completions.Types[completions.Matches.ToList().IndexOf("WriteLine")]);
        var types = At(Session, "var m = new ItsMo");
        Assert.Equal("class", types.Types[types.Matches.ToList().IndexOf("ItsModel")]);
    }

    [Fact]
    public void Inspecting_white_space_gives_nothing()
    {
        Assert.Null(Session.Inspect("var y = 1;\n\n   \n", 13, detailed: false));
    }

    [Fact]
    public void A_markdown_cell_completes_nothing()
    {
        var completions = At(Session, "#!markdown\nConsole.");
        Assert.Empty(completions.Matches);
    }
}
