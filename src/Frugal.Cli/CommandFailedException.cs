namespace Frugal.Cli;

/// <summary>
/// The command ran and its answer is a failure (a key that is absent, say): one line and
/// <see cref="ExitCodes.Failure"/>, without the "internal error" that any other exception gets.
/// </summary>
internal sealed class CommandFailedException(string message) : Exception(message);
