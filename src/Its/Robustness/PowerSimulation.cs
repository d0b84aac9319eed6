using System.Globalization;
using System.Runtime.ExceptionServices;
using Its.Batch;
using Its.Model;
using Its.Results;
using Its.Time;
using MathNet.Numerics.Random;

namespace Its.Robustness;

/// <summary>
/// A planned ITS study to simulate: <see cref="PeriodsBefore"/> periods before one interruption and
/// <see cref="PeriodsAfter"/> from it on, with the outcome
/// y_t = Intercept + Trend t + LevelChange post_t + SlopeChange (t - T0) post_t + e_t (t = 0 at the
/// first period, T0 the interruption, the kit's time coding) and stationary AR(1) errors
/// e_1 ~ N(0, sd^2 / (1 - rho^2)), e_t = rho e_{t-1} + nu_t, nu_t ~ N(0, sd^2). Each replicate is
/// fitted with <see cref="ItsModel"/> under <see cref="Impact"/>, <see cref="Seasonality"/> and
/// <see cref="Errors"/>. Immutable; change it with <c>with</c>.
/// </summary>
public sealed record PowerScenario
{
    /// <summary>Most replicates a scenario may ask for (the Monte Carlo SE of a power is then below 0.0005).</summary>
    public const int MaxReplicates = 1_000_000;

    /// <summary>Most periods on either side of the interruption.</summary>
    public const int MaxPeriodsOnASide = 5_000;

    // The fitted model needs 3 periods on each side of the interruption (Design's rule).
    private const int MinPeriodsOnASide = 3;

    /// <summary>Periods before the interruption.</summary>
    public required int PeriodsBefore { get; init; }

    /// <summary>Periods from the interruption on (the interruption period included).</summary>
    public required int PeriodsAfter { get; init; }

    /// <summary>True level change at the interruption (<c>level1</c>), on the outcome's scale.</summary>
    public double LevelChange { get; init; }

    /// <summary>True change in slope per period from the interruption on (<c>slope1</c>), on the outcome's scale.</summary>
    public double SlopeChange { get; init; }

    /// <summary>Pre-period level at the first period. It does not affect power: the linear model absorbs it in its intercept.</summary>
    public double Intercept { get; init; }

    /// <summary>Pre-period trend per period. It does not affect power: the linear model absorbs it in its <c>time</c> term.</summary>
    public double Trend { get; init; }

    /// <summary>AR(1) coefficient of the errors, |rho| &lt; 1; 0 for independent errors.</summary>
    public double Rho { get; init; }

    /// <summary>Standard deviation of the AR(1) innovations nu_t (the errors' marginal SD is sd / sqrt(1 - rho^2)).</summary>
    public double InnovationSd { get; init; } = 1;

    /// <summary>Monthly (the default), quarterly or annual; the series starts in January, the first quarter or the year 2000.</summary>
    public Frequency Frequency { get; init; } = Frequency.Month;

    /// <summary>Interruption terms of the fitted model; power is reported for those it has.</summary>
    public Impact Impact { get; init; } = Impact.LevelAndSlope;

    /// <summary>Seasonal terms of the fitted model (monthly series only). The simulated series has no seasonal pattern, so they only cost degrees of freedom.</summary>
    public Seasonality Seasonality { get; init; } = Seasonality.None;

    /// <summary>Error model of the fitted model.</summary>
    public ErrorModel Errors { get; init; } = ErrorModel.Ols;

    /// <summary>Number of simulated series.</summary>
    public int Replicates { get; init; } = 1000;

    /// <summary>Significance level of the two-sided test of each interruption term.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Random seed; the same scenario and seed give the same result.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The first period of the simulated series: 2000-01, 2000-Q1 or 2000.</summary>
    public Period Start => new(Frequency, 2000, 1);

    /// <summary>The interruption period, <see cref="PeriodsBefore"/> periods after <see cref="Start"/>.</summary>
    public Period Interruption => Start.Add(PeriodsBefore);

    /// <summary>The spec each replicate is fitted with.</summary>
    public ItsSpec Spec => new()
    {
        Interruptions = [Interruption],
        Impact = Impact,
        Seasonality = Seasonality,
        Errors = Errors,
        // The simulation reads only the coefficients: the smallest residual checks and one effect
        // keep the rest of each fit cheap.
        PortmanteauLag = 1,
        BreuschGodfreyMaxOrder = 1,
        EffectsAt = [0],
    };

    /// <summary>The mean of the outcome at time t (0 at the first period).</summary>
    public double Mean(int t) =>
        Intercept + Trend * t + (t >= PeriodsBefore ? LevelChange + SlopeChange * (t - PeriodsBefore) : 0);

