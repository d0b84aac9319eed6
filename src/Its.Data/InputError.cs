using Its.Model;

namespace Its.Data;

/// <summary>
/// Bad input or bad options. The message names the file, the row and the column where it can and
/// is shown as it is: the command line prints it as one line and exits with code 2.
/// </summary>
public sealed class InputError(string message) : Exception(message)
{
    /// <summary>Runs a library call on a file's data, turning a model that does not fit the data into an input error naming the file.</summary>
    /// <exception cref="InputError">The call threw an <see cref="ItsException"/>.</exception>
    public static T FromModel<T>(string file, Func<T> fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        try { return fit(); }
        catch (ItsException e) { throw new InputError($"{file}: {e.Message}"); }
    }
}
