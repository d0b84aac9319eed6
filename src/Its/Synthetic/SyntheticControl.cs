using Its.Comparison;
using Its.Estimation;
using Its.Model;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using MathNet.Numerics.Statistics;

namespace Its.Synthetic;

/// <summary>
/// A predictor of Abadie et al.'s synthetic control: the mean of a column over the periods
/// <paramref name="From"/> to <paramref name="To"/>, missing values skipped (Synth's
/// <c>predictors</c> with <c>predictors.op = "mean"</c>; one period is a <c>special.predictors</c> entry).
/// </summary>
/// <param name="Column">The outcome or a covariate column.</param>
/// <param name="From">The first period averaged.</param>
/// <param name="To">The last period averaged.</param>
public sealed record SynthPredictor(string Column, Period From, Period To)
{
    /// <summary>"lnincome 1980-1988", or "cigsale 1975" for one period.</summary>
    public string Name => From == To ? $"{Column} {From}" : $"{Column} {From}-{To}";

    /// <summary>
    /// Reads <c>COLUMN:FROM-TO</c> (years), <c>COLUMN:FROM..TO</c> (any periods) or <c>COLUMN:PERIOD</c>,
    /// the periods read by <paramref name="period"/>.
    /// </summary>
    /// <exception cref="FormatException">No colon, or the window ends before it starts.</exception>
    public static SynthPredictor Parse(string text, Func<string, Period> period)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(period);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new FormatException($"'{text}' is not a predictor (expected COLUMN:FROM-TO, COLUMN:FROM..TO or COLUMN:PERIOD, e.g. lnincome:1980-1988 or cigsale:1975)");
        string column = text[..colon].Trim(), window = text[(colon + 1)..].Trim();
        string[] ends = window.Contains("..") ? window.Split("..", 2)
            : System.Text.RegularExpressions.Regex.IsMatch(window, @"^\d{4}\s*-\s*\d{4}$") ? window.Split('-', 2)
            : [window, window];
        var (from, to) = (period(ends[0].Trim()), period(ends[1].Trim()));
        if (to.CompareTo(from) < 0) throw new FormatException($"predictor {text}: the window ends ({to}) before it starts ({from})");
        return new SynthPredictor(column, from, to);
    }

    /// <summary>The same predictor moved <paramref name="periods"/> periods earlier.</summary>
    public SynthPredictor Earlier(int periods) => this with { From = From.Add(-periods), To = To.Add(-periods) };
}

/// <summary>What a synthetic control is built from.</summary>
/// <param name="Panel">The outcome panel with its one treated unit and the interruption.</param>
/// <param name="OutcomeName">The outcome's column, which predictors may name.</param>
/// <param name="Predictors">The predictors matched with V weights; none: the pre-period outcome path itself.</param>
/// <param name="Covariates">Each covariate column a predictor names: one series per unit, gaps allowed.</param>
public sealed record SynthInputs(PanelOutcomes Panel, string OutcomeName, IReadOnlyList<SynthPredictor> Predictors,
    IReadOnlyDictionary<string, IReadOnlyList<GroupSeries>> Covariates)
{
    /// <summary>V weights to use instead of searching for them (Synth's <c>custom.v</c>), one per predictor, normalised to sum to 1.</summary>
    public IReadOnlyList<double>? CustomV { get; init; }
}

/// <summary>A predictor's weight and its value for the treated unit, its synthetic control and the donors' mean.</summary>
/// <param name="Name">The predictor.</param>
/// <param name="V">Its weight in the match (the V weights sum to 1).</param>
/// <param name="Treated">The treated unit's value.</param>
/// <param name="Synthetic">The weighted donors' value.</param>
/// <param name="DonorMean">The unweighted donors' mean.</param>
public sealed record SynthBalance(string Name, double V, double Treated, double Synthetic, double DonorMean);

