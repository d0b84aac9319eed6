using Its.Data;
using Its.Model;

namespace Sanming;

/// <summary>
/// Reads a panel in the documented schema (<c>data/README.md</c>): one row per month and
/// institution type. Extra columns are ignored and extra institution types kept, so the real data
/// drop in. Every problem is refused with the file, row and column.
/// </summary>
public static class SanmingLoader
{
    /// <summary>Reads and checks a panel file.</summary>
    /// <exception cref="InputError">Unreadable file, missing columns, bad dates or values, gaps, duplicates, mismatched types.</exception>
    public static SanmingPanel Load(string path) => Load(TextTable.Read(path));

    /// <summary>Checks a panel already read as CSV.</summary>
    /// <exception cref="InputError">See <see cref="Load(string)"/>.</exception>
    public static SanmingPanel Load(TextTable data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (string column in SanmingPanel.Columns) data.Column(column, "the Sanming schema");
        int typeColumn = data.Column("institution_type", "the Sanming schema");
        var types = data.Rows.Select(r => r.Fields[typeColumn].Trim()).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var (line, fields) in data.Rows.Where(r => r.Fields[typeColumn].Trim().Length == 0))
            throw new InputError($"{data.At(line, typeColumn)}: missing value");
        var rows = new List<PanelRow>();
        foreach (string type in types)
        {
            string[] where = [$"institution_type={type}"];
            var outcomes = Enum.GetValues<Outcome>().ToDictionary(o => o, o => SeriesLoader.Load(data,
                new SeriesOptions { Outcome = o.Column(), Date = "month", Where = where, PositiveOutcome = true, SuggestAllowGaps = false }));
            var festival = SeriesLoader.Load(data, new SeriesOptions { Outcome = "spring_festival", Date = "month", Where = where, SuggestAllowGaps = false });
            var months = festival.Periods;
            for (int i = 0; i < months.Count; i++)
                rows.Add(new PanelRow(months[i], type, outcomes[Outcome.Expenditure].Outcome[i], outcomes[Outcome.OutpatientVisits].Outcome[i],
                    outcomes[Outcome.InpatientAdmissions].Outcome[i], festival.Outcome[i]));
        }
        foreach (string needed in new[] { Calibration.Hospital, Calibration.Chsi })
            if (!types.Contains(needed))
                throw new InputError($"{data.File}: column institution_type has no '{needed}' rows (it has {string.Join(", ", types)}); the study compares hospital and chsi");
        try
        {
            return new SanmingPanel(rows);
        }
        catch (ItsException e)
        {
            throw new InputError($"{data.File}: {e.Message}");
        }
    }
}
