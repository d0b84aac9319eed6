using System.Runtime.ExceptionServices;
using Its.Batch;
using Its.Estimation;
using Its.Model;
using Its.Results;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Comparison;

/// <summary>
/// Multiple-group ITS (Linden 2015, Stata <c>itsa</c> with a control group): each group fitted on
/// its own, and the pooled interaction model whose group terms test whether the level and slope
/// changes differ from the reference group's. Every term of the design is interacted with the group
/// (seasonal terms and covariates too), so the pooled point estimates equal the per-group fits and
/// only the variance is pooled (a negative binomial model also shares one theta, so its estimates
/// differ slightly from the per-group fits); with two groups and no seasonality this is exactly Linden's model
/// (<c>_z</c>, <c>_z_t</c>, <c>_z_x</c>, <c>_z_x_t</c> are <c>group</c>, <c>group:time</c>,
/// <c>group:level1</c>, <c>group:slope1</c>). Matches R <c>lm</c> on the stacked data with
/// <c>sandwich</c> covariances (tests/reference/compare.R).
/// </summary>
public static class GroupComparison
{
    /// <summary>The prefix of a compared group's terms: <c>group</c> when it is the only one, else <c>group[NAME]</c>.</summary>
    public static string Prefix(string group, int comparedGroups) => comparedGroups == 1 ? "group" : $"group[{group}]";

    /// <summary>Fits every group, the pooled model, and the difference tests.</summary>
    /// <param name="series">
    /// The series to stack, in stacking order: one per group, or several units per group (Stata
    /// <c>itsa</c> stacks every control unit); two or more groups, every series starting at the same period.
    /// </param>
    /// <param name="spec">The model of every series. The pooled model takes ols, hc0-hc3 or newey:L errors.</param>
    /// <param name="reference">The group every other is compared with (indicator 0).</param>
    /// <param name="lagScope">Where Newey-West lags run in the pooled model.</param>
    /// <exception cref="ItsException">The groups or the spec do not allow the comparison (the message says why and names the group).</exception>
    public static ComparisonResult Fit(IReadOnlyList<GroupSeries> series, ItsSpec spec, string reference, LagScope lagScope = LagScope.WithinSeries)
    {
        var groups = GroupNames(series, reference);
        ArgumentNullException.ThrowIfNull(spec);
        var pooled = FitPooled(series, spec, reference, lagScope);
        var fits = groups.Select(name =>
        {
            var units = series.Where(s => s.Name == name).ToArray();
            var one = units.Length == 1 ? units[0] : PanelSeries.Average(units, name);
            return new GroupFit(name, Named(name, () => new ItsModel(one.Series, spec).Fit()));
        }).ToArray();
        return new ComparisonResult(fits, pooled, Tests(pooled));
    }

    /// <summary>Fits the pooled interaction model only (what permutation tests refit).</summary>
    /// <inheritdoc cref="Fit" path="/param"/>
    /// <exception cref="ItsException">The groups or the spec do not allow the comparison.</exception>
    public static PooledResult FitPooled(IReadOnlyList<GroupSeries> series, ItsSpec spec, string reference, LagScope lagScope = LagScope.WithinSeries)
    {
        var (models, terms, compared, x, y, offset, blocks) = Stack(series, spec, reference);
        int n = x.RowCount, columns = x.ColumnCount;

        IScoreModel fit;
        Vector<double> b;
        Matrix<double> classical;
        double sigma;
        bool z = spec.Family.IsCount();
        if (z)
        {
            var counts = CountRegression.Fit(spec.Family, x, y, offset, terms);
            if (!counts.Converged) throw new ItsException($"the pooled {spec.Family.Name()} model did not converge");
            (fit, b, classical, sigma) = (counts, counts.Coefficients, counts.ModelCovariance(), Math.Sqrt(counts.Dispersion));
        }
        else
        {
            var ols = new LeastSquares(x, y, terms);
            if (!double.IsFinite(ols.ResidualSumOfSquares))
                throw new ItsException("the pooled model's residual sum of squares overflows: the outcome or a covariate is too large or too small for the arithmetic; rescale it (e.g. thousands instead of units)");
            if (ols.FitsExactly) throw new ItsException("the pooled model fits the data exactly (residuals are all 0), so standard errors are undefined");
            (fit, b, classical, sigma) = (ols, ols.Coefficients, ols.ClassicalCovariance(), Math.Sqrt(ols.Sigma2));
        }
        var covariance = spec.Errors.Covariance.Estimate(fit, classical, lagScope == LagScope.WithinSeries ? blocks : null);
        var v = covariance.Covariance;
        var inference = new Inference(b, v, z ? null : n - columns);
        var coefficients = terms.Select((t, j) => inference.Coefficient(t, j)).ToArray();
        foreach (var coefficient in coefficients)
            if (!double.IsFinite(coefficient.StdError) || !(coefficient.StdError > 0))
                throw new ItsException($"the pooled model's standard error of {coefficient.Term} is undefined (a group may determine a coefficient alone)");
        return new PooledResult
        {
            Reference = reference,
            Compared = compared,
            Spec = spec,
            LagScope = lagScope,
            Coefficients = new CoefficientTable(coefficients),
            Covariance = new CovarianceMatrix(v),
            Series = models.Length,
            N = n,
            DfResidual = n - columns,
            ResidualScale = sigma,
            Lag = covariance.Lag,
        };
    }

