using System.Numerics;
using Frugal.Core.Errors;

namespace Frugal.Storage;

/// <summary>How a store is set up. Only <see cref="Directory"/> is required; the rest have working defaults.</summary>
public sealed record KvStoreOptions
{
    /// <summary>The memory budget when none is given: 512 MiB.</summary>
    public const long DefaultMemoryBudget = 512L << 20;

    /// <summary>The data directory: the logs, the checkpoints. Created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// All the memory the store may use; split among hot index, hot log, read cache, cold index and cold log unless a
    /// part is set below.
    /// </summary>
    public long MemoryBudget { get; init; } = DefaultMemoryBudget;

    /// <summary>
    /// Bytes for the hot hash index (rounded down to a power of two of 64-byte buckets); default a quarter of the
    /// budget.
    /// </summary>
    public long? IndexBytes { get; init; }

    /// <summary>Bytes of in-memory hot log pages; default what the other parts leave.</summary>
    public long? LogMemoryBytes { get; init; }

    /// <summary>Bytes for the read cache; 0 turns it off; default an eighth of the budget.</summary>
    public long? ReadCacheBytes { get; init; }

    /// <summary>
    /// Bytes for the cold index (its chunk store's hash table, in-memory pages and chunk read cache); default an eighth
    /// of the budget.
    /// </summary>
    public long? ColdIndexBytes { get; init; }

    /// <summary>
    /// Bytes of in-memory cold log pages (only compaction writes there); default a thirty-second of the budget.
    /// </summary>
    public long? ColdLogMemoryBytes { get; init; }

    /// <summary>
    /// Log2 of the page size; default 1 MiB pages, smaller when the hot log would hold fewer than 16 of them (the read
    /// cache 8, the cold log 4).
    /// </summary>
    public int? PageSizeBits { get; init; }

    /// <summary>Fraction of the in-memory log updated in place (the rest is read-only, copied on update).</summary>
    public double MutableFraction { get; init; } = 0.9;

    /// <summary>
    /// Fraction of the read cache, its oldest part, where a hit copies the record back to the cache's tail.
    /// </summary>
    public double SecondChanceFraction { get; init; } = 0.1;

    /// <summary>
    /// Bytes the hot log may span (in memory and on disk) before compaction moves its oldest part to the cold log; at
    /// least twice its memory. Default: the log its hot index covers at F2's sizing (<see
    /// cref="MemoryPlan.HotLogBytesPerIndexByte"/> bytes of log per byte of index), at most an eighth of the disk
    /// budget, or twice its memory if more.
    /// </summary>
    public long? HotLogBudget { get; init; }

    /// <summary>
    /// Bytes of log the store may keep on disk, all tiers together; past it compaction rewrites
    /// the cold log's oldest part. Default 16 × the memory budget, at least 8 GiB (F2's cold-log
    /// budget): below the live data's size it would only rewrite live records.
    /// </summary>
    public long? DiskBudget { get; init; }

    /// <summary>
    /// Compaction moves Begin at once, but gives the space below it back to the file system only
    /// after a checkpoint records the new Begin (so a crash can always recover the previous one).
    /// When true (the default) the compaction thread takes that checkpoint itself once twice the
    /// hot-log budget waits to be given back; when false, space comes back at your checkpoints.
    /// </summary>
    public bool CheckpointToReclaim { get; init; } = true;

    /// <summary>How often the background compaction thread checks the logs against their budgets.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Open an existing store for reading only: nothing in the directory is written, truncated or
    /// deleted (a torn tail is ignored, not cut), no compaction runs, and every write throws.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Create a store when the directory is missing or empty (the default); when false, such a directory is refused.
    /// </summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>
    /// Whether records carry a checksum, checked on every read from the device (default true).
    /// Fixed when the store is created, like the index size: a reopen keeps the store's choice.
    /// Off only to measure what the checksums cost.
    /// </summary>
    public bool Checksums { get; init; } = true;

    /// <summary>
    /// How the store's log files are read and written (the hot log, the cold log, the cold index's chunk log):
    /// through the page cache (the default), or around it (<see cref="IoMode.Direct"/>). Not part of the store: any
    /// open may choose either.
    /// </summary>
    public IoMode Io { get; init; } = IoMode.Buffered;
}

/// <summary>How a store's log files meet the disk.</summary>
public enum IoMode
{
    /// <summary>
    /// Through the operating system's page cache (pread/pwrite): what memory is free caches the files.
    /// </summary>
    Buffered,

    /// <summary>
    /// Around the page cache (Linux O_DIRECT, aligned transfers; asynchronous reads through io_uring): every read
    /// and write reaches the disk, and the store's memory budget is all the memory its data gets. Refused by file
    /// systems without direct I/O (tmpfs, some network ones).
    /// </summary>
    Direct,
}

/// <summary>How the store split its memory budget, and the disk budgets derived from it.</summary>
public sealed record MemoryPlan(long IndexBuckets, int PageBits, int LogFrames, int ReadCacheFrames)
{
    private const int MinPageBits = 12;
    private const int DefaultPageBits = 20;
    internal const int MinFrames = 4;

