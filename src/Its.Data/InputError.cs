using Its.Model;

namespace Its.Data;

/// <summary>
/// Bad input or bad options. The message names the file, the row and the column where it can and
/// is shown as it is: the command line prints it as one line and exits with code 2.
/// </summary>
public sealed class InputError : Exception
{
    /// <summary>Creates the error with a message for the user.</summary>
    public InputError(string message) : this((UserMessage)message) { }

    /// <summary>Creates the error with a message that may name settings; <see cref="Exception.Message"/> names them in the library's terms.</summary>
    public InputError(UserMessage message) : base(message?.ToString())
    {
        ArgumentNullException.ThrowIfNull(message);
        Text = message;
    }

    /// <summary>The message, for a front end to render with its own names for the settings.</summary>
    public UserMessage Text { get; }

    /// <summary>Runs a library call on a file's data, turning a model that does not fit the data into an input error naming the file.</summary>
    /// <exception cref="InputError">The call threw an <see cref="ItsException"/>.</exception>
    public static T FromModel<T>(string file, Func<T> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        try { return fit(); }
        catch (ItsException e) { throw new InputError(new UserMessage($"{file}: {e.Text}")); }
    }
}