    // The pooled model's data: the series stacked in order, every term interacted with the group
    // (one column block per compared group), and the rows of each series.
    private sealed record Stacked(ItsModel[] Models, string[] Terms, string[] Compared, Matrix<double> X, Vector<double> Y, Vector<double> Offset, int[] Blocks);

    private static Stacked Stack(IReadOnlyList<GroupSeries> series, ItsSpec spec, string reference)
    {
        var groups = GroupNames(series, reference);
        ArgumentNullException.ThrowIfNull(spec);
        CheckErrors(spec.Errors);
        spec.RefuseEstimatedRate("the pooled model of the groups");
        var models = series.Select(s => Named(s.Label, () => new ItsModel(s.Series, spec))).ToArray();
        var baseTerms = models[0].Design.Terms;
        int k = baseTerms.Count, columns = k * groups.Count;
        var compared = groups.Skip(1).ToArray();
        var terms = baseTerms.Concat(compared.SelectMany(name => baseTerms.Select(t => Term(Prefix(name, compared.Length), t)))).ToArray();
        // Column block of each series: 0 for the reference group, g for the g-th compared group.
        var block = series.Select(s => groups.IndexOf(s.Name)).ToArray();

        int n = models.Sum(m => m.X.RowCount);
        var x = Matrix<double>.Build.Dense(n, columns);
        var y = Vector<double>.Build.Dense(n);
        var offset = Vector<double>.Build.Dense(n);
        int row = 0;
        for (int s = 0; s < models.Length; s++)
        {
            var m = models[s];
            int g = block[s];
            for (int i = 0; i < m.X.RowCount; i++, row++)
            {
                y[row] = m.Outcome[i];
                offset[row] = m.LogOffset[i];
                for (int j = 0; j < k; j++)
                {
                    x[row, j] = m.X[i, j];
                    if (g > 0) x[row, g * k + j] = m.X[i, j];
                }
            }
        }
        return new Stacked(models, terms, compared, x, y, offset, models.Select(m => m.X.RowCount).ToArray());
    }

    /// <summary>
    /// The difference tests of a pooled model: for each compared group, each interruption term on
    /// its own, then all of them jointly by a Wald test (F on (q, n - k) df under t inference,
    /// chi-square on q df under z inference).
    /// </summary>
    public static IReadOnlyList<DifferenceTest> Tests(PooledResult pooled)
    {
        ArgumentNullException.ThrowIfNull(pooled);
        var interruption = Design.InterruptionTerms(pooled.Spec);
        var tests = new List<DifferenceTest>();
        foreach (string group in pooled.Compared)
        {
            var names = new List<string>();
            foreach (string term in interruption)
            {
                string name = Term(pooled.Prefix(group), term);
                names.Add(name);
                var c = pooled[name];
                tests.Add(new DifferenceTest(group, pooled.Reference, term, c.Estimate, c.StdError, c.Ci, c.Statistic, 1, c.Df, c.PValue));
            }
            if (names.Count < 2) continue;
            var joint = pooled.Wald([.. names]);
            tests.Add(new DifferenceTest(group, pooled.Reference, string.Join("+", interruption), null, null, null, joint.Statistic, joint.Restrictions, joint.DfResidual, joint.PValue));
        }
        return tests;
    }

