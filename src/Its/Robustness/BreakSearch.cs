using Its.Estimation;
using Its.Model;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Robustness;

/// <summary>
/// The sup-F search for the date of an interruption (Andrews 1993): for every candidate period in
/// the trimmed middle of the series, the F statistic of the interruption terms placed there, their
/// largest value and Hansen's (1997) p value for it, with the conventions of R
/// <c>strucchange::Fstats</c> (cov.type "const") and <c>sctest(type = "supF")</c>.
/// </summary>
/// <remarks>
/// <para>Null model: the spec's design without interruption terms (intercept, time, seasonal terms,
/// covariates; k0 columns). Alternative at candidate T: the same design plus the spec's
/// interruption terms at T (level and slope, q = 2; level or slope, q = 1). For the design
/// <c>1 + time</c> a level and slope change spans the same columns as strucchange's full
/// structural change of both coefficients, so the statistics equal <c>Fstats(y ~ t)</c>; with
/// seasonal terms or covariates only the interruption terms break (a partial break).</para>
/// <para>Statistic (strucchange): F_T = (RSS0 - RSS_T) / (RSS_T / (n - k0 - q)), the Chow
/// statistic NOT divided by q (q times the classical F), on the n - 2k df of strucchange when all k
/// coefficients break. It is the classical, homoskedastic F whatever the spec's error model.</para>
/// <para>Trimming (strucchange): break index i means the first segment ends at observation i, so
/// the interruption period is observation i + 1; i runs from = floor(trim n) to to = n - from. A
/// side keeps at least 3 observations, the kit's minimum around an interruption (strucchange's k +
/// 1 for <c>y ~ t</c>): from is raised to 3 and to lowered to n - 3 when the trim leaves fewer, as
/// strucchange does, with a warning. lambda = ((n - from) to) / (from (n - to)) of the adjusted
/// range.</para>
/// </remarks>
public static class BreakSearch
{
    /// <summary>strucchange's default trim: 15% of the observations at each end are not candidates.</summary>
    public const double DefaultTrim = 0.15;

    // Fewest observations on either side of a candidate: the kit's minimum around an interruption
    // (Design), which is strucchange's k + 1 for the two coefficients of y ~ t.
    private const int MinimumSide = 3;

    /// <summary>Searches the trimmed range for the date of the spec's interruption terms.</summary>
    /// <param name="series">The series; every observed period is a potential break date.</param>
    /// <param name="spec">Model spec: gaussian family, at most one interruption (the pre-specified
    /// date, reported with its F and rank) and no transition periods; its error model is not used.</param>
    /// <param name="trim">Share of the observations at each end that are not candidates, strictly between 0 and 0.5.</param>
    /// <exception cref="ArgumentOutOfRangeException">The trim is not strictly between 0 and 0.5.</exception>
    /// <exception cref="ItsException">The spec or the series does not allow the search (see the message).</exception>
    public static BreakSearchResult Run(TimeSeries series, ItsSpec spec, double trim = DefaultTrim)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(spec);
        if (!(trim > 0 && trim < 0.5)) throw new ArgumentOutOfRangeException(nameof(trim), trim, "the trim must lie strictly between 0 and 0.5");
        if (spec.Family.IsCount())
            throw new ItsException($"the break search is a least-squares F test and needs the gaussian family, not {spec.Family.Name()}");
        if (spec.Interruptions.Count > 1)
            throw new ItsException($"the break search looks for one break date: give at most one interruption (the pre-specified date), not {spec.Interruptions.Count}");
        if (spec.TransitionPeriods > 0)
            throw new ItsException("the break search needs every period in the fit: transition periods would move with each candidate date; drop the transition");

        int n = series.Count;
        spec.RefuseEstimatedRate("the break search");
        int q = spec.Impact == Impact.LevelAndSlope ? 2 : 1;
        string unit = Period.Describe(series.Frequency);
        int from = (int)Math.Floor(trim * n), to = n - from;
        var warnings = new List<string>();
        if (from < MinimumSide)
        {
            warnings.Add(FormattableString.Invariant($"trim {trim} leaves fewer than {MinimumSide} {unit}s before the first candidate: the candidates are moved in to leave {MinimumSide} on each side (as strucchange moves 'from' and 'to')"));
            from = MinimumSide;
        }
        if (to > n - MinimumSide) to = n - MinimumSide;
        if (from > to)
            throw new ItsException($"the series has {n} {unit}s, too few for a break search: every candidate needs at least {from} {unit}s on each side");

        var first = Alternative(series, spec, series.Periods[from]);
        int df = n - first.X.ColumnCount;
        if (df < 1)
            throw new ItsException($"the series has {n} {unit}s, too few for a break search: the model with a break has {first.X.ColumnCount} parameters and needs more {unit}s than that");
        var nullColumns = Enumerable.Range(0, first.X.ColumnCount).Where(j => !first.Design.InterruptionColumns[j]).ToArray();
        var x0 = Matrix<double>.Build.DenseOfColumnVectors(nullColumns.Select(first.X.Column));
        double rss0 = ItsModel.RefuseExactFit(new LeastSquares(x0, first.Outcome, nullColumns.Select(j => first.Design.Terms[j]).ToArray())).ResidualSumOfSquares;

