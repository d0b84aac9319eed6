using Its.Model;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Estimation;

/// <summary>One model the order search fitted, in the order it was tried.</summary>
/// <param name="P">AR order.</param>
/// <param name="D">Differencing order.</param>
/// <param name="Q">MA order.</param>
/// <param name="SeasonalP">Seasonal AR order.</param>
/// <param name="SeasonalD">Seasonal differencing order.</param>
/// <param name="SeasonalQ">Seasonal MA order.</param>
/// <param name="Constant">With a mean (d + D = 0) or a drift (d + D = 1).</param>
/// <param name="Aicc">The AICc, or positive infinity where the fit failed or was rejected (a root
/// of modulus below 1.01, a negative variance, a non-stationary CSS start), as forecast's <c>myarima</c>.</param>
/// <param name="Rejected">Why the AICc is infinite; null when it is not.</param>
public sealed record ArimaCandidate(int P, int D, int Q, int SeasonalP, int SeasonalD, int SeasonalQ, bool Constant, double Aicc, string? Rejected = null)
{
    /// <summary>The model as forecast writes it, e.g. ARIMA(2,1,0)(0,1,1)[12] with drift, ARIMA(1,0,0) with zero mean.</summary>
    public string Describe(int period) =>
        $"ARIMA({P},{D},{Q})" + (SeasonalP + SeasonalD + SeasonalQ > 0 ? $"({SeasonalP},{SeasonalD},{SeasonalQ})[{period}]" : "")
        + (D + SeasonalD == 0 ? Constant ? " with mean" : " with zero mean" : Constant ? " with drift" : "");
}

/// <summary>
/// The choice of <c>forecast::auto.arima(y, xreg, seasonal.test = "ocsb", approximation = FALSE)</c>:
/// the orders of differencing by unit root tests on the residuals of y on the regressors, then a
/// stepwise search of p, q, P, Q and the constant by AICc.
/// </summary>
/// <param name="Period">The seasonal period (1 for annual data: no seasonal part).</param>
/// <param name="Kpss">The KPSS statistics that chose d (at d = 0, 1, ...); empty when d was not tested.</param>
/// <param name="Ocsb">The OCSB test that chose D; null when it was not run.</param>
/// <param name="Candidates">Every model fitted, in the order tried.</param>
/// <param name="Chosen">The model of smallest AICc.</param>
/// <param name="Notes">How the differencing was decided where a rule, not a test, decided it.</param>
public sealed record ArimaOrderSearch(int Period, IReadOnlyList<double> Kpss, OcsbTest? Ocsb, IReadOnlyList<ArimaCandidate> Candidates, ArimaCandidate Chosen, IReadOnlyList<string> Notes)
{
    private const int MaxModels = 94;

    /// <summary>
    /// Searches as auto.arima with its defaults (max p, q = 5, max P, Q = 2, d &lt;= 2, D &lt;= 1,
    /// start (2, 2)(1, 1), at most 94 models), each candidate fitted by exact ML from its CSS
    /// estimates (R's "CSS-ML"), and returns the search and the chosen fit.
    /// </summary>
    /// <param name="regressors">The regressors (auto.arima's xreg: no intercept, no trend), n x k.</param>
    /// <param name="terms">Their names.</param>
    /// <param name="y">The outcome; NaN is a missing observation.</param>
    /// <param name="period">The seasonal period, 1 for none.</param>
    /// <exception cref="ItsException">The regressors are rank deficient, or no model could be fitted.</exception>
    public static (ArimaOrderSearch Search, ArimaRegression Fit) Run(Matrix<double> regressors, IReadOnlyList<string> terms, Vector<double> y, int period)
    {
        ArgumentNullException.ThrowIfNull(regressors);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(y);
        int n = y.Count, m = Math.Max(period, 1);
        var notes = new List<string>();
        int length = Enumerable.Range(0, n).Count(i => double.IsFinite(y[i]));
        var columns = Enumerable.Range(0, regressors.ColumnCount).Where(j => !DifferencingTests.IsConstant(regressors.Column(j).ToArray())).ToArray();
        var residuals = Residuals(regressors, terms, y, columns);

        // D by OCSB, unless a rule decides (auto.arima's order of checks).
        int seasonalD = 0;
        OcsbTest? ocsb = null;
        if (m > 1 && n > 2 * m)
        {
            if (residuals.Any(v => !double.IsFinite(v)))
                notes.Add("the OCSB test needs a complete series (R's na.omit fails on missing periods inside it): no seasonal difference");
            else if (!DifferencingTests.IsConstant(residuals) && m < n)
            {
                try
                {
                    ocsb = DifferencingTests.Ocsb(residuals, m);
                    seasonalD = ocsb.Differences ? 1 : 0;
                }
                catch (ItsException e)
                {
                    notes.Add($"{e.Message}: no seasonal difference");
                }
                if (seasonalD == 1 && columns.Any(j => DifferencingTests.IsConstant(DifferencingTests.Difference(regressors.Column(j).ToArray(), m))))
                {
                    seasonalD = 0;
                    notes.Add("a regressor is constant after a seasonal difference: no seasonal difference (auto.arima's rule)");
                }
            }
        }
        var dx = seasonalD > 0 ? DifferencingTests.Difference(residuals, m) : residuals;

        // d by KPSS on the seasonally differenced residuals.
        var kpss = new List<double>();
        int d = DifferencingTests.RegularDifferences(dx, 2, kpss);
        if (d > 0)
        {
            bool constantAfter = columns.Any(j =>
            {
                var c = regressors.Column(j).ToArray();
                if (seasonalD > 0) c = DifferencingTests.Difference(c, m);
                for (int i = 0; i < d; i++) c = DifferencingTests.Difference(c, 1);
                return DifferencingTests.IsConstant(c);
            });
            if (constantAfter)
            {
                d--;
                notes.Add($"a regressor is constant after {d + 1} difference(s): d = {d} (auto.arima's rule)");
            }
        }

        var search = new Searcher(regressors, terms, y, columns, d, seasonalD, m, length);
        var chosen = search.Run();
        if (chosen is null || double.IsPositiveInfinity(chosen.Value.Candidate.Aicc))
            throw new ItsException($"arima:auto: no suitable ARIMA model found among {search.Candidates.Count} candidates (every fit failed or was at a unit root)");
        return (new ArimaOrderSearch(m, kpss, ocsb, search.Candidates, chosen.Value.Candidate, notes), chosen.Value.Fit);
    }

