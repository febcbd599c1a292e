namespace Frugal.Cli;

/// <summary>
/// A cancelled command that kept part of its work (a tuning history); the message says what and where.
/// </summary>
internal sealed class PartlyKeptCancellation(string kept, OperationCanceledException cause)
    : OperationCanceledException(kept, cause);
