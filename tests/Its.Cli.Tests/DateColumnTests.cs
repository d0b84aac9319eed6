using System.Globalization;

namespace Its.Cli.Tests;

/// <summary>The same series read through each way of writing its dates gives the same fit.</summary>
public sealed class DateColumnTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Model = ["--outcome", "aces", "--seasonality", "fourier:2", "--errors", "newey:3", "--format", "json"];

    [Fact]
    public void Year_and_month_columns_equal_a_date_column()
    {
        string sicily = ReferenceData.Path("sicily.csv");
        var lines = File.ReadAllLines(sicily);
        var rewritten = lines.Skip(1).Select(l => l.Split(','))
            .Select(f => $"{int.Parse(f[0], CultureInfo.InvariantCulture)}-{int.Parse(f[1], CultureInfo.InvariantCulture):D2}-01,{f[2]}");
        string dated = _folder.Write("dated.csv", "date,aces\n" + string.Join("\n", rewritten) + "\n");

        var a = CliRun.Of(["fit", sicily, "--year", "year", "--month", "month", "--interruption", "2005-01", .. Model]);
        var b = CliRun.Of(["fit", dated, "--date", "date", "--interruption", "2005-01-01", .. Model]);
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Output, b.Output);
        Assert.Contains("\"n\": 59", a.Output);
    }

    [Fact]
    public void Quarterly_and_annual_series_are_recognised()
    {
        var quarters = Enumerable.Range(0, 20).Select(t => $"{2010 + t / 4}-Q{t % 4 + 1},{(10 + t + Math.Sin(t)).ToString("F4", CultureInfo.InvariantCulture)}");
        string q = _folder.Write("q.csv", "quarter,y\n" + string.Join("\n", quarters) + "\n");
        var run = CliRun.Of("fit", q, "--date", "quarter", "--outcome", "y", "--interruption", "2012-Q3", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"frequency\": \"quarter\"", run.Output);
        Assert.Contains("\"month\": \"2014-Q4\"", run.Output);

        var years = Enumerable.Range(0, 12).Select(t => $"{1990 + t}.0,{(5 + 0.5 * t + Math.Cos(t)).ToString("F4", CultureInfo.InvariantCulture)}");
        string y = _folder.Write("y.csv", "year,y\n" + string.Join("\n", years) + "\n");
        run = CliRun.Of("fit", y, "--year", "year", "--outcome", "y", "--interruption", "1996", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"frequency\": \"year\"", run.Output);
    }
}