    // lm(y ~ xreg) residuals on the observed rows, NaN elsewhere (auto.arima's xx).
    private static double[] Residuals(Matrix<double> regressors, IReadOnlyList<string> terms, Vector<double> y, int[] columns)
    {
        int n = y.Count;
        var rows = Enumerable.Range(0, n).Where(i => double.IsFinite(y[i])).ToArray();
        var result = Enumerable.Repeat(double.NaN, n).ToArray();
        if (columns.Length == 0)
        {
            double mean = rows.Average(i => y[i]);
            foreach (int i in rows) result[i] = y[i] - mean;
            return result;
        }
        var x = Matrix<double>.Build.Dense(rows.Length, columns.Length + 1, (i, j) => j == 0 ? 1 : regressors[rows[i], columns[j - 1]]);
        var fit = new LeastSquares(x, Vector<double>.Build.Dense(rows.Length, i => y[rows[i]]), ["intercept", .. columns.Select(j => terms[j])]);
        for (int i = 0; i < rows.Length; i++) result[rows[i]] = fit.Residuals[i];
        return result;
    }

    // auto.arima's stepwise search (its loop of neighbours, in its order) over the fits of myarima.
    private sealed class Searcher(Matrix<double> regressors, IReadOnlyList<string> terms, Vector<double> y, int[] columns, int d, int seasonalD, int m, int length)
    {
        private readonly Dictionary<ArimaCandidate, ArimaRegression> _fits = [];

        public List<ArimaCandidate> Candidates { get; } = [];

