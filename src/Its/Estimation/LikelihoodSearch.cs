using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Its.Estimation;

/// <summary>
/// The maximisation of a profiled likelihood over a few variance parameters (GLS correlations,
/// random-effect covariances): BFGS with central-difference gradients from a start, keeping the best
/// point seen (a failed line search ends the search there, not the fit), then Newton steps with
/// a finite-difference Hessian and step halving to settle on the maximum (Nocedal and Wright 2006,
/// sections 6.1 and 3.5).
/// </summary>
internal static class LikelihoodSearch
{
    private const int PolishSteps = 50;

    /// <summary>The minimum of <paramref name="objective"/> (minus the log-likelihood) near <paramref name="start"/>.</summary>
    /// <param name="objective">The function minimised; NaN or infinity where the parameters are not admissible.</param>
    /// <param name="start">The start.</param>
    /// <param name="gradientStep">Central-difference step of the gradient.</param>
    /// <param name="hessianStep">Central-difference step of the Newton polish's Hessian.</param>
    /// <param name="project">Maps a Newton trial point into the parameter space.</param>
    /// <returns>The point, BFGS iterations plus Newton steps, and whether BFGS or the polish met its criterion (a Newton step below 1e-10).</returns>
    public static (double[] Point, int Iterations, bool Converged) Minimize(Func<double[], double> objective, double[] start,
        double gradientStep, double hessianStep, Func<double[], double[]> project)
    {
        var best = (double[])start.Clone();
        double bestValue = objective(best);
        double Tracked(Vector<double> v)
        {
            double f = objective(v.ToArray());
            if (f < bestValue) { bestValue = f; best = v.ToArray(); }
            return f;
        }
        var function = ObjectiveFunction.Gradient(Tracked, v => Vector<double>.Build.DenseOfArray(NumericalDerivatives.Gradient(objective, v.ToArray(), gradientStep)));
        int iterations = 0;
        bool converged = false;
        try
        {
            var result = new BfgsMinimizer(1e-9, 1e-12, 1e-15, 1000).FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
            iterations += result.Iterations;
            converged = true;
            Tracked(result.MinimizingPoint);
        }
        catch (Exception e) when (e is OptimizationException or ArgumentException)
        {
            // Line search or iteration limit: continue from the best point seen.
        }
        var (point, steps, settled) = Polish(objective, project(best), gradientStep, hessianStep, project);
        return (point, iterations + steps, converged | settled);
    }

    /// <summary>
    /// Newton steps with step halving from a point near the minimum, while the finite-difference
    /// Hessian is positive definite; settled when a step (accepted, or halved 30 times in vain) is below 1e-10.
    /// </summary>
    /// <inheritdoc cref="Minimize" path="/param"/>
    public static (double[] Point, int Steps, bool Settled) Polish(Func<double[], double> objective, double[] start,
        double gradientStep, double hessianStep, Func<double[], double[]> project)
    {
        var outcome = NumericalDerivatives.NewtonPolish(objective, start,
            v => NumericalDerivatives.Gradient(objective, v, gradientStep),
            v => NumericalDerivatives.Hessian(objective, v, hessianStep),
            PolishSteps, gradientTolerance: 0, stepTolerance: 1e-10, halvings: 30, project: project);
        return outcome.Stop switch
        {
            NewtonStop.StepVanished => (outcome.Point, outcome.Steps, true),
            NewtonStop.NoDescent when outcome.LastStep < 1e-10 => (outcome.Point, outcome.Steps, true),
            // A step that cannot descend would be tried again from the same point until the limit.
            NewtonStop.NoDescent or NewtonStop.StepLimit => (outcome.Point, PolishSteps, false),
            _ => (outcome.Point, outcome.Steps, false),
        };
    }
}
