using Its.Batch;
using Its.Model;
using Its.Time;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

namespace Its.Tests;

/// <summary>
/// The batch path gives every unit what <see cref="ItsModel"/> gives it alone: for each error model
/// with a batch path, and units with gaps, late starts, early ends, too few points, constant values
/// and unusable values, the status and note match the single fit's exception or warnings, and the
/// numbers match to 1e-10 (estimates relative to max(|b|, SE); standard errors, sigma and rho
/// relative; p values absolute).
/// </summary>
public sealed class PanelFitterTests
{
    private const double Tolerance = 1e-10;
    private static readonly Period Start = Period.Month(2016, 1);
    private static readonly Period Reform = Period.Month(2017, 10);

    public static TheoryData<string, string> Models => new()
    {
        { "ols", "plain" }, { "hc0", "plain" }, { "hc1", "plain" }, { "hc2", "plain" }, { "hc3", "plain" },
        { "newey:3", "plain" }, { "newey:0", "plain" }, { "newey:60", "plain" }, { "prais", "plain" }, { "cochrane-orcutt", "plain" },
        { "newey:3", "log" }, { "prais", "log" }, { "newey:3", "seasonal" }, { "ols", "transition" }, { "prais", "transition" },
        { "newey:2", "level" }, { "hc3", "two" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_unit_equals_its_single_series_fit(string errors, string variant)
    {
        var spec = Spec(errors, variant);
        var units = Panel(seed: 11, log: variant == "log");
        var batch = new PanelFitter(spec, "visits").Fit(units);
        int fitted = 0;
        for (int i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            ItsResultOrError single = Single(unit, spec);
            if (single.Error is { } error)
            {
                Assert.NotEqual(UnitStatus.Ok, batch.Status(i));
                Assert.Equal(error, batch.Note(i));
                continue;
            }
            var r = single.Result!;
            Assert.True(batch.Status(i) == UnitStatus.Ok, $"{unit.Id}: {batch.Note(i)}");
            fitted++;
            Assert.Equal(r.N, batch.N(i));
            Assert.Equal(r.DfResidual, batch.Df(i));
            Assert.Equal(r.Warnings.Count > 0 ? string.Join("; ", r.Warnings) : null, batch.Note(i));
            Close(r.ResidualScale, batch.Sigma(i), unit.Id + " sigma");
            if (r.ErrorParameters.Count > 0)
            {
                Close(r.ErrorParameters[0].Estimate, batch.Rho(i)!.Value, unit.Id + " rho");
                Assert.Equal(r.Iterations, batch.Iterations(i));
            }
            for (int j = 0; j < batch.Terms.Count; j++)
            {
                var expected = r.Coefficients[j];
                var actual = batch.Coefficient(i, j);
                Assert.Equal(expected.Term, actual.Term);
                Assert.True(Math.Abs(expected.Estimate - actual.Estimate) <= Tolerance * Math.Max(Math.Abs(expected.Estimate), expected.StdError),
                    $"{unit.Id} {expected.Term}: {actual.Estimate:R} vs {expected.Estimate:R}");
                Close(expected.StdError, actual.StdError, $"{unit.Id} {expected.Term} SE");
                Assert.Equal(expected.Df, actual.Df);
                Assert.True(Math.Abs(expected.PValue - actual.PValue) <= Tolerance, $"{unit.Id} {expected.Term} p");
                Close(expected.Ci.Lower - expected.Estimate, actual.Ci.Lower - actual.Estimate, $"{unit.Id} {expected.Term} CI");
            }
        }
        Assert.True(fitted >= units.Count / 2, $"only {fitted} of {units.Count} units fitted");
    }

    [Fact]
    public void Degenerate_units_get_a_status_and_a_reason()
    {
        var units = Panel(seed: 3, log: false);
        var batch = new PanelFitter(Spec("newey:3", "plain")).Fit(units);
        UnitStatus Of(string id) => batch.Status(units.ToList().FindIndex(u => u.Id == id));
        Assert.Equal(UnitStatus.Constant, Of("constant"));
        Assert.Equal(UnitStatus.TooFewPoints, Of("ends-before"));
        Assert.Equal(UnitStatus.TooFewPoints, Of("two-before"));
        Assert.Equal(UnitStatus.TooFewPoints, Of("empty"));
        Assert.Equal(UnitStatus.Invalid, Of("infinite"));
        Assert.Equal(UnitStatus.Ok, Of("gappy-0"));
        Assert.Throws<InvalidOperationException>(() => batch.Coefficient(units.ToList().FindIndex(u => u.Id == "constant"), 0));
        Assert.Equal("too_few_points", UnitStatus.TooFewPoints.Name());
    }

    [Fact]
    public void Results_do_not_depend_on_the_number_of_threads_or_the_batch_size()
    {
        var units = Panel(seed: 5, log: false);
        var spec = Spec("prais", "plain");
        var one = new PanelFitter(spec).Fit(units, maxDegreeOfParallelism: 1);
        var fitter = new PanelFitter(spec);
        var halves = new[] { fitter.Fit(units.Take(20).ToArray()), fitter.Fit(units.Skip(20).ToArray()) };
        var all = new PanelFitter(spec).Fit(units);
        for (int i = 0; i < units.Count; i++)
        {
            var half = i < 20 ? halves[0] : halves[1];
            int h = i < 20 ? i : i - 20;
            Assert.Equal(one.Status(i), all.Status(i));
            Assert.Equal(one.Status(i), half.Status(h));
            for (int j = 0; j < one.Terms.Count; j++)
            {
                Assert.Equal(one.Estimate(i, j), all.Estimate(i, j));
                Assert.Equal(one.StdError(i, j), half.StdError(h, j));
            }
        }
    }

    [Fact]
    public void Specs_without_a_batch_path_are_refused()
    {
        var spec = new ItsSpec { Interruptions = [Reform] };
        Assert.Contains("gls-ar:1", Assert.Throws<ItsException>(() => new PanelFitter(spec with { Errors = ErrorModel.Parse("gls-ar:1") })).Message);
        Assert.Throws<ItsException>(() => new PanelFitter(spec with { Errors = NeweyWestCovariance.Auto }));
        Assert.Throws<ItsException>(() => new PanelFitter(spec with { Family = Family.Poisson }));
        Assert.Throws<ItsException>(() => new PanelFitter(spec with { Covariates = ["x"] }));
        var quarterly = new PanelUnit("q", Period.Quarter(2016, 1), new double[16]);
        Assert.Contains("unit q", Assert.Throws<ItsException>(() => new PanelFitter(spec).Fit([quarterly])).Message);
    }

    [Fact]
    public void A_unit_whose_data_had_a_problem_is_invalid_whatever_its_start()
    {
        var spec = new ItsSpec { Interruptions = [Period.Quarter(2018, 1)] };
        var good = new PanelUnit("good", Period.Quarter(2015, 1), Enumerable.Range(0, 20).Select(t => 10.0 + t + (t >= 12 ? 3 : 0) + (t % 3) * 0.5).ToArray());
        var bad = new PanelUnit("bad", default, []) { Problem = "panel.csv: row 7, column quarter: '2018-Q5' is not a valid quarter" };
        var result = new PanelFitter(spec).Fit([good, bad]);
        Assert.Equal(UnitStatus.Ok, result.Status(0));
        Assert.Equal(UnitStatus.Invalid, result.Status(1));
        Assert.Equal(bad.Problem, result.Note(1));
    }

    [Fact]
    public void A_shared_design_fits_a_stacked_panel_with_lags_within_blocks()
    {
        // Two series of 20 rows stacked: the Newey-West meat runs its lags within each block, as Sandwich.NeweyWest with blocks.
        var rng = new MersenneTwister(9);
        var x = Matrix<double>.Build.Dense(40, 3, (i, j) => j == 0 ? 1 : j == 1 ? i % 20 : (i >= 20 ? 1 : 0) * (i % 20));
        var y = Enumerable.Range(0, 40).Select(i => 3 + 0.2 * (i % 20) + Normal.Sample(rng, 0, 1)).ToArray();
        string[] terms = ["a", "b", "c"];
        var errors = NeweyWestCovariance.Stata(2);
        var batch = new SharedDesign(x, terms, errors, [20, 20]).Fit(y);
        var ls = new Estimation.LeastSquares(x, Vector<double>.Build.DenseOfArray(y), terms);
        var v = Estimation.Sandwich.NeweyWest(ls, errors, out _, [20, 20]);
        for (int j = 0; j < 3; j++)
        {
            Close(ls.Coefficients[j], batch.Estimate(0, j), "b");
            Close(Math.Sqrt(v[j, j]), batch.StdError(0, j), "se");
        }
    }

    [Fact]
    public void The_summary_counts_units_and_describes_each_interruption_term()
    {
        var units = Panel(seed: 7, log: false);
        var fitter = new PanelFitter(Spec("newey:3", "plain"));
        var summary = new PanelSummary(["level1", "slope1"], forestUnits: 5);
        var first = fitter.Fit(units.Take(25).ToArray());
        var second = fitter.Fit(units.Skip(25).ToArray());
        summary.Add(units.Take(25).Select(u => u.Id).ToArray(), first);
        summary.Add(units.Skip(25).Select(u => u.Id).ToArray(), second);
        var all = Enumerable.Range(0, first.Count).Select(i => (first, i)).Concat(Enumerable.Range(0, second.Count).Select(i => (second, i))).ToArray();
        var ok = all.Where(x => x.Item1.Status(x.i) == UnitStatus.Ok).ToArray();
        Assert.Equal(units.Count, summary.Units);
        Assert.Equal(ok.Length, summary.StatusCounts[UnitStatus.Ok]);
        Assert.Equal(units.Count - ok.Length, summary.StatusCounts.Where(s => s.Key != UnitStatus.Ok).Sum(s => s.Value));
        var level = summary.Distributions().Single(d => d.Term == "level1");
        var estimates = ok.Select(x => x.Item1.Coefficient(x.i, 2)).ToArray();
        Assert.Equal(ok.Length, level.Units);
        Assert.Equal(estimates.Count(c => c.PValue < 0.05) / (double)ok.Length, level.ShareSignificant);
        Assert.Equal(estimates.Count(c => c.PValue < 0.05 && c.Estimate > 0) / (double)ok.Length, level.ShareSignificantPositive);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Median(estimates.Select(c => c.Estimate)), level.Quantiles[3], 12);
        Assert.Equal(estimates.Min(c => c.Estimate), level.Quantiles[0]);
        Assert.Equal(10, summary.Forest.Count);
        Assert.Equal(units.Where((u, i) => all[i].Item1.Status(all[i].i) == UnitStatus.Ok).Take(5).Select(u => u.Id), summary.Forest.Where(r => r.Term == "level1").Select(r => r.Id));
    }

    [Fact]
    public void The_summary_is_the_same_to_the_last_bit_whatever_order_its_units_come_in()
    {
        var units = Panel(seed: 11, log: false);
        var result = new PanelFitter(Spec("newey:3", "plain")).Fit(units);
        var ids = units.Select(u => u.Id).ToArray();
        // Six more units: four with one estimate and two with -0 and 0, all with different standard
        // errors: ties are ordered by standard error, and -0 before 0.
        static Results.Coefficient Tied(string term, int k)
        {
            double b = k switch { 0 => 0.0, 1 => -0.0, _ => 1.5 };
            return new(term, b, 0.1 + 0.37 * k, b / (0.1 + 0.37 * k), 40, 0.01 * k, new Results.Interval(b - 1, b + 1));
        }
        PanelSummary Summary(IEnumerable<int> order)
        {
            var summary = new PanelSummary(["level1", "slope1"]);
            foreach (int i in order)
                if (i >= ids.Length) summary.Add($"tie{i}", UnitStatus.Ok, [Tied("level1", i - ids.Length), Tied("slope1", i - ids.Length)]);
                else summary.Add(ids[i], result.Status(i), result.Status(i) == UnitStatus.Ok ? [result.Coefficient(i, 2), result.Coefficient(i, 3)] : []);
            return summary;
        }
        var order = Enumerable.Range(0, ids.Length + 6).ToArray();
        var inOrder = new PanelSummary(["level1", "slope1"]);
        inOrder.Add(ids, result);
        for (int k = 0; k < 6; k++) inOrder.Add($"tie{k}", UnitStatus.Ok, [Tied("level1", k), Tied("slope1", k)]);
        var shuffled = order.Reverse().ToArray();
        new Random(3).Shuffle(shuffled);
        foreach (var other in new[] { Summary(order), Summary(shuffled), Summary(order.Reverse()) })
        {
            Assert.Equal(inOrder.StatusCounts, other.StatusCounts);
            foreach (var (a, b) in inOrder.Distributions().Zip(other.Distributions()))
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a), System.Text.Json.JsonSerializer.Serialize(b));
        }
        // -0 and 0 tie as numbers but not as text: -0 comes first whichever came first.
        string Zeros(bool negativeFirst)
        {
            var zeros = new PanelSummary(["level1"]);
            foreach (double b in negativeFirst ? new[] { -0.0, 0.0 } : [0.0, -0.0])
                zeros.Add($"z{b}", UnitStatus.Ok, [new Results.Coefficient("level1", b, double.IsNegative(b) ? 2 : 1, 0, 40, 1, new Results.Interval(-1, 1))]);
            return System.Text.Json.JsonSerializer.Serialize(zeros.Distributions());
        }
        Assert.Equal(Zeros(true), Zeros(false));
        // A coefficient of another term than the summary's is a caller's mistake, told as such.
        int fitted = Enumerable.Range(0, ids.Length).First(i => result.Status(i) == UnitStatus.Ok);
        Assert.Throws<ArgumentException>(() => inOrder.Add("x", UnitStatus.Ok, [result.Coefficient(fitted, 3), result.Coefficient(fitted, 2)]));
    }

    [Fact]
    public void The_summary_of_more_units_than_one_block_holds_describes_them_all()
    {
        // 140,000 units: past two of the summary's 65,536-value blocks.
        var rng = new Random(5);
        var b = Enumerable.Range(0, 140_000).Select(_ => rng.NextDouble() * 10 - 5).ToArray();
        var summary = new PanelSummary(["level1"]);
        for (int i = 0; i < b.Length; i++)
            summary.Add($"u{i}", UnitStatus.Ok, [new Results.Coefficient("level1", b[i], 1 + i % 7, b[i], 40, 0.5, new Results.Interval(b[i] - 2, b[i] + 2))]);
        var level = summary.Distributions().Single();
        Assert.Equal(b.Length, level.Units);
        Assert.Equal(b.Min(), level.Quantiles[0]);
        Assert.Equal(b.Max(), level.Quantiles[^1]);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Median(b), level.Quantiles[3], tolerance: 1e-12);
        Assert.Equal(b.Average(), level.Mean, tolerance: 1e-12);
        double w = Enumerable.Range(0, b.Length).Sum(i => 1.0 / ((1 + i % 7) * (1 + i % 7)));
        Assert.Equal(Enumerable.Range(0, b.Length).Sum(i => b[i] / ((1 + i % 7) * (1 + i % 7))) / w, level.FixedEffect.Estimate, tolerance: 1e-12);
    }

    [Fact]
    public void Partitions_by_the_hash_of_the_id_hold_each_unit_once_and_about_evenly()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"F{i:D5}").ToArray();
        foreach (int count in new[] { 1, 2, 3, 7, 64 })
        {
            var parts = Enumerable.Range(1, count).Select(k => new UnitPartition(k, count)).ToArray();
            var sizes = parts.Select(p => ids.Count(p.Holds)).ToArray();
            Assert.All(ids, id => Assert.Single(parts, p => p.Holds(id)));
            // Binomial(20000, 1/N): within 5 standard deviations of 20000/N.
            double mean = ids.Length / (double)count, sd = Math.Sqrt(mean * (1 - 1.0 / count));
            Assert.All(sizes, n => Assert.InRange(n, mean - 5 * sd, mean + 5 * sd));
        }
        Assert.Equal("3/7", new UnitPartition(3, 7).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitPartition(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitPartition(4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitPartition(1, 0));
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Abs(expected), $"{what}: {actual:R} vs {expected:R}");

    private sealed record ItsResultOrError(Results.ItsResult? Result, string? Error);

    private static ItsResultOrError Single(PanelUnit unit, ItsSpec spec)
    {
        var observed = Enumerable.Range(0, unit.Values.Length).Where(t => !double.IsNaN(unit.Values[t])).ToArray();
        try
        {
            if (observed.Length == 0) return new(null, "the unit has no observed values");
            var series = new TimeSeries(observed.Select(unit.Start.Add).ToArray(), observed.Select(t => unit.Values[t]).ToArray(), outcomeName: "visits");
            return new(new ItsModel(series, spec).Fit(), null);
        }
        catch (ItsException e)
        {
            return new(null, e.Message);
        }
    }

    private static ItsSpec Spec(string errors, string variant) => new ItsSpec
    {
        Interruptions = variant == "two" ? [Period.Month(2017, 4), Reform] : [Reform],
        Errors = ErrorModel.Parse(errors),
        Transform = variant == "log" ? OutcomeTransform.Log : OutcomeTransform.None,
        Seasonality = variant == "seasonal" ? Seasonality.MonthDummies : Seasonality.None,
        TransitionPeriods = variant == "transition" ? 2 : 0,
        Impact = variant == "level" ? Impact.Level : Impact.LevelAndSlope,
    };

    // 40 ordinary units (AR(1) noise around a segmented trend; some with gaps, late starts or early
    // ends) and the awkward ones.
    private static List<PanelUnit> Panel(int seed, bool log)
    {
        var rng = new MersenneTwister(seed);
        var units = new List<PanelUnit>();
        double[] Series(int n)
        {
            double level = 200 + 50 * rng.NextDouble(), trend = 2 * rng.NextDouble() - 0.5, u = 0;
            var v = new double[n];
            for (int t = 0; t < n; t++)
            {
                u = 0.5 * u + Normal.Sample(rng, 0, 5);
                v[t] = level + trend * t + (t >= 21 ? 15 + 0.8 * (t - 21) : 0) + u;
            }
            return v;
        }
        for (int i = 0; i < 40; i++)
        {
            var v = Series(48);
            string id = $"unit-{i}";
            if (i % 4 == 1)
            {
                id = $"gappy-{i / 4}";
                for (int g = 0; g < 1 + i % 7; g++) v[rng.Next(48)] = double.NaN;
            }
            if (i % 10 == 2) { id = $"late-{i}"; for (int t = 0; t < 9; t++) v[t] = double.NaN; }
            if (i % 10 == 7) { id = $"early-{i}"; Array.Resize(ref v, 36); }
            units.Add(new PanelUnit(id, Start, v));
        }
        units.Add(new PanelUnit("constant", Start, Enumerable.Repeat(7.0, 48).ToArray()));
        units.Add(new PanelUnit("ends-before", Start, Series(20)));
        units.Add(new PanelUnit("two-before", Period.Month(2017, 8), Series(20)));
        units.Add(new PanelUnit("empty", Start, Enumerable.Repeat(double.NaN, 48).ToArray()));
        var infinite = Series(48);
        infinite[30] = double.PositiveInfinity;
        units.Add(new PanelUnit("infinite", Start, infinite));
        var negative = Series(48);
        negative[5] = log ? -1 : negative[5];
        units.Add(new PanelUnit("negative", Start, negative));
        var line = Enumerable.Range(0, 48).Select(t => 10.0 + 0.5 * t + (t >= 21 ? 3 : 0)).ToArray();
        units.Add(new PanelUnit("on-the-line", Start, line));
        return units;
    }
}
