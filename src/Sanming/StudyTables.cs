using System.Globalization;
using Its.Reporting;

namespace Sanming;

/// <summary>Tables of the study's fits that read across series: residual diagnostics, correlograms and effects.</summary>
public static class StudyTables
{
    /// <summary>
    /// Residual autocorrelation of every fit: Durbin-Watson (H1: positive first-order
    /// autocorrelation), Breusch-Godfrey at orders 1, 3 and 12, Ljung-Box, and the lag-1
    /// autocorrelation against its +/-1.96/sqrt(n) bound.
    /// </summary>
    public static Table Diagnostics(IReadOnlyList<StudyFit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        string Bg(StudyFit f, int order) => f.Result.Diagnostics.BreuschGodfrey.FirstOrDefault(b => b.Order == order) is { } b ? NumberFormat.PValue(b.ChiSquarePValue) : "";
        var rows = fits.Select(f =>
        {
            var d = f.Result.Diagnostics;
            return (IReadOnlyList<string>)[
                f.Outcome.Label(), f.Group,
                d.DurbinWatson is { } dw ? $"{StudyFormat.S(dw.Statistic)} ({NumberFormat.PValue(dw.PValue)})" : "",
                Bg(f, 1), Bg(f, 3), Bg(f, 12),
                $"{StudyFormat.S(d.LjungBox.Statistic)} ({NumberFormat.PValue(d.LjungBox.PValue)}, lag {d.LjungBox.Lag})",
                d.Correlogram.Acf.Count > 0 ? $"{StudyFormat.S(d.Correlogram.Acf[0])} (bound {StudyFormat.S(d.Correlogram.Bound)})" : ""];
        }).ToArray();
        return new Table("Residual autocorrelation: Durbin-Watson d (p), Breusch-Godfrey p by order, Ljung-Box Q (p), lag-1 ACF",
            ["outcome", "group", "Durbin-Watson", "BG p order 1", "BG p order 3", "BG p order 12", "Ljung-Box", "ACF lag 1"], rows);
    }

    /// <summary>The residual ACF and PACF of every fit by lag, up to <paramref name="lags"/>; * marks a value outside +/-1.96/sqrt(n).</summary>
    public static Table Correlograms(IReadOnlyList<StudyFit> fits, int lags = 12)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var columns = new List<string> { "lag" };
        foreach (var f in fits)
        {
            columns.Add($"ACF {f.Outcome.Label()} ({f.Group})");
            columns.Add($"PACF {f.Outcome.Label()} ({f.Group})");
        }
        int shown = fits.Count == 0 ? 0 : Math.Min(lags, fits.Min(f => f.Result.Diagnostics.Correlogram.Acf.Count));
        var rows = Enumerable.Range(0, shown).Select(k => (IReadOnlyList<string>)[
            (k + 1).ToString(CultureInfo.InvariantCulture),
            .. fits.SelectMany(f =>
            {
                var c = f.Result.Diagnostics.Correlogram;
                return new[] { Mark(c.Acf[k], c.Bound), Mark(c.Pacf[k], c.Bound) };
            })]).ToArray();
        return new Table("Residual ACF and PACF by lag (* outside +/-1.96/sqrt(n))", columns, rows);
    }

    /// <summary>
    /// The effect of the reform at each horizon of every fit: fitted against counterfactual
    /// (the model without the reform terms) as a % difference with its 95% CI, and the absolute
    /// difference in the outcome's units per month.
    /// </summary>
    public static Table Effects(IReadOnlyList<StudyFit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var rows = fits.SelectMany(f => f.Result.Effects.Select(e => (IReadOnlyList<string>)[
            f.Outcome.Label(), f.Group, e.PeriodsAfter.ToString(CultureInfo.InvariantCulture), e.Period.ToString(),
            N(e.Fitted), N(e.Counterfactual), N(e.Absolute),
            e.Relative is { } r && e.RelativeCi is { } ci ? $"{F(100 * r)} ({F(100 * ci.Lower)} to {F(100 * ci.Upper)})" : ""])).ToArray();
        return new Table("Effects of the reform: fitted against counterfactual, months after the reform month",
            ["outcome", "group", "months after", "month", "fitted", "counterfactual", "difference", "difference % (95% CI)"], rows);
    }

    private static string N(double x) => StudyFormat.N(x);

    private static string Mark(double r, double bound) => StudyFormat.S(r) + (Math.Abs(r) > bound ? "*" : "");

    private static string F(double x) => StudyFormat.F(x);
}
