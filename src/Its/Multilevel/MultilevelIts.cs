using Its.Comparison;
using Its.Estimation;
using Its.Model;
using Its.Results;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Multilevel;

/// <summary>
/// Multilevel (hierarchical) ITS across units, as R
/// <c>nlme::lme(y ~ (time + level1 + slope1) * type, random = list(unit = pdDiag(~ time + level1 + slope1)),
/// correlation = corAR1(form = ~ time | unit), method = "REML")</c>: every unit's series has the ITS
/// design (time counted from the panel's first period), a unit's type (hospital, community) enters as
/// fixed interactions with every term (Linden's multiple-group terms <c>group</c>, <c>group:time</c>, ...),
/// and the chosen terms vary between units as random effects with a diagonal or general covariance.
/// The variance parameters maximise the (restricted) likelihood profiled over beta and sigma^2
/// (<see cref="MixedLikelihood"/>), in the log-Cholesky parametrisation of the relative covariance
/// (Pinheiro and Bates 1996) and, for AR(1), phi = tanh(u / 2), by BFGS from moment estimates and Newton polishing.
/// </summary>
/// <remarks>
/// Inference follows nlme: fixed effects are tested by t on the "inner-outer" degrees of freedom
/// (a term constant within every unit is tested on units - 1 - such terms, any other on N - units -
/// within terms; Pinheiro and Bates 2000, section 2.4.2); the CIs of the SDs, correlations, sigma and
/// phi are Wald intervals on nlme's natural scale (log SD, log((1 + r) / (1 - r)), log sigma) from the
/// inverse of minus the Hessian of the log-likelihood there (nlme's <c>apVar</c>, here by central
/// differences with step 1e-3).
/// </remarks>
public static class MultilevelIts
{
    private const double GradientStep = 1e-5, HessianStep = 1e-4, NaturalHessianStep = 1e-3;
    // Log of a relative SD below which a random effect is reported as estimated at zero, and where the search stops.
    private const double ZeroLogSd = -9.2, LowestLogSd = -20;
    private static readonly double MaxAr1 = Math.Log((2 - 1e-6) / 1e-6);

    /// <summary>Fits the multilevel ITS.</summary>
    /// <param name="units">The units: two or more, each with its own series (the same frequency), all with a type or none.</param>
    /// <param name="spec">The ITS design of every unit: interruptions, impact (level+slope, level, slope, pulse, or a fixed rate), transition, seasonality, transform, covariates; Gaussian, errors <c>ols</c> (the within-unit errors are <paramref name="model"/>'s).</param>
    /// <param name="model">The random part and the likelihood.</param>
    /// <param name="reference">The type the others are compared with; null for the last type in panel order (as <c>its compare</c>).</param>
    /// <exception cref="ItsException">The panel or the spec does not allow the model (the message says why and names the unit).</exception>
    public static MultilevelResult Fit(IReadOnlyList<MultilevelUnit> units, ItsSpec spec, MultilevelSpec model, string? reference = null)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        var (types, compared) = Types(units, reference);
        var (designTerms, mixed, observed) = Designs(units, spec, types, compared, model);
        var problem = new MixedLikelihood(mixed, model.WithinAr1, model.Method);
        var fixedTerms = designTerms.Concat(compared.SelectMany(t => designTerms.Select(d => GroupComparison.Term(GroupComparison.Prefix(t, compared.Count), d)))).ToArray();
        CheckRank(mixed, fixedTerms);
        var parametrisation = new Parametrisation(problem.Q, model.Covariance, model.WithinAr1);
        var (theta, iterations, converged) = Maximise(problem, parametrisation);
        var at = problem.Evaluate(parametrisation.Factor(theta), parametrisation.Phi(theta), predictions: true)
            ?? throw new ItsException("the random-effects covariance at the estimate is numerically singular; try fewer random terms or a diagonal covariance");

        double sigma2 = at.Sigma2;
        // summary(lme)'s standard errors (adjustSigma): under ML sigma^2 N / (N - p), that is RSS / (N - p), as vcov(gls).
        var covariance = at.Unscaled * (at.Rss / (problem.N - problem.P));
        var df = DenominatorDf(mixed, problem.N);
        var fixedEffects = new CoefficientTable(fixedTerms.Select((term, j) =>
            Coefficient.TTest(term, at.Beta[j], Math.Sqrt(covariance[j, j]), df[j], CriticalValue.T(df[j]))));

