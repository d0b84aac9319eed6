using Its.Reporting;
using Its.Time;

namespace Sanming;

/// <summary>
/// Descriptive statistics of the panel before any model: means and growth by period, and the
/// Spring Festival months. The periods are split at the intervention month, which opens the after
/// period (as in the models).
/// </summary>
public static class Descriptives
{
    /// <summary>
    /// Means and growth by period, per outcome and group (city, then every institution type): the
    /// mean monthly value before and after the intervention, the % change of the means, and the mean
    /// month-on-month growth in % within each period. A month's growth, 100(y_t / y_(t-1) - 1), is
    /// counted in a period when both months lie in it, so the step into the intervention month is in
    /// neither. Growth includes the seasonal swings; the models take them out.
    /// </summary>
    /// <param name="panel">The panel.</param>
    /// <param name="intervention">The first month of the after period; October 2017 when null.</param>
    /// <exception cref="ArgumentException">The intervention leaves fewer than two months on either side.</exception>
    public static Table ByPeriod(SanmingPanel panel, Period? intervention = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var at = intervention ?? Calibration.Intervention;
        int split = panel.Months.Count(m => m.CompareTo(at) < 0);
        if (split < 2 || panel.Months.Count - split < 2)
            throw new ArgumentException($"the intervention {at} leaves {split} months before and {panel.Months.Count - split} after: each period needs at least 2", nameof(intervention));
        var rows = new List<IReadOnlyList<string>>();
        foreach (var outcome in Enum.GetValues<Outcome>())
            foreach (string group in panel.Groups)
            {
                var y = panel.Series(group, outcome).Outcome;
                var stats = Stats(y, split);
                rows.Add([outcome.Label(), group, N(stats.MeanBefore), N(stats.MeanAfter), F(stats.ChangeOfMeans),
                    F(stats.GrowthBefore), F(stats.GrowthAfter)]);
            }
        return new Table($"Means and growth by period: before ({panel.Months[0]} to {at.Add(-1)}, {split} months) and after ({at} to {panel.Months[^1]}, {panel.Months.Count - split} months) the reform",
            ["outcome", "group", "mean per month before", "mean per month after", "change of means %", "mean monthly growth % before", "mean monthly growth % after"], rows);
    }

    /// <summary>The numbers behind one row of <see cref="ByPeriod"/>.</summary>
    /// <param name="MeanBefore">Mean of the months before the split.</param>
    /// <param name="MeanAfter">Mean of the months from the split on.</param>
    /// <param name="ChangeOfMeans">100(after / before - 1).</param>
    /// <param name="GrowthBefore">Mean month-on-month growth (%) over pairs of months both before the split.</param>
    /// <param name="GrowthAfter">The same over pairs both from the split on.</param>
    public sealed record PeriodStats(double MeanBefore, double MeanAfter, double ChangeOfMeans, double GrowthBefore, double GrowthAfter);

    /// <summary>Means and growth of a series split before index <paramref name="split"/> (the first after month).</summary>
    /// <exception cref="ArgumentException">Fewer than two values on either side.</exception>
    public static PeriodStats Stats(IReadOnlyList<double> y, int split)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (split < 2 || y.Count - split < 2) throw new ArgumentException("each period needs at least 2 values", nameof(split));
        double before = y.Take(split).Average(), after = y.Skip(split).Average();
        double Growth(int from, int to) => Enumerable.Range(from + 1, to - from - 1).Average(t => 100 * (y[t] / y[t - 1] - 1));
        return new PeriodStats(before, after, 100 * (after / before - 1), Growth(0, split), Growth(split, y.Count));
    }

    /// <summary>
    /// The Spring Festival months: for every month with a Spring Festival weight above 0, its weight
    /// and the month-on-month change in % of every outcome of every group, next to that change's mean
    /// over all months without the festival.
    /// </summary>
    public static Table SpringFestival(SanmingPanel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        var weights = panel.Series(SanmingPanel.City, Outcome.Expenditure).Covariates["spring_festival"];
        var columns = new List<string> { "month", "weight" };
        var changes = new List<double[]>();
        foreach (var outcome in Enum.GetValues<Outcome>())
            foreach (string group in panel.Groups)
            {
                columns.Add($"{outcome.Label()} {group} %");
                var y = panel.Series(group, outcome).Outcome;
                changes.Add(Enumerable.Range(0, y.Count).Select(t => t == 0 ? double.NaN : 100 * (y[t] / y[t - 1] - 1)).ToArray());
            }
        var rows = new List<IReadOnlyList<string>>();
        for (int t = 1; t < panel.Months.Count; t++)
            if (weights[t] > 0)
                rows.Add([panel.Months[t].ToString(), Weight(weights[t]), .. changes.Select(c => F(c[t]))]);
        var quiet = Enumerable.Range(1, panel.Months.Count - 1).Where(t => weights[t] == 0).ToArray();
        rows.Add(["other months (mean)", Weight(0), .. changes.Select(c => F(quiet.Average(t => c[t])))]);
        return new Table("Spring Festival months: month-on-month change in % (the holiday spanned January and February 2017)", columns, rows);
    }

    private static string F(double x) => StudyFormat.F(x);

    private static string N(double x) => StudyFormat.N(x);

    // The Spring Festival weights (shares of the holiday in a month), two decimals throughout.
    private static string Weight(double w) => new ColumnFormat(2, false).Format(w);
}