    /// <summary>
    /// A permutation test of the group difference over control units, after Linden's <c>itsaperm</c>:
    /// the treated unit against the mean of the controls, then each control in turn as if treated,
    /// against the mean of the other controls. For each interruption term the treated unit's |t| is
    /// ranked among all units; p = (number of units with |t| at least the treated unit's) / units.
    /// </summary>
    /// <param name="treated">The treated unit.</param>
    /// <param name="controls">Two or more control units over the same periods as the treated one.</param>
    /// <param name="spec">The model of every series.</param>
    /// <param name="lagScope">Where Newey-West lags run in the pooled models.</param>
    /// <exception cref="ItsException">Too few controls, or a pooled model cannot be fitted.</exception>
    public static PermutationResult Permute(GroupSeries treated, IReadOnlyList<GroupSeries> controls, ItsSpec spec, LagScope lagScope = LagScope.WithinSeries)
    {
        ArgumentNullException.ThrowIfNull(treated);
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(spec);
        if (controls.Count < 2) throw new ItsException($"a permutation test needs two or more control units, not {controls.Count}");
        var interruption = Design.InterruptionTerms(spec);
        var units = SharesDesign(treated, controls, spec)
            ? PermuteShared(treated, controls, spec, lagScope, interruption)
            : Enumerable.Range(-1, controls.Count + 1).Select(u => PermuteOne(treated, controls, u, spec, lagScope, interruption)).ToList();
        var tests = interruption.Select((term, j) =>
        {
            double observed = Math.Abs(units[0].Differences[j].Statistic);
            // Exact ties count against the treated unit, so the p value is never too small.
            int atLeast = units.Count(x => Math.Abs(x.Differences[j].Statistic) >= observed);
            return new PermutationTest(term, units[0].Differences[j].Estimate, atLeast, (double)atLeast / units.Count);
        }).ToArray();
        return new PermutationResult(units, tests);
    }

    // Unit u (-1 for the treated one) and the series of its pooled model: the mean of the other
    // controls (the reference), then the unit as if treated.
    private static (GroupSeries Unit, GroupSeries[] Pair) Pair(GroupSeries treated, IReadOnlyList<GroupSeries> controls, int u)
    {
        var unit = u < 0 ? treated : controls[u];
        var mean = PanelSeries.Average(controls.Where((_, i) => i != u).ToArray(), "mean of controls");
        return (unit, [mean, unit with { Name = "treated" }]);
    }

    private static PermutationUnit PermuteOne(GroupSeries treated, IReadOnlyList<GroupSeries> controls, int u, ItsSpec spec, LagScope lagScope, IReadOnlyList<string> interruption)
    {
        var (unit, pair) = Pair(treated, controls, u);
        var pooled = Named(unit.Label, () => FitPooled(pair, spec, pair[0].Name, lagScope));
        return new PermutationUnit(unit.Label, u < 0, interruption.Select(t => pooled[Term("group", t)]).ToArray());
    }

    // Every pair stacks the same design when the units share their periods and the design has no
    // covariates (their values differ between units), so a Gaussian model has a batch path.
    private static bool SharesDesign(GroupSeries treated, IReadOnlyList<GroupSeries> controls, ItsSpec spec) =>
        spec.Covariates.Count == 0 && Supports(spec.Errors) && SharedDesign.Supports(spec)
        && controls.All(c => c.Series.Periods.SequenceEqual(treated.Series.Periods));

    // The pooled models of every unit from one decomposition of their common design. A unit the batch
    // path refuses is refitted by FitPooled so that the error is the one it has always reported, and
    // a unit that cannot be stacked fails only after the units before it, as in unit order.
    private static List<PermutationUnit> PermuteShared(GroupSeries treated, IReadOnlyList<GroupSeries> controls, ItsSpec spec, LagScope lagScope, IReadOnlyList<string> interruption)
    {
        Stacked Pooled(int u)
        {
            var (unit, pair) = Pair(treated, controls, u);
            return Named(unit.Label, () => Stack(pair, spec, pair[0].Name));
        }
        var first = Pooled(-1);
        var design = Named(treated.Label, () => new SharedDesign(first.X, first.Terms, spec.Errors, lagScope == LagScope.WithinSeries ? first.Blocks : null));
        var outcomes = new List<double>(first.Y);
        ExceptionDispatchInfo? refused = null;
        try
        {
            for (int u = 0; u < controls.Count; u++) outcomes.AddRange(Pooled(u).Y);
        }
        catch (ItsException e)
        {
            refused = ExceptionDispatchInfo.Capture(e);
        }
        var fits = design.Fit(outcomes.ToArray());
        var columns = interruption.Select(t => Array.IndexOf(first.Terms, Term("group", t))).ToArray();
        var units = new List<PermutationUnit>();
        for (int i = 0; i < fits.Count; i++)
            units.Add(fits.Status(i) == UnitStatus.Ok
                ? new PermutationUnit((i == 0 ? treated : controls[i - 1]).Label, i == 0, columns.Select(j => fits.Coefficient(i, j)).ToArray())
                : PermuteOne(treated, controls, i - 1, spec, lagScope, interruption));
        refused?.Throw();
        return units;
    }