        public (ArimaCandidate Candidate, ArimaRegression Fit)? Run()
        {
            int maxP = Math.Min(5, length / 3), maxQ = Math.Min(5, length / 3);
            int maxSP = m > 1 ? Math.Min(2, length / 3 / m) : 0, maxSQ = m > 1 ? Math.Min(2, length / 3 / m) : 0;
            if (m > 1)
            {
                if (maxSP > 0) maxP = Math.Min(maxP, m - 1);
                if (maxSQ > 0) maxQ = Math.Min(maxQ, m - 1);
            }
            bool constant = d + seasonalD <= 1;
            bool allowConstant = constant;
            int p = 2, q = 2, sp = 1, sq = 1;
            if (y.Count < 10) { p = 1; q = 1; sp = 0; sq = 0; }
            p = Math.Min(p, maxP); q = Math.Min(q, maxQ); sp = Math.Min(sp, maxSP); sq = Math.Min(sq, maxSQ);

            var best = Try(p, q, sp, sq, constant);
            void Consider(ArimaCandidate c, Action onBetter)
            {
                if (c.Aicc < best.Aicc) { best = c; onBetter(); }
            }
            Consider(Try(0, 0, 0, 0, constant), () => p = q = sp = sq = 0);
            if (maxP > 0 || maxSP > 0)
            {
                int ar = maxP > 0 ? 1 : 0, sar = m > 1 && maxSP > 0 ? 1 : 0;
                Consider(Try(ar, 0, sar, 0, constant), () => { p = ar; sp = sar; q = sq = 0; });
            }
            if (maxQ > 0 || maxSQ > 0)
            {
                int ma = maxQ > 0 ? 1 : 0, sma = m > 1 && maxSQ > 0 ? 1 : 0;
                Consider(Try(0, ma, 0, sma, constant), () => { p = sp = 0; sq = sma; q = ma; });
            }
            if (constant) Consider(Try(0, 0, 0, 0, false), () => p = q = sp = sq = 0);

            int startCount = -1;
            while (startCount < Candidates.Count && Candidates.Count < MaxModels)
            {
                startCount = Candidates.Count;
                // The neighbours in auto.arima's order; the first that improves restarts the loop.
                (int DP, int DQ, int DSP, int DSQ)[] moves =
                [
                    (0, 0, -1, 0), (0, 0, 0, -1), (0, 0, 1, 0), (0, 0, 0, 1),
                    (0, 0, -1, -1), (0, 0, -1, 1), (0, 0, 1, -1), (0, 0, 1, 1),
                    (-1, 0, 0, 0), (0, -1, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0),
                    (-1, -1, 0, 0), (-1, 1, 0, 0), (1, -1, 0, 0), (1, 1, 0, 0),
                ];
                bool improved = false;
                foreach (var (dp, dq, dsp, dsq) in moves)
                {
                    int np = p + dp, nq = q + dq, nsp = sp + dsp, nsq = sq + dsq;
                    if (np < 0 || nq < 0 || nsp < 0 || nsq < 0 || np > maxP || nq > maxQ || nsp > maxSP || nsq > maxSQ) continue;
                    if (Known(np, nq, nsp, nsq, constant)) continue;
                    if (Candidates.Count >= MaxModels) break;
                    var c = Try(np, nq, nsp, nsq, constant);
                    if (c.Aicc < best.Aicc)
                    {
                        best = c;
                        (p, q, sp, sq) = (np, nq, nsp, nsq);
                        improved = true;
                        break;
                    }
                }
                if (improved || !allowConstant || Candidates.Count >= MaxModels) continue;
                if (!Known(p, q, sp, sq, !constant))
                {
                    var c = Try(p, q, sp, sq, !constant);
                    if (c.Aicc < best.Aicc)
                    {
                        best = c;
                        constant = !constant;
                    }
                }
            }
            return _fits.TryGetValue(best, out var fit) ? (best, fit) : null;
        }

        private bool Known(int p, int q, int sp, int sq, bool constant) =>
            Candidates.Any(c => c.P == p && c.Q == q && c.SeasonalP == sp && c.SeasonalQ == sq && c.Constant == constant);

        // forecast's myarima: the fit, and its AICc unless it failed or is near a unit root.
        private ArimaCandidate Try(int p, int q, int sp, int sq, bool constant)
        {
            double aicc = double.PositiveInfinity;
            string? rejected = null;
            ArimaRegression? fit = null;
            try
            {
                var (x, names) = Design(constant);
                var seasonal = sp + seasonalD + sq > 0 ? new SeasonalOrder(sp, seasonalD, sq, m) : SeasonalOrder.None;
                fit = ArimaRegression.FitCore(x, y, names, p, d, q, general: false, seasonal, cssStart: true);
                double root = Math.Min(ArmaCorrelation.SmallestRootModulus(fit.ExpandedAr, -1), ArmaCorrelation.SmallestRootModulus(fit.ExpandedMa, +1));
                rejected = !double.IsFinite(fit.Aicc) ? "the AICc is not finite"
                    : root < 1.01 ? $"a root of modulus {root:F4}, below 1.01"
                    : fit.NegativeVariance ? "a negative variance in the inverse Hessian"
                    : null;
                if (rejected is null) aicc = fit.Aicc;
            }
            catch (ItsException e)
            {
                // A fit R's arima cannot make either (a non-stationary CSS start, too few observations).
                rejected = e.Message;
            }
            var candidate = new ArimaCandidate(p, d, q, sp, seasonalD, sq, constant, aicc, rejected);
            Candidates.Add(candidate);
            if (fit is not null) _fits[candidate] = fit;
            return candidate;
        }

        // The columns of a candidate: a mean (d + D = 0) or drift (d + D = 1) when constant, then the regressors.
        private (Matrix<double> X, string[] Terms) Design(bool constant)
        {
            int n = y.Count;
            var names = new List<string>();
            var built = new List<Vector<double>>();
            if (constant)
            {
                names.Add(d + seasonalD == 0 ? "intercept" : "time");
                built.Add(d + seasonalD == 0 ? Vector<double>.Build.Dense(n, 1.0) : Vector<double>.Build.Dense(n, i => i));
            }
            foreach (int j in columns)
            {
                names.Add(terms[j]);
                built.Add(regressors.Column(j));
            }
            return (Matrix<double>.Build.DenseOfColumnVectors(built.Count > 0 ? built : [Vector<double>.Build.Dense(n)]), names.ToArray());
        }
    }
}
