using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Targets;

/// <summary>
/// Reads a store completed, by outcome, counted after completion: a store that drops reads shows
/// <see cref="Lost"/> above zero, one that loses data shows <see cref="Missing"/> where every key exists.
/// </summary>
/// <param name="Reads">Reads issued.</param>
/// <param name="Found">Reads that completed and found their key.</param>
/// <param name="Missing">Reads that completed and did not.</param>
/// <param name="Pending">Reads the store could not answer at once (FASTER: they went to the device).</param>
public readonly record struct ReadCounts(long Reads, long Found, long Missing, long Pending)
{
    /// <summary>Reads issued that never completed.</summary>
    public long Lost => Reads - Found - Missing;

    public static ReadCounts operator -(ReadCounts after, ReadCounts before) => new(
        after.Reads - before.Reads, after.Found - before.Found, after.Missing - before.Missing,
        after.Pending - before.Pending);
}

/// <summary>A store's read counts over all its sessions; sessions add theirs when they are disposed.</summary>
internal sealed class ReadTally
{
    private long _reads, _found, _missing, _pending;

    public ReadCounts Counts => new(
        Interlocked.Read(ref _reads), Interlocked.Read(ref _found), Interlocked.Read(ref _missing),
        Interlocked.Read(ref _pending));

    public void Add(ReadCounts counts)
    {
        Interlocked.Add(ref _reads, counts.Reads);
        Interlocked.Add(ref _found, counts.Found);
        Interlocked.Add(ref _missing, counts.Missing);
        Interlocked.Add(ref _pending, counts.Pending);
    }
}

/// <summary>A YCSB target that counts its reads by outcome (after their completion).</summary>
internal interface ICountedTarget : IKvTarget
{
    /// <summary>Reads of every session disposed so far.</summary>
    ReadCounts Reads { get; }
}

/// <summary>
/// Counts the reads of a store whose calls return complete (ours, RocksDB): a read's outcome is its return value.
/// </summary>
internal sealed class CountingTarget(IKvTarget inner) : ICountedTarget
{
    private readonly ReadTally _tally = new();

    public ReadCounts Reads => _tally.Counts;

    public (long Read, long Written)? DeviceBytes => inner.DeviceBytes;

    public long? CompactionRounds => inner.CompactionRounds;

    public long? ThrottleSleeps => inner.ThrottleSleeps;

    public void AfterLoad() => inner.AfterLoad();

    public IKvSession NewSession() => new Session(inner.NewSession(), _tally);

    public void Dispose() => inner.Dispose();

    private sealed class Session(IKvSession inner, ReadTally tally) : IKvSession
    {
        private long _reads, _found;

        public void Upsert(long key, ReadOnlySpan<byte> value) => inner.Upsert(key, value);

        public bool Read(long key, Memory<byte> value)
        {
            var found = inner.Read(key, value);
            _reads++;
            if (found) _found++;
            return found;
        }

        public void ReadModifyWrite(long key, ReadOnlyMemory<byte> initial) => inner.ReadModifyWrite(key, initial);

        public void Dispose()
        {
            inner.Dispose();
            tally.Add(new ReadCounts(_reads, _found, _reads - _found, Pending: 0));
        }
    }
}