/// <summary>A synthetic control of one treated unit.</summary>
/// <param name="Treated">The treated unit.</param>
/// <param name="Weights">One weight per donor, non-negative, summing to 1.</param>
/// <param name="Balance">Every predictor's V weight and values (empty when the pre-period outcome path is matched).</param>
/// <param name="Path">The treated unit and its synthetic control in every period.</param>
/// <param name="PrePeriods">How many periods of <paramref name="Path"/> come before the interruption.</param>
/// <param name="LossV">The mean squared gap over the pre-periods, which V minimises (Synth's <c>loss.v</c>).</param>
/// <param name="LossW">The V-weighted squared distance of the scaled predictors, which W minimises (Synth's <c>loss.w</c>).</param>
/// <param name="Start">The start the best V came from: equal or regression; custom when V was given, none with fewer than two predictors.</param>
public sealed record SynthResult(string Treated, IReadOnlyList<SyntheticWeight> Weights, IReadOnlyList<SynthBalance> Balance,
    IReadOnlyList<SyntheticPoint> Path, int PrePeriods, double LossV, double LossW, string Start)
{
    /// <summary>Root mean squared gap (treated minus synthetic) before the interruption.</summary>
    public double PreRmspe => Rmspe(Path.Take(PrePeriods));

    /// <summary>The same from the interruption on.</summary>
    public double PostRmspe => Rmspe(Path.Skip(PrePeriods));

    /// <summary>The mean gap from the interruption on: the estimated average effect.</summary>
    public double AveragePostGap => Path.Skip(PrePeriods).Average(p => p.Treated - p.Synthetic);

    /// <summary>The gap in every period.</summary>
    public IReadOnlyList<double> Gaps => Path.Select(p => p.Treated - p.Synthetic).ToArray();

    private static double Rmspe(IEnumerable<SyntheticPoint> points) => Math.Sqrt(points.Average(p => (p.Treated - p.Synthetic) * (p.Treated - p.Synthetic)));
}

/// <summary>The synthetic control refitted without one donor.</summary>
/// <param name="Dropped">The donor left out.</param>
/// <param name="Fit">The synthetic control of the others.</param>
public sealed record SynthLeaveOneOut(string Dropped, SynthResult Fit);

/// <summary>The in-time placebo: the synthetic control built as if the interruption came at <paramref name="Pseudo"/>, on the periods before the real one.</summary>
/// <param name="Pseudo">The pretended interruption.</param>
/// <param name="Fit">Its synthetic control; its post periods run from the pseudo date to the period before the real interruption.</param>
/// <param name="Dropped">Predictors left out because, moved back, their window holds no value for some unit.</param>
public sealed record SynthInTime(Period Pseudo, SynthResult Fit, IReadOnlyList<string> Dropped);

/// <summary>
/// The synthetic control of Abadie, Diamond and Hainmueller (2010), as R's <c>Synth</c> 1.1
/// (<c>synth()</c>) computes it:
/// <list type="bullet">
/// <item>the predictors X (means over their windows) of the treated unit and the donors, each
/// divided by its sd across them;</item>
/// <item>for predictor weights V (diagonal, summing to 1), donor weights W minimising
/// (X1 - X0 W)' V (X1 - X0 W) over the simplex, solved exactly (<see cref="SimplexLeastSquares"/>;
/// Synth's interior-point ipop stops at 5 significant digits);</item>
/// <item>V minimising the mean squared gap of the outcome over the pre-periods, parametrised as
/// |x| / sum |x|, from Synth's two starts (equal weights, and the regression-based
/// diag(B B') of the outcomes on the predictors), each by Nelder-Mead (MathNet) and by R's BFGS
/// (<c>optim</c>'s vmmin, ported), the lowest kept, then Nelder-Mead restarted at the best point
/// until it gains less than 1e-10 relative.</item>
/// </list>
/// Without predictors W matches the pre-period outcome path itself. The placebo in space refits
/// every donor as if treated, the others its donors; leave-one-out drops each donor with weight;
/// the in-time placebo pretends the interruption came earlier.
/// </summary>
public static class SyntheticControl
{
    private const double RestartGain = 1e-10;

    /// <summary>The synthetic control of the panel's one treated unit.</summary>
    /// <exception cref="ItsException">More than one treated unit, or a predictor without a value or without variation.</exception>
    public static SynthResult Fit(SynthInputs inputs)
    {
        var problem = Problem.Of(inputs);
        return problem.Fit(problem.Treated, problem.Donors);
    }

    /// <summary>Abadie et al.'s placebo in space: every unit's synthetic control from the others, ranked by post/pre RMSPE ratio.</summary>
    /// <exception cref="ItsException">As <see cref="Fit"/>.</exception>
    public static PlaceboInSpace PlaceboInSpace(SynthInputs inputs)
    {
        var problem = Problem.Of(inputs);
        var fits = new List<PlaceboUnit>();
        foreach (int unit in problem.Donors.Prepend(problem.Treated))
        {
            var fit = problem.Fit(unit, Enumerable.Range(0, problem.Units.Count).Where(i => i != unit).ToArray());
            fits.Add(new PlaceboUnit(fit.Treated, unit == problem.Treated, fit.PreRmspe, fit.PostRmspe) { Gaps = fit.Gaps });
        }
        return Synthetic.PlaceboInSpace.Of(fits);
    }

