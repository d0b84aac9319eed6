using System.Globalization;

namespace Its.Plots;

/// <summary>
/// The value axis every renderer draws alike: values of a million or more are shown in millions
/// (a billion or more in billions), with the unit added to the axis title, so tick labels stay
/// short and never run into the title; a log axis is ticked at the powers of ten, with 2 and 5
/// times them when the values span three decades or fewer, labelled in the axis's units.
/// </summary>
internal sealed record ValueAxis
{
    private ValueAxis(double divisor, string title, IReadOnlyList<double> logTicks)
    {
        Divisor = divisor;
        Title = title;
        LogTicks = logTicks;
    }

    /// <summary>What the values are divided by for the axis: 1, 1e6 or 1e9.</summary>
    public double Divisor { get; }

    /// <summary>The axis title, with the unit when the values are scaled (e.g. "expenditure, yuan per month (millions)").</summary>
    public string Title { get; }

    /// <summary>For a log axis, the tick positions in axis units (after <see cref="Divisor"/>); empty for a linear axis.</summary>
    public IReadOnlyList<double> LogTicks { get; }

    /// <summary>The axis for these values.</summary>
    /// <param name="label">The axis title as the figure gives it.</param>
    /// <param name="values">Every value drawn on the axis (non-finite ones are ignored).</param>
    /// <param name="log">A log axis (non-positive values are ignored).</param>
    public static ValueAxis For(string label, IEnumerable<double> values, bool log)
    {
        var drawn = values.Where(v => double.IsFinite(v) && (!log || v > 0)).ToArray();
        double largest = drawn.Length == 0 ? 0 : drawn.Max(Math.Abs);
        var (divisor, unit) = largest >= 1e9 ? (1e9, "billions") : largest >= 1e6 ? (1e6, "millions") : (1.0, null);
        string[] notes = [.. new[] { unit, log ? "log scale" : null }.OfType<string>()];
        string title = notes.Length == 0 ? label : $"{label} ({string.Join(", ", notes)})";
        IReadOnlyList<double> ticks = log && drawn.Length > 0 ? Decades(drawn.Min() / divisor, drawn.Max() / divisor) : [];
        return new ValueAxis(divisor, title, ticks);
    }

    /// <summary>A value in axis units.</summary>
    public double Scale(double value) => value / Divisor;

    /// <summary>A tick label: grouped thousands, at most three decimals, no exponent.</summary>
    public static string Label(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);

    // Ticks at 1, 2 and 5 times the powers of ten around [min, max] (only the powers when the
    // values span more than three decades), so a reader sees decades and a few intermediates.
    private static double[] Decades(double min, double max)
    {
        int low = (int)Math.Floor(Math.Log10(min)), high = (int)Math.Ceiling(Math.Log10(max));
        double[] steps = high - low > 3 ? [1] : [1, 2, 5];
        var ticks = new List<double>();
        for (int k = low; k <= high; k++)
            foreach (double m in steps)
            {
                // Rounded to the decade's digits so labels read 0.2, not 0.2000000001.
                double v = Math.Round(m * Math.Pow(10, k), Math.Max(0, -k));
                if (v >= min / 1.5 && v <= max * 1.5) ticks.Add(v);
            }
        return [.. ticks];
    }
}