        double F(ItsModel alternative, Period at)
        {
            try
            {
                var fit = ItsModel.RefuseExactFit(new LeastSquares(alternative.X, alternative.Outcome, alternative.Design.Terms));
                double f = (rss0 - fit.ResidualSumOfSquares) / (fit.ResidualSumOfSquares / df);
                return double.IsFinite(f) ? f : throw new ItsException($"the F statistic is {f}: rescale the outcome or the covariates");
            }
            catch (ItsException e) { throw new ItsException(new UserMessage($"with a break at {at}: {e.Text}")); }
        }

        var candidates = Enumerable.Range(from, to - from + 1)
            .Select(i => new BreakCandidate(i, series.Periods[i], F(i == from ? first : Alternative(series, spec, series.Periods[i]), series.Periods[i])))
            .ToArray();
        // The first largest, as which.max.
        var best = candidates.Aggregate((a, b) => b.F > a.F ? b : a);
        double lambda = (double)(n - from) * to / ((double)from * (n - to));

        PrespecifiedBreak? prespecified = null;
        if (spec.Interruptions.Count == 1)
        {
            var date = spec.Interruptions[0];
            var candidate = candidates.FirstOrDefault(c => c.Period == date);
            prespecified = candidate is null
                ? new PrespecifiedBreak(date, F(Alternative(series, spec, date), date), null)
                : new PrespecifiedBreak(date, candidate.F, 1 + candidates.Count(c => c.F > candidate.F));
        }

        return new BreakSearchResult
        {
            Spec = spec,
            OutcomeName = series.OutcomeName,
            Frequency = series.Frequency,
            N = n,
            Restrictions = q,
            DfResidual = df,
            Trim = trim,
            From = from,
            To = to,
            Lambda = lambda,
            Candidates = candidates,
            SupF = best.F,
            BreakIndex = best.Index,
            BreakPeriod = best.Period,
            PValue = SupFPValue.Hansen(best.F, q, lambda),
            Prespecified = prespecified,
            Warnings = warnings,
        };
    }

    // The spec with its interruption at the candidate: ItsModel builds (and checks) the design and
    // the transformed outcome, the same as for a fit.
    private static ItsModel Alternative(TimeSeries series, ItsSpec spec, Period at) =>
        new(series, spec with { Interruptions = [at] });
}

/// <summary>One candidate break date and its F statistic.</summary>
/// <param name="Index">strucchange's break index i: the first segment is observations 1..i, so <paramref name="Period"/> is observation i + 1.</param>
/// <param name="Period">The interruption period of the candidate (the first period of the new regime).</param>
/// <param name="F">(RSS0 - RSS_T) / (RSS_T / (n - k0 - q)), as strucchange's <c>Fstats</c>.</param>
public sealed record BreakCandidate(int Index, Period Period, double F);

/// <summary>The spec's own interruption date, seen among the candidates.</summary>
/// <param name="Period">The pre-specified interruption.</param>
/// <param name="F">Its F statistic, computed whether or not it is a candidate.</param>
/// <param name="Rank">1 + the number of candidates with a larger F (1 = the sup-F date); null when the date is outside the trimmed range.</param>
public sealed record PrespecifiedBreak(Period Period, double F, int? Rank);

/// <summary>The immutable result of a sup-F break-date search (<see cref="BreakSearch.Run"/>).</summary>
public sealed record BreakSearchResult
{
    /// <summary>The spec searched (its interruption, if any, is the pre-specified date).</summary>
    public required ItsSpec Spec { get; init; }

    /// <summary>Name of the outcome.</summary>
    public required string OutcomeName { get; init; }

    /// <summary>Frequency of the series.</summary>
    public required Frequency Frequency { get; init; }

    /// <summary>Observations n.</summary>
    public required int N { get; init; }

    /// <summary>q: coefficients that break (2 for level and slope, 1 for level or slope only).</summary>
    public required int Restrictions { get; init; }

    /// <summary>n - k0 - q, the residual df of the model with a break (the F denominator).</summary>
    public required int DfResidual { get; init; }

    /// <summary>The trim asked for.</summary>
    public required double Trim { get; init; }

    /// <summary>strucchange's <c>from</c>: the first candidate's break index.</summary>
    public required int From { get; init; }

    /// <summary>strucchange's <c>to</c>: the last candidate's break index.</summary>
    public required int To { get; init; }

    /// <summary>((n - from) to) / (from (n - to)), the trimming parameter of the p value.</summary>
    public required double Lambda { get; init; }

    /// <summary>Every candidate in order of date.</summary>
    public required IReadOnlyList<BreakCandidate> Candidates { get; init; }

    /// <summary>The largest F over the candidates (Andrews 1993).</summary>
    public required double SupF { get; init; }

    /// <summary>Break index of the sup F (the first, if tied).</summary>
    public required int BreakIndex { get; init; }

    /// <summary>Interruption period of the sup F: the estimated break date.</summary>
    public required Period BreakPeriod { get; init; }

    /// <summary>Asymptotic p value of the sup F under no break (Hansen 1997, <see cref="SupFPValue.Hansen"/>).</summary>
    public required double PValue { get; init; }

    /// <summary>The spec's interruption with its F and rank; null when the spec has none.</summary>
    public PrespecifiedBreak? Prespecified { get; init; }

    /// <summary>Things the user should know about this search.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
