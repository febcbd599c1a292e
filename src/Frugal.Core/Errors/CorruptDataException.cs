namespace Frugal.Core.Errors;

/// <summary>
/// Stored data failed its own checks (a checksum, a size, an identity): the input is not merely
/// malformed but damaged. The command line gives it its own exit code so scripts can tell
/// "you typed it wrong" from "the data on disk is bad". Nothing is changed when it is thrown.
/// </summary>
public class CorruptDataException(string message, Exception? inner = null)
    : Exception(message.ReplaceLineEndings(" "), inner); // one line, whatever damaged text it quotes
