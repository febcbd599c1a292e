using System.Numerics;
using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// The latch-free hash index: a power-of-two array of 64-byte buckets, each 7 entries and an
/// overflow pointer to a chained bucket. An entry is address (48 bits) | tag (14) | reserved |
/// tentative, changed only by single-word compare-and-swap. A slot (bucket, tag) heads the
/// chain of every record whose key hashes to it; the records' previous addresses link the rest.
/// </summary>
internal sealed unsafe class HashIndex : IDisposable
{
    public const int BucketBytes = 64;
    private const int EntriesPerBucket = 7;
    private const int TagShift = 48;
    private const int HashTagShift = 50;
    private const long TagMask = 0x3FFFL << TagShift;
    private const long Tentative = long.MinValue; // bit 63
    private const int OverflowChunkBits = 12;
    private const int MaxOverflowChunks = 1 << 16;

    private readonly long* _buckets;
    private readonly long _mask;
    private readonly IntPtr[] _overflowChunks = new IntPtr[MaxOverflowChunks];
    private readonly Lock _chunkLock = new();
    private long _overflowCount;

    public HashIndex(long bucketCount)
    {
        if (bucketCount < 1 || !BitOperations.IsPow2(bucketCount))
            throw new ArgumentOutOfRangeException(nameof(bucketCount), bucketCount, "Not a power of two.");
        BucketCount = bucketCount;
        _mask = bucketCount - 1;
        _buckets = (long*)NativeMemory.AlignedAlloc((nuint)(bucketCount * BucketBytes), BucketBytes);
        NativeMemory.Clear(_buckets, (nuint)(bucketCount * BucketBytes));
    }

    public long BucketCount { get; }
    public long OverflowBuckets => Interlocked.Read(ref _overflowCount);
    public long MemoryBytes => (BucketCount + OverflowBuckets) * BucketBytes;

    public static long Address(long entry) => entry & LogAddress.Mask;

    public static long WithAddress(long entry, long address) =>
        (entry & ~LogAddress.Mask) | (address & LogAddress.Mask);

    private static long TagOf(ulong hash)
    {
        var tag = (long)(hash >> HashTagShift) & 0x3FFF;
        // Tag 0 with address 0 would read as a free slot.
        return (tag == 0 ? 1 : tag) << TagShift;
    }

    public long BucketOf(ulong hash) => (long)hash & _mask;

    /// <summary>How many keys of a direct-mapped store share a bucket (<see cref="DirectHash"/>).</summary>
    public const int DirectKeysPerBucket = 4;

    /// <summary>
    /// The hash that gives the key numbered <paramref name="id"/> (below <see cref="DirectKeysPerBucket"/> times the
    /// buckets) a slot of its own: bucket id / 4, tag id % 4 + 1. No two such keys share a chain and no bucket
    /// overflows, so a chain holds the versions of one key only.
    /// </summary>
    public static ulong DirectHash(long id) =>
        (ulong)(id / DirectKeysPerBucket) | ((ulong)(id % DirectKeysPerBucket + 1) << HashTagShift);

    /// <summary>Finds the slot for <paramref name="hash"/>; false when none exists.</summary>
    public bool TryFind(ulong hash, out long* slot, out long entry)
    {
        var tag = TagOf(hash);
        for (var bucket = _buckets + BucketOf(hash) * 8; bucket != null; bucket = Overflow(bucket))
        {
            for (var i = 0; i < EntriesPerBucket; i++)
            {
                var e = Volatile.Read(ref bucket[i]);
                if (e != 0 && (e & Tentative) == 0 && (e & TagMask) == tag)
                {
                    slot = bucket + i;
                    entry = e;
                    return true;
                }
            }
        }
        slot = null;
        entry = 0;
        return false;
    }

    /// <summary>
    /// Finds or creates the slot for <paramref name="hash"/>. Creation is two-phase: claim a free
    /// entry as tentative, rescan for a rival with the same tag (back off if there is one), then
    /// clear the tentative bit — so two threads never create two slots for one tag.
    /// </summary>
    public long* FindOrCreate(ulong hash, out long entry)
    {
        var tag = TagOf(hash);
        var home = _buckets + BucketOf(hash) * 8;
        while (true)
        {
            if (TryFind(hash, out var found, out entry)) return found;
            var free = FreeSlot(home);
            if (Interlocked.CompareExchange(ref *free, tag | Tentative, 0) != 0) continue;
            if (HasRival(home, tag, free))
            {
                Volatile.Write(ref *free, 0);
                Thread.Yield();
                continue;
            }
            entry = tag;
            Volatile.Write(ref *free, entry);
            return free;
        }
    }

