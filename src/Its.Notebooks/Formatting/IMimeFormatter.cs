using Its.Notebooks.Nbformat;

namespace Its.Notebooks.Formatting;

/// <summary>Turns a value shown by a notebook (a cell's last expression, or <c>display(x)</c>) into a MIME bundle.</summary>
public interface IMimeFormatter
{
    /// <summary>The representations of a value: <c>text/plain</c> always, HTML or SVG where the value has them.</summary>
    MimeBundle Format(object? value);
}
