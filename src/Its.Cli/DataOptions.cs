using System.CommandLine;
using Its.Data;
using Its.Reporting;

namespace Its.Cli;

/// <summary>
/// The options of a command that reads a table and writes a report: the file and how it is read,
/// the outcome and date columns, row filters and the output format. <see cref="ModelOptions"/>
/// adds the model's; <c>its sdid</c> uses these alone. Each command makes its own instance.
/// </summary>
public sealed class DataOptions
{
    private readonly Argument<string> _csv = new("file") { Description = "Table with a header row: CSV or TSV (any delimiter, decimal and encoding), or an Excel workbook (.xlsx, .xls)" };
    private readonly Option<string> _outcome = new("--outcome") { Description = "Outcome column", Required = true };
    private readonly Option<string?> _date = new("--date") { Description = "Date column (default: month): 2016-01, 2016/01, 2016m1, 201601, Jan 2016, 2016-01-15, Excel dates; 2016q1, 2016-Q1; 2016" };
    private readonly Option<string?> _year = new("--year") { Description = "Year column (with --month for monthly data, --quarter for quarterly data, alone for annual data)" };
    private readonly Option<string?> _month = new("--month") { Description = "Calendar month column (1-12), with --year" };
    private readonly Option<string?> _quarter = new("--quarter") { Description = "Quarter column (1-4), with --year" };
    private readonly Option<string?> _period = new("--period") { Description = "month, quarter or year (inferred from the dates when omitted)" };
    private readonly Option<string[]> _where = new("--where") { Description = "COL=VALUE: keep only these rows (one unit of a long file); repeatable" };
    private readonly Option<string> _format = new("--format") { Description = "table, json, csv, markdown, latex or html", DefaultValueFactory = _ => "table" };
    private readonly TableOptionsReader _table = new();

    /// <summary>Adds the file argument, the column options and the table-reading options.</summary>
    public void AddColumns(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Arguments.Add(_csv);
        foreach (var o in new Option[] { _outcome, _date, _year, _month, _quarter, _period, _where })
            command.Options.Add(o);
        _table.AddTo(command);
    }

    /// <summary>Adds <c>--format</c>.</summary>
    public void AddFormat(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_format);
    }

    /// <summary>The table file given.</summary>
    public string File(ParseResult p) => p.GetValue(_csv)!;

    /// <summary>The output format.</summary>
    public ReportFormat Format(ParseResult p) => OptionParsing.Format(p.GetValue(_format)!);

    /// <summary>How the table file is read.</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public TableOptions Table(ParseResult p) => _table.Read(p);

    /// <summary>The loader's options for the outcome, the dates and the filters.</summary>
    /// <exception cref="InputError">An option value is not valid.</exception>
    public SeriesOptions Series(ParseResult p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new SeriesOptions
        {
            Outcome = p.GetValue(_outcome)!,
            Date = p.GetValue(_date),
            Year = p.GetValue(_year),
            Month = p.GetValue(_month),
            Quarter = p.GetValue(_quarter),
            Period = p.GetValue(_period) is { } f ? OptionParsing.Frequency(f) : null,
            Where = p.GetValue(_where) ?? [],
        };
    }
}
