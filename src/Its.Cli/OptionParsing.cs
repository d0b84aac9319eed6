using Its.Data;
using Its.Reporting;
using Its.Time;

namespace Its.Cli;

/// <summary>Option values shared by the commands, refused as <see cref="InputError"/> naming the option.</summary>
public static class OptionParsing
{
    /// <summary>Runs a library parser, turning its <see cref="FormatException"/> into an error that names the option.</summary>
    public static T Parse<T>(Func<T> parse, string option)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try { return parse(); }
        catch (FormatException e) { throw new InputError($"{option}: {e.Message}"); }
    }

    /// <summary>Reads <c>--format</c>: table, json, csv, markdown, latex or html.</summary>
    public static ReportFormat Format(string text) => text.Trim().ToLowerInvariant() switch
    {
        "table" or "text" => ReportFormat.Text,
        "json" => ReportFormat.Json,
        "csv" => ReportFormat.Csv,
        "markdown" or "md" => ReportFormat.Markdown,
        "latex" or "tex" => ReportFormat.Latex,
        "html" => ReportFormat.Html,
        _ => throw new InputError($"--format {text}: expected table, json, csv, markdown, latex or html"),
    };

    /// <summary>Reads <c>--partition K/N</c>: part K (1 to N) of N.</summary>
    public static Batch.UnitPartition Partition(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0].Trim(), out int k) || !int.TryParse(parts[1].Trim(), out int n) || n < 1)
            throw new InputError($"--partition {text}: expected K/N, part K of N parts (e.g. 3/10)");
        if (k < 1 || k > n) throw new InputError($"--partition {text}: K must be 1 to {n} (a Slurm array for it: --array=1-{n})");
        return new Batch.UnitPartition(k, n);
    }

    /// <summary>Reads <c>--period</c>: month, quarter or year.</summary>
    public static Frequency Frequency(string text) => text.Trim().ToLowerInvariant() switch
    {
        "month" or "monthly" => Time.Frequency.Month,
        "quarter" or "quarterly" => Time.Frequency.Quarter,
        "year" or "annual" or "yearly" => Time.Frequency.Year,
        _ => throw new InputError($"--period {text}: expected month, quarter or year"),
    };
}
