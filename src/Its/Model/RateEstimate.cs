using Its.Estimation;

namespace Its.Model;

/// <summary>
/// The rate delta of a gradual or decay impact, estimated by profile likelihood: at each delta the
/// model is fitted with the rate fixed, under its family and error model, and delta-hat maximises
/// that log-likelihood over [0, <see cref="UpperBound"/>]: a grid of step 0.05 (and the bound), then
/// R's <c>optimize</c> (<see cref="BrentMinimizer"/>) between the best grid point's neighbours. For least squares this is the nonlinear least
/// squares fit of R's <c>nls</c>; for ARIMA errors the maximum likelihood of <c>arima</c> with the
/// impact column as xreg; quasi-Poisson profiles the Poisson likelihood, whose maximum it shares.
/// The model is then fitted on the design linearised at (delta-hat, omega-hat)
/// (<see cref="Design"/>), which gives the Gauss-Newton covariance of every coefficient, the rate's
/// included, and so delta-method intervals for the effects that carry the rate's uncertainty.
/// </summary>
/// <param name="Rate">Delta-hat.</param>
/// <param name="Omega">Omega-hat, the impact's weight at delta-hat.</param>
/// <param name="LogLikelihood">The profile log-likelihood at delta-hat.</param>
/// <param name="Evaluations">Fits made by the profile search.</param>
public sealed record RateEstimate(double Rate, double Omega, double LogLikelihood, int Evaluations)
{
    /// <summary>The largest rate searched; near 1 a gradual step cannot be told from a ramp, nor a decaying pulse from a step.</summary>
    public const double UpperBound = 0.999;

    // optimize's tolerance on delta; the linearised fit's Gauss-Newton step refines it further.
    private const double Tolerance = 1e-10;

    /// <summary>Whether delta-hat lies at 0 or at <see cref="UpperBound"/>, where its standard error means little.</summary>
    public bool AtBound => Rate < 1e-6 || Rate > UpperBound - 1e-6;

    /// <summary>Estimates the rate of a spec that <see cref="ItsSpec.EstimatesRate"/>.</summary>
    /// <exception cref="ItsException">The error model has no likelihood to profile, or a fit fails.</exception>
    internal static RateEstimate Profile(TimeSeries series, ItsSpec spec)
    {
        Design.Check(series, spec);
        if (spec.Errors.Process is not (IndependentErrors or ArimaErrors { Auto: false }))
            throw new ItsException($"an estimated {spec.Impact.Name()} rate is profiled over the likelihood of ols, hc0-hc3, newey or arima:p,d,q errors (or a count family), not {spec.Errors.Name}: fix the rate ({spec.Impact.Name()}:0.5) or change the errors");
        var fixedSpec = spec.Family == Family.QuasiPoisson ? spec with { Family = Family.Poisson } : spec;
        string term = Design.InterruptionTerms(spec)[0];
        var profile = new Dictionary<double, (double LogLikelihood, double Omega)>();
        (double LogLikelihood, double Omega) At(double rate)
        {
            if (!profile.TryGetValue(rate, out var point))
                profile[rate] = point = new ItsModel(series, fixedSpec with { Rate = rate }).ProfilePoint(term);
            return point;
        }
        double LogLik(double rate) => At(rate).LogLikelihood;

        var grid = Enumerable.Range(0, 20).Select(i => i * 0.05).Append(UpperBound).ToArray();
        var values = grid.Select(LogLik).ToArray();
        int best = Array.IndexOf(values, values.Max());
        double lo = grid[Math.Max(best - 1, 0)], hi = grid[Math.Min(best + 1, grid.Length - 1)];
        double found = BrentMinimizer.Minimize(r => -LogLik(r), lo, hi, Tolerance);
        // optimize never evaluates the ends of its interval: a grid point at a bound can beat its result.
        double rate = LogLik(found) >= values[best] ? found : grid[best];
        var (logLik, omega) = At(rate);
        return new RateEstimate(rate, omega, logLik, profile.Count);
    }
}
