using System.Numerics;

namespace Frugal.Storage;

/// <summary>How a store is set up. Only <see cref="Directory"/> is required; the rest have working defaults.</summary>
public sealed record KvStoreOptions
{
    public const long DefaultMemoryBudget = 512L << 20;

    /// <summary>The data directory: the log, the checkpoints. Created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>All the memory the store may use; split among index, log and read cache unless a part is set below.</summary>
    public long MemoryBudget { get; init; } = DefaultMemoryBudget;

    /// <summary>Bytes for the hash index (rounded down to a power of two of 64-byte buckets); default a quarter of the budget.</summary>
    public long? IndexBytes { get; init; }

    /// <summary>Bytes of in-memory log pages; default what the index and read cache leave.</summary>
    public long? LogMemoryBytes { get; init; }

    /// <summary>Bytes for the read cache; 0 turns it off; default an eighth of the budget.</summary>
    public long? ReadCacheBytes { get; init; }

    /// <summary>Log2 of the page size; default 1 MiB pages, smaller when the budget holds fewer than 16 of them.</summary>
    public int? PageSizeBits { get; init; }

    /// <summary>Fraction of the in-memory log updated in place (the rest is read-only, copied on update).</summary>
    public double MutableFraction { get; init; } = 0.9;

    /// <summary>Fraction of the read cache, its oldest part, where a hit copies the record back to the cache's tail.</summary>
    public double SecondChanceFraction { get; init; } = 0.1;
}

/// <summary>How the store split its memory budget.</summary>
public sealed record MemoryPlan(long IndexBuckets, int PageBits, int LogFrames, int ReadCacheFrames)
{
    private const int MinPageBits = 12;
    private const int DefaultPageBits = 20;
    private const int MinFrames = 4;

    public long IndexBytes => IndexBuckets * HashIndex.BucketBytes;
    public long LogMemoryBytes => (long)LogFrames << PageBits;
    public long ReadCacheBytes => (long)ReadCacheFrames << PageBits;

    public static MemoryPlan From(KvStoreOptions options)
    {
        if (options.MemoryBudget <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.MemoryBudget, "The memory budget must be positive.");
        if (options.MutableFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), options.MutableFraction, "MutableFraction must be in (0, 1].");
        if (options.SecondChanceFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(options), options.SecondChanceFraction, "SecondChanceFraction must be in [0, 1).");
        var budget = options.MemoryBudget;
        var indexBytes = options.IndexBytes ?? budget / 4;
        var buckets = Math.Max(1L, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, indexBytes / HashIndex.BucketBytes + 1)) / 2);
        var cacheBytes = options.ReadCacheBytes ?? budget / 8;
        var logBytes = options.LogMemoryBytes ?? budget - buckets * HashIndex.BucketBytes - cacheBytes;
        var pageBits = options.PageSizeBits ?? Math.Clamp(BitOperations.Log2((ulong)Math.Max(1, logBytes / 16)), MinPageBits, DefaultPageBits);
        if (pageBits is < MinPageBits or > 30) throw new ArgumentOutOfRangeException(nameof(options), pageBits, $"PageSizeBits must be in [{MinPageBits}, 30].");
        var logFrames = (int)Math.Min(int.MaxValue, logBytes >> pageBits);
        if (logFrames < MinFrames)
            throw new ArgumentOutOfRangeException(nameof(options), logBytes,
                $"The log gets {logBytes} bytes of memory; it needs at least {MinFrames} pages of {1L << pageBits} bytes. Raise the memory budget or lower PageSizeBits.");
        var cacheFrames = (int)Math.Min(int.MaxValue, Math.Max(0, cacheBytes) >> pageBits);
        // A read cache smaller than the minimum ring is no cache at all.
        if (cacheFrames < MinFrames) cacheFrames = 0;
        return new MemoryPlan(buckets, pageBits, logFrames, cacheFrames);
    }
}