    private bool HasRival(long* home, long tag, long* mine)
    {
        for (var bucket = home; bucket != null; bucket = Overflow(bucket))
            for (var i = 0; i < EntriesPerBucket; i++)
            {
                var e = Volatile.Read(ref bucket[i]);
                if (bucket + i != mine && e != 0 && (e & TagMask) == tag) return true;
            }
        return false;
    }

    private long* FreeSlot(long* home)
    {
        for (var bucket = home; ;)
        {
            for (var i = 0; i < EntriesPerBucket; i++)
                if (Volatile.Read(ref bucket[i]) == 0) return bucket + i;
            var next = Overflow(bucket);
            if (next == null)
            {
                var fresh = NewOverflowBucket();
                // A loser of this race leaves its fresh bucket unused; overflow is rare enough not to recycle it.
                Interlocked.CompareExchange(ref bucket[EntriesPerBucket], fresh, 0);
                next = Overflow(bucket);
            }
            bucket = next;
        }
    }

    private long* Overflow(long* bucket)
    {
        var id = Volatile.Read(ref bucket[EntriesPerBucket]);
        if (id == 0) return null;
        var chunk = (long*)_overflowChunks[(id - 1) >> OverflowChunkBits];
        return chunk + ((id - 1) & ((1 << OverflowChunkBits) - 1)) * 8;
    }

    private long NewOverflowBucket()
    {
        var id = Interlocked.Increment(ref _overflowCount);
        var chunkIndex = (id - 1) >> OverflowChunkBits;
        if (chunkIndex >= MaxOverflowChunks)
            throw new StorageException(
                $"The hash index ran out of overflow buckets ({id - 1}); " +
                "give the index a larger share of the memory budget.");
        if (Volatile.Read(ref _overflowChunks[chunkIndex]) == IntPtr.Zero)
        {
            lock (_chunkLock)
            {
                if (_overflowChunks[chunkIndex] == IntPtr.Zero)
                {
                    var bytes = (nuint)((1 << OverflowChunkBits) * BucketBytes);
                    var chunk = NativeMemory.AlignedAlloc(bytes, BucketBytes);
                    NativeMemory.Clear(chunk, bytes);
                    Volatile.Write(ref _overflowChunks[chunkIndex], (IntPtr)chunk);
                }
            }
        }
        return id;
    }

    /// <summary>
    /// Adds the live slots of home bucket <paramref name="b"/>'s chain to <paramref name="into"/> (for a checkpoint;
    /// the entries may change meanwhile).
    /// </summary>
    public void SlotsOf(long b, List<IntPtr> into)
    {
        for (var bucket = _buckets + b * 8; bucket != null; bucket = Overflow(bucket))
            for (var i = 0; i < EntriesPerBucket; i++)
            {
                var e = Volatile.Read(ref bucket[i]);
                if (e != 0 && (e & Tentative) == 0 && Address(e) != 0) into.Add((IntPtr)(bucket + i));
            }
    }

    /// <summary>
    /// Frees every slot whose entry points into the main log below <paramref name="begin"/>
    /// (compaction moved those records to the cold tier), so the index holds only keys with a
    /// hot version. One compare-and-swap per slot: a writer that linked meanwhile wins.
    /// </summary>
    public void FreeBelow(long begin)
    {
        for (long b = 0; b < BucketCount; b++)
            for (var bucket = _buckets + b * 8; bucket != null; bucket = Overflow(bucket))
                for (var i = 0; i < EntriesPerBucket; i++)
                {
                    var e = Volatile.Read(ref bucket[i]);
                    var address = Address(e);
                    var freed = (e & Tentative) == 0 && address != LogAddress.None && !LogAddress.IsReadCache(address)
                                && address < begin;
                    if (freed)
                        Interlocked.CompareExchange(ref bucket[i], 0, e);
                }
    }

    /// <summary>Puts a checkpointed entry back (recovery, single-threaded).</summary>
    public void Restore(long bucket, long entry)
    {
        var slot = FreeSlot(_buckets + (bucket & _mask) * 8);
        *slot = entry & ~Tentative;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_buckets);
        foreach (var chunk in _overflowChunks)
            if (chunk != IntPtr.Zero) NativeMemory.AlignedFree((void*)chunk);
    }
}
