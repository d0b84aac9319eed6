namespace Its.Model;

/// <summary>
/// The data or the model specification cannot be fitted as asked. The message says what is wrong
/// in the user's terms (a period, a term, a column) and is meant to be shown as it is.
/// </summary>
public sealed class ItsException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ItsException(string message) : this((UserMessage)message) { }

    /// <summary>Creates the exception with a message that may name settings; <see cref="Exception.Message"/> names them in the library's terms.</summary>
    public ItsException(UserMessage message) : base(message?.ToString())
    {
        ArgumentNullException.ThrowIfNull(message);
        Text = message;
    }

    /// <summary>The message, for a front end to render with its own names for the settings.</summary>
    public UserMessage Text { get; }
}
