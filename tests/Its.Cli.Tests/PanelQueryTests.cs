using System.Globalization;

namespace Its.Cli.Tests;

/// <summary>
/// <c>its panel --sql</c> and <c>--query</c>: a panel that is a DuckDB query's result (filtered,
/// aggregated, in any row order) is fitted exactly as the same panel written to a file, and the
/// query's own errors are refused with exit 2 at the query's line.
/// </summary>
public sealed class PanelQueryTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Visits of 12 clinics every third day in two regions, 2016-01 to 2019-12, written in date order (the
    // units interleaved): aggregated to months by the query, they are the monthly panel below.
    private (string Daily, string Monthly) Files()
    {
        var rng = new Random(20160101);
        var daily = new System.Text.StringBuilder("clinic,region,day,visits\n");
        var monthly = new Dictionary<(string, string), double>();
        for (var day = new DateOnly(2016, 1, 1); day <= new DateOnly(2019, 12, 31); day = day.AddDays(3))
            for (int c = 0; c < 12; c++)
            {
                int t = (day.Year - 2016) * 12 + day.Month - 1;
                // Whole visits, so that any order of summing gives the same monthly totals.
                double v = Math.Round(20 + c + 0.5 * t + (t >= 24 ? 40 : 0) + rng.NextDouble() * 40);
                string clinic = $"c{c:D2}", region = c % 2 == 0 ? "east" : "west";
                daily.Append(CultureInfo.InvariantCulture, $"{clinic},{region},{day:yyyy-MM-dd},{v}\n");
                if (region != "east") continue;
                var key = (clinic, $"{day:yyyy-MM}");
                monthly[key] = monthly.GetValueOrDefault(key) + v;
            }
        var csv = new System.Text.StringBuilder("clinic,month,visits\n");
        foreach (var ((clinic, month), v) in monthly.OrderBy(m => m.Key)) csv.Append(CultureInfo.InvariantCulture, $"{clinic},{month},{v:R}\n");
        return (_dir.Write("daily.csv", daily.ToString()), _dir.Write("monthly.csv", csv.ToString()));
    }

    private static string[] Panel(string output, params string[] input) =>
        ["panel", .. input, "--id", "clinic", "--outcome", "visits", "--interruption", "2018-01", "--errors", "newey:2", "--out", output];

    [Fact]
    public void A_panel_filtered_and_aggregated_in_sql_is_fitted_as_the_same_panel_from_a_file()
    {
        var (daily, monthly) = Files();
        string sql = $"""
            SELECT clinic, strftime(day, '%Y-%m') AS month, sum(visits) AS visits
            FROM read_csv('{daily}') WHERE region = 'east' GROUP BY ALL
            """;
        string fromFile = Path.Combine(_dir.Path, "file.csv"), fromSql = Path.Combine(_dir.Path, "sql.csv"), fromQuery = Path.Combine(_dir.Path, "query.csv");
        var file = CliRun.Of(Panel(fromFile, monthly, "--date", "month"));
        Assert.Equal(0, file.ExitCode);
        var bySql = CliRun.Of(Panel(fromSql, "--sql", sql, "--date", "month"));
        Assert.Equal("", bySql.Error);
        Assert.Equal(0, bySql.ExitCode);
        Assert.Contains("6 units, 6 fitted", bySql.Output);
        // The same numbers, row for row: the query's result is sorted by unit as the file is.
        Assert.Equal(File.ReadAllLines(fromFile), File.ReadAllLines(fromSql));

        string queryFile = _dir.Write("east.sql", sql + ";\n");
        var byQuery = CliRun.Of(Panel(fromQuery, "--query", queryFile, "--date", "month"));
        Assert.Equal(0, byQuery.ExitCode);
        Assert.Equal(File.ReadAllLines(fromFile), File.ReadAllLines(fromQuery));
        Assert.Contains($"Results: {fromQuery}", byQuery.Output);

        // A result already grouped by unit may skip the sort; one that is not is refused, not misread.
        string grouped = Path.Combine(_dir.Path, "grouped.csv");
        var kept = CliRun.Of(Panel(grouped, "--sql", $"SELECT * FROM read_csv('{monthly}')", "--grouped"));
        Assert.Equal(0, kept.ExitCode);
        Assert.Equal(File.ReadAllLines(fromFile), File.ReadAllLines(grouped));
        var byMonth = CliRun.Of(Panel(Path.Combine(_dir.Path, "bymonth.csv"), "--sql", $"SELECT * FROM read_csv('{monthly}') ORDER BY month, clinic", "--grouped"));
        Assert.Equal(2, byMonth.ExitCode);
        Assert.Equal("its: --sql: row 7, column clinic: unit c00 appears again after other units; the rows of a unit must be together (leave out --grouped and the query's result is sorted by clinic)\n", byMonth.Error.Replace("\r", ""));
        Assert.Contains("--grouped is for a query", CliRun.Of(Panel(grouped, monthly, "--grouped", "--force")).Error);
    }

    [Fact]
    public void Partitions_by_a_hash_of_the_unit_give_together_the_results_of_the_whole_panel()
    {
        var (_, monthly) = Files();
        string whole = Path.Combine(_dir.Path, "whole.csv");
        Assert.Equal(0, CliRun.Of(Panel(whole, "--sql", $"SELECT * FROM read_csv('{monthly}')")).ExitCode);
        // One task of a job array each: every unit in exactly one partition.
        var parts = new List<string>();
        for (int k = 0; k < 2; k++)
        {
            string part = Path.Combine(_dir.Path, $"part-{k}.csv");
            var run = CliRun.Of(Panel(part, "--sql", $"SELECT * FROM read_csv('{monthly}') WHERE hash(clinic) % 2 = {k}"));
            Assert.Equal(0, run.ExitCode);
            parts.AddRange(File.ReadAllLines(part).Skip(1));
        }
        Assert.Equal(File.ReadAllLines(whole).Skip(1).Order(StringComparer.Ordinal), parts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_query_reads_the_tables_of_a_duckdb_database_opened_read_only()
    {
        var (_, monthly) = Files();
        string database = Path.Combine(_dir.Path, "clinics.duckdb");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"DataSource={database}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE visits AS SELECT * FROM read_csv('{monthly}', types = {{'month': 'VARCHAR'}}) ORDER BY month DESC";
            command.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(database);
        string fromFile = Path.Combine(_dir.Path, "file.csv"), fromDatabase = Path.Combine(_dir.Path, "db.csv");
        Assert.Equal(0, CliRun.Of(Panel(fromFile, monthly)).ExitCode);
        var run = CliRun.Of(Panel(fromDatabase, "--database", database, "--sql", "SELECT clinic, month, visits FROM visits"));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(File.ReadAllLines(fromFile), File.ReadAllLines(fromDatabase));
        // Read-only: the database is as it was.
        Assert.Equal(before, File.ReadAllBytes(database));

        var missing = CliRun.Of(Panel(fromDatabase, "--database", Path.Combine(_dir.Path, "nope.duckdb"), "--sql", "SELECT * FROM visits", "--force"));
        Assert.Equal($"its: {Path.Combine(_dir.Path, "nope.duckdb")}: file not found\n", missing.Error);
        var notDatabase = CliRun.Of(Panel(fromDatabase, "--database", monthly, "--sql", "SELECT * FROM visits", "--force"));
        Assert.Equal(2, notDatabase.ExitCode);
        Assert.StartsWith($"its: {monthly}: not a DuckDB database the kit can open (", notDatabase.Error);
        Assert.Contains("--database", CliRun.Of(Panel(fromDatabase, monthly, "--database", database, "--force")).Error);
    }

    [Fact]
    public void Dates_integers_and_missing_values_in_the_result_are_read_by_their_types()
    {
        var (_, monthly) = Files();
        string expected = Path.Combine(_dir.Path, "expected.csv"), typed = Path.Combine(_dir.Path, "typed.csv");
        Assert.Equal(0, CliRun.Of(Panel(expected, monthly, "--date", "month")).ExitCode);
        // Clinic numbers as integers (c04 -> 4), months as DATE, visits as DECIMAL, in reverse order.
        string sql = $$"""
            SELECT CAST(substr(clinic, 2) AS INTEGER) AS clinic, CAST(month || '-01' AS DATE) AS month, CAST(visits AS DECIMAL(18, 2)) AS visits
            FROM read_csv('{{monthly}}', types = {'month': 'VARCHAR'}) ORDER BY month DESC
            """;
        var run = CliRun.Of(Panel(typed, "--sql", sql, "--date", "month"));
        Assert.Equal("", run.Error);
        Assert.Equal(0, run.ExitCode);
        var want = File.ReadAllLines(expected).Skip(1).Select(l => l.Split(',')).ToArray();
        var got = File.ReadAllLines(typed).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(want.Length, got.Length);
        // Ids 0, 2, ... sort as integers; the estimates agree to the 2 decimals the DECIMAL kept of each value.
        Assert.Equal(want.Select(w => int.Parse(w[0][1..], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)), got.Select(g => g[0]));
        foreach (var (w, g) in want.Zip(got))
            Assert.Equal(double.Parse(w[2], CultureInfo.InvariantCulture), double.Parse(g[2], CultureInfo.InvariantCulture), 1e-6);

        // A NULL outcome is a missing period: the unit is fitted on the others.
        string gaps = Path.Combine(_dir.Path, "gaps.csv");
        var nulls = CliRun.Of(Panel(gaps, "--sql", $"SELECT clinic, month, CASE WHEN month = '2016-05' THEN NULL ELSE visits END AS visits FROM read_csv('{monthly}', types = {{'month': 'VARCHAR'}})", "--date", "month"));
        Assert.Equal(0, nulls.ExitCode);
        Assert.Contains("6 units, 6 fitted", nulls.Output);
        Assert.All(File.ReadAllLines(gaps).Skip(1).Where(l => l.Contains(",level1,", StringComparison.Ordinal)), l => Assert.Contains(",47,", l));
    }

    [Fact]
    public void A_query_that_fails_is_refused_at_its_own_line_and_writes_nothing()
    {
        var (daily, _) = Files();
        string output = Path.Combine(_dir.Path, "out.csv");

        var syntax = CliRun.Of(Panel(output, "--sql", $"SELECT clinic, day AS month, visits\nFORM read_csv('{daily}')"));
        Assert.Equal(2, syntax.ExitCode);
        // DuckDB reads FORM as a column alias and stops at what follows; the line is the query's own.
        Assert.StartsWith("its: --sql: Parser Error: syntax error at or near \"read_csv\"", syntax.Error);
        Assert.Contains("LINE 2: FORM read_csv", syntax.Error);
        Assert.False(File.Exists(output));

        var noFile = CliRun.Of(Panel(output, "--sql", $"SELECT * FROM read_csv('{Path.Combine(_dir.Path, "nope.csv")}')"));
        Assert.Equal(2, noFile.ExitCode);
        Assert.Contains("nope.csv", noFile.Error);
        Assert.Contains("LINE 1:", noFile.Error);

        var noColumn = CliRun.Of(Panel(output, "--sql", $"SELECT clinic, day AS month FROM read_csv('{daily}')"));
        Assert.Equal(2, noColumn.ExitCode);
        Assert.Equal("its: --sql: the query has no column 'visits' (asked for by --outcome); its columns are clinic, month\n", noColumn.Error.Replace("\r", ""));

        var text = CliRun.Of(Panel(output, "--sql", $"SELECT clinic, day AS month, CAST(visits AS VARCHAR) AS visits FROM read_csv('{daily}')"));
        Assert.Equal(2, text.ExitCode);
        Assert.Contains("column visits of the query is String, not a number; cast it in the query (TRY_CAST(visits AS DOUBLE)", text.Error);

        var both = CliRun.Of(Panel(output, daily, "--sql", "SELECT 1"));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--sql reads the panel from the query; give no panel file", both.Error);
        var where = CliRun.Of([.. Panel(output, "--sql", $"SELECT * FROM read_csv('{daily}')"), "--where", "region=east"]);
        Assert.Equal(2, where.ExitCode);
        Assert.Contains("--where filters the rows of a file; with a query, put the condition in its WHERE clause", where.Error);
        var twice = CliRun.Of(Panel(output, "--sql", "SELECT 1", "--query", _dir.Write("one.sql", "SELECT 1")));
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("give the query by --sql or by --query FILE, not both", twice.Error);
        var empty = CliRun.Of(Panel(output, "--sql", " ;\n"));
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("--sql: the query is empty", empty.Error);
        var folder = CliRun.Of(Panel(output, "--query", _dir.Path));
        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("is a directory, not a query file", folder.Error);
        var boolId = CliRun.Of(Panel(output, "--sql", $"SELECT visits > 30 AS clinic, day AS month, visits FROM read_csv('{daily}')"));
        Assert.Equal(2, boolId.ExitCode);
        Assert.Contains("column clinic of the query is Boolean; a unit id is text or an integer", boolId.Error);
        var boolDate = CliRun.Of(Panel(output, "--sql", $"SELECT clinic, visits > 30 AS month, visits FROM read_csv('{daily}')"));
        Assert.Equal(2, boolDate.ExitCode);
        Assert.Contains("column month of the query is Boolean; a date is a DATE, TIMESTAMP, text or an integer year", boolDate.Error);
        var missingQuery = CliRun.Of(Panel(output, "--query", Path.Combine(_dir.Path, "none.sql")));
        Assert.Equal(2, missingQuery.ExitCode);
        Assert.Contains("none.sql: query file not found", missingQuery.Error);
        Assert.False(File.Exists(output));
    }
}