        var warnings = new List<string>();
        var (sds, correlations, sigma, phi) = Variances(problem, parametrisation, theta, at, model.RandomTerms, warnings);
        if (!converged) warnings.Add("the likelihood maximisation did not meet its convergence criterion; the estimates may not be at the maximum");
        var unitEffects = units.Select((u, i) => new UnitEffects(u.Name, u.Type, observed[i],
            model.RandomTerms.Select((term, k) => new UnitEffect(term, at.Blups[i][k], Math.Sqrt(sigma2 * at.Conditional[i][k, k]),
                UnitValue(fixedEffects, term, u.Type, reference: types.Reference, compared) + at.Blups[i][k])).ToArray())).ToArray();
        int parameters = problem.P + parametrisation.Length + 1;
        return new MultilevelResult(spec, units[0].Series.OutcomeName, model, fixedEffects, new CovarianceMatrix(covariance), sds, correlations, sigma, phi,
            at.LogLikelihood(sigma2), parameters, problem.N, unitEffects, types.Reference, compared, iterations, converged, warnings);
    }

    // R's BFGS (vmmin) from the moment start, which steps back from parameters where the likelihood
    // cannot be evaluated (a relative SD of e^50), then Newton steps that settle on the maximum; where
    // vmmin cannot start or Newton does not settle, the full search from the best point so far.
    private static (double[] Theta, int Iterations, bool Converged) Maximise(MixedLikelihood problem, Parametrisation p)
    {
        double F(double[] t) => Objective(problem, p, t);
        var start = Start(problem, p);
        try
        {
            start = p.Clamp(OptimBfgs.Minimize(F, start, Enumerable.Repeat(1.0, start.Length).ToArray(), 1e-10, 500).Point);
            var (point, steps, settled) = LikelihoodSearch.Polish(F, start, GradientStep, HessianStep, p.Clamp);
            if (settled) return (point, steps, true);
            start = point;
        }
        catch (ArithmeticException)
        {
            // A gradient that cannot be evaluated: the search below starts from the moment estimates.
        }
        return LikelihoodSearch.Minimize(F, start, GradientStep, HessianStep, p.Clamp);
    }

    private static double Objective(MixedLikelihood problem, Parametrisation p, double[] theta) =>
        problem.Evaluate(p.Factor(theta), p.Phi(theta)) is { } e ? -e.LogLikelihood(e.Sigma2) : double.PositiveInfinity;

    // The unit's own value of a term: the reference type's coefficient plus its type's difference.
    private static double UnitValue(CoefficientTable table, string term, string? type, string? reference, IReadOnlyList<string> compared)
    {
        double value = table[term].Estimate;
        if (type is null || type == reference) return value;
        return value + table[GroupComparison.Term(GroupComparison.Prefix(type, compared.Count), term)].Estimate;
    }

    // The reference type and the compared ones in order of first appearance; none when no unit has a type.
    private static ((string? Reference, int Count) Types, IReadOnlyList<string> Compared) Types(IReadOnlyList<MultilevelUnit> units, string? reference)
    {
        if (units.Count < 2) throw new ItsException($"a multilevel model needs two or more units; the panel has {units.Count}");
        foreach (var name in units.GroupBy(u => u.Name).Where(g => g.Count() > 1).Select(g => g.Key).Take(1))
            throw new ItsException($"unit {name} appears more than once in the panel");
        if (units.All(u => u.Type is null))
            return reference is null ? ((null, 0), []) : throw new ItsException($"reference type {reference} given, but the units have no types");
        if (units.FirstOrDefault(u => u.Type is null) is { } untyped)
            throw new ItsException($"unit {untyped.Name} has no type, while other units have one");
        var order = units.Select(u => u.Type!).Distinct().ToList();
        if (order.Count < 2) throw new ItsException($"every unit is of type {order[0]}: types are compared only when there are two or more");
        reference ??= order[^1];
        if (!order.Contains(reference)) throw new ItsException($"reference type {reference} is not a type of the panel (types: {string.Join(", ", order)})");
        return ((reference, order.Count), order.Where(t => t != reference).ToArray());
    }

    // Every unit's ITS design with time from the panel's first period, the type interactions, and the random columns.
    private static (IReadOnlyList<string> Terms, MixedUnit[] Units, int[] Observed) Designs(IReadOnlyList<MultilevelUnit> units, ItsSpec spec,
        (string? Reference, int Count) types, IReadOnlyList<string> compared, MultilevelSpec model)
    {
        if (spec.Family != Family.Gaussian)
            throw new ItsException($"multilevel ITS fits a Gaussian outcome; the {spec.Family.Name()} family is not available (a log transform models relative changes)");
        if (spec.Errors != ErrorModel.Ols)
            throw new ItsException("multilevel ITS models the errors within each unit itself (independent or AR(1)); leave the spec's errors at ols");
        spec.RefuseEstimatedRate("multilevel ITS");
        var frequency = units[0].Series.Frequency;
        if (units.FirstOrDefault(u => u.Series.Frequency != frequency) is { } other)
            throw new ItsException($"unit {other.Name} is {Time.Period.Adjective(other.Series.Frequency)}, unit {units[0].Name} {Time.Period.Adjective(frequency)}: every unit needs the same frequency");
        var origin = units.Select(u => u.Series.Periods[0]).Min();
        if (model.RandomTerms.Count == 0) throw new ItsException("a multilevel model needs at least one random term (intercept, time, level1, slope1, ...)");
        IReadOnlyList<string>? terms = null;
        var mixed = new MixedUnit[units.Count];
        var observed = new int[units.Count];
        for (int i = 0; i < units.Count; i++)
        {
            var u = units[i];
            ItsModel its;
            try { its = new ItsModel(u.Series, spec); }
            catch (ItsException e) { throw new ItsException($"unit {u.Name}: {e.Message}"); }
            var design = its.Design;
            terms ??= design.Terms;
            foreach (var t in model.RandomTerms.Where(t => !terms.Contains(t)).Take(1))
                throw new ItsException($"random term {t} is not a term of the design (terms: {string.Join(", ", terms)})");
            int offset = u.Series.Periods[0].PeriodsSince(origin), timeColumn = design.IndexOf("time");
            var rows = Enumerable.Range(0, its.Outcome.Count).Where(r => double.IsFinite(its.Outcome[r])).ToArray();
            int k = terms.Count;
            int block = u.Type is null || u.Type == types.Reference ? -1 : compared.ToList().IndexOf(u.Type);
            var x = Matrix<double>.Build.Dense(rows.Length, k * (1 + compared.Count));
            var time = new int[rows.Length];
            for (int r = 0; r < rows.Length; r++)
            {
                for (int j = 0; j < k; j++)
                {
                    double v = its.X[rows[r], j] + (j == timeColumn ? offset : 0);
                    x[r, j] = v;
                    if (block >= 0) x[r, k * (1 + block) + j] = v;
                }
                time[r] = design.Time[design.FitRows[rows[r]]] + offset;
            }
            var z = Matrix<double>.Build.DenseOfColumnVectors(model.RandomTerms.Select(t => x.Column(design.IndexOf(t))));
            mixed[i] = new MixedUnit(x, z, Vector<double>.Build.DenseOfEnumerable(rows.Select(r => its.Outcome[r])), time);
            observed[i] = rows.Length;
        }
        int n = observed.Sum(), p = mixed[0].X.ColumnCount;
        if (n <= p + units.Count) throw new ItsException($"the panel has {n} fitted rows for {p} fixed effects and {units.Count} units; it needs more");
        return (terms!, mixed, observed);
    }

    // The stacked fixed design must have full column rank (LeastSquares names a collinear term).
    private static void CheckRank(MixedUnit[] units, IReadOnlyList<string> terms) =>
        _ = new LeastSquares(Matrix<double>.Build.DenseOfRowVectors(units.SelectMany(u => u.X.EnumerateRows())),
            Vector<double>.Build.DenseOfEnumerable(units.SelectMany(u => u.Y)), terms);

    /// <summary>
    /// nlme's denominator degrees of freedom (<c>getFixDF</c> with one grouping level): a column
    /// constant overall (the intercept) is tested on the largest of the two; a column constant within
    /// every unit on units - (such columns) - 1; any other on N - units - (such columns).
    /// </summary>
    internal static double[] DenominatorDf(IReadOnlyList<MixedUnit> units, int n)
    {
        int p = units[0].X.ColumnCount, g = units.Count;
        var tolerance = Math.Sqrt(2.220446049250313e-16);
        bool Constant(IEnumerable<double> values)
        {
            double? first = null;
            foreach (double v in values)
            {
                first ??= v;
                if (Math.Abs(first.Value == 0 ? v : v / first.Value - 1) >= tolerance) return false;
            }
            return true;
        }
        var overall = Enumerable.Range(0, p).Select(j => Constant(units.SelectMany(u => u.X.Column(j)))).ToArray();
        var between = Enumerable.Range(0, p).Select(j => !overall[j] && units.All(u => u.X.RowCount == 0 || Constant(u.X.Column(j)))).ToArray();
        int betweenCount = between.Count(b => b), withinCount = p - betweenCount - overall.Count(o => o);
        double betweenDf = g - betweenCount - (overall.Any(o => o) ? 1 : 0), withinDf = n - g - withinCount;
        return Enumerable.Range(0, p).Select(j => overall[j] ? Math.Max(betweenDf, withinDf) : between[j] ? betweenDf : withinDf).ToArray();
    }

    // Moment start: the between-unit variances of per-unit least-squares coefficients of Z on the
    // pooled OLS residuals, relative to the residual variance (floored), no correlation; phi = 0.
    private static double[] Start(MixedLikelihood problem, Parametrisation p)
    {
        var x = Matrix<double>.Build.DenseOfRowVectors(problem.Units.SelectMany(u => u.X.EnumerateRows()));
        var y = Vector<double>.Build.DenseOfEnumerable(problem.Units.SelectMany(u => u.Y));
        var beta = x.QR().Solve(y);
        var residual = y - x * beta;
        double sigma2 = residual.DotProduct(residual) / (problem.N - problem.P);
        var coefficients = new List<Vector<double>>();
        int row = 0;
        foreach (var u in problem.Units)
        {
            var r = residual.SubVector(row, u.Y.Count);
            row += u.Y.Count;
            if (u.Y.Count <= problem.Q) continue;
            var qr = u.Z.QR();
            if (!qr.IsFullRank) continue;
            coefficients.Add(qr.Solve(r));
        }
        var variances = new double[problem.Q];
        for (int k = 0; k < problem.Q; k++)
        {
            double scale = problem.Units.Average(u => u.Z.Column(k).Average(v => v * v));
            double floor = 1e-2 / Math.Max(scale, 1e-12);
            double v = coefficients.Count >= 2 ? MathNet.Numerics.Statistics.Statistics.Variance(coefficients.Select(c => c[k])) / sigma2 : 0;
            variances[k] = Math.Max(double.IsFinite(v) ? v : 0, floor);
        }
        return p.FromVariances(variances);
    }

    // SDs, correlations, sigma and phi with Wald CIs on nlme's natural scale.
    private static (RandomSd[] Sds, RandomCorrelation[] Correlations, VarianceEstimate Sigma, VarianceEstimate? Phi) Variances(
        MixedLikelihood problem, Parametrisation p, double[] theta, MixedLikelihood.Evaluation at, IReadOnlyList<string> terms, List<string> warnings)
    {
        double sigma2 = at.Sigma2;
        var natural = p.Natural(theta, sigma2);
        double FullLogLikelihood(double[] eta)
        {
            var (factor, phi, s2) = p.FromNatural(eta);
            return factor is not null && problem.Evaluate(factor, phi) is { } e ? e.LogLikelihood(s2) : double.NaN;
        }
        Matrix<double>? apVar = null;
        var logRelativeSd = p.LogRelativeSds(theta);
        var zero = terms.Where((_, k) => logRelativeSd[k] < ZeroLogSd).ToArray();
        foreach (var t in zero)
            warnings.Add($"the between-unit SD of {t} is estimated at zero (below 1e-4 of the residual SD): the data show no variation of {t} between units; its CI is not given");
        if (zero.Length == 0)
        {
            var hessian = NumericalDerivatives.Hessian(FullLogLikelihood, natural, NaturalHessianStep);
            if (hessian.Enumerate().All(double.IsFinite))
            {
                try { apVar = (-hessian).Cholesky().Solve(Matrix<double>.Build.DenseIdentity(natural.Length)); }
                catch (ArgumentException) { warnings.Add("the approximate covariance of the variance parameters is not positive definite: their CIs are not given"); }
            }
        }
        double z = Normal.InvCDF(0, 1, 0.975);
        VarianceEstimate At(int i, Func<double, double> back) =>
            new(back(natural[i]), apVar is null ? null : new Interval(back(natural[i] - z * Math.Sqrt(apVar[i, i])), back(natural[i] + z * Math.Sqrt(apVar[i, i]))));
        int q = terms.Count;
        var sds = terms.Select((t, k) => new RandomSd(t, At(k, Math.Exp))).ToArray();
        var correlations = p.Pairs.Select((pair, i) => new RandomCorrelation(terms[pair.First], terms[pair.Second], At(q + i, Parametrisation.Correlation))).ToArray();
        var phi = p.Ar1 ? At(natural.Length - 2, Parametrisation.Correlation) : null;
        return (sds, correlations, At(natural.Length - 1, Math.Exp), phi);
    }

    /// <summary>
    /// The variance parameters two ways: theta, what the search moves (log-Cholesky of the relative
    /// covariance Psi = L L', then u with phi = tanh(u / 2)); and nlme's natural scale, what the CIs are
    /// built on (log SD of each random effect, log((1 + r) / (1 - r)) of each correlation, the same u, log sigma).
    /// </summary>
    private sealed class Parametrisation(int q, RandomCovariance covariance, bool ar1)
    {
        public bool Ar1 { get; } = ar1;

        public bool Diagonal { get; } = covariance == RandomCovariance.Diagonal;

        /// <summary>The pairs of random effects with a correlation, in order (0,1), (0,2), ..., (1,2), ...</summary>
        public IReadOnlyList<(int First, int Second)> Pairs { get; } = covariance == RandomCovariance.Diagonal ? []
            : [.. from i in Enumerable.Range(0, q) from j in Enumerable.Range(i + 1, q - i - 1) select (i, j)];

        public int Length => q + Pairs.Count + (Ar1 ? 1 : 0);

        public Matrix<double> Factor(double[] theta)
        {
            var l = Matrix<double>.Build.Dense(q, q);
            int index = 0;
            for (int j = 0; j < q; j++)
            {
                l[j, j] = Math.Exp(theta[index++]);
                if (Diagonal) continue;
                for (int i = j + 1; i < q; i++) l[i, j] = theta[index++];
            }
            return l;
        }

        public double Phi(double[] theta) => Ar1 ? Math.Tanh(theta[^1] / 2) : 0;

        // log sqrt(Psi_kk).
        public double[] LogRelativeSds(double[] theta)
        {
            var l = Factor(theta);
            return Enumerable.Range(0, q).Select(k => 0.5 * Math.Log(l.Row(k).DotProduct(l.Row(k)))).ToArray();
        }

        public double[] FromVariances(double[] variances)
        {
            var theta = new double[Length];
            int index = 0;
            for (int j = 0; j < q; j++)
            {
                theta[index++] = 0.5 * Math.Log(variances[j]);
                if (!Diagonal) index += q - j - 1;
            }
            return theta;
        }

        // The diagonal log entries kept above e^-20 (a variance at zero is a limit), u within phi = +-(1 - 1e-6).
        public double[] Clamp(double[] theta)
        {
            var clamped = (double[])theta.Clone();
            int index = 0;
            for (int j = 0; j < q; j++)
            {
                clamped[index] = Math.Max(clamped[index], LowestLogSd);
                index += Diagonal ? 1 : q - j;
            }
            if (Ar1) clamped[^1] = Math.Clamp(clamped[^1], -MaxAr1, MaxAr1);
            return clamped;
        }

        public double[] Natural(double[] theta, double sigma2)
        {
            var l = Factor(theta);
            var psi = l * l.Transpose();
            var eta = new List<double>();
            eta.AddRange(Enumerable.Range(0, q).Select(k => 0.5 * Math.Log(sigma2 * psi[k, k])));
            eta.AddRange(Pairs.Select(pair =>
            {
                double r = psi[pair.First, pair.Second] / Math.Sqrt(psi[pair.First, pair.First] * psi[pair.Second, pair.Second]);
                return Math.Log((1 + r) / (1 - r));
            }));
            if (Ar1) eta.Add(theta[^1]);
            eta.Add(0.5 * Math.Log(sigma2));
            return [.. eta];
        }

        // (L, phi, sigma^2) from the natural scale; L null where Psi is not positive definite.
        public (Matrix<double>? Factor, double Phi, double Sigma2) FromNatural(double[] eta)
        {
            double sigma2 = Math.Exp(2 * eta[^1]);
            var psi = Matrix<double>.Build.Dense(q, q, (i, j) => i == j ? Math.Exp(2 * eta[i]) / sigma2 : 0);
            foreach (var ((i, j), index) in Pairs.Select((pair, index) => (pair, index)))
                psi[i, j] = psi[j, i] = Correlation(eta[q + index]) * Math.Sqrt(psi[i, i] * psi[j, j]);
            double phi = Ar1 ? Math.Tanh(eta[^2] / 2) : 0;
            try { return (psi.Cholesky().Factor, phi, sigma2); }
            catch (ArgumentException) { return (null, phi, sigma2); }
        }

        /// <summary>r from log((1 + r) / (1 - r)).</summary>
        public static double Correlation(double z) => Math.Tanh(z / 2);
    }
}
