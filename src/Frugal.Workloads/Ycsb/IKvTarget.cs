namespace Frugal.Workloads.Ycsb;

/// <summary>
/// A key-value store a YCSB run drives: 8-byte keys, fixed-size values. Each worker thread gets
/// its own <see cref="IKvSession"/>, so stores with per-thread sessions (FASTER) fit as well as
/// thread-safe ones.
/// </summary>
public interface IKvTarget : IDisposable
{
    /// <summary>A handle for one worker thread; the runner opens one per thread and disposes it at the end.</summary>
    IKvSession NewSession();

    /// <summary>
    /// Called once between the load and the first run: lets a store finish background work the load started (RocksDB
    /// compacts).
    /// </summary>
    void AfterLoad() { }

    /// <summary>Compaction rounds completed so far (a timeline marks them); null when the store does not say.</summary>
    long? CompactionRounds => null;

    /// <summary>
    /// Milliseconds writers have slept so far for the store's backpressure (a timeline shows them per interval); null
    /// when the store does not say.
    /// </summary>
    long? ThrottleSleeps => null;

    /// <summary>
    /// Device bytes (read, written) so far by the store's own counters; null when the store keeps none.
    /// </summary>
    (long Read, long Written)? DeviceBytes { get; }
}

/// <summary>
/// One worker's handle on the store; used by one thread at a time. Calls return when the operation is complete,
/// except in a session that keeps operations in flight (FASTER's, driven as its own benchmark drives it): it completes
/// them in batches, and all of them by the end of <see cref="IDisposable.Dispose"/>.
/// </summary>
public interface IKvSession : IDisposable
{
    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>, inserting or replacing.</summary>
    void Upsert(long key, ReadOnlySpan<byte> value);

    /// <summary>Reads into <paramref name="value"/>; false when absent (or, in a session that keeps operations in
    /// flight, not yet complete).</summary>
    bool Read(long key, Memory<byte> value);

    /// <summary>
    /// Adds 1 to the value's first 8 bytes (initialised from <paramref name="initial"/> when absent).
    /// </summary>
    void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial);
}
