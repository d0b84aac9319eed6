namespace Its.Reporting;

/// <summary>
/// The results file a panel summary belongs with: its name as given and the SHA-256 of its bytes
/// (lower-case hex, as <c>sha256sum</c> prints it), so a summary and a results file that are not
/// one run's pair can be told apart.
/// </summary>
/// <param name="File">The results file, as named on the command line.</param>
/// <param name="Sha256">The SHA-256 of its content.</param>
public sealed record PanelResultsFile(string File, string Sha256)
{
    /// <summary>The part of the panel's units fitted (<c>its panel --partition K/N</c>); null for all.</summary>
    public Batch.UnitPartition? Partition { get; init; }

    /// <summary>The DuckDB query the panel was read by (<c>--sql</c>, <c>--query</c>); null for a file.</summary>
    public string? Query { get; init; }
}

/// <summary>How every unit of a panel was fitted, as its summary names it.</summary>
/// <param name="Outcome">The outcome column.</param>
/// <param name="Errors">The error model (<c>newey:3</c>, <c>prais</c>, ...).</param>
/// <param name="Impact">The impact model (<c>level+slope</c>, <c>gradual:0.5</c>, ...).</param>
/// <param name="Interruptions">The interruptions, as periods (<c>2018-01</c>).</param>
/// <param name="Transform">The outcome's transform (<c>none</c>, <c>log</c>).</param>
/// <param name="Seasonality">The seasonal terms (<c>none</c>, <c>month</c>, <c>fourier:2</c>, ...).</param>
/// <param name="Transition">Periods left out after each interruption.</param>
public sealed record PanelModel(string Outcome, string Errors, string Impact, IReadOnlyList<string> Interruptions, string Transform, string Seasonality, int Transition)
{
    /// <summary>The names of a spec's model, for the units' outcome column.</summary>
    public static PanelModel Of(Model.ItsSpec spec, string outcome)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(outcome);
        return new PanelModel(outcome, spec.Errors.Name, Model.OptionNames.Name(spec.Impact, spec.Rate), spec.Interruptions.Select(p => p.ToString()).ToArray(),
            Model.OptionNames.Name(spec.Transform), spec.Seasonality.ToString(), spec.TransitionPeriods);
    }

    /// <summary>Whether two describe the same model (the interruptions compared in order).</summary>
    public bool SameAs(PanelModel other) =>
        other is not null && Outcome == other.Outcome && Errors == other.Errors && Impact == other.Impact && Transform == other.Transform
        && Seasonality == other.Seasonality && Transition == other.Transition && Interruptions.SequenceEqual(other.Interruptions);
}

/// <summary>One part of a panel merged into the whole's summary (<c>its panel merge</c>).</summary>
/// <param name="Summary">The part's summary file, as named.</param>
/// <param name="Source">The input the part was fitted from.</param>
/// <param name="Results">Its results file, with the SHA-256 checked, and the partition it holds.</param>
public sealed record PanelPart(string Summary, string Source, PanelResultsFile Results);
