namespace Frugal.Core.Errors;

/// <summary>
/// The user's input is wrong: a malformed file, an unknown name, a value out of range. Libraries
/// throw it (or a subclass) with a message in the user's terms that names the file, line and field
/// or the setting; the command line maps it to its bad-input exit code and adds the flag's name
/// where a setting came from one (see <see cref="Setting"/>).
/// </summary>
public class BadInputException : Exception
{
    /// <param name="message">One line naming what is wrong and where.</param>
    /// <param name="setting">The library's name for the setting at fault (e.g. <c>MaxDurationHours</c> is not
    /// such a name; <c>max duration</c> is), or null where the message already names a file.</param>
    /// <param name="inner">The exception that revealed the problem, if any.</param>
    public BadInputException(string message, string? setting = null, Exception? inner = null)
        // A message may quote the user's input, line breaks included: it stays one line whatever it quotes.
        : base(message.ReplaceLineEndings(" "), inner)
    {
        Setting = setting;
    }

    /// <summary>The setting the message is about, so a front end can name its own flag for it.</summary>
    public string? Setting { get; }
}
