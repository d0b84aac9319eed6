namespace Its.Robustness;

/// <summary>The effect a power curve varies.</summary>
public enum PowerCurveEffect
{
    /// <summary>The level change (<see cref="PowerScenario.LevelChange"/>).</summary>
    Level,
    /// <summary>The slope change (<see cref="PowerScenario.SlopeChange"/>).</summary>
    Slope,
}

/// <summary>
/// A power curve: <see cref="PowerSimulation.Run(PowerScenario, int)"/> of one scenario at each of
/// a list of effect sizes, everything else (the seed too) the same, so the points differ by the
/// effect alone.
/// </summary>
public static class PowerCurve
{
    /// <summary>Runs the scenario once per effect size, in the order given.</summary>
    /// <param name="scenario">The scenario; its level or slope change is replaced by each effect.</param>
    /// <param name="effect">Which change the effects set.</param>
    /// <param name="effects">The effect sizes, on the outcome's scale.</param>
    /// <param name="maxDegreeOfParallelism">As <see cref="PowerSimulation.Run(PowerScenario, int)"/>.</param>
    /// <exception cref="ArgumentException">No effects, or one is not a finite number.</exception>
    /// <exception cref="Model.ItsException">As <see cref="PowerSimulation.Run(PowerScenario, int)"/>.</exception>
    public static IReadOnlyList<PowerResult> Run(PowerScenario scenario, PowerCurveEffect effect, IReadOnlyList<double> effects, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(effects);
        if (effects.Count == 0) throw new ArgumentException("a power curve needs at least one effect size", nameof(effects));
        if (effects.Any(e => !double.IsFinite(e))) throw new ArgumentException("every effect size must be a finite number", nameof(effects));
        return effects.Select(e => PowerSimulation.Run(effect == PowerCurveEffect.Level ? scenario with { LevelChange = e } : scenario with { SlopeChange = e },
            maxDegreeOfParallelism)).ToArray();
    }

    /// <summary>The term of the fitted model an effect is: <c>level1</c> or <c>slope1</c>.</summary>
    public static string Term(PowerCurveEffect effect) => effect == PowerCurveEffect.Level ? "level1" : "slope1";
}
