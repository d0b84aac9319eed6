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
}

/// <summary>How every unit of a panel was fitted, as its summary names it.</summary>
/// <param name="Errors">The error model (<c>newey:3</c>, <c>prais</c>, ...).</param>
/// <param name="Impact">The impact model (<c>level-slope</c>, ...).</param>
/// <param name="Interruptions">The interruptions, as periods (<c>2018-01</c>).</param>
public sealed record PanelModel(string Errors, string Impact, IReadOnlyList<string> Interruptions)
{
    /// <summary>The names of a spec's error model, impact and interruptions.</summary>
    public static PanelModel Of(Model.ItsSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new PanelModel(spec.Errors.Name, Model.OptionNames.Name(spec.Impact), spec.Interruptions.Select(p => p.ToString()).ToArray());
    }

    /// <summary>Whether two describe the same model (the interruptions compared in order).</summary>
    public bool SameAs(PanelModel other) =>
        other is not null && Errors == other.Errors && Impact == other.Impact && Interruptions.SequenceEqual(other.Interruptions);
}

/// <summary>One part of a panel merged into the whole's summary (<c>its panel merge</c>).</summary>
/// <param name="Summary">The part's summary file, as named.</param>
/// <param name="Source">The input the part was fitted from.</param>
/// <param name="Results">Its results file, with the SHA-256 checked, and the partition it holds.</param>
public sealed record PanelPart(string Summary, string Source, PanelResultsFile Results);
