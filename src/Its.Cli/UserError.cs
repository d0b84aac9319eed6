namespace Its.Cli;

/// <summary>
/// Bad input or bad options: printed as one line on stderr and exit code 2. The message names the
/// file, the row and the column where it can.
/// </summary>
public sealed class UserError(string message) : Exception(message);
