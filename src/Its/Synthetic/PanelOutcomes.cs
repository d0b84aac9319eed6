using Its.Comparison;
using Its.Model;
using Its.Time;
using MathNet.Numerics.LinearAlgebra;

namespace Its.Synthetic;

/// <summary>
/// A balanced panel of one outcome, every unit observed in every period, split as the synthetic
/// estimators need it: control units first, then the treated ones; periods before the
/// interruption first, then the periods from it on.
/// </summary>
public sealed class PanelOutcomes
{
    /// <summary>Builds the panel from one series per unit.</summary>
    /// <param name="units">Every unit's series (the unit's name and its outcome by period).</param>
    /// <param name="treated">The treated units' names; every other unit is a control.</param>
    /// <param name="interruption">The first treated period.</param>
    /// <exception cref="ItsException">The panel is not balanced, a treated unit is missing, or there are too few controls or periods.</exception>
    public PanelOutcomes(IReadOnlyList<GroupSeries> units, IReadOnlyList<string> treated, Period interruption)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(treated);
        if (units.Count == 0) throw new ItsException("the panel has no unit");
        foreach (string name in treated.Where(t => units.All(u => u.Label != t)))
            throw new ItsException($"treated unit {name} is not in the panel (units: {string.Join(", ", units.Select(u => u.Label).Take(10))}{(units.Count > 10 ? ", ..." : "")})");
        var periods = units[0].Series.Periods;
        foreach (var u in units.Skip(1))
        {
            if (u.Series.Count != periods.Count || !u.Series.Periods.SequenceEqual(periods))
            {
                var differ = periods.Except(u.Series.Periods).Concat(u.Series.Periods.Except(periods)).Take(1).Select(d => $" (it differs at {d})");
                throw new ItsException($"unit {u.Label} does not have the periods of unit {units[0].Label}{string.Concat(differ)}: the synthetic estimators need every unit in every period");
            }
        }
        if (interruption.Frequency != periods[0].Frequency)
            throw new ItsException($"interruption {interruption} is a {Period.Describe(interruption.Frequency)}, but the panel is {Period.Adjective(periods[0].Frequency)}");
        var ordered = units.Where(u => !treated.Contains(u.Label)).Concat(treated.Select(t => units.First(u => u.Label == t))).ToArray();
        Controls = ordered.Length - treated.Count;
        if (Controls < 2) throw new ItsException($"the panel has {Controls} control unit(s): the synthetic estimators need two or more");
        PrePeriods = periods.Count(p => p.CompareTo(interruption) < 0);
        if (PrePeriods < 2 || PrePeriods == periods.Count)
            throw new ItsException($"interruption {interruption} leaves {PrePeriods} period(s) before it and {periods.Count - PrePeriods} from it on: the estimators need two or more before and one or more after");
        Units = ordered.Select(u => u.Label).ToArray();
        Periods = periods;
        Interruption = interruption;
        Outcome = Matrix<double>.Build.Dense(ordered.Length, periods.Count, (i, t) => ordered[i].Series.Outcome[t]);
    }

    /// <summary>Unit names: the controls, then the treated units.</summary>
    public IReadOnlyList<string> Units { get; }

    /// <summary>The periods, in order.</summary>
    public IReadOnlyList<Period> Periods { get; }

    /// <summary>The first treated period.</summary>
    public Period Interruption { get; }

    /// <summary>The number of control units (the first rows of <see cref="Outcome"/>).</summary>
    public int Controls { get; }

    /// <summary>The number of periods before the interruption (the first columns of <see cref="Outcome"/>).</summary>
    public int PrePeriods { get; }

    /// <summary>The outcome, units by periods.</summary>
    public Matrix<double> Outcome { get; }

    /// <summary>The number of treated units.</summary>
    public int Treated => Units.Count - Controls;

    /// <summary>The number of periods from the interruption on.</summary>
    public int PostPeriods => Periods.Count - PrePeriods;
}