    /// <summary>The synthetic control refitted without each donor whose weight is above <paramref name="threshold"/>, the largest weight first.</summary>
    /// <exception cref="ItsException">As <see cref="Fit"/>, or fewer than three donors.</exception>
    public static IReadOnlyList<SynthLeaveOneOut> LeaveOneOut(SynthInputs inputs, SynthResult fit, double threshold = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var problem = Problem.Of(inputs);
        if (problem.Donors.Length < 3) throw new ItsException($"leave-one-out needs three or more donors, and there are {problem.Donors.Length}");
        return fit.Weights.Where(w => w.Value > threshold).OrderByDescending(w => w.Value).Select(w =>
        {
            int dropped = problem.Index(w.Name);
            return new SynthLeaveOneOut(w.Name, problem.Fit(problem.Treated, problem.Donors.Where(d => d != dropped).ToArray()));
        }).ToArray();
    }

    /// <summary>
    /// The in-time placebo: the synthetic control on the periods before the real interruption, as if
    /// it came at <paramref name="pseudo"/>, with <paramref name="predictors"/> (by default the
    /// inputs' predictors moved back by the distance between the two dates; a moved predictor with
    /// no value for some unit is left out, and named in <see cref="SynthInTime.Dropped"/>).
    /// </summary>
    /// <exception cref="ItsException">The pseudo date leaves fewer than two periods before it, or is not before the interruption.</exception>
    public static SynthInTime InTime(SynthInputs inputs, Period pseudo, IReadOnlyList<SynthPredictor>? predictors = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var panel = inputs.Panel;
        if (pseudo.CompareTo(panel.Interruption) >= 0)
            throw new ItsException($"the in-time placebo date {pseudo} must come before the interruption {panel.Interruption}");
        int shift = panel.Interruption.PeriodsSince(pseudo);
        var units = Enumerable.Range(0, panel.Units.Count).Select(i => new GroupSeries(panel.Units[i],
            new TimeSeries(panel.Periods.Take(panel.PrePeriods).ToArray(), Enumerable.Range(0, panel.PrePeriods).Select(t => panel.Outcome[i, t]).ToArray(), outcomeName: inputs.OutcomeName))).ToArray();
        var earlier = new PanelOutcomes(units, [panel.Units[^1]], pseudo);
        var moved = inputs with { Panel = earlier, Predictors = predictors ?? inputs.Predictors.Select(p => p.Earlier(shift)).ToArray() };
        var dropped = new List<string>();
        if (predictors is null)
        {
            var kept = moved.Predictors.Where(p => Problem.HasEveryValue(moved, p)).ToArray();
            dropped.AddRange(moved.Predictors.Except(kept).Select(p => p.Name));
            moved = moved with { Predictors = kept };
        }
        return new SynthInTime(pseudo, Fit(moved), dropped);
    }

    // The panel as synth's matrices: predictors by unit (scaled per fit) and pre-period outcomes by unit.
    private sealed class Problem
    {
        private readonly Matrix<double> predictors; // k x units, unscaled
        private readonly Matrix<double> outcome;    // units x periods
        private readonly PanelOutcomes panel;
        private readonly IReadOnlyList<SynthPredictor> specs;
        private readonly IReadOnlyList<double>? customV;

        private Problem(SynthInputs inputs, Matrix<double> predictors)
        {
            panel = inputs.Panel;
            specs = inputs.Predictors;
            customV = inputs.CustomV;
            this.predictors = predictors;
            outcome = panel.Outcome;
        }

        public IReadOnlyList<string> Units => panel.Units;
        public int Treated => panel.Units.Count - 1;
        public int[] Donors => Enumerable.Range(0, panel.Controls).ToArray();
        public int Index(string unit) => panel.Units.ToList().IndexOf(unit);