    /// <summary>The true value of an interruption term: <see cref="LevelChange"/> for <c>level1</c>, <see cref="SlopeChange"/> for <c>slope1</c>.</summary>
    /// <exception cref="ArgumentException">Another term.</exception>
    public double TrueValue(string term) => term switch
    {
        "level1" => LevelChange,
        "slope1" => SlopeChange,
        _ => throw new ArgumentException($"{term} is not an interruption term of the scenario", nameof(term)),
    };

    /// <summary>The interruption terms of the fitted model, in design order.</summary>
    public IReadOnlyList<string> Terms => Design.InterruptionTerms(Spec);

    /// <summary>
    /// A scenario shaped like an observed series: its frequency and its periods before and from the
    /// spec's first interruption, with the AR(1) rho and innovation SD of a Prais-Winsten fit of
    /// the spec (transform, seasonality and covariates as the spec says, so the SD is on the model's
    /// scale: log units for a log outcome). The fits use the spec's impact, seasonality and errors;
    /// the simulated series carry no covariates. The effects are 0: set them with <c>with</c>.
    /// </summary>
    /// <exception cref="ItsException">The spec does not fit the series, or is not a Gaussian model.</exception>
    public static PowerScenario Like(TimeSeries series, ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Family.IsCount()) throw new ItsException(new UserMessage($"power is simulated for Gaussian models; fit the series with {Setting.Of<ItsSpec>(nameof(ItsSpec.Family), Family.Gaussian)} (and {Setting.Of<ItsSpec>(nameof(ItsSpec.Transform), OutcomeTransform.Log)})"));
        if (spec.Interruptions.Count != 1 || spec.TransitionPeriods > 0)
            throw new ItsException(new UserMessage($"power is simulated for one interruption without transition periods; give one interruption and no {Setting.Of<ItsSpec>(nameof(ItsSpec.TransitionPeriods))}"));
        if (!spec.Impact.IsSegmented())
            throw new ItsException($"power is simulated for level and slope changes, not a {spec.Impact.Name()} impact: use impact level+slope, level or slope");
        var fit = new ItsModel(series, spec with { Errors = AutoregressiveErrors.PraisWinsten }).Fit();
        var interruption = spec.Interruptions[0];
        int before = series.Periods.Count(p => p.CompareTo(interruption) < 0);
        return new PowerScenario
        {
            PeriodsBefore = before,
            PeriodsAfter = series.Count - before,
            Frequency = series.Frequency,
            Rho = fit.ErrorParameters.Single(a => a.Name == "rho").Estimate,
            InnovationSd = fit.ResidualScale,
            Impact = spec.Impact,
            Seasonality = spec.Seasonality,
            Errors = spec.Errors,
        };
    }

    /// <summary>The first value that cannot be simulated, or null when every value can.</summary>
    public ScenarioProblem? Problem()
    {
        static string S(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        static string I(int x) => x.ToString(CultureInfo.InvariantCulture);
        string sides = $"must be {MinPeriodsOnASide} to {MaxPeriodsOnASide:N0} (the model needs {MinPeriodsOnASide} periods on each side of the interruption)";
        if (PeriodsBefore is < MinPeriodsOnASide or > MaxPeriodsOnASide) return new(nameof(PeriodsBefore), I(PeriodsBefore), sides);
        if (PeriodsAfter is < MinPeriodsOnASide or > MaxPeriodsOnASide) return new(nameof(PeriodsAfter), I(PeriodsAfter), sides);
        foreach (var (name, value) in new[] { (nameof(LevelChange), LevelChange), (nameof(SlopeChange), SlopeChange), (nameof(Intercept), Intercept), (nameof(Trend), Trend) })
            if (!double.IsFinite(value)) return new(name, S(value), "must be a finite number");
        if (!(Math.Abs(Rho) < 1)) return new(nameof(Rho), S(Rho), "must be between -1 and 1, both excluded (the errors are a stationary AR(1))");
        if (!(InnovationSd > 0) || !double.IsFinite(InnovationSd)) return new(nameof(InnovationSd), S(InnovationSd), "must be a positive number");
        if (Replicates is < 1 or > MaxReplicates) return new(nameof(Replicates), I(Replicates), $"must be 1 to {MaxReplicates:N0}");
        if (!(Alpha is > 0 and < 1)) return new(nameof(Alpha), S(Alpha), "must be between 0 and 1, both excluded");
        if (!Impact.IsSegmented()) return new(nameof(Impact), Impact.Name(), "must be level+slope, level or slope (the scenario simulates level and slope changes)");
        return null;
    }
}

/// <summary>A scenario value that cannot be simulated.</summary>
/// <param name="Property">The <see cref="PowerScenario"/> property holding it.</param>
/// <param name="Value">The value, as text.</param>
/// <param name="Reason">What it must be.</param>
public sealed record ScenarioProblem(string Property, string Value, string Reason)
{
    /// <summary>"Property = value: reason".</summary>
    public override string ToString() => $"{Property} = {Value}: {Reason}";
}

