using Its.Data;
using Parquet;
using Parquet.Schema;

namespace Its.Cli.Tests;

/// <summary><see cref="PanelReader"/> on Parquet files (read by DuckDB): columns of each type, required or not, and filters.</summary>
public sealed class PanelReaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Columns written without nulls are required (no definition levels): integer ids, DATE months,
    // DOUBLE values and a text column filtered on, read exactly.
    [Fact]
    public async Task Required_columns_are_read_exactly()
    {
        const int units = 3, months = 48;
        var rows = Enumerable.Range(0, units * months)
            .Select(r => (Id: 101 + r / months, Month: new DateOnly(2016 + r % months / 12, r % 12 + 1, 15), Value: 1000.0 + r))
            .ToArray();
        string parquet = Path.Combine(_dir.Path, "required.parquet");
        using (var stream = File.Create(parquet))
        {
            var id = new DataField<int>("id");
            var month = new DataField<DateOnly>("month");
            var visits = new DataField<double>("visits");
            var region = new DataField<string>("region", nullable: false);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, month, visits, region), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(id, rows.Select(r => r.Id).ToArray().AsMemory());
            await group.WriteAsync<DateOnly>(month, rows.Select(r => r.Month).ToArray().AsMemory());
            await group.WriteAsync<double>(visits, rows.Select(r => r.Value).ToArray().AsMemory());
            await group.WriteAsync(region, rows.Select(_ => "north").ToArray());
        }
        await using (var written = await ParquetReader.CreateAsync(parquet))
            Assert.All(written.Schema.GetDataFields(), f => Assert.False(f.IsNullable, f.Name));

        // A file whose name DuckDB would take as a pattern (p[1] matches p1) is read as that file.
        string bracketed = Path.Combine(_dir.Path, "p[1].parquet");
        File.Copy(parquet, bracketed);
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT * FROM read_parquet('{parquet}') WHERE id = 101) TO '{Path.Combine(_dir.Path, "p1.parquet")}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        foreach (string file in new[] { parquet, bracketed })
        {
            using var reader = PanelReader.Open(file, new PanelOptions { Id = "id", Date = "month", Outcome = "visits", Where = ["region=north"] });
            var read = reader.Chunks(10).SelectMany(c => c).ToArray();
            Assert.Equal(["101", "102", "103"], read.Select(u => u.Id));
            for (int u = 0; u < units; u++)
            {
                Assert.Null(read[u].Problem);
                Assert.Equal("2016-01", read[u].Start.ToString());
                Assert.Equal(rows.Skip(u * months).Take(months).Select(r => r.Value), read[u].Values);
            }
        }
    }

    [Fact]
    public void A_problem_names_the_row_of_the_file_when_rows_before_it_are_filtered_out()
    {
        string parquet = Path.Combine(_dir.Path, "filtered.parquet");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Three units of 48 months; the first is in the south; file row 101 (unit u2) is infinite.
            command.CommandText = $"""
                COPY (SELECT 'u' || (i // 48) AS id, strftime(DATE '2016-01-01' + INTERVAL (i % 48) MONTH, '%Y-%m') AS month,
                  CASE WHEN i = 100 THEN 'inf'::DOUBLE ELSE i::DOUBLE END AS visits, CASE WHEN i < 48 THEN 'south' ELSE 'north' END AS region
                  FROM range(144) t(i)) TO '{parquet}' (FORMAT parquet)
                """;
            command.ExecuteNonQuery();
        }
        using var reader = PanelReader.Open(parquet, new PanelOptions { Id = "id", Date = "month", Outcome = "visits", Where = ["region=north"] });
        var read = reader.Chunks(10).SelectMany(c => c).ToArray();
        Assert.Equal(["u1", "u2"], read.Select(u => u.Id));
        Assert.Null(read[0].Problem);
        Assert.Equal($"{parquet}: row 101, column visits: Infinity is not a finite number", read[1].Problem);
    }
}