    /// <summary>The name of a design term interacted with a group: the prefix itself for the intercept, <c>prefix:term</c> otherwise.</summary>
    public static string Term(string prefix, string term) => term == "intercept" ? prefix : $"{prefix}:{term}";

    // The group names, reference first, then the others in order of first appearance.
    private static List<string> GroupNames(IReadOnlyList<GroupSeries> series, string reference)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(reference);
        var names = series.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count < 2) throw new ItsException($"a comparison needs two or more groups, not {names.Count}");
        if (!names.Remove(reference))
            throw new ItsException($"the reference group {reference} is not among the groups ({string.Join(", ", names)})");
        foreach (var twice in series.GroupBy(s => s.Label, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new ItsException($"unit {twice.Key} is given twice");
        var first = series[0];
        foreach (var s in series)
        {
            if (s.Series.Frequency != first.Series.Frequency)
                throw new ItsException($"{s.Label} is {Time.Period.Adjective(s.Series.Frequency)} but {first.Label} is {Time.Period.Adjective(first.Series.Frequency)}");
            if (s.Series.Periods[0] != first.Series.Periods[0])
                throw new ItsException($"{s.Label} starts at {s.Series.Periods[0]} but {first.Label} at {first.Series.Periods[0]}: the pooled model needs one time origin, so every series must start at the same period");
        }
        return [reference, .. names];
    }

    /// <summary>Whether the pooled model takes these errors: ols, hc0-hc3 and newey:L do; plug-in lags, Prais, GLS and ARIMA do not.</summary>
    public static bool Supports(ErrorModel errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return StackingRefusal(errors) is null;
    }

    // The pooled model stacks series: an error process of a series' own autocorrelation (Prais, GLS,
    // ARIMA) would join the end of one group to the start of the next, and a plug-in lag is defined for one series.
    private static string? StackingRefusal(ErrorModel errors) => errors.Process.StackingRefusal ?? errors.Covariance.StackingRefusal;

    private static void CheckErrors(ErrorModel errors)
    {
        if (StackingRefusal(errors) is { } refusal) throw new ItsException(refusal);
    }

    private static T Named<T>(string group, Func<T> action)
    {
        try { return action(); }
        catch (ItsException e) { throw new ItsException(new UserMessage($"group {group}: {e.Text}")); }
    }
}

/// <summary>One unit of a permutation test, as if it were treated.</summary>
/// <param name="Name">The unit.</param>
/// <param name="Treated">Whether it is the real treated unit.</param>
/// <param name="Differences">Its pooled-model differences from the mean of the other controls, one per interruption term.</param>
public sealed record PermutationUnit(string Name, bool Treated, IReadOnlyList<Coefficient> Differences);

/// <summary>The permutation p value of one interruption term's group difference.</summary>
/// <param name="Term">The single-series term (<c>level1</c>, <c>slope1</c>).</param>
/// <param name="Estimate">The treated unit's difference.</param>
/// <param name="Rank">Number of units whose |t| is at least the treated unit's (1 = the treated unit is the most extreme).</param>
/// <param name="PValue">Rank / units.</param>
public sealed record PermutationTest(string Term, double Estimate, int Rank, double PValue);

/// <summary>A permutation test over control units.</summary>
/// <param name="Units">The treated unit first, then each control.</param>
/// <param name="Tests">One test per interruption term.</param>
public sealed record PermutationResult(IReadOnlyList<PermutationUnit> Units, IReadOnlyList<PermutationTest> Tests);