/// <summary>How one interruption term fared over the replicates that were fitted.</summary>
/// <param name="Term"><c>level1</c> or <c>slope1</c>.</param>
/// <param name="TrueValue">The value the series were simulated with.</param>
/// <param name="Power">Share of fits with p &lt; alpha (the type I error rate when the true value is 0).</param>
/// <param name="MonteCarloSe">sqrt(power (1 - power) / fits): the simulation's own uncertainty about the power.</param>
/// <param name="MeanEstimate">Mean of the estimates.</param>
/// <param name="EmpiricalSd">Standard deviation of the estimates (n - 1 denominator); null with fewer than two fits.</param>
/// <param name="MeanStdError">Mean of the model's standard errors; near <paramref name="EmpiricalSd"/> when the error model is right.</param>
/// <param name="Coverage">Share of fits whose 95% CI holds the true value.</param>
public sealed record TermPower(string Term, double TrueValue, double Power, double MonteCarloSe, double MeanEstimate, double? EmpiricalSd,
    double MeanStdError, double Coverage);

/// <summary>The result of <see cref="PowerSimulation.Run(PowerScenario, int)"/>.</summary>
public sealed record PowerResult
{
    /// <summary>The scenario simulated.</summary>
    public required PowerScenario Scenario { get; init; }

    /// <summary>Number of simulated series.</summary>
    public required int Replicates { get; init; }

    /// <summary>Replicates whose fit was refused (<see cref="ItsException"/>); they are left out of every figure.</summary>
    public required int Failed { get; init; }

    /// <summary>The message of the first failed fit, in replicate order; null when none failed.</summary>
    public string? FirstFailure { get; init; }

    /// <summary>One entry per interruption term of the fitted model, in design order.</summary>
    public required IReadOnlyList<TermPower> Terms { get; init; }

    /// <summary>Replicates that were fitted.</summary>
    public int Fitted => Replicates - Failed;

    /// <summary>The entry of a term.</summary>
    /// <exception cref="KeyNotFoundException">The fitted model has no such term.</exception>
    public TermPower this[string term] =>
        Terms.FirstOrDefault(t => t.Term == term) ?? throw new KeyNotFoundException($"no term {term} in the fitted model");
}

/// <summary>
/// Power of an ITS study by simulation: draws <see cref="PowerScenario.Replicates"/> series of the
/// scenario, fits each with the kit's own <see cref="ItsModel"/>, and reports for each interruption
/// term the share of significant tests, the mean estimate, its empirical SD, the mean model SE and
/// the coverage of the 95% CI.
/// </summary>
public static class PowerSimulation
{
    /// <summary>
    /// Runs the simulation. Replicate i draws from its own Mersenne Twister seeded from
    /// (<see cref="PowerScenario.Seed"/>, i), and the replicates are summed in their order, so the
    /// result is the same, bit for bit, whatever the number of threads.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="maxDegreeOfParallelism">Most replicates fitted at once; -1 (the default) lets the runtime choose. The result does not depend on it.</param>
    /// <exception cref="ItsException">The scenario cannot be simulated, its model cannot be fitted, or every replicate's fit failed.</exception>
    public static PowerResult Run(PowerScenario scenario, int maxDegreeOfParallelism = -1) =>
        Run(scenario, maxDegreeOfParallelism, shared: scenario is not null && SharedDesign.Supports(scenario.Errors));

