using System.Text.Json;
using Frugal.Core.Results;

namespace Frugal.Storage;

/// <summary>A snapshot of the store's memory split, both tiers' log regions, compaction and I/O counters.</summary>
public sealed record StoreStats
{
    /// <summary>How the memory budget was split among the indexes, logs and read cache.</summary>
    public required MemoryPlan Plan { get; init; }
    /// <summary>Buckets in the hot index's hash table (fixed at creation).</summary>
    public required long IndexBuckets { get; init; }
    /// <summary>Overflow buckets the hot index added for full buckets.</summary>
    public required long OverflowBuckets { get; init; }

    /// <summary>Index memory in use, overflow buckets included.</summary>
    public required long IndexBytes { get; init; }

    /// <summary>The hot log's lowest live address; below it the log was compacted away.</summary>
    public required long BeginAddress { get; init; }
    /// <summary>The hot log's lowest in-memory address: [Begin, Head) is on disk only.</summary>
    public required long HeadAddress { get; init; }
    /// <summary>Below this address the hot log is read-only (updates append); above it, updated in place.</summary>
    public required long ReadOnlyAddress { get; init; }
    /// <summary>The hot log's next free address: the end of what was written.</summary>
    public required long TailAddress { get; init; }
    /// <summary>Everything below this address of the hot log has reached the device.</summary>
    public required long FlushedUntilAddress { get; init; }
    /// <summary>The read cache's oldest record still in memory.</summary>
    public required long ReadCacheHeadAddress { get; init; }
    /// <summary>The read cache's next free address.</summary>
    public required long ReadCacheTailAddress { get; init; }

    /// <summary>The cold log's markers: [Begin, Head) on disk, [Head, Tail) in memory.</summary>
    public required long ColdBeginAddress { get; init; }
    /// <summary>The cold log's lowest in-memory address.</summary>
    public required long ColdHeadAddress { get; init; }
    /// <summary>The cold log's next free address.</summary>
    public required long ColdTailAddress { get; init; }

    /// <summary>Chunks of 32 entries in the cold index (fixed at creation).</summary>
    public required long ColdIndexChunks { get; init; }

    /// <summary>
    /// Memory of the cold index: its chunk store's hash table (overflow included) and in-memory pages.
    /// </summary>
    public required long ColdIndexBytes { get; init; }

    /// <summary>Bytes the cold index's chunk log spans, [Begin, Tail).</summary>
    public required long ColdIndexLogBytes { get; init; }

    /// <summary>Reads since the store opened (as every counter here: they restart at each open).</summary>
    public required long Reads { get; init; }
    /// <summary>Upserts since the store opened.</summary>
    public required long Upserts { get; init; }
    /// <summary>Read-modify-writes since the store opened.</summary>
    public required long Rmws { get; init; }
    /// <summary>Deletes since the store opened.</summary>
    public required long Deletes { get; init; }
    /// <summary>Reads of on-disk records that the read cache served without a device read.</summary>
    public required long ReadCacheHits { get; init; }

    /// <summary>Operations that left memory: a record below hot Head, or a lookup in the cold tier.</summary>
    public required long PendingOperations { get; init; }

    /// <summary>Reads that found no record in the hot log and consulted the cold tier.</summary>
    public required long ColdLookups { get; init; }

    /// <summary>Device reads of cold-index chunks that cold lookups made (compaction's not counted).</summary>
    public required long ColdIndexReads { get; init; }

    /// <summary>Device reads of cold-log records that cold lookups made, along their cold chains.</summary>
    public required long ColdLogReads { get; init; }

    /// <summary>
    /// Device reads per cold lookup, chunk and records together: 1 when every lookup found its chunk in memory and its
    /// record first in the chain; 0 for a lookup the cold index's key filter answered.
    /// </summary>
    public double DeviceReadsPerColdLookup =>
        ColdLookups == 0 ? 0 : (double)(ColdIndexReads + ColdLogReads) / ColdLookups;

    /// <summary>
    /// Compaction rounds: hot log to cold log, cold log to its own tail, and the cold index's chunk log to its own
    /// tail.
    /// </summary>
    public required long HotToColdCompactions { get; init; }
    /// <summary>Cold log compaction rounds (live records copied to the cold log's own tail).</summary>
    public required long ColdToColdCompactions { get; init; }
    /// <summary>Compaction rounds of the cold index's chunk log.</summary>
    public required long ColdIndexCompactions { get; init; }

    /// <summary>Log bytes compaction scanned, and the bytes of live records it copied.</summary>
    public required long CompactedBytes { get; init; }
    /// <summary>Bytes of live records compaction copied.</summary>
    public required long MovedBytes { get; init; }

    /// <summary>
    /// Disk space given back to the file system below the logs' Begin (after the checkpoint that recorded it).
    /// </summary>
    public required long ReclaimedBytes { get; init; }

    /// <summary>Checkpoints compaction took to make its truncation durable.</summary>
    public required long AutoCheckpoints { get; init; }

    /// <summary>
    /// Milliseconds writers slept for backpressure, all threads together: the hot log was past two and a half budgets
    /// because writers appended faster than compaction moved it to the cold tier.
    /// </summary>
    public required long ThrottleSleeps { get; init; }

    /// <summary>Device reads and bytes, all logs together (compaction's scans included).</summary>
    public required long DeviceReads { get; init; }
    /// <summary>Bytes read from the devices, all logs together.</summary>
    public required long BytesRead { get; init; }
    /// <summary>Bytes written to the devices, all logs together.</summary>
    public required long BytesWritten { get; init; }

    /// <summary>
    /// How the logs meet the disk: "buffered", or direct with its alignment and how asynchronous reads are made
    /// (io_uring, or blocking reads on the thread pool and why: said here where the kernel refused io_uring).
    /// </summary>
    public string Io { get; init; } = "buffered";

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
