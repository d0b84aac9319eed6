using Its.Model;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace Its.Synthetic;

/// <summary>The estimators of Arkhangelsky et al. (2021), as R <c>synthdid</c> names them.</summary>
public enum SyntheticEstimator
{
    /// <summary>Synthetic difference-in-differences: unit and time weights (<c>synthdid_estimate</c>).</summary>
    SyntheticDid,
    /// <summary>Synthetic control: unit weights, no time weights and no intercept (<c>sc_estimate</c>).</summary>
    SyntheticControl,
    /// <summary>Difference-in-differences: uniform weights (<c>did_estimate</c>).</summary>
    DifferenceInDifferences,
}

/// <summary>The command-line spellings of the estimators: <c>sdid</c>, <c>sc</c> and <c>did</c>.</summary>
public static class SyntheticEstimators
{
    /// <summary>Every estimator, in the order the reports list them.</summary>
    public static IReadOnlyList<SyntheticEstimator> All { get; } =
        [SyntheticEstimator.SyntheticDid, SyntheticEstimator.SyntheticControl, SyntheticEstimator.DifferenceInDifferences];

    /// <summary>Reads <c>sdid</c>, <c>sc</c> or <c>did</c>.</summary>
    /// <exception cref="FormatException">Not an estimator.</exception>
    public static SyntheticEstimator Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sdid" => SyntheticEstimator.SyntheticDid,
        "sc" => SyntheticEstimator.SyntheticControl,
        "did" => SyntheticEstimator.DifferenceInDifferences,
        _ => throw new FormatException($"'{text}' is not an estimator (expected sdid, sc or did)"),
    };

    /// <summary>The command-line spelling.</summary>
    public static string Name(this SyntheticEstimator estimator) => estimator switch
    {
        SyntheticEstimator.SyntheticDid => "sdid",
        SyntheticEstimator.SyntheticControl => "sc",
        _ => "did",
    };

    /// <summary>The estimator as a reader names it.</summary>
    public static string Title(this SyntheticEstimator estimator) => estimator switch
    {
        SyntheticEstimator.SyntheticDid => "synthetic difference-in-differences",
        SyntheticEstimator.SyntheticControl => "synthetic control",
        _ => "difference-in-differences",
    };
}

/// <summary>A unit's or a period's weight, or a unit's placebo estimate.</summary>
/// <param name="Name">The unit, or the period.</param>
/// <param name="Value">Its weight (non-negative; the weights sum to one), or a placebo estimate.</param>
public sealed record SyntheticWeight(string Name, double Value);

/// <summary>An estimate of the average effect on the treated units over the post periods.</summary>
/// <param name="Estimator">The estimator.</param>
/// <param name="Estimate">tau-hat = (treated - omega'controls) post mean, less the lambda-weighted pre-period difference.</param>
/// <param name="UnitWeights">omega, one per control unit.</param>
/// <param name="TimeWeights">lambda, one per pre-period (all 0 for the synthetic control).</param>
/// <param name="NoiseLevel">sd of the controls' first differences over the pre-periods.</param>
/// <param name="ZetaOmega">The unit weights' regularisation.</param>
/// <param name="Placebos">The placebo estimates, one per control unit taken as the treated one.</param>
/// <param name="PlaceboStandardError">sqrt((r - 1) / r) times the sd of the r placebo estimates.</param>
/// <param name="Ci">estimate +/- 1.96 placebo SE, as synthdid's summary.</param>
/// <param name="Path">The treated units' mean and its synthetic counterpart in every period.</param>
public sealed record SyntheticDidResult(SyntheticEstimator Estimator, double Estimate, IReadOnlyList<SyntheticWeight> UnitWeights,
    IReadOnlyList<SyntheticWeight> TimeWeights, double NoiseLevel, double ZetaOmega, IReadOnlyList<SyntheticWeight> Placebos,
    double PlaceboStandardError, Results.Interval Ci, IReadOnlyList<SyntheticPoint> Path);

