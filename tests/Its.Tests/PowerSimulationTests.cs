using Its.Model;
using Its.Robustness;
using Its.Time;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Its.Tests;

/// <summary>
/// Power by simulation: under independent errors and OLS the rejection rates match what the t test
/// promises (alpha under the null, the noncentral t power otherwise) within 4 Monte Carlo SEs; the
/// result depends on the seed and nothing else; bad scenarios are refused; and Newey-West intervals
/// in a short autocorrelated series are shown to under-cover.
/// </summary>
public sealed class PowerSimulationTests
{
    // 4 Monte Carlo SEs: a correct simulation lands outside about once in 16,000 seeds.
    private const double McSes = 4;

    private static readonly PowerScenario Null = new() { PeriodsBefore = 12, PeriodsAfter = 12, Replicates = 2000, Seed = 7 };

    [Fact]
    public void Rejects_a_true_null_at_the_rate_alpha()
    {
        var result = PowerSimulation.Run(Null);
        double se = Math.Sqrt(0.05 * 0.95 / Null.Replicates);
        Assert.Equal(0, result.Failed);
        foreach (var t in result.Terms)
        {
            Assert.InRange(t.Power, 0.05 - McSes * se, 0.05 + McSes * se);
            Assert.InRange(t.Coverage, 0.95 - McSes * se, 0.95 + McSes * se);
            Assert.InRange(t.MeanEstimate, -McSes * t.EmpiricalSd!.Value / Math.Sqrt(result.Fitted), McSes * t.EmpiricalSd!.Value / Math.Sqrt(result.Fitted));
        }
    }

    [Fact]
    public void Matches_the_exact_power_of_the_t_test_under_independent_errors()
    {
        var scenario = Null with { LevelChange = 2.5, SlopeChange = 0.3, InnovationSd = 1.1, Intercept = 50, Trend = 0.4, Replicates = 1000 };
        var result = PowerSimulation.Run(scenario);
        var inverse = ExactInverse(scenario);
        int df = scenario.PeriodsBefore + scenario.PeriodsAfter - 4;
        foreach (var (term, j) in new[] { ("level1", 2), ("slope1", 3) })
        {
            double delta = scenario.TrueValue(term) / (scenario.InnovationSd * Math.Sqrt(inverse[j, j]));
            double exact = TTestPower(df, delta, scenario.Alpha);
            var t = result[term];
            Assert.InRange(t.Power, exact - McSes * t.MonteCarloSe, exact + McSes * t.MonteCarloSe);
            // The estimates scatter as the exact OLS variance sigma^2 (X'X)^-1_jj says.
            Assert.InRange(t.EmpiricalSd!.Value / (scenario.InnovationSd * Math.Sqrt(inverse[j, j])), 0.9, 1.1);
        }
    }

    [Fact]
    public void The_quadrature_gives_alpha_when_there_is_no_effect()
    {
        foreach (int df in new[] { 3, 20, 200 })
            Assert.Equal(0.05, TTestPower(df, 0, 0.05), 1e-9);
        // A two-sided test has the same power against delta and -delta.
        Assert.Equal(TTestPower(20, 1.7, 0.05), TTestPower(20, -1.7, 0.05), 1e-12);
    }

    [Fact]
    public void Gives_the_same_result_for_the_same_seed_whatever_the_threads()
    {
        var scenario = Null with { LevelChange = 1, SlopeChange = 0.1, Rho = 0.4, Errors = ErrorModel.Parse("prais"), Replicates = 200 };
        var one = PowerSimulation.Run(scenario, maxDegreeOfParallelism: 1);
        var again = PowerSimulation.Run(scenario, maxDegreeOfParallelism: 1);
        var many = PowerSimulation.Run(scenario, maxDegreeOfParallelism: 4);
        foreach (var other in new[] { again, many })
        {
            Assert.Equal(one.Failed, other.Failed);
            Assert.Equal(Bits(one), Bits(other));
        }
        Assert.NotEqual(Bits(one), Bits(PowerSimulation.Run(scenario with { Seed = 8 })));
    }

    // Error model, seasonality, rho, periods on each side, replicates.
    public static TheoryData<string, string, double, int, int> SharedCases => new()
    {
        { "ols", "none", 0.4, 12, 300 }, { "ols", "month", 0.4, 18, 300 },
        { "newey:3", "none", 0.5, 24, 300 }, { "newey:3", "month", 0.5, 24, 300 },
        { "prais", "none", 0.4, 12, 300 }, { "prais", "month", 0.4, 18, 300 },
        { "hc3", "fourier:2", 0, 12, 300 }, { "cochrane-orcutt", "none", 0.6, 12, 300 },
        // Short and nearly a random walk: some replicates' residual rho leaves (-1, 1) and the fit is refused.
        { "prais", "none", 0.995, 3, 400 },
    };

