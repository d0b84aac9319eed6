using System.Globalization;
using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;

/// <summary>The benchmark's series as a long panel file, CSV or Parquet, for <c>its panel</c>.</summary>
internal static class LongFile
{
    private const int UnitsPerGroup = 10_000;

    public static int Write(string raw, int n, string output, int months)
    {
        var labels = Enumerable.Range(0, months).Select(t => $"{2016 + t / 12}-{t % 12 + 1:D2}").ToArray();
        var buffer = new double[UnitsPerGroup * months];
        using var input = File.OpenRead(raw);
        bool parquet = output.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
        using var stream = File.Create(output);
        using var csv = parquet ? null : new StreamWriter(stream);
        var id = new DataField<string>("id");
        var month = new DataField<string>("month");
        var visits = new DataField<double>("visits");
        var writer = parquet ? ParquetWriter.CreateAsync(new ParquetSchema(id, month, visits), stream).GetAwaiter().GetResult() : null;
        csv?.Write("id,month,visits\n");
        for (int done = 0; done < n; done += UnitsPerGroup)
        {
            int count = Math.Min(UnitsPerGroup, n - done), rows = count * months;
            input.ReadExactly(MemoryMarshal.AsBytes(buffer.AsSpan(0, rows)));
            var ids = new string[rows];
            var dates = new string[rows];
            var values = new double[rows];
            for (int u = 0; u < count; u++)
            {
                string name = $"u{done + u:D7}";
                for (int t = 0; t < months; t++)
                {
                    int r = u * months + t;
                    ids[r] = name;
                    dates[r] = labels[t];
                    values[r] = Math.Round(buffer[r], 3);
                }
            }
            if (writer is not null)
            {
                using var group = writer.CreateRowGroup();
                group.WriteAsync(id, ids).GetAwaiter().GetResult();
                group.WriteAsync(month, dates).GetAwaiter().GetResult();
                group.WriteAsync<double>(visits, values.AsMemory()).GetAwaiter().GetResult();
            }
            else
            {
                for (int r = 0; r < rows; r++)
                    csv!.Write(string.Create(CultureInfo.InvariantCulture, $"{ids[r]},{dates[r]},{values[r]}\n"));
            }
        }
        writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