    /// <summary>
    /// <see cref="Run(PowerScenario, int)"/>, fitting the replicates with one decomposition of the
    /// design they all share (<see cref="SharedDesign"/>: the same coefficients as single fits,
    /// without their diagnostics and effects) when <paramref name="shared"/> is true, else each
    /// with its own <see cref="ItsModel"/>. The error model must have a batch path for the former.
    /// </summary>
    internal static PowerResult Run(PowerScenario scenario, int maxDegreeOfParallelism, bool shared)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (maxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be -1 or positive");
        if (scenario.Problem() is { } problem) throw new ItsException($"power scenario: {problem}");
        var spec = scenario.Spec;
        int n = scenario.PeriodsBefore + scenario.PeriodsAfter;
        var periods = Enumerable.Range(0, n).Select(scenario.Start.Add).ToArray();
        var mean = Enumerable.Range(0, n).Select(scenario.Mean).ToArray();
        // A design the model refuses fails every replicate the same way: refuse it once, up front.
        var model = new ItsModel(new TimeSeries(periods, mean), spec);
        var design = model.X;
        if (design.RowCount <= design.ColumnCount)
            throw new ItsException($"the fitted model has {design.ColumnCount} parameters but the scenario has only {design.RowCount} periods; add periods or drop seasonal terms");
        var terms = scenario.Terms;

        var draws = new Draw[scenario.Replicates];
        try
        {
            if (shared) FitShared();
            else Parallel.For(0, draws.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i => draws[i] = FitOne(i));
        }
        catch (AggregateException e)
        {
            // Anything but ItsException is a fault of the kit: let it surface as itself.
            ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]);
        }

        var fitted = draws.Where(d => d.Coefficients is not null).Select(d => d.Coefficients!).ToArray();
        string? firstFailure = draws.FirstOrDefault(d => d.Failure is not null).Failure;
        if (fitted.Length == 0)
            throw new ItsException($"every one of the {draws.Length} fits failed; the first: {firstFailure}");
        return new PowerResult
        {
            Scenario = scenario,
            Replicates = draws.Length,
            Failed = draws.Length - fitted.Length,
            FirstFailure = firstFailure,
            Terms = terms.Select((term, j) => Summarise(term, scenario.TrueValue(term), fitted.Select(c => c[j]).ToArray(), scenario.Alpha)).ToArray(),
        };

        // Replicate i's series: its own random stream.
        double[] Simulate(int i)
        {
            var y = StationaryAr1.Sample(new MersenneTwister(ReplicateSeed(scenario.Seed, i), threadSafe: false), n, scenario.Rho, scenario.InnovationSd);
            for (int t = 0; t < n; t++) y[t] += mean[t];
            return y;
        }

        Draw FitOne(int i)
        {
            try
            {
                var fit = new ItsModel(new TimeSeries(periods, Simulate(i)), spec).Fit();
                return new Draw(terms.Select(term => fit[term]).ToArray(), null);
            }
            catch (ItsException e)
            {
                return new Draw(null, e.Message);
            }
        }

        // A block of replicates at a time, so that a million replicates hold one block's fits; a
        // replicate the batch path refuses has the single fit's exception message as its note.
        void FitShared()
        {
            SharedDesign shared;
            try
            {
                shared = new SharedDesign(design, model.Design.Terms, spec.Errors);
            }
            catch (ItsException e)
            {
                // A singular design: every single fit would fail with this message.
                Array.Fill(draws, new Draw(null, e.Message));
                return;
            }
            var columns = terms.Select(model.Design.IndexOf).ToArray();
            for (int first = 0; first < draws.Length; first += BlockSize)
            {
                int count = Math.Min(BlockSize, draws.Length - first);
                var block = new BatchResult(shared.Terms, count);
                SharedDesign.ForEachRange(count, maxDegreeOfParallelism, (from, to) =>
                {
                    var work = new SharedDesign.Workspace(shared);
                    for (int i = from; i < to; i++) shared.Fit(Simulate(first + i), block, i, work);
                });
                for (int i = 0; i < count; i++)
                    draws[first + i] = block.Status(i) == UnitStatus.Ok
                        ? new Draw(columns.Select(j => block.Coefficient(i, j)).ToArray(), null)
                        : new Draw(null, block.Note(i));
            }
        }
    }

    // Replicates fitted together by the batch path: their fits cost a few hundred kilobytes.
    private const int BlockSize = 8192;

    // One replicate: the interruption terms of its fit, or why the fit was refused.
    private readonly record struct Draw(Coefficient[]? Coefficients, string? Failure);

    // Plain loops in replicate order: the sums, and so the result, do not depend on the threads.
    private static TermPower Summarise(string term, double truth, Coefficient[] fits, double alpha)
    {
        int r = fits.Length, significant = 0, covered = 0;
        double sumEstimate = 0, sumSe = 0;
        foreach (var c in fits)
        {
            if (c.PValue < alpha) significant++;
            if (c.Ci.Lower <= truth && truth <= c.Ci.Upper) covered++;
            sumEstimate += c.Estimate;
            sumSe += c.StdError;
        }
        double meanEstimate = sumEstimate / r, squares = 0;
        foreach (var c in fits) squares += (c.Estimate - meanEstimate) * (c.Estimate - meanEstimate);
        double power = significant / (double)r;
        return new TermPower(term, truth, power, Math.Sqrt(power * (1 - power) / r), meanEstimate,
            r > 1 ? Math.Sqrt(squares / (r - 1)) : null, sumSe / r, covered / (double)r);
    }

    // Replicate i's seed: MurmurHash3's 32-bit finaliser (Appleby), a bijection that scatters
    // neighbouring inputs, of the scattered seed plus i, so the replicates of a run get distinct seeds.
    private static int ReplicateSeed(int seed, int replicate) => unchecked((int)Mix(Mix((uint)seed) + (uint)replicate));

    private static uint Mix(uint h)
    {
        unchecked
        {
            h ^= h >> 16;
            h *= 0x85EBCA6B;
            h ^= h >> 13;
            h *= 0xC2B2AE35;
            h ^= h >> 16;
            return h;
        }
    }
}