/// <summary>
/// The treated units' mean in a period and its synthetic counterpart: omega'controls, shifted by
/// the lambda-weighted pre-period difference (none for the synthetic control), so that the mean
/// difference over the post periods is the estimate.
/// </summary>
/// <param name="Period">The period.</param>
/// <param name="Treated">The treated units' mean.</param>
/// <param name="Synthetic">The synthetic counterpart.</param>
public sealed record SyntheticPoint(Period Period, double Treated, double Synthetic);

/// <summary>One unit's synthetic control as if it were the treated one, the others' controls its donors.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Treated">Whether it is the treated unit.</param>
/// <param name="PreRmspe">Root mean squared gap between the unit and its synthetic control before the interruption.</param>
/// <param name="PostRmspe">The same from the interruption on.</param>
public sealed record PlaceboUnit(string Unit, bool Treated, double PreRmspe, double PostRmspe)
{
    /// <summary>The gap between the unit and its synthetic control in every period.</summary>
    public IReadOnlyList<double> Gaps { get; init; } = [];

    /// <summary>Post over pre RMSPE: large when the unit departs from a synthetic control that fitted it.</summary>
    public double Ratio => PostRmspe / PreRmspe;
}

/// <summary>
/// Abadie, Diamond and Hainmueller's (2010) placebo in space: the synthetic control of the treated
/// unit and of every control in its place, ranked by their post/pre RMSPE ratio; the permutation p
/// value is the treated unit's rank over the number of units.
/// </summary>
/// <param name="Units">Every unit's fit, the largest ratio first.</param>
/// <param name="Rank">The treated unit's rank (1 is the largest ratio; ties count against it).</param>
/// <param name="PValue">Rank / number of units.</param>
public sealed record PlaceboInSpace(IReadOnlyList<PlaceboUnit> Units, int Rank, double PValue)
{
    /// <summary>Ranks the fits, the treated unit's among them, by their ratio.</summary>
    /// <exception cref="ArgumentException">Not exactly one fit is the treated unit's.</exception>
    public static PlaceboInSpace Of(IReadOnlyList<PlaceboUnit> fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        if (fits.Count(f => f.Treated) != 1) throw new ArgumentException("the placebo in space ranks exactly one treated unit", nameof(fits));
        double observed = fits.Single(f => f.Treated).Ratio;
        int rank = fits.Count(f => f.Ratio >= observed);
        return new PlaceboInSpace(fits.OrderByDescending(f => f.Ratio).ToArray(), rank, (double)rank / fits.Count);
    }
}

/// <summary>
/// Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and Wager 2021),
/// with the synthetic control and difference-in-differences estimators of the same framework,
/// as the authors' R package <c>synthdid</c> 1.0 computes them:
/// <list type="bullet">
/// <item>the panel collapsed to the controls by the pre-periods, with the post-period means and
/// the treated units' mean; noise = sd of the controls' first differences over the pre-periods;</item>
/// <item>unit weights omega by Frank-Wolfe on the regularised least squares fit of the treated
/// pre-period mean, with an intercept and zeta_omega = (N1 T1)^(1/4) noise; time weights lambda
/// likewise on the post-period mean, zeta_lambda = 1e-6 noise; each 100 iterations, then
/// sparsified (weights at most max / 4 set to 0) and up to 10,000 more, stopping when the
/// objective falls by less than (1e-5 noise)^2;</item>
/// <item>the synthetic control: no time weights, no intercept, zeta_omega = 1e-6 noise; DiD:
/// uniform weights;</item>
/// <item>the placebo standard error with every control once as the pseudo-treated unit (the
/// exhaustive form of <c>vcov(method = "placebo")</c>, which draws 200 at random).</item>
/// </list>
/// On Proposition 99 this gives Arkhangelsky et al.'s -15.6, -19.6 and -27.3.
/// </summary>
public static class SyntheticDid
{
    private const int IterationsBeforeSparsifying = 100, MaxIterations = 10_000;

