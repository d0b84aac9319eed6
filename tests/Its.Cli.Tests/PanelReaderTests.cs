using System.Buffers;
using Its.Data;
using Parquet;
using Parquet.Schema;

namespace Its.Cli.Tests;

/// <summary>
/// <see cref="PanelReader"/> on Parquet files, read on the test's own thread so that the state of
/// the shared array pools it (and Parquet.Net) rent from is under the test's control.
/// </summary>
public sealed class PanelReaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Parquet.Net's nullable read leaves the definition levels of a required column unwritten, in
    // an array rented from ArrayPool<int>.Shared; a negative number left there by an earlier user
    // turned a value into null and shifted the rest. Columns written without nulls are required.
    [Fact]
    public async Task Required_columns_are_read_exactly_whatever_the_shared_pool_holds()
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

        // Arrays of the size the reader rents, full of -1, returned to this thread's slot and to the per-core stacks.
        var dirty = Enumerable.Range(0, 64).Select(_ => ArrayPool<int>.Shared.Rent(rows.Length)).ToArray();
        foreach (var array in dirty)
        {
            Array.Fill(array, -1);
            ArrayPool<int>.Shared.Return(array);
        }

        using var reader = PanelReader.Open(parquet, new PanelOptions { Id = "id", Date = "month", Outcome = "visits", Where = ["region=north"] });
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