    /// <summary>Memory of the hot index's hash table, overflow buckets excluded.</summary>
    public long IndexBytes => IndexBuckets * HashIndex.BucketBytes;
    /// <summary>Memory of the hot log's in-memory pages.</summary>
    public long LogMemoryBytes => (long)LogFrames << PageBits;
    /// <summary>Memory of the read cache, which keeps recently read on-disk records.</summary>
    public long ReadCacheBytes => (long)ReadCacheFrames << PageBits;

    /// <summary>In-memory pages of the cold log.</summary>
    public int ColdLogFrames { get; init; }

    /// <summary>Memory of the cold log's in-memory pages.</summary>
    public long ColdLogMemoryBytes => (long)ColdLogFrames << PageBits;

    /// <summary>Buckets of the cold index's own hash table (its first level).</summary>
    public long ColdIndexBuckets { get; init; }

    /// <summary>Page bits and in-memory pages of the cold index's chunk log (its second level).</summary>
    public int ColdIndexPageBits { get; init; }

    /// <summary>In-memory pages of the cold index's chunk log.</summary>
    public int ColdIndexFrames { get; init; }

    /// <summary>Pages of the cold index's read cache: the chunks that lookups read from the device lately.</summary>
    public int ColdIndexCacheFrames { get; init; }

    /// <summary>Memory of the cold index: its hash table, its in-memory chunk pages and its chunk read cache.</summary>
    public long ColdIndexBytes =>
        ColdIndexBuckets * HashIndex.BucketBytes
        + ((long)(ColdIndexFrames + ColdIndexCacheFrames) << ColdIndexPageBits);

    /// <summary>Bytes the hot log may span before hot-to-cold compaction runs.</summary>
    public long HotLogBudget { get; init; }

    /// <summary>Bytes the cold log may span before cold-to-cold compaction runs.</summary>
    public long ColdLogBudget { get; init; }

    /// <summary>
    /// Bytes of hot log per byte of hot index that the default hot-log budget allows: F2 sizes a hot index at four
    /// keys per 64-byte bucket (16 bytes a key), and its records are about 128 bytes (8-byte keys, 100-byte values),
    /// so the index covers 8 bytes of log per byte without overflow. The hot log is bounded by what its index covers,
    /// not by its memory: records on the hot log's disk part cost a lookup one device read, cold ones about two, and
    /// a bulk load appends that much before compaction has to keep pace (docs/storage.md, "Memory budget").
    /// </summary>
    public const int HotLogBytesPerIndexByte = 8;

    /// <summary>Every part of the budget together.</summary>
    public long TotalBytes => IndexBytes + LogMemoryBytes + ReadCacheBytes + ColdIndexBytes + ColdLogMemoryBytes;

    /// <summary>What <see cref="BadInputException.Setting"/> names when the memory budget is at fault.</summary>
    public const string MemoryBudgetSetting = "memory budget";

