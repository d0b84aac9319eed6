using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Engine;

/// <summary>
/// What cell code can call without a prefix, as in .NET Interactive notebooks: <c>display(x)</c>,
/// <c>HTML("...")</c> and <c>Markdown("...")</c>.
/// </summary>
// Lower-case display keeps the name .NET Interactive notebooks used, so their cells run unchanged.
public sealed class NotebookGlobals
{
    internal NotebookGlobals()
    {
    }

    /// <summary>Shows the value as a display output of the running cell, through the notebook's formatter.</summary>
    /// <param name="value">Any value; a <see cref="MimeBundle"/> is shown as it is.</param>
    public void display(object? value) => CellOutputs.Show(value);

    /// <summary>HTML to show as it is: <c>display(HTML("&lt;b&gt;note&lt;/b&gt;"))</c>, or as the cell's last expression.</summary>
    /// <param name="html">The HTML; it is also the plain-text representation.</param>
    public MimeBundle HTML(string html) => Representation("text/html", html);

    /// <summary>Markdown to show rendered: <c>display(Markdown($"The level change is {x:F2}"))</c>.</summary>
    /// <param name="markdown">The Markdown; it is also the plain-text representation.</param>
    public MimeBundle Markdown(string markdown) => Representation("text/markdown", markdown);

    private static MimeBundle Representation(string mimeType, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new MimeBundle(new Dictionary<string, string> { [mimeType] = text, ["text/plain"] = text });
    }
}

/// <summary>The <c>x.Display()</c> form of <c>display(x)</c>, as .NET Interactive notebooks wrote it.</summary>
public static class DisplayExtensions
{
    /// <summary>Shows the value as a display output of the running cell, through the notebook's formatter.</summary>
    /// <param name="value">Any value; a <see cref="MimeBundle"/> is shown as it is.</param>
    public static void Display(this object? value) => CellOutputs.Show(value);
}
