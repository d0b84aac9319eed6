// Coverage benchmark, C# side (Turner et al. 2021 design; bench/coverage.R is the R side): for
// n in {24, 48, 100} and AR(1) rho in {0, 0.4, 0.8}, 1000 series with a level and a slope change
// at the midpoint and errors of unit marginal variance; bias, empirical SE and 95% CI coverage of
// the level and slope change for each method. Writes bench/results/coverage-cs.csv.
// Run from the repository root: dotnet run -c Release --project bench/Coverage [replicates]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Its.Estimation;
using Its.Model;
using Its.Robustness;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

int replicates = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
double[] truth = [1, 0.1];
string[] terms = ["intercept", "time", "level1", "slope1"];

// Each method: estimates, SEs and df (null for z) of level1 and slope1.
var methods = new (string Name, Func<Matrix<double>, Vector<double>, (double[] B, double[] Se, double[]? Df)> Fit)[]
{
    ("ols", (x, y) => { var f = new LeastSquares(x, y, terms); return Pick(f.Coefficients, f.ClassicalCovariance(), f.DfResidual); }),
    ("newey:1", (x, y) => { var f = new LeastSquares(x, y, terms); return Pick(f.Coefficients, Sandwich.NeweyWest(f, NeweyWestCovariance.Stata(1), out _), f.DfResidual); }),
    ("prais", (x, y) => { var f = AutoregressiveFgls.Fit(x, y, terms, AutoregressiveErrors.PraisWinsten).Transformed; return Pick(f.Coefficients, f.ClassicalCovariance(), f.DfResidual); }),
    ("gls-ar:1", (x, y) => { var f = GlsArma.Fit(x, y, terms, 1, 0, LikelihoodMethod.Reml); return Pick(f.Coefficients, f.Covariance, f.DfResidual); }),
    ("gls-ar:1:satterthwaite", (x, y) =>
    {
        var f = GlsArma.Fit(x, y, terms, 1, 0, LikelihoodMethod.Reml);
        double Df(int j) => f.SatterthwaiteDf(Vector<double>.Build.Dense(4, i => i == j ? 1 : 0));
        return ([f.Coefficients[2], f.Coefficients[3]], [Math.Sqrt(f.Covariance[2, 2]), Math.Sqrt(f.Covariance[3, 3])], [Df(2), Df(3)]);
    }),
    ("arima:1,0,0", (x, y) => { var f = ArimaRegression.Fit(x, y, terms, 1, 0, 0); return Pick(f.Coefficients, f.Covariance, null); }),
};

var random = new MersenneTwister(20211001);
var rows = new StringBuilder("n,rho,method,parameter,bias,empirical_se,coverage,failures\n");
var clock = Stopwatch.StartNew();
var perMethod = methods.ToDictionary(m => m.Name, _ => new Stopwatch());
foreach (int n in new[] { 24, 48, 100 })
    foreach (double rho in new[] { 0.0, 0.4, 0.8 })
    {
        var x = Design(n);
        var mean = x * Vector<double>.Build.DenseOfArray([10, 0.1, truth[0], truth[1]]);
        var series = Enumerable.Range(0, replicates).Select(_ => mean + Ar1(random, n, rho)).ToArray();
        foreach (var (name, fit) in methods)
        {
            var estimates = new List<double>[] { [], [] };
            var covered = new int[2];
            int failures = 0;
            perMethod[name].Start();
            foreach (var y in series)
            {
                (double[] B, double[] Se, double[]? Df) r;
                try { r = fit(x, y); }
                catch (ItsException) { failures++; continue; }
                if (r.Df is { } dfs && dfs.Any(d => !(d > 0) || !double.IsFinite(d))) { failures++; continue; }
                for (int j = 0; j < 2; j++)
                {
                    double q = r.Df is { } df ? Its.Results.CriticalValue.T(df[j]) : Normal.InvCDF(0, 1, 0.975);
                    estimates[j].Add(r.B[j]);
                    if (Math.Abs(r.B[j] - truth[j]) <= q * r.Se[j]) covered[j]++;
                }
            }
            perMethod[name].Stop();
            for (int j = 0; j < 2; j++)
            {
                var e = estimates[j];
                double m = e.Average();
                double sd = Math.Sqrt(e.Sum(v => (v - m) * (v - m)) / (e.Count - 1));
                rows.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{n},{rho},\"{name}\",{(j == 0 ? "level" : "slope")},{m - truth[j]},{sd},{covered[j] / (double)e.Count},{failures}\n"));
            }
        }
    }
clock.Stop();
Directory.CreateDirectory(Path.Combine("bench", "results"));
File.WriteAllText(Path.Combine("bench", "results", "coverage-cs.csv"), rows.ToString());
string parts = string.Join(", ", perMethod.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value.Elapsed.TotalSeconds:F1} s")));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"C#: {replicates} replicates per cell, {clock.Elapsed.TotalSeconds:F1} s ({parts})"));

static (double[] B, double[] Se, double[]? Df) Pick(Vector<double> b, Matrix<double> v, int? df) =>
    ([b[2], b[3]], [Math.Sqrt(v[2, 2]), Math.Sqrt(v[3, 3])], df is { } d ? [d, d] : null);

// The kit's own time coding: intercept, time, level1, slope1 with the interruption at the midpoint.
static Matrix<double> Design(int n)
{
    var start = Its.Time.Period.Month(2000, 1);
    var series = new TimeSeries(Enumerable.Range(0, n).Select(start.Add).ToArray(), new double[n]);
    return Its.Model.Design.Build(series, new ItsSpec { Interruptions = [start.Add(n / 2)] }).Full;
}

// Stationary AR(1) with unit marginal variance: innovations of SD sqrt(1 - rho^2).
static Vector<double> Ar1(Random random, int n, double rho) =>
    Vector<double>.Build.DenseOfArray(StationaryAr1.Sample(random, n, rho, Math.Sqrt(1 - rho * rho)));
