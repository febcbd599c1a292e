using System.Text.Json;
using Frugal.Core.Results;

namespace Frugal.Storage;

/// <summary>A snapshot of the store's memory split, both tiers' log regions, compaction and I/O counters.</summary>
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

    /// <summary>The cold log's markers: [Begin, Head) on disk, [Head, Tail) in memory.</summary>
    public required long ColdBeginAddress { get; init; }
    public required long ColdHeadAddress { get; init; }
    public required long ColdTailAddress { get; init; }

    /// <summary>Chunks of 32 entries in the cold index (fixed at creation).</summary>
    public required long ColdIndexChunks { get; init; }

    /// <summary>
    /// Memory of the cold index: its chunk store's hash table (overflow included) and in-memory pages.
    /// </summary>
    public required long ColdIndexBytes { get; init; }

    /// <summary>Bytes the cold index's chunk log spans, [Begin, Tail).</summary>
    public required long ColdIndexLogBytes { get; init; }

    public required long Reads { get; init; }
    public required long Upserts { get; init; }
    public required long Rmws { get; init; }
    public required long Deletes { get; init; }
    public required long ReadCacheHits { get; init; }

    /// <summary>Operations that left memory: a record below hot Head, or a lookup in the cold tier.</summary>
    public required long PendingOperations { get; init; }

    /// <summary>Reads that found no record in the hot log and consulted the cold tier.</summary>
    public required long ColdLookups { get; init; }

    /// <summary>
    /// Compaction rounds: hot log to cold log, cold log to its own tail, and the cold index's chunk log to its own
    /// tail.
    /// </summary>
    public required long HotToColdCompactions { get; init; }
    public required long ColdToColdCompactions { get; init; }
    public required long ColdIndexCompactions { get; init; }

    /// <summary>Log bytes compaction scanned, and the bytes of live records it copied.</summary>
    public required long CompactedBytes { get; init; }
    public required long MovedBytes { get; init; }

    /// <summary>
    /// Disk space given back to the file system below the logs' Begin (after the checkpoint that recorded it).
    /// </summary>
    public required long ReclaimedBytes { get; init; }

    /// <summary>Checkpoints compaction took to make its truncation durable.</summary>
    public required long AutoCheckpoints { get; init; }

    /// <summary>Device reads and bytes, all logs together (compaction's scans included).</summary>
    public required long DeviceReads { get; init; }
    public required long BytesRead { get; init; }
    /// <summary>Bytes written to the devices, all logs together.</summary>
    public required long BytesWritten { get; init; }

    /// <summary>Bytes of hot log on disk only: [Begin, Head).</summary>
    public long OnDiskBytes => HeadAddress - BeginAddress;

    /// <summary>Bytes of hot log in memory: [Head, Tail).</summary>
    public long InMemoryBytes => TailAddress - HeadAddress;

    /// <summary>Bytes the logs span, all tiers: what compaction keeps within the disk budget.</summary>
    public long LogBytes => TailAddress - BeginAddress + ColdTailAddress - ColdBeginAddress + ColdIndexLogBytes;

    /// <summary>
    /// Of the reads that found no record in the main log's memory, the fraction the read cache served.
    /// </summary>
    public double ReadCacheHitRate =>
        ReadCacheHits + PendingOperations == 0 ? 0 : (double)ReadCacheHits / (ReadCacheHits + PendingOperations);
}

/// <summary>A store's statistics and what opening it found, as one record with the house's JSON form.</summary>
public sealed record StoreReport(StoreStats Stats, RecoveryInfo Recovery)
{
    /// <summary>The report as JSON (<see cref="ResultJson.Options"/>: camelCase, indented).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ResultJson.Options);
}
