using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>
/// F2's two-level cold index. Keys hash to <em>chunks</em> of 32 entries (8-byte cold-log
/// addresses, 256 bytes per chunk), and a chunk is one record in a small store of its own keyed
/// by chunk id: level one is that store's in-memory hash table (one entry per chunk, about two
/// bits per key), level two its hybrid log, mostly on disk. So the cold tier costs about a byte
/// of memory per key instead of the hot index's sixteen, and a lookup may wait on a chunk read
/// without blocking anyone (it is an ordinary asynchronous read of the chunk store). An entry
/// heads the cold chain of every key whose hash picks that chunk and slot; chains are walked
/// comparing full keys. Only the compaction thread changes chunks, each change one
/// read-modify-write of a chunk: a prepend (hot to cold) or a compare-and-swap of one entry
/// (cold to cold).
/// </summary>
internal sealed class ColdIndex : IDisposable
{
    public const int EntriesPerChunk = 32;
    public const int ChunkBytes = EntriesPerChunk * sizeof(long);
    private const int ChunksPerBucket = 4;

    private readonly long _mask;

    public ColdIndex(LogStore chunks)
    {
        Store = chunks;
        ChunkCount = chunks.Layout.IndexBuckets * ChunksPerBucket;
        _mask = ChunkCount - 1;
    }

    /// <summary>The chunk store (chunk id → 32 entries): a single-log store without a read cache.</summary>
    public LogStore Store { get; }

    /// <summary>
    /// Chunks, fixed at creation: four per bucket of the chunk store's hash table, so that table rarely overflows.
    /// </summary>
    public long ChunkCount { get; }

    public static RecordShape Shape => new(sizeof(long), ChunkBytes);

    /// <summary>
    /// The chunk store's layout: its share of the store's plan, no read cache (chunks are read once per cold lookup).
    /// </summary>
    public static LogStoreLayout Layout(string directory, MemoryPlan plan) =>
        // Most chunk updates should land in place: a chunk copied to the tail costs 288 bytes of log.
        new(directory, plan.ColdIndexBuckets, plan.ColdIndexPageBits, plan.ColdIndexFrames, MutableFraction: 0.9,
            ReadCacheFrames: 0, SecondChanceFraction: 0);

    /// <summary>
    /// How far the chunk log may span before it compacts itself: twice its live data (every
    /// chunk once) plus its memory, so a round always finds at least half of it dead.
    /// </summary>
    public static long LogBudget(long buckets, int frames, int pageBits) =>
        2 * (buckets * ChunksPerBucket * Record.Size(sizeof(long), ChunkBytes) + ((long)frames << pageBits));

    private long ChunkOf(ulong hash) => (long)(hash >> 5) & _mask;

    private static int SlotOf(ulong hash) => (int)hash & (EntriesPerChunk - 1);

    /// <summary>
    /// The head of <paramref name="hash"/>'s cold chain (0 when none); completes synchronously when the chunk is in
    /// memory.
    /// </summary>
    public ValueTask<long> FindAsync(ulong hash)
    {
        Span<byte> key = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(key, ChunkOf(hash));
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        var status = Store.TryRead(key, chunk, out _, out var pending);
        return status switch
        {
            OpStatus.Done => new ValueTask<long>(EntryOf(chunk, hash)),
            OpStatus.Pending => FindOnDeviceAsync(hash, pending),
            _ => new ValueTask<long>(LogAddress.None), // no chunk yet
        };
    }

    private async ValueTask<long> FindOnDeviceAsync(ulong hash, PendingIo pending)
    {
        var key = BitConverter.GetBytes(ChunkOf(hash));
        var chunk = new byte[ChunkBytes];
        var result = await Store.ReadFromDeviceAsync(key, chunk, pending).ConfigureAwait(false);
        return result.Found ? EntryOf(chunk, hash) : LogAddress.None;
    }

    private static long EntryOf(ReadOnlySpan<byte> chunk, ulong hash) =>
        BinaryPrimitives.ReadInt64LittleEndian(chunk[(SlotOf(hash) * sizeof(long))..]);

    /// <summary>The head of the chain, waiting for the chunk if need be (the compaction thread only).</summary>
    public long Find(ulong hash)
    {
        var find = FindAsync(hash);
        return find.IsCompletedSuccessfully ? find.Result : find.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Points <paramref name="hash"/>'s entry at <paramref name="address"/> if it still holds <paramref
    /// name="expected"/>; false otherwise.
    /// </summary>
    public bool TryUpdate(ulong hash, long expected, long address) =>
        Swap(new EntrySwap(hash, expected, address, chain: null));

    /// <summary>
    /// Puts <paramref name="address"/> in front of <paramref name="hash"/>'s chain in one
    /// read-modify-write of the chunk: <paramref name="chain"/> receives the entry's old value
    /// (to publish as the record's previous address) before the chunk is written back.
    /// </summary>
    public void Prepend(ulong hash, long address, Action<long> chain) =>
        Swap(new EntrySwap(hash, expected: 0, address, chain));

    private bool Swap(EntrySwap swap)
    {
        Span<byte> key = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(key, ChunkOf(swap.Hash));
        // The in-memory path needs no arrays; only a chunk on disk does.
        if (Store.TryRmw(key, default, ref swap, createIfMissing: true, out var pending) == OpStatus.Pending)
            Store.RmwFromDeviceAsync(key.ToArray(), ReadOnlyMemory<byte>.Empty, swap, pending)
                .AsTask().GetAwaiter().GetResult();
        return swap.Succeeded;
    }

    public void Dispose() => Store.Dispose();

    /// <summary>
    /// The compare-and-swap of one entry as a read-modify-write of its chunk. A class, so the
    /// outcome of the merge that took effect is visible to the caller: the store may call
    /// <see cref="Merge"/> again after a lost race, and the last call is the one it kept.
    /// </summary>
    private sealed class EntrySwap(ulong hash, long expected, long address, Action<long>? chain) : IRmwFunction
    {
        public ulong Hash => hash;
        public bool Succeeded { get; private set; }

        public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) => ChunkBytes;

        public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
        {
            if (exists) current.CopyTo(result);
            else result.Clear();
            var entry = result[(SlotOf(hash) * sizeof(long))..];
            var seen = BinaryPrimitives.ReadInt64LittleEndian(entry);
            Succeeded = chain is not null || seen == expected;
            if (!Succeeded) return;
            chain?.Invoke(seen);
            BinaryPrimitives.WriteInt64LittleEndian(entry, address);
        }
    }
}
