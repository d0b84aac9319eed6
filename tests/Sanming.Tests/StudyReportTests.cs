using System.Text.Json;
using Its.Model;
using Its.Reporting;

namespace Sanming.Tests;

/// <summary>The study's results rendered from the library, as <c>its sanming</c> and a notebook print them.</summary>
public sealed class StudyReportTests
{
    private static readonly SanmingPanel Panel = SanmingGenerator.Generate(new GeneratorOptions { Seed = 3 });

    [Fact]
    public void The_json_document_holds_every_fit_comparison_and_share_with_its_coefficients()
    {
        var plan = new StudyPlan();
        var study = StudyResults.Run(plan, Panel);
        using var json = JsonDocument.Parse(StudyReport.Render(study, ReportFormat.Json));
        var fits = json.RootElement.GetProperty("fits");
        Assert.Equal(study.Fits.Count, fits.GetArrayLength());
        Assert.Equal(plan.Outcomes.Count, json.RootElement.GetProperty("comparisons").GetArrayLength());
        Assert.Equal(study.Shares.Count, json.RootElement.GetProperty("shares").GetArrayLength());
        var first = fits[0];
        var level = first.GetProperty("result").GetProperty("coefficients").EnumerateArray().Single(c => c.GetProperty("term").GetString() == "level1");
        Assert.Equal(study.Fits[0].Result["level1"].Estimate, level.GetProperty("estimate").GetDouble());
        Assert.Equal(study.Fits[0].Group, first.GetProperty("group").GetString());
    }

    [Fact]
    public void The_csv_has_three_terms_per_fit_and_share_and_one_row_per_difference()
    {
        var study = StudyResults.Run(new StudyPlan(), Panel);
        var lines = StudyReport.Render(study, ReportFormat.Csv).TrimEnd('\n').Split('\n');
        int differences = study.Comparisons.Sum(c => c.Result.Tests.Count(t => !t.Joint));
        Assert.StartsWith("section,outcome,group,term,", lines[0]);
        Assert.Equal(1 + 3 * (study.Fits.Count + study.Shares.Count) + differences, lines.Length);
        Assert.Equal(differences, lines.Count(l => l.StartsWith("difference,", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_a_pooled_model_the_text_says_why_the_difference_tests_are_missing()
    {
        var study = StudyResults.Run(new StudyPlan { Errors = ErrorModel.Parse("prais") }, Panel);
        Assert.Empty(study.Comparisons);
        string text = StudyReport.Render(study, ReportFormat.Text);
        Assert.Contains("they are not computed under prais", text);
        Assert.DoesNotContain("Hospitals vs CHSIs", StudyReport.Render(study, ReportFormat.Markdown));
        Assert.Contains("Hospitals vs CHSIs", StudyReport.Render(StudyResults.Run(new StudyPlan(), Panel), ReportFormat.Markdown));
    }
}
