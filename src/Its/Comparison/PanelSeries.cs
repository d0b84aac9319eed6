using Its.Model;

namespace Its.Comparison;

/// <summary>
/// Series derived from several units of a panel observed over the same periods: the mean of
/// control units (as Stata <c>itsa</c> averages its controls), and the share of some units in the
/// total (the community share of visits, the form in which resource allocation is discussed).
/// </summary>
public static class PanelSeries
{
    /// <summary>The period-by-period mean of the units' outcomes and covariates.</summary>
    /// <param name="units">One or more units over the same periods, with the same covariates.</param>
    /// <param name="name">Name of the averaged series.</param>
    /// <exception cref="ItsException">No units, or units whose periods or covariates differ.</exception>
    public static GroupSeries Average(IReadOnlyList<GroupSeries> units, string name)
    {
        var first = CheckAligned(units, "averaged");
        int n = first.Series.Count;
        var outcome = new double[n];
        var covariates = first.Series.Covariates.Keys.ToDictionary(c => c, _ => new double[n], StringComparer.Ordinal);
        foreach (var u in units)
            for (int i = 0; i < n; i++)
            {
                outcome[i] += u.Series.Outcome[i] / units.Count;
                foreach (var (c, values) in covariates) values[i] += u.Series.Covariates[c][i] / units.Count;
            }
        return new GroupSeries(name, new TimeSeries(first.Series.Periods, outcome, covariates, first.Series.OutcomeName));
    }

    /// <summary>
    /// 100 x (sum of the outcome over <paramref name="numerator"/>) / (sum over all units), in
    /// percent, per period. Covariates must describe the period (equal in every unit, such as a
    /// holiday weight) and are carried over.
    /// </summary>
    /// <param name="units">All units of the total, over the same periods.</param>
    /// <param name="numerator">Names of the units whose share is taken.</param>
    /// <param name="name">Name of the share series (its outcome name too).</param>
    /// <exception cref="ItsException">Unknown or empty numerator, misaligned units, covariates that differ between units, or a total that is not positive.</exception>
    public static TimeSeries Share(IReadOnlyList<GroupSeries> units, IReadOnlyCollection<string> numerator, string name)
    {
        var first = CheckAligned(units, "added up");
        ArgumentNullException.ThrowIfNull(numerator);
        if (numerator.Count == 0) throw new ItsException("the share needs at least one unit in its numerator");
        foreach (string part in numerator.Where(p => units.All(u => u.Name != p)))
            throw new ItsException($"unit {part} is not in the data ({string.Join(", ", units.Select(u => u.Name))})");
        if (numerator.Count >= units.Count) throw new ItsException("the share's numerator holds every unit, so the share is 100% throughout");
        var periods = first.Series.Periods;
        foreach (var u in units)
            foreach (var (c, values) in u.Series.Covariates)
                for (int i = 0; i < periods.Count; i++)
                    if (values[i] != first.Series.Covariates[c][i])
                        throw new ItsException($"covariate {c} is {values[i]:G6} for {u.Label} but {first.Series.Covariates[c][i]:G6} for {first.Label} at {periods[i]}: a share model takes covariates that describe the period, the same in every unit");
        var share = new double[periods.Count];
        for (int i = 0; i < periods.Count; i++)
        {
            double total = units.Sum(u => u.Series.Outcome[i]);
            if (!(total > 0)) throw new ItsException($"the total of {first.Series.OutcomeName} is {total:G6} at {periods[i]}: a share needs a positive total");
            share[i] = 100 * units.Where(u => numerator.Contains(u.Name)).Sum(u => u.Series.Outcome[i]) / total;
        }
        return new TimeSeries(periods, share, first.Series.Covariates.ToDictionary(c => c.Key, c => c.Value), name);
    }

    private static GroupSeries CheckAligned(IReadOnlyList<GroupSeries> units, string verb)
    {
        ArgumentNullException.ThrowIfNull(units);
        if (units.Count == 0) throw new ItsException($"no units to be {verb}");
        var first = units[0];
        foreach (var u in units.Skip(1))
        {
            if (!u.Series.Periods.SequenceEqual(first.Series.Periods))
            {
                var missing = first.Series.Periods.Except(u.Series.Periods).Concat(u.Series.Periods.Except(first.Series.Periods)).Order().FirstOrDefault();
                throw new ItsException($"units {first.Label} and {u.Label} are not observed over the same periods (they differ at {missing}): units {verb} period by period need the same periods");
            }
            if (!u.Series.Covariates.Keys.Order(StringComparer.Ordinal).SequenceEqual(first.Series.Covariates.Keys.Order(StringComparer.Ordinal)))
                throw new ItsException($"units {first.Label} and {u.Label} have different covariates");
        }
        return first;
    }
}
