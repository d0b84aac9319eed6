namespace Its.Notebooks.Reports;

/// <summary>One notebook on the index page.</summary>
/// <param name="Title">The notebook's title.</param>
/// <param name="Href">Its page, relative to the index.</param>
public sealed record IndexEntry(string Title, string Href)
{
    /// <summary>What the notebook is for, as Markdown (rendered with the page's pipeline: raw HTML is shown as text); null for none.</summary>
    public string? Purpose { get; init; }

    /// <summary>A line of plain text under the purpose (how the run went); null for none.</summary>
    public string? Note { get; init; }

    /// <summary>The notebook's figures as images (PNG), relative to the index: each shown as a thumbnail linked to the image.</summary>
    public IReadOnlyList<string> Figures { get; init; } = [];
}
