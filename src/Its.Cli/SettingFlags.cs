using System.Globalization;
using Its.Data;
using Its.Model;

namespace Its.Cli;

/// <summary>
/// The command line's names for the settings library messages name: each <see cref="Setting"/> as
/// the option that sets it (<c>ItsSpec.Family = Family.QuasiPoisson</c> is <c>--family quasipoisson</c>),
/// so an error says what to type.
/// </summary>
public static class SettingFlags
{
    private static readonly Dictionary<(Type, string), string> Flags = new()
    {
        [(typeof(ItsSpec), nameof(ItsSpec.Family))] = "--family",
        [(typeof(ItsSpec), nameof(ItsSpec.Transform))] = "--transform",
        [(typeof(ItsSpec), nameof(ItsSpec.TransitionPeriods))] = "--transition",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Outcome))] = "--outcome",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Date))] = "--date",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Year))] = "--year",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Month))] = "--month",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Quarter))] = "--quarter",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Period))] = "--period",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Where))] = "--where",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Covariates))] = "--covariate",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Offset))] = "--offset",
        [(typeof(SeriesOptions), nameof(SeriesOptions.Family))] = "--family",
        [(typeof(SeriesOptions), nameof(SeriesOptions.AllowGaps))] = "--allow-gaps",
        [(typeof(PanelOptions), nameof(PanelOptions.Id))] = "--id",
        [(typeof(PanelOptions), nameof(PanelOptions.Date))] = "--date",
        [(typeof(PanelOptions), nameof(PanelOptions.Outcome))] = "--outcome",
        [(typeof(PanelOptions), nameof(PanelOptions.Period))] = "--period",
        [(typeof(PanelOptions), nameof(PanelOptions.Where))] = "--where",
        [(typeof(TableOptions), nameof(TableOptions.Delimiter))] = "--delimiter",
        [(typeof(TableOptions), nameof(TableOptions.Decimal))] = "--decimal",
        [(typeof(TableOptions), nameof(TableOptions.Encoding))] = "--encoding",
        [(typeof(TableOptions), nameof(TableOptions.Sheet))] = "--sheet",
        [(typeof(TableOptions), nameof(TableOptions.Missing))] = "--na",
        [(typeof(TableOptions), nameof(TableOptions.DateFormat))] = "--date-format",
        [(typeof(PanelOutputs), nameof(PanelOutputs.Results))] = "--out",
        [(typeof(PanelOutputs), nameof(PanelOutputs.Summary))] = "--summary",
        [(typeof(PanelRun), nameof(PanelRun.Overwrite))] = "--force",
        [(typeof(PanelQuery), nameof(PanelQuery.Grouped))] = "--grouped",
    };

    /// <summary>The setting as typed on the command line: its option and the values, <c>--family quasipoisson or negbin</c>; a switch set to true is the option alone. A setting with no option keeps the library's name.</summary>
    public static string Name(Setting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (!Flags.TryGetValue((setting.Owner, setting.Property), out string? flag)) return setting.ToString();
        var values = setting.Values.Where(v => v is not true).Select(Value).ToArray();
        return values.Length == 0 ? flag : $"{flag} {string.Join(" or ", values)}";
    }

    /// <summary>The message of a refusal the command line reports, with the settings it names as options.</summary>
    public static string Message(Exception error) => error switch
    {
        InputError e => e.Text.Render(Name),
        ItsException e => e.Text.Render(Name),
        _ => error?.Message ?? throw new ArgumentNullException(nameof(error)),
    };

    // A value as the option reads it.
    private static string Value(object value) => value switch
    {
        Family family => family.Name(),
        OutcomeTransform transform => transform.Name(),
        Impact impact => impact.Name(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
