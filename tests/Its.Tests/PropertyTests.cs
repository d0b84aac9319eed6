using Its.Model;
using Its.Time;
using MathNet.Numerics.Distributions;

namespace Its.Tests;

/// <summary>Invariances every estimator must have, and recovery of known parameters from simulated series.</summary>
public sealed class PropertyTests
{
    private static readonly string[] ErrorModels = ["ols", "hc3", "newey:3", "newey:auto", "newey:r-default", "prais", "cochrane-orcutt"];

    public static TheoryData<string> Errors() => new(ErrorModels);

    private static readonly Period Start = Period.Month(2016, 1);

    /// <summary>n months from 2016-01 with AR(1) noise and a break at month index 21 (2017-10), or at <paramref name="breakAt"/>.</summary>
    private static TimeSeries Simulate(int seed, double rho = 0.4, int n = 48, int breakAt = 21, double level = -3, double slope = -0.2)
    {
        var random = new Random(seed);
        var normal = new Normal(0, 1, random);
        double u = normal.Sample() / Math.Sqrt(1 - rho * rho);
        var y = new double[n];
        for (int t = 0; t < n; t++)
        {
            if (t > 0) u = rho * u + normal.Sample();
            y[t] = 50 + 0.3 * t + (t >= breakAt ? level + slope * (t - breakAt) : 0) + 2 * Math.Sin(2 * Math.PI * (t % 12 + 1) / 12) + u;
        }
        return new TimeSeries(Enumerable.Range(0, n).Select(Start.Add).ToArray(), y);
    }

    private static ItsSpec Spec(string errors) => new()
    {
        Interruptions = [Period.Month(2017, 10)],
        Seasonality = Seasonality.Fourier(1),
        Errors = ErrorModel.Parse(errors),
    };

    private static TimeSeries Map(TimeSeries s, Func<double, double> f) => new(s.Periods, s.Outcome.Select(f).ToArray());

    [Theory]
    [MemberData(nameof(Errors))]
    public void Scaling_y_scales_estimates_and_standard_errors(string errors)
    {
        var series = Simulate(1);
        var a = new ItsModel(series, Spec(errors)).Fit();
        var b = new ItsModel(Map(series, y => -3.5 * y), Spec(errors)).Fit();
        foreach (var (ca, cb) in a.Coefficients.Zip(b.Coefficients))
        {
            Assert.Equal(-3.5 * ca.Estimate, cb.Estimate, 1e-9 * Math.Max(1, Math.Abs(cb.Estimate)));
            Assert.Equal(3.5 * ca.StdError, cb.StdError, 1e-9 * cb.StdError);
            Assert.Equal(ca.PValue, cb.PValue, 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Adding_a_constant_moves_only_the_intercept(string errors)
    {
        var series = Simulate(2);
        var a = new ItsModel(series, Spec(errors)).Fit();
        var b = new ItsModel(Map(series, y => y + 1000), Spec(errors)).Fit();
        Assert.Equal(a["intercept"].Estimate + 1000, b["intercept"].Estimate, 1e-8);
        foreach (var (ca, cb) in a.Coefficients.Zip(b.Coefficients).Skip(1))
        {
            Assert.Equal(ca.Estimate, cb.Estimate, 1e-8);
            Assert.Equal(ca.StdError, cb.StdError, 1e-8);
        }
    }

    /// <summary>
    /// Mean estimates recover the truth, and the slope-change CI covers it at the rate expected for
    /// the estimator. Newey-West undercovers in short autocorrelated series: R's
    /// <c>NeweyWest(lag = 3, prewhite = FALSE, adjust = TRUE)</c> on this design (AR(1) rho 0.4, 96
    /// months, 2,000 replicates; tests/reference/property-coverage.R) covers 85.0% (Monte Carlo SE
    /// 0.8 points); an R Prais-Winsten iteration as Stata's covers 91.5% (0.6) (FGLS standard errors
    /// ignore the estimation of rho). With 600 replicates the Monte Carlo SE of the kit's coverage is
    /// about 1.5 and 1.1 points; the bands hold the R value within 2.4 to 3.5 of those SEs.
    /// </summary>
    [Theory]
    [InlineData("newey:3", 0.80, 0.885)]
    [InlineData("prais", 0.88, 0.955)]
    public void Known_parameters_are_recovered(string errors, double coverageLow, double coverageHigh)
    {
        const int replicates = 600;
        int covered = 0;
        double sumLevel = 0, sumSlope = 0;
        for (int seed = 0; seed < replicates; seed++)
        {
            var r = new ItsModel(Simulate(1000 + seed, rho: 0.4, n: 96, breakAt: 48), Spec(errors) with { Interruptions = [Start.Add(48)] }).Fit();
            sumLevel += r["level1"].Estimate;
            sumSlope += r["slope1"].Estimate;
            var ci = r["slope1"].Ci;
            if (ci.Lower <= -0.2 && -0.2 <= ci.Upper) covered++;
        }
        // Monte Carlo SE of the mean level change is about 0.04 and of the slope change 0.002.
        Assert.InRange(sumLevel / replicates, -3 - 0.2, -3 + 0.2);
        Assert.InRange(sumSlope / replicates, -0.2 - 0.01, -0.2 + 0.01);
        Assert.InRange(covered / (double)replicates, coverageLow, coverageHigh);
    }
}
