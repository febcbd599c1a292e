using Frugal.Core.Errors;

namespace Frugal.Storage;

/// <summary>
/// The store cannot use its data directory or device: a file is corrupt, foreign, from an
/// incompatible version, or could not be written. The message names the file and the problem.
/// </summary>
public sealed class StorageException : BadInputException
{
    public StorageException(string message) : base(message) { }

    public StorageException(string message, Exception inner) : base(message, inner: inner) { }
}
