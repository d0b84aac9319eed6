using Its.Model;

namespace Its.Estimation;

/// <summary>
/// The iteration of feasible GLS with AR(1) errors as Stata <c>prais</c> (Prais and Winsten 1954) and
/// <c>prais, corc</c> (Cochrane and Orcutt 1949), shared by <see cref="AutoregressiveFgls"/> and the batch
/// path: estimate rho from the current residuals (those of OLS at first), quasi-difference and regress,
/// repeat until rho changes by less than the tolerance or the iteration limit is reached.
/// </summary>
/// <remarks>
/// A caller loops: <c>while (true) { rho = estimate; if (!iteration.Accept(rho)) refuse;
/// regress on the data transformed by rho; if (iteration.IsLast) break; residuals of that fit }</c>.
/// </remarks>
internal struct PraisWinstenIteration(AutoregressiveErrors options)
{
    private double _previous = double.NaN;

    /// <summary>The transformed regressions started, counting the current one.</summary>
    public int Iterations { get; private set; }

    /// <summary>Whether the current rho differs from the previous one by less than the tolerance.</summary>
    public bool Settled { get; private set; }

    /// <summary>Whether the current regression is the last: rho settled or the iteration limit reached.</summary>
    public bool IsLast { get; private set; }

    /// <summary>
    /// Takes the rho estimated from the current residuals as the next transformation; false when it is
    /// not inside (-1, 1), where the transformation is undefined (see <see cref="Thresholds.RhoOutsideUnitInterval"/>).
    /// </summary>
    public bool Accept(double rho)
    {
        Iterations++;
        if (!(Math.Abs(rho) < 1)) return false;
        Settled = Math.Abs(rho - _previous) < options.Tolerance;
        IsLast = Settled || Iterations >= options.MaxIterations;
        _previous = rho;
        return true;
    }

    /// <summary>The scale sqrt(1 - rho^2) of the first observation in the Prais-Winsten transformation.</summary>
    public static double FirstRowScale(double rho) => Math.Sqrt(1 - rho * rho);
}
