using Its.Notebooks.Formatting;
using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Tests;

/// <summary>The engine's tests format values as their ToString, so what a cell shows is easy to state.</summary>
public sealed class PlainFormatter : IMimeFormatter
{
    /// <inheritdoc />
    public MimeBundle Format(object? value) => MimeBundle.Plain(value?.ToString() ?? "null");
}
