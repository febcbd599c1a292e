namespace Frugal.Storage;

/// <summary>How a read into a caller's buffer ended.</summary>
public enum ReadStatus
{
    /// <summary>The key does not exist (never written, or deleted).</summary>
    NotFound,
    /// <summary>The value was copied into the destination.</summary>
    Found,

    /// <summary>
    /// Found, but the destination is shorter than the value; nothing was copied. <see cref="ReadResult.ValueLength"/>
    /// says how long it is.
    /// </summary>
    BufferTooSmall,
}

/// <summary>The outcome of a read into a caller's buffer.</summary>
public readonly record struct ReadResult(ReadStatus Status, int ValueLength)
{
    /// <summary>True when the key exists and its value was copied.</summary>
    public bool Found => Status == ReadStatus.Found;

    /// <summary>The result of a read that ended in memory.</summary>
    internal static ReadResult Of(OpStatus status, int length) => status switch
    {
        OpStatus.Done => new ReadResult(ReadStatus.Found, length),
        OpStatus.TooSmall => new ReadResult(ReadStatus.BufferTooSmall, length),
        _ => new ReadResult(ReadStatus.NotFound, 0),
    };
}

/// <summary>A typed read: whether the key exists, and its value if so.</summary>
public readonly record struct Lookup<TValue>(bool Found, TValue Value);

/// <summary>What a recovery found in the data directory.</summary>
public sealed record RecoveryInfo(bool Created, long CheckpointSequence, long TailAddress, long TruncatedBytes);

/// <summary>What a completed checkpoint covers: everything written below <see cref="TailAddress"/>.</summary>
public sealed record CheckpointInfo(long Sequence, long TailAddress, long IndexEntries);

/// <summary>
/// A read-modify-write: given the input and the current value (if <c>exists</c>), produce the
/// new value. Called with the record locked or copied; must not call back into the store.
/// </summary>
public interface IRmwFunction
{
    /// <summary>
    /// The new value's length in bytes, so the store can reserve room before calling <see cref="Merge"/>.
    /// </summary>
    /// <param name="input">The input the caller passed.</param>
    /// <param name="current">The current value; empty when <paramref name="exists"/> is false.</param>
    /// <param name="exists">Whether the key has a value now.</param>
    int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists);

    /// <summary>
    /// Writes the new value into <paramref name="result"/>, which is as long as <see cref="ResultLength"/> said.
    /// </summary>
    /// <param name="input">The input the caller passed.</param>
    /// <param name="current">The current value; empty when <paramref name="exists"/> is false.</param>
    /// <param name="exists">Whether the key has a value now.</param>
    /// <param name="result">Where the new value goes.</param>
    void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result);
}

/// <summary>
/// A typed read-modify-write: the new value from the input and the current value (default when absent).
/// </summary>
public delegate TValue ValueMerge<TValue>(TValue input, TValue current, bool exists);

/// <summary>
/// Where an operation stopped when its record is on disk: the address to read (0 for the cold
/// tier), the hot index entry it started from, and the hot tail and Begin when it started. A
/// later insert (read cache, conditional RMW) succeeds only if the entry is unchanged and hot
/// Begin has not passed that tail: otherwise a newer version may have been written and
/// compacted meanwhile. A chain walk that runs below a Begin which moved since it started may
/// have missed a record compaction copied higher up: it starts over.
/// </summary>
internal readonly record struct PendingIo(long Address, long Entry, ulong Hash, long HotTail, long Begin);

internal enum OpStatus
{
    Done,
    NotFound,
    TooSmall,
    Pending,

    /// <summary>
    /// The log holds no record of the key (no tombstone either): a tier below decides, if there is one.
    /// </summary>
    Missing,

    /// <summary>Lost a race (a compare-and-swap failed): try again at once.</summary>
    Retry,

    /// <summary>Waiting on the log (a free frame, the fuzzy region): refresh the epoch, yield, try again.</summary>
    Wait,
}
