namespace Frugal.Storage;

/// <summary>A snapshot of the store's memory split, log regions and I/O counters.</summary>
public sealed record StoreStats
{
    public required MemoryPlan Plan { get; init; }
    public required long IndexBuckets { get; init; }
    public required long OverflowBuckets { get; init; }

    /// <summary>Index memory in use, overflow buckets included.</summary>
    public required long IndexBytes { get; init; }

    public required long BeginAddress { get; init; }
    public required long HeadAddress { get; init; }
    public required long ReadOnlyAddress { get; init; }
    public required long TailAddress { get; init; }
    public required long FlushedUntilAddress { get; init; }
    public required long ReadCacheHeadAddress { get; init; }
    public required long ReadCacheTailAddress { get; init; }

    public required long Reads { get; init; }
    public required long Upserts { get; init; }
    public required long Rmws { get; init; }
    public required long Deletes { get; init; }
    public required long ReadCacheHits { get; init; }

    /// <summary>Operations that had to read the device (a record below Head).</summary>
    public required long PendingOperations { get; init; }

    public required long DeviceReads { get; init; }
    public required long BytesRead { get; init; }
    public required long BytesWritten { get; init; }

    /// <summary>Bytes of log on disk only: [Begin, Head).</summary>
    public long OnDiskBytes => HeadAddress - BeginAddress;

    /// <summary>Bytes of log in memory: [Head, Tail).</summary>
    public long InMemoryBytes => TailAddress - HeadAddress;

    /// <summary>Of the reads that found no record in the main log's memory, the fraction the read cache served.</summary>
    public double ReadCacheHitRate => ReadCacheHits + PendingOperations == 0 ? 0 : (double)ReadCacheHits / (ReadCacheHits + PendingOperations);
}