        public static Problem Of(SynthInputs inputs)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            if (inputs.Panel.Treated != 1)
                throw new ItsException($"a synthetic control is built for one treated unit, and the panel has {inputs.Panel.Treated}: average the treated units into one series first");
            var panel = inputs.Panel;
            var x = Matrix<double>.Build.Dense(inputs.Predictors.Count, panel.Units.Count);
            for (int k = 0; k < inputs.Predictors.Count; k++)
            {
                var p = inputs.Predictors[k];
                if (p.To.CompareTo(panel.Interruption) >= 0)
                    throw new ItsException($"predictor {p.Name} reaches {p.To}, on or after the interruption {panel.Interruption}: predictors are measured before it");
                for (int u = 0; u < panel.Units.Count; u++)
                    x[k, u] = Value(inputs, p, u) ?? throw new ItsException($"predictor {p.Name}: unit {panel.Units[u]} has no value of {p.Column} in {p.From}-{p.To}");
            }
            if (inputs.CustomV is { } v && (v.Count != inputs.Predictors.Count || v.Any(e => !(e >= 0)) || !(v.Sum() > 0)))
                throw new ItsException($"custom V needs {inputs.Predictors.Count} weights, 0 or more and not all 0 (one per predictor), not {string.Join(", ", v)}");
            return new Problem(inputs, x);
        }

        public static bool HasEveryValue(SynthInputs inputs, SynthPredictor p) =>
            Enumerable.Range(0, inputs.Panel.Units.Count).All(u => Value(inputs, p, u) is not null);

        // The mean of the column over the predictor's window for unit u, or null when none is there.
        private static double? Value(SynthInputs inputs, SynthPredictor p, int u)
        {
            var panel = inputs.Panel;
            IEnumerable<(Period Period, double Value)> series;
            if (p.Column == inputs.OutcomeName)
                series = panel.Periods.Select((period, t) => (period, panel.Outcome[u, t]));
            else if (inputs.Covariates.TryGetValue(p.Column, out var covariate))
            {
                var unit = covariate.FirstOrDefault(g => g.Label == panel.Units[u]);
                if (unit is null) return null;
                series = unit.Series.Periods.Select((period, t) => (period, unit.Series.Outcome[t]));
            }
            else
                throw new ItsException($"predictor {p.Name}: {p.Column} is neither the outcome ({inputs.OutcomeName}) nor a covariate given ({string.Join(", ", inputs.Covariates.Keys)})");
            var values = series.Where(s => s.Period.CompareTo(p.From) >= 0 && s.Period.CompareTo(p.To) <= 0 && double.IsFinite(s.Value)).Select(s => s.Value).ToArray();
            return values.Length == 0 ? null : values.Average();
        }

        public SynthResult Fit(int treated, int[] donors)
        {
            int t0 = panel.PrePeriods, k = predictors.RowCount;
            var z0 = Matrix<double>.Build.Dense(t0, donors.Length, (t, j) => outcome[donors[j], t]);
            var z1 = Vector<double>.Build.Dense(t0, t => outcome[treated, t]);
            double LossV(Vector<double> w) => (z1 - z0 * w).DotProduct(z1 - z0 * w) / t0;

            Vector<double> weights, v;
            string start;
            double lossW = 0;
            if (k == 0)
            {
                weights = SimplexLeastSquares.Solve(z0, z1);
                v = Vector<double>.Build.Dense(0);
                start = "none";
            }
            else
            {
                // Each predictor divided by its sd over the treated unit and the donors (Synth's scaling).
                var columns = donors.Append(treated).ToArray();
                var divisor = Vector<double>.Build.Dense(k, r => columns.Select(c => predictors[r, c]).StandardDeviation());
                for (int r = 0; r < k; r++)
                    if (!(divisor[r] > 0)) throw new ItsException($"predictor {specs[r].Name} has the same value in every unit: it cannot weigh the donors");
                var x0 = Matrix<double>.Build.Dense(k, donors.Length, (r, j) => predictors[r, donors[j]] / divisor[r]);
                var x1 = Vector<double>.Build.Dense(k, r => predictors[r, treated] / divisor[r]);
                Vector<double> WeightsFor(Vector<double> vv)
                {
                    var root = vv.PointwiseSqrt();
                    return SimplexLeastSquares.Solve(Matrix<double>.Build.DenseOfDiagonalVector(root) * x0, root.PointwiseMultiply(x1));
                }
                double Objective(double[] raw)
                {
                    var vv = Normalised(raw);
                    return vv is null ? double.MaxValue : LossV(WeightsFor(vv));
                }
                (v, start) = customV is { } given ? (Normalised([.. given])!, "custom")
                    : k == 1 ? (Vector<double>.Build.Dense(1, 1.0), "none")
                    : Search(Objective, Starts(x0, x1, z0, z1));
                weights = WeightsFor(v);
                var gap = x1 - x0 * weights;
                lossW = gap.PointwiseMultiply(v).DotProduct(gap);
            }

            var balance = Enumerable.Range(0, k).Select(r => new SynthBalance(specs[r].Name, v[r], predictors[r, treated],
                donors.Select((d, j) => weights[j] * predictors[r, d]).Sum(), donors.Average(d => predictors[r, d]))).ToArray();
            var path = panel.Periods.Select((period, t) => new SyntheticPoint(period, outcome[treated, t], donors.Select((d, j) => weights[j] * outcome[d, t]).Sum())).ToArray();
            return new SynthResult(panel.Units[treated], donors.Select((d, j) => new SyntheticWeight(panel.Units[d], weights[j])).ToArray(),
                balance, path, t0, LossV(weights), lossW, start);
        }

