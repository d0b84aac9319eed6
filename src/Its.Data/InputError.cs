namespace Its.Data;

/// <summary>
/// Bad input or bad options. The message names the file, the row and the column where it can and
/// is shown as it is: the command line prints it as one line and exits with code 2.
/// </summary>
public sealed class InputError(string message) : Exception(message);
