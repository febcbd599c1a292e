using Frugal.Core.Errors;

namespace Frugal.Cli;

/// <summary>
/// Bad input found by a command itself (beyond what the parser checks); exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
internal sealed class UsageException(string message) : BadInputException(message);
