using System.Globalization;
using System.Text.Json;
using Its.Model;
using Its.Reporting;
using Its.Tests.Reference;

namespace Its.Tests;

/// <summary>Every format renders the same result, machine formats at full precision, and text is escaped.</summary>
public sealed class ReportingTests
{
    private static readonly Fixture Sicily = Fixture.Load("gaussian.json").Single(f => f.Name == "sicily_log_fourier2_newey:2");
    private static readonly Results.ItsResult Result = new ItsModel(Sicily.Series(), Sicily.Spec()).Fit();

    [Fact]
    public void Json_round_trips_every_coefficient_exactly()
    {
        var root = JsonDocument.Parse(ResultReport.Render(Result, ReportFormat.Json)).RootElement;
        var coefficients = root.GetProperty("coefficients").EnumerateArray().ToArray();
        Assert.Equal(Result.Coefficients.Count, coefficients.Length);
        foreach (var (json, c) in coefficients.Zip(Result.Coefficients))
        {
            Assert.Equal(c.Estimate, json.GetProperty("estimate").GetDouble());
            Assert.Equal(c.StdError, json.GetProperty("std_error").GetDouble());
            Assert.Equal(c.Ci.Upper, json.GetProperty("ci_upper").GetDouble());
            // Log model: percent change for every term but the intercept.
            Assert.Equal(c.Term != "intercept", json.TryGetProperty("percent", out _));
        }
        Assert.Equal("log", root.GetProperty("transform").GetString());
        Assert.Equal(Result.Lag, root.GetProperty("lag").GetInt32());
    }

    [Fact]
    public void Csv_has_full_precision()
    {
        var lines = ResultReport.Render(Result, ReportFormat.Csv).TrimEnd('\n').Split('\n');
        Assert.StartsWith("term,estimate,std_error,statistic,df,p_value,ci_lower,ci_upper,percent", lines[0]);
        Assert.Equal(Result.Coefficients.Count + 1, lines.Length);
        var level = lines.Single(l => l.StartsWith("level1,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(Result["level1"].Estimate, double.Parse(level[1], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(ReportFormat.Text)]
    [InlineData(ReportFormat.Markdown)]
    [InlineData(ReportFormat.Html)]
    [InlineData(ReportFormat.Latex)]
    public void Human_formats_carry_the_tables(ReportFormat format)
    {
        string text = ResultReport.Render(Result, format);
        foreach (string term in Result.Coefficients.Select(c => c.Term))
            Assert.Contains(term.Replace("_", "\\_", StringComparison.Ordinal), text);
        // The coefficient column's format: 4 significant digits of the smallest SE.
        Assert.Contains(NumberFormat.Estimates(Result.Coefficients.Select(c => c.StdError), Result.Coefficients.Select(c => c.Estimate)).Format(Result["level1"].Estimate), text);
        Assert.Contains("Durbin", text);
        Assert.Contains("2005-01", text);
    }

    [Fact]
    public void Tables_escape_their_text()
    {
        var table = new Table("a & b <c>", ["term", "value"], [["x_1 %", "5"], ["<script>", "\"q\",r"]]);
        Assert.Contains("x\\_1 \\%", table.ToLatex());
        Assert.Contains("a \\& b \\textless{}c\\textgreater{}", table.ToLatex());
        Assert.Contains("&lt;script&gt;", table.ToHtml());
        Assert.DoesNotContain("<script>", table.ToHtml());
        Assert.Contains("\"\"\"q\"\",r\"", table.ToCsv());
        Assert.Contains("a & b <c>", table.ToText());
    }
}