    /// <summary>Estimates the average effect and its placebo standard error, for a panel with one treated unit.</summary>
    /// <exception cref="ItsException">More than one treated unit (the placebo puts each control in the treated unit's place).</exception>
    public static SyntheticDidResult Fit(PanelOutcomes panel, SyntheticEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(panel);
        if (panel.Treated != 1)
            throw new ItsException($"the placebo standard error puts each control in the place of one treated unit, and the panel has {panel.Treated}: average the treated units into one series first");
        var (tau, omega, lambda, noise, zeta) = Estimate(panel.Outcome, panel.Controls, panel.PrePeriods, estimator, null);
        var placebos = new SyntheticWeight[panel.Controls];
        for (int j = 0; j < panel.Controls; j++)
        {
            // Control j moved last, as the treated unit; the other controls keep their weights as the start.
            var order = Enumerable.Range(0, panel.Controls).Where(i => i != j).Append(j).ToArray();
            var y = Rows(panel.Outcome, order);
            var start = Vector<double>.Build.DenseOfEnumerable(order.Take(order.Length - 1).Select(i => omega[i]));
            start /= start.Sum();
            var fixedLambda = estimator == SyntheticEstimator.SyntheticDid ? lambda : null;
            placebos[j] = new SyntheticWeight(panel.Units[j], Estimate(y, panel.Controls - 1, panel.PrePeriods, estimator, fixedLambda, start).Tau);
        }
        int r = placebos.Length;
        double se = Math.Sqrt((r - 1.0) / r) * placebos.Select(p => p.Value).StandardDeviation();
        return new SyntheticDidResult(estimator, tau,
            omega.Select((w, i) => new SyntheticWeight(panel.Units[i], w)).ToArray(),
            lambda.Select((w, t) => new SyntheticWeight(panel.Periods[t].ToString(), w)).ToArray(),
            noise, zeta, placebos, se, new Results.Interval(tau - 1.96 * se, tau + 1.96 * se), Path(panel, omega, lambda));
    }

    /// <summary>
    /// The placebo in space of the synthetic control (<see cref="PlaceboInSpace"/>), for a panel with
    /// one treated unit: each control's donors are the other controls.
    /// </summary>
    /// <exception cref="ItsException">More than one treated unit.</exception>
    public static PlaceboInSpace PlaceboInSpace(PanelOutcomes panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        if (panel.Treated != 1) throw new ItsException($"the placebo in space ranks one treated unit among the controls, not {panel.Treated}");
        int n0 = panel.Controls, t0 = panel.PrePeriods;
        var fits = new List<PlaceboUnit>();
        for (int u = -1; u < n0; u++)
        {
            // The treated unit against the controls; then control u against the other controls.
            var order = u < 0 ? Enumerable.Range(0, n0 + 1).ToArray() : Enumerable.Range(0, n0).Where(i => i != u).Append(u).ToArray();
            var y = Rows(panel.Outcome, order);
            int donors = order.Length - 1;
            var (_, omega, lambda, _, _) = Estimate(y, donors, t0, SyntheticEstimator.SyntheticControl, null);
            var path = Path(y, donors, t0, panel.Periods, omega, lambda);
            double Rmspe(IEnumerable<SyntheticPoint> points) => Math.Sqrt(points.Average(p => (p.Treated - p.Synthetic) * (p.Treated - p.Synthetic)));
            fits.Add(new PlaceboUnit(panel.Units[order[^1]], u < 0, Rmspe(path.Take(t0)), Rmspe(path.Skip(t0))) { Gaps = path.Select(p => p.Treated - p.Synthetic).ToArray() });
        }
        return Synthetic.PlaceboInSpace.Of(fits);
    }

    private static Matrix<double> Rows(Matrix<double> y, int[] order) => Matrix<double>.Build.Dense(order.Length, y.ColumnCount, (r, t) => y[order[r], t]);

    private static SyntheticPoint[] Path(PanelOutcomes panel, Vector<double> omega, Vector<double> lambda) =>
        Path(panel.Outcome, panel.Controls, panel.PrePeriods, panel.Periods, omega, lambda);

    private static SyntheticPoint[] Path(Matrix<double> y, int n0, int t0, IReadOnlyList<Period> periods, Vector<double> omega, Vector<double> lambda)
    {
        double Treated(int t) => Enumerable.Range(n0, y.RowCount - n0).Average(i => y[i, t]);
        double Weighted(int t) => Enumerable.Range(0, n0).Sum(i => omega[i] * y[i, t]);
        double shift = Enumerable.Range(0, t0).Sum(t => lambda[t] * (Treated(t) - Weighted(t)));
        return Enumerable.Range(0, periods.Count).Select(t => new SyntheticPoint(periods[t], Treated(t), Weighted(t) + shift)).ToArray();
    }

