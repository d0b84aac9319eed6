using Its.Results;

namespace Its.Batch;

/// <summary>What became of one series of a batch.</summary>
public enum UnitStatus
{
    /// <summary>Fitted; the estimates are there.</summary>
    Ok,

    /// <summary>Its periods do not support the design: too few on a side of an interruption, or the interruption outside them.</summary>
    TooFewPoints,

    /// <summary>The design of its periods is singular (a term constant or collinear there).</summary>
    Singular,

    /// <summary>The model fits it exactly (a constant series, or one on the fitted line), so standard errors are undefined.</summary>
    Constant,

    /// <summary>A value is not usable: not a finite number, or not positive under a log transform.</summary>
    Invalid,

    /// <summary>The estimator failed (an AR coefficient outside (-1, 1), an undefined or overflowing variance).</summary>
    Failed,
}

/// <summary>Spellings of <see cref="UnitStatus"/> in outputs.</summary>
public static class UnitStatusNames
{
    /// <summary><c>ok</c>, <c>too_few_points</c>, <c>singular</c>, <c>constant</c>, <c>invalid</c> or <c>failed</c>.</summary>
    public static string Name(this UnitStatus status) => status switch
    {
        UnitStatus.Ok => "ok",
        UnitStatus.TooFewPoints => "too_few_points",
        UnitStatus.Singular => "singular",
        UnitStatus.Constant => "constant",
        UnitStatus.Invalid => "invalid",
        _ => "failed",
    };
}

/// <summary>
/// The fits of a batch of series under one model, stored by column (series x term) so that a
/// million series cost a few arrays, not a million objects. Inference is t on each series' residual
/// degrees of freedom, as <see cref="Model.ItsModel"/> gives for the same error model.
/// </summary>
public sealed class BatchResult
{
    private readonly double[] _estimates, _stdErrors, _sigma, _rho;
    private readonly int[] _n, _df, _iterations;
    private readonly UnitStatus[] _status;
    private readonly string?[] _notes;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, double> _critical = new(); // t(0.975, df) by df
    private Coefficient?[]? _rows;

    internal BatchResult(IReadOnlyList<string> terms, int count)
    {
        Terms = terms;
        Count = count;
        int k = terms.Count;
        _estimates = new double[count * k];
        _stdErrors = new double[count * k];
        _sigma = new double[count];
        _rho = new double[count];
        _n = new int[count];
        _df = new int[count];
        _iterations = new int[count];
        _status = new UnitStatus[count];
        _notes = new string?[count];
    }

    /// <summary>Term names, one per coefficient.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Number of series.</summary>
    public int Count { get; }

    /// <summary>Whether series <paramref name="unit"/> was fitted, and if not why.</summary>
    public UnitStatus Status(int unit) => _status[unit];

    /// <summary>Why a series was not fitted, or the warnings of a fitted one (joined by "; "); null when there is nothing to say.</summary>
    public string? Note(int unit) => _notes[unit];

    /// <summary>Observations fitted (after quasi-differencing for cochrane-orcutt); 0 when not fitted.</summary>
    public int N(int unit) => _n[unit];

    /// <summary>Residual degrees of freedom; 0 when not fitted.</summary>
    public int Df(int unit) => _df[unit];

    /// <summary>Residual standard deviation (of the transformed regression for prais and cochrane-orcutt).</summary>
    public double Sigma(int unit) => _sigma[unit];

    /// <summary>The AR(1) coefficient of prais and cochrane-orcutt fits; null otherwise.</summary>
    public double? Rho(int unit) => _iterations[unit] > 0 ? _rho[unit] : null;

    /// <summary>Iterations of prais and cochrane-orcutt fits; 0 otherwise.</summary>
    public int Iterations(int unit) => _iterations[unit];

    /// <summary>Coefficient <paramref name="term"/> of series <paramref name="unit"/>.</summary>
    public double Estimate(int unit, int term) => _estimates[unit * Terms.Count + term];

    /// <summary>Its standard error under the batch's error model.</summary>
    public double StdError(int unit, int term) => _stdErrors[unit * Terms.Count + term];

    /// <summary>The full coefficient row: t on the series' df, two-sided p value and 95% CI.</summary>
    /// <exception cref="InvalidOperationException">The series was not fitted.</exception>
    public Coefficient Coefficient(int unit, int term)
    {
        if (_status[unit] != UnitStatus.Ok) throw new InvalidOperationException($"series {unit} was not fitted: {_notes[unit]}");
        // Kept once made: a results file and a summary read the same rows, and the t CDF is the costly part.
        var rows = LazyInitializer.EnsureInitialized(ref _rows, () => new Coefficient?[Count * Terms.Count]);
        int i = unit * Terms.Count + term;
        if (rows[i] is { } made) return made;
        return rows[i] = Results.Coefficient.TTest(Terms[term], _estimates[i], _stdErrors[i], _df[unit], _critical.GetOrAdd(_df[unit], df => CriticalValue.T(df)));
    }

    /// <summary>The coefficient table of series <paramref name="unit"/>, as a single fit's.</summary>
    /// <exception cref="InvalidOperationException">The series was not fitted.</exception>
    public CoefficientTable Coefficients(int unit) => new(Enumerable.Range(0, Terms.Count).Select(j => Coefficient(unit, j)));

    /// <summary>Index of a term, or -1.</summary>
    public int IndexOf(string term)
    {
        for (int j = 0; j < Terms.Count; j++) if (Terms[j] == term) return j;
        return -1;
    }

    internal Span<double> EstimateRow(int unit) => _estimates.AsSpan(unit * Terms.Count, Terms.Count);

    internal Span<double> StdErrorRow(int unit) => _stdErrors.AsSpan(unit * Terms.Count, Terms.Count);

    internal void Fail(int unit, UnitStatus status, string why)
    {
        _status[unit] = status;
        _notes[unit] = why;
        _n[unit] = _df[unit] = _iterations[unit] = 0;
        EstimateRow(unit).Clear();
        StdErrorRow(unit).Clear();
    }

    internal void Note(int unit, string note) => _notes[unit] = _notes[unit] is { } before ? $"{before}; {note}" : note;

    internal void SetAutoregression(int unit, double rho, int iterations)
    {
        _rho[unit] = rho;
        _iterations[unit] = iterations;
    }

    internal void Succeed(int unit, int n, int df, double sigma)
    {
        _status[unit] = UnitStatus.Ok;
        _n[unit] = n;
        _df[unit] = df;
        _sigma[unit] = sigma;
    }
}
