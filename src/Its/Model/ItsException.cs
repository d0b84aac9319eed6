namespace Its.Model;

/// <summary>
/// The data or the model specification cannot be fitted as asked. The message says what is wrong
/// in the user's terms (a period, a term, a column) and is meant to be shown as it is.
/// </summary>
public sealed class ItsException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ItsException(string message) : base(message) { }
}