    // synthdid_estimate on rows 0..n0-1 (controls) and n0.. (treated), columns 0..t0-1 (pre) and t0.. (post).
    private static (double Tau, Vector<double> Omega, Vector<double> Lambda, double Noise, double ZetaOmega) Estimate(
        Matrix<double> y, int n0, int t0, SyntheticEstimator estimator, Vector<double>? fixedLambda, Vector<double>? startOmega = null)
    {
        int n1 = y.RowCount - n0, t1 = y.ColumnCount - t0;
        double noise = NoiseLevel(y, n0, t0);
        double etaOmega = estimator == SyntheticEstimator.SyntheticControl ? 1e-6 : Math.Pow(n1 * t1, 0.25);
        double zetaOmega = etaOmega * noise, zetaLambda = 1e-6 * noise, minDecrease = 1e-5 * noise;
        var collapsed = Collapsed(y, n0, t0);
        Vector<double> omega, lambda;
        switch (estimator)
        {
            case SyntheticEstimator.DifferenceInDifferences:
                omega = Vector<double>.Build.Dense(n0, 1.0 / n0);
                lambda = Vector<double>.Build.Dense(t0, 1.0 / t0);
                break;
            default:
                lambda = estimator == SyntheticEstimator.SyntheticControl ? Vector<double>.Build.Dense(t0)
                    : fixedLambda ?? Weights(collapsed.SubMatrix(0, n0, 0, t0 + 1), zetaLambda, intercept: true, null, minDecrease);
                omega = Weights(collapsed.SubMatrix(0, n0 + 1, 0, t0).Transpose(), zetaOmega,
                    intercept: estimator == SyntheticEstimator.SyntheticDid, startOmega, minDecrease);
                break;
        }
        var unitContrast = Vector<double>.Build.Dense(y.RowCount, i => i < n0 ? -omega[i] : 1.0 / n1);
        var timeContrast = Vector<double>.Build.Dense(y.ColumnCount, t => t < t0 ? -lambda[t] : 1.0 / t1);
        return (unitContrast * y * timeContrast, omega, lambda, noise, zetaOmega);
    }

    // sd of every control's first differences over the pre-periods, pooled.
    private static double NoiseLevel(Matrix<double> y, int n0, int t0)
    {
        var differences = new List<double>((t0 - 1) * n0);
        for (int i = 0; i < n0; i++)
            for (int t = 1; t < t0; t++) differences.Add(y[i, t] - y[i, t - 1]);
        return differences.StandardDeviation();
    }

    // Controls by pre-periods, with their post-period means as the last column and the treated
    // units' means as the last row.
    private static Matrix<double> Collapsed(Matrix<double> y, int n0, int t0)
    {
        int n = y.RowCount, t = y.ColumnCount;
        return Matrix<double>.Build.Dense(n0 + 1, t0 + 1, (i, s) =>
        {
            int r0 = i < n0 ? i : n0, r1 = i < n0 ? i + 1 : n;
            int c0 = s < t0 ? s : t0, c1 = s < t0 ? s + 1 : t;
            double sum = 0;
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++) sum += y[r, c];
            return sum / ((r1 - r0) * (c1 - c0));
        });
    }

    // Weights on the first columns of m (rows are observations) that fit its last column: 100
    // Frank-Wolfe iterations, then from the sparsified weights up to 10,000 more (sc.weight.fw twice).
    private static Vector<double> Weights(Matrix<double> m, double zeta, bool intercept, Vector<double>? start, double minDecrease)
    {
        var first = FrankWolfe.Minimize(m, zeta, intercept, start, minDecrease, IterationsBeforeSparsifying);
        return FrankWolfe.Minimize(m, zeta, intercept, Sparsified(first), minDecrease, MaxIterations);
    }

    private static Vector<double> Sparsified(Vector<double> v)
    {
        double cut = v.Maximum() / 4;
        var s = v.Map(w => w <= cut ? 0 : w);
        return s / s.Sum();
    }
}
