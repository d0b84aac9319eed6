using System.Globalization;
using Its.Time;

namespace Its.Plots;

/// <summary>A colour with its opacity (0 transparent to 1 opaque).</summary>
internal readonly record struct FigureColour(byte R, byte G, byte B, double Alpha = 1)
{
    /// <summary>As CSS: <c>#rrggbb</c> when opaque, else <c>rgba(r, g, b, a)</c>.</summary>
    public string Css => Alpha >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}")
        : string.Create(CultureInfo.InvariantCulture, $"rgba({R}, {G}, {B}, {Alpha})");
}

/// <summary>
/// What every renderer of an <see cref="ItsFigure"/> draws alike: the colours and the legend's
/// names of the series, so the interactive chart and the manuscript files read the same.
/// </summary>
internal static class FigureStyle
{
    // One hue for the model as fitted, a contrasting one for the counterfactual and its band.
    public static readonly FigureColour Observed = new(0x33, 0x33, 0x33);
    public static readonly FigureColour Fitted = new(0x1f, 0x5f, 0xa8);
    public static readonly FigureColour Counterfactual = new(0xc8, 0x51, 0x1b);
    public static readonly FigureColour Band = new(200, 81, 27, 0.18);
    public static readonly FigureColour PostShade = new(0, 0, 0, 0.06);
    public static readonly FigureColour None = new(0xff, 0xff, 0xff, 0);
    public static readonly FigureColour Interruption = new(0x55, 0x55, 0x55);
    // The comparison group of a controlled figure: a third hue, apart from the fit and the counterfactual.
    public static readonly FigureColour Control = new(0x2a, 0x8a, 0x4a);
    public static readonly FigureColour Grid = new(0xe6, 0xe6, 0xe6);
    public static readonly FigureColour AxisLine = new(0x88, 0x88, 0x88);
    // A crowd of lines under the ones that matter (placebos).
    public static readonly FigureColour Muted = new(0xb4, 0xb4, 0xb4);

    /// <summary>Colours of the lines of a <see cref="LineFigure"/>, in legend order.</summary>
    public static readonly IReadOnlyList<FigureColour> Palette =
        [new(0x1f, 0x5f, 0xa8), new(0xc8, 0x51, 0x1b), new(0x2a, 0x8a, 0x4a), new(0x7b, 0x4f, 0xa0), new(0x8c, 0x6d, 0x1f), new(0x33, 0x33, 0x33)];

    public const string ObservedName = "observed";
    public const string LeftOutName = "observed, left out of the fit";
    public const string FittedName = "fitted";
    public const string CounterfactualName = "counterfactual (no interruption)";
    public const string BandName = "95% CI of the counterfactual";

    /// <summary>The label at an interruption's line.</summary>
    public static string InterruptionLabel(Period interruption) => $"interruption {interruption}";
}
