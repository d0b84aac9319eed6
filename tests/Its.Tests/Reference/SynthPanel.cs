using System.Globalization;
using Its.Comparison;
using Its.Model;
using Its.Synthetic;
using Its.Time;

namespace Its.Tests.Reference;

/// <summary>
/// A long annual panel of the kit's data folder (unit, year, then one column per variable, empty
/// cells missing) as a synthetic control's inputs, read by hand: the library has no reader.
/// </summary>
public static class SynthPanel
{
    /// <summary>Every column after the year as one series per unit, in the file's order of units.</summary>
    public static IReadOnlyDictionary<string, GroupSeries[]> Read(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", file));
        var columns = lines[0].Split(',').Skip(2).ToArray();
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var units = rows.Select(f => f[0]).Distinct().ToArray();
        return columns.Select((column, c) => (column, units.Select(unit =>
        {
            var present = rows.Where(f => f[0] == unit && f[c + 2].Length > 0).ToArray();
            return new GroupSeries(unit, new TimeSeries(present.Select(f => Period.OfYear((int)double.Parse(f[1], CultureInfo.InvariantCulture))).ToArray(),
                present.Select(f => double.Parse(f[c + 2], CultureInfo.InvariantCulture)).ToArray(), outcomeName: column));
        }).ToArray())).ToDictionary(x => x.column, x => x.Item2);
    }

    /// <summary>
    /// The synthetic control of <paramref name="treated"/> on <paramref name="outcome"/> from the
    /// other <paramref name="units"/> (default: every unit of the file), matched on <paramref name="predictors"/>
    /// (the kit's grammar, <c>lnincome:1980-1988</c>), every other column a covariate.
    /// </summary>
    public static SynthInputs Inputs(string file, string outcome, string treated, Period interruption, IEnumerable<string> predictors, IReadOnlyCollection<string>? units = null)
    {
        var data = Read(file);
        GroupSeries[] Kept(GroupSeries[] series) => units is null ? series : series.Where(s => units.Contains(s.Label)).ToArray();
        var panel = new PanelOutcomes(Kept(data[outcome]), [treated], interruption);
        return new SynthInputs(panel, outcome, predictors.Select(p => SynthPredictor.Parse(p, y => Period.Parse(y, Frequency.Year))).ToArray(),
            data.Where(d => d.Key != outcome).ToDictionary(d => d.Key, d => (IReadOnlyList<GroupSeries>)Kept(d.Value)));
    }
}
