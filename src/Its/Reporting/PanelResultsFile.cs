namespace Its.Reporting;

/// <summary>
/// The results file a panel summary belongs with: its name as given and the SHA-256 of its bytes
/// (lower-case hex, as <c>sha256sum</c> prints it), so a summary and a results file that are not
/// one run's pair can be told apart.
/// </summary>
/// <param name="File">The results file, as named on the command line.</param>
/// <param name="Sha256">The SHA-256 of its content.</param>
public sealed record PanelResultsFile(string File, string Sha256);