    /// <summary>
    /// The batch path gives what a full fit of every replicate gives: the same failures with the
    /// same first message, the same counts (power, coverage), and means and SDs within 1e-10
    /// relative (the two paths compute the same formulas in a different order).
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedCases))]
    public void The_shared_design_path_gives_what_single_fits_give(string errors, string seasonality, double rho, int side, int replicates)
    {
        const double tolerance = 1e-10;
        var scenario = new PowerScenario
        {
            PeriodsBefore = side, PeriodsAfter = side, LevelChange = 1, SlopeChange = 0.1, Rho = rho, Replicates = replicates, Seed = 5,
            Errors = ErrorModel.Parse(errors), Seasonality = Seasonality.Parse(seasonality),
        };
        var shared = PowerSimulation.Run(scenario, -1, shared: true);
        var single = PowerSimulation.Run(scenario, -1, shared: false);
        Assert.Equal(single.Failed, shared.Failed);
        Assert.Equal(single.FirstFailure, shared.FirstFailure);
        Assert.Equal(single.Terms.Select(t => t.Term), shared.Terms.Select(t => t.Term));
        foreach (var (a, b) in single.Terms.Zip(shared.Terms))
        {
            Assert.Equal(a.Power, b.Power);
            Assert.Equal(a.Coverage, b.Coverage);
            Assert.Equal(a.MeanEstimate, b.MeanEstimate, tolerance * a.EmpiricalSd!.Value);
            Assert.Equal(a.EmpiricalSd!.Value, b.EmpiricalSd!.Value, tolerance * a.EmpiricalSd!.Value);
            Assert.Equal(a.MeanStdError, b.MeanStdError, tolerance * a.MeanStdError);
        }
    }

    [Theory]
    [InlineData("ols")]
    [InlineData("prais")]
    public void Both_paths_refuse_a_singular_design_with_the_single_fit_message(string errors)
    {
        // 24 months with 11 month dummies and level and slope terms: month12 is collinear with the rest.
        var scenario = Null with { Seasonality = Seasonality.MonthDummies, Errors = ErrorModel.Parse(errors), Replicates = 10 };
        string shared = Assert.Throws<ItsException>(() => PowerSimulation.Run(scenario, -1, shared: true)).Message;
        Assert.Equal(Assert.Throws<ItsException>(() => PowerSimulation.Run(scenario, -1, shared: false)).Message, shared);
        Assert.Contains("every one of the 10 fits failed; the first: the design is singular", shared, StringComparison.Ordinal);
    }

    private static long[] Bits(PowerResult r) => r.Terms
        .SelectMany(t => new[] { t.Power, t.MonteCarloSe, t.MeanEstimate, t.EmpiricalSd!.Value, t.MeanStdError, t.Coverage })
        .Select(BitConverter.DoubleToInt64Bits).ToArray();

    // Name, scenario, what the message says.
    private static readonly Dictionary<string, (PowerScenario Scenario, string Message)> Bad = new()
    {
        ["no replicates"] = (Null with { Replicates = 0 }, "Replicates = 0: must be 1 to 1,000,000"),
        ["rho 1"] = (Null with { Rho = 1 }, "Rho = 1: must be between -1 and 1"),
        ["rho -1.5"] = (Null with { Rho = -1.5 }, "Rho = -1.5: must be between -1 and 1"),
        ["rho NaN"] = (Null with { Rho = double.NaN }, "Rho = NaN"),
        ["sd 0"] = (Null with { InnovationSd = 0 }, "InnovationSd = 0: must be a positive number"),
        ["sd infinite"] = (Null with { InnovationSd = double.PositiveInfinity }, "InnovationSd = Infinity: must be a positive number"),
        ["2 periods before"] = (Null with { PeriodsBefore = 2 }, "PeriodsBefore = 2: must be 3 to 5,000"),
        ["2 periods after"] = (Null with { PeriodsAfter = 2 }, "PeriodsAfter = 2: must be 3 to 5,000"),
        ["alpha 0"] = (Null with { Alpha = 0 }, "Alpha = 0: must be between 0 and 1"),
        ["alpha 1"] = (Null with { Alpha = 1 }, "Alpha = 1: must be between 0 and 1"),
        ["level NaN"] = (Null with { LevelChange = double.NaN }, "LevelChange = NaN: must be a finite number"),
        ["month dummies on quarters"] = (Null with { Frequency = Frequency.Quarter, Seasonality = Seasonality.MonthDummies }, "needs monthly data"),
        ["more parameters than periods"] = (Null with { PeriodsBefore = 3, PeriodsAfter = 3, Seasonality = Seasonality.MonthDummies }, "15 parameters but the scenario has only 6 periods"),
        ["every fit fails"] = (Null with { Frequency = Frequency.Year, Errors = ErrorModel.Parse("arima:1,0,0:1,0,0"), Replicates = 5 }, "every one of the 5 fits failed; the first: arima:1,0,0:1,0,0: seasonal ARIMA orders need monthly"),
    };

    public static TheoryData<string> BadNames() => [.. Bad.Keys];

    [Theory]
    [MemberData(nameof(BadNames))]
    public void Refuses_a_bad_scenario_with_a_message(string name)
    {
        var (scenario, message) = Bad[name];
        var e = Assert.Throws<ItsException>(() => PowerSimulation.Run(scenario));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_out_the_fits_that_fail_and_keeps_the_first_message()
    {
        // REML puts rho at the stationarity boundary in some short, strongly autocorrelated series,
        // where the Satterthwaite df are undefined and the fit is refused.
        var scenario = Null with { Rho = 0.8, Errors = ErrorModel.Parse("gls-ar:1:satterthwaite"), Replicates = 60 };
        var result = PowerSimulation.Run(scenario);
        Assert.InRange(result.Failed, 1, result.Replicates - 2);
        Assert.Contains("Satterthwaite degrees of freedom are undefined", result.FirstFailure);
        Assert.All(result.Terms, t => Assert.InRange(t.Coverage, 0, 1));
    }

    [Fact]
    public void Reports_the_terms_of_the_fitted_impact_only()
    {
        var result = PowerSimulation.Run(Null with { Impact = Impact.Slope, SlopeChange = 0.2, Replicates = 20 });
        Assert.Equal(["slope1"], result.Terms.Select(t => t.Term));
        Assert.Equal(0.2, result["slope1"].TrueValue);
    }

    [Fact]
    public void Shows_that_newey_west_intervals_under_cover_in_a_short_autocorrelated_series()
    {
        // Turner et al. (2021) and bench/README.md: with n = 48 and rho 0.4, Newey-West intervals
        // cover the level change about 82% of the time; with lag 3 and rho 0.5 it is no better.
        var scenario = new PowerScenario
        {
            PeriodsBefore = 24, PeriodsAfter = 24, LevelChange = 1, SlopeChange = 0.1, Rho = 0.5,
            Errors = ErrorModel.Parse("newey:3"), Replicates = 400, Seed = 3,
        };
        var result = PowerSimulation.Run(scenario);
        foreach (var t in result.Terms)
            Assert.True(t.Coverage + McSes * Math.Sqrt(t.Coverage * (1 - t.Coverage) / result.Fitted) < 0.95, $"{t.Term} covers {t.Coverage}");
    }

    // (X'X)^-1 of the scenario's design (intercept, time, level1, slope1), built independently of the
    // simulation's time coding: time = 0..n-1, level1 = 1 and slope1 = t - before from the interruption on.
    private static double[,] ExactInverse(PowerScenario s)
    {
        int n = s.PeriodsBefore + s.PeriodsAfter;
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, 4, (t, j) => j switch
        {
            0 => 1,
            1 => t,
            2 => t >= s.PeriodsBefore ? 1 : 0,
            _ => t >= s.PeriodsBefore ? t - s.PeriodsBefore : 0,
        });
        return x.TransposeThisAndMultiply(x).Inverse().ToArray();
    }

    /// <summary>
    /// Power of the two-sided t test at level alpha, P(|T| &gt; t(1 - alpha/2, df)) for T noncentral
    /// t with df and noncentrality delta. T = (Z + delta) / sqrt(V / df) with V ~ chi-square(df), so
    /// the power is the integral over v of the chi-square density times
    /// Phi(delta - c sqrt(v/df)) + Phi(-delta - c sqrt(v/df)); MathNet's adaptive Gauss-Kronrod
    /// quadrature (61 points, relative error 1e-12) evaluates it on [0, infinity).
    /// </summary>
    private static double TTestPower(int df, double delta, double alpha)
    {
        double c = StudentT.InvCDF(0, 1, df, 1 - alpha / 2);
        double Integrand(double v)
        {
            double s = c * Math.Sqrt(v / df);
            return ChiSquared.PDF(df, v) * (Normal.CDF(0, 1, delta - s) + Normal.CDF(0, 1, -delta - s));
        }
        return Integrate.GaussKronrod(Integrand, 0, double.PositiveInfinity, 1e-12, 20, 61);
    }
}