    /// <summary>
    /// The memory this machine (or its container) gives the process: no budget may exceed it, as the store touches all
    /// of it.
    /// </summary>
    private static long MachineMemory => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Splits the options' memory budget.</summary>
    /// <exception cref="BadInputException">A setting out of range; <see cref="BadInputException.Setting"/> names
    /// it.</exception>
    public static MemoryPlan From(KvStoreOptions options)
    {
        CheckRanges(options);
        var budget = options.MemoryBudget;
        var buckets = Buckets(options.IndexBytes ?? budget / 4);
        var cacheBytes = options.ReadCacheBytes ?? budget / 8;
        var coldIndexBytes = options.ColdIndexBytes ?? budget / 8;
        var coldLogBytes = options.ColdLogMemoryBytes ?? budget / 32;
        var logBytes = options.LogMemoryBytes
                       ?? budget - buckets * HashIndex.BucketBytes - cacheBytes - coldIndexBytes - coldLogBytes;
        // Pages small enough for 16 in the hot log, 8 in the read cache and 4 in the cold log: a
        // ring of fewer frames would starve (the read cache would be switched off).
        var fit = Math.Min(logBytes / 16, Math.Min(
            cacheBytes > 0 ? cacheBytes / 8 : long.MaxValue,
            coldLogBytes > 0 ? coldLogBytes / 4 : long.MaxValue));
        var pageBits = options.PageSizeBits ?? PageBitsFor(fit);
        if (pageBits is < MinPageBits or > 30)
            throw new BadInputException(
                $"the page size must be 2^{MinPageBits} to 2^30 bytes, not 2^{pageBits}", "page size");
        var logFrames = Frames(logBytes, pageBits, "hot log");
        var cacheFrames = (int)Math.Min(int.MaxValue, Math.Max(0, cacheBytes) >> pageBits);
        // A read cache smaller than the minimum ring is no cache at all.
        if (cacheFrames < MinFrames) cacheFrames = 0;
        // The cold log holds records as large as the hot log's, so it shares the page size; it
        // always gets the minimum ring, which a tiny budget may have to add on top.
        var coldFrames = Math.Max(MinFrames, (int)Math.Min(int.MaxValue, Math.Max(0, coldLogBytes) >> pageBits));
        // The cold index: most of its memory for its hash table (the largest power of two of buckets within three
        // quarters of it), since the table fixes how many chunks, so how many chain heads, the cold keys share, and
        // every key in front of another in a chain costs a cold hit a device read (docs/storage.md, "Memory budget");
        // the rest for chunk pages (4 KiB or more), shared by the chunk log's tail, where compaction writes the
        // chunks of the keys it moved, and a read cache of the chunks lookups read from the device (F2: the cold
        // index's memory keeps the chunks used lately).
        var coldBuckets = Buckets(coldIndexBytes / 4 * 3);
        var chunkPages = Math.Max(0, coldIndexBytes - coldBuckets * HashIndex.BucketBytes);
        var chunkPageBits = PageBitsFor(chunkPages / 16);
        var chunkFrames = Math.Max(MinFrames, (int)Math.Min(int.MaxValue, (chunkPages / 2) >> chunkPageBits));
        var chunkCacheFrames = (int)Math.Min(int.MaxValue, (chunkPages / 2) >> chunkPageBits);
        if (chunkCacheFrames < MinFrames) chunkCacheFrames = 0;
        var hotMemory = (long)logFrames << pageBits;
        var disk = options.DiskBudget ?? Math.Max(16 * budget, 8L << 30);
        // At most an eighth of the disk budget (F2's 1 GiB hot to 8 GiB cold), which binds only when the disk budget
        // is set below its default: a setting that left the cold log room before keeps leaving it.
        var hotBudget = options.HotLogBudget ?? Math.Max(2 * hotMemory,
            Math.Min(disk / 8, buckets * HashIndex.BucketBytes * HotLogBytesPerIndexByte));
        if (hotBudget < 2 * hotMemory)
            throw new BadInputException(
                $"the hot log budget of {hotBudget} bytes is less than twice " +
                $"the hot log's memory ({2 * hotMemory} bytes)",
                "hot log budget");
        var chunkBudget = ColdIndex.LogBudget(coldBuckets, chunkFrames, chunkPageBits);
        var coldBudget = disk - hotBudget - chunkBudget;
        var minCold = 4 * ((long)coldFrames << pageBits);
        if (coldBudget < minCold)
            throw new BadInputException(
                $"the disk budget of {disk} bytes leaves the cold log {coldBudget} after the hot log ({hotBudget}) " +
                $"and the cold index ({chunkBudget}); it needs at least {minCold}",
                "disk budget");
        return new MemoryPlan(buckets, pageBits, logFrames, cacheFrames)
        {
            ColdLogFrames = coldFrames,
            ColdIndexBuckets = coldBuckets,
            ColdIndexPageBits = chunkPageBits,
            ColdIndexFrames = chunkFrames,
            ColdIndexCacheFrames = chunkCacheFrames,
            HotLogBudget = hotBudget,
            ColdLogBudget = coldBudget,
        };
    }

    /// <summary>The settings that have a range of their own, checked before the budget is split.</summary>
    private static void CheckRanges(KvStoreOptions options)
    {
        if (options.MemoryBudget <= 0)
            throw new BadInputException(
                $"the memory budget must be positive, not {options.MemoryBudget} bytes", MemoryBudgetSetting);
        if (options.MemoryBudget > MachineMemory)
            throw new BadInputException(
                $"a memory budget of {options.MemoryBudget >> 20} MiB is more than " +
                $"this machine's memory ({MachineMemory >> 20} MiB)",
                MemoryBudgetSetting);
        if (options.MutableFraction is <= 0 or > 1 || double.IsNaN(options.MutableFraction))
            throw new BadInputException(
                $"the mutable fraction must lie in (0, 1], not {options.MutableFraction}", "mutable fraction");
        if (options.SecondChanceFraction is < 0 or >= 1 || double.IsNaN(options.SecondChanceFraction))
            throw new BadInputException(
                $"the second-chance fraction must lie in [0, 1), not {options.SecondChanceFraction}",
                "second-chance fraction");
    }

    /// <summary>The largest page size within <paramref name="bytes"/>, from 4 KiB to 1 MiB.</summary>
    private static int PageBitsFor(long bytes) =>
        Math.Clamp(BitOperations.Log2((ulong)Math.Max(1, bytes)), MinPageBits, DefaultPageBits);

    /// <summary>The largest power of two of 64-byte buckets within <paramref name="bytes"/> (at least one).</summary>
    private static long Buckets(long bytes) =>
        Math.Max(1L, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, bytes / HashIndex.BucketBytes + 1)) / 2);

    private static int Frames(long bytes, int pageBits, string part)
    {
        var frames = (int)Math.Min(int.MaxValue, bytes >> pageBits);
        if (frames < MinFrames)
            throw new BadInputException(
                $"the {part} gets {bytes} bytes of memory; " +
                $"it needs at least {MinFrames} pages of {1L << pageBits} bytes: " +
                "raise the memory budget or lower the page size",
                MemoryBudgetSetting);
        return frames;
    }
}