        private static Vector<double>? Normalised(double[] raw)
        {
            double total = raw.Sum(Math.Abs);
            return total > 0 && double.IsFinite(total) ? Vector<double>.Build.Dense(raw.Length, i => Math.Abs(raw[i]) / total) : null;
        }

        // Synth's starts: equal weights, and diag(B B') of the regression of the pre-period outcomes on the scaled predictors.
        private static IEnumerable<(string Name, double[] Start)> Starts(Matrix<double> x0, Vector<double> x1, Matrix<double> z0, Vector<double> z1)
        {
            int k = x0.RowCount;
            yield return ("equal", Enumerable.Repeat(1.0 / k, k).ToArray());
            // Units as observations: an intercept and the k predictors explain each pre-period outcome.
            var design = Matrix<double>.Build.Dense(x0.ColumnCount + 1, k + 1, (i, c) => c == 0 ? 1 : i == 0 ? x1[c - 1] : x0[c - 1, i - 1]);
            var response = Matrix<double>.Build.Dense(x0.ColumnCount + 1, z0.RowCount, (i, t) => i == 0 ? z1[t] : z0[t, i - 1]);
            var gram = design.TransposeThisAndMultiply(design);
            if (gram.Rank() < k + 1) yield break;
            var beta = gram.Inverse() * design.TransposeThisAndMultiply(response);
            var b = beta.SubMatrix(1, k, 0, beta.ColumnCount);
            var diagonal = (b * b.Transpose()).Diagonal();
            yield return ("regression", (diagonal / diagonal.Sum()).ToArray());
        }

        private static (Vector<double> V, string Start) Search(Func<double[], double> objective, IEnumerable<(string Name, double[] Start)> starts)
        {
            (double[] Point, double Value, string Start) best = (Array.Empty<double>(), double.PositiveInfinity, "");
            foreach (var (name, point) in starts)
            {
                foreach (var (end, value) in new[] { NelderMead(objective, point), Bfgs(objective, point) })
                    if (value < best.Value) best = (end, value, name);
            }
            // Nelder-Mead again from its end until it no longer gains.
            for (int restart = 0; restart < 20; restart++)
            {
                var (end, value) = NelderMead(objective, best.Point);
                if (!(value < best.Value - RestartGain * Math.Max(1, Math.Abs(best.Value)))) break;
                best = (end, value, best.Start);
            }
            return (Normalised(best.Point)!, best.Start);
        }

        private static (double[] Point, double Value) NelderMead(Func<double[], double> objective, double[] start)
        {
            var solver = new NelderMeadSimplex(1e-10, 5000);
            var function = ObjectiveFunction.Value(p => objective(p.ToArray()));
            try
            {
                var result = solver.FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
                return (result.MinimizingPoint.ToArray(), result.FunctionInfoAtMinimum.Value);
            }
            catch (MaximumIterationsException)
            {
                // The simplex kept shrinking past 5000 steps: its start is kept, and the other searches decide.
                return (start, objective(start));
            }
        }

        private static (double[] Point, double Value) Bfgs(Func<double[], double> objective, double[] start)
        {
            try
            {
                var (point, value, _) = OptimBfgs.Minimize(objective, start, Enumerable.Repeat(1.0, start.Length).ToArray(), 1e-8, 100);
                return (point, value);
            }
            catch (ArithmeticException)
            {
                return (start, objective(start));
            }
        }
    }
}
