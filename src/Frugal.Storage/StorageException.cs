using Frugal.Core.Errors;

namespace Frugal.Storage;

/// <summary>
/// The store could not finish an operation on its files: a write failed (a full disk), the files may
/// not be opened for writing (permissions), background compaction failed, or the index ran out of
/// room. The message names the file or directory. It is the environment's doing, neither the
/// caller's input nor damaged data, hence an <see cref="IOException"/>.
/// </summary>
public class StorageException : IOException
{
    /// <param name="message">One line naming the file and what failed.</param>
    public StorageException(string message) : base(message) { }

    /// <param name="message">One line naming the file and what failed.</param>
    /// <param name="inner">The failure underneath.</param>
    public StorageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A store file failed its own checks: a record's or file's checksum, a length, the store
/// identity that ties the checkpoint to its own logs and index snapshots, or it is not a Frugal
/// file at all. The store throws it before it has changed anything. The message names the file
/// and, for a record, its address.
/// </summary>
internal sealed class StorageCorruptException : CorruptDataException
{
    /// <param name="path">The damaged file.</param>
    /// <param name="problem">What is wrong with it, in a few words ("checksum mismatch (corrupt)").</param>
    /// <param name="address">The log address (file offset) of the damaged record, if the damage is in one.</param>
    /// <param name="inner">The failure underneath, if any.</param>
    public StorageCorruptException(string path, string problem, long? address = null, Exception? inner = null)
        : base(address is { } at ? $"{path}, address {at}: {problem}" : $"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
        Address = address;
    }

    /// <summary>What is wrong with the file, without its name.</summary>
    public string Problem { get; }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>The log address of the damaged record; null when the damage is not in a record.</summary>
    public long? Address { get; }
}
