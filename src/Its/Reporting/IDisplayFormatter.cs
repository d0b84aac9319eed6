namespace Its.Reporting;

/// <summary>
/// Shows the values an assembly owns in a notebook: each library of the kit formats its own types
/// (results, figures, the study's tables) and the host that runs notebooks lists these formatters,
/// so the notebook engine needs to know none of the types.
/// </summary>
public interface IDisplayFormatter
{
    /// <summary>The representations of a value this formatter knows; null for a value it does not know.</summary>
    /// <param name="value">A value a notebook shows (never null).</param>
    Display? Format(object value);
}

/// <summary>A value's representations, by MIME type (<c>text/plain</c> always), as Jupyter shows them.</summary>
/// <param name="Data">The representations: MIME type to text (base64 for images such as <c>image/png</c>).</param>
public sealed record Display(IReadOnlyDictionary<string, string> Data)
{
    /// <summary>
    /// What a front end needs to show a representation, by MIME type, each a JSON object as text
    /// (Jupyter's output metadata), e.g. <c>{"width":672,"height":432}</c> for an <c>image/png</c>
    /// drawn at a higher resolution than it is shown at. Empty for none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Text and HTML of one value.</summary>
    public static Display TextAndHtml(string text, string html) =>
        new(new Dictionary<string, string> { ["text/plain"] = text, ["text/html"] = html });

    /// <summary>A table as text and HTML (<see cref="Table.ToText"/>, <see cref="Table.ToHtml"/>).</summary>
    public static Display Of(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return TextAndHtml(table.ToText(), table.ToHtml());
    }
}
