using System.Buffers;
using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>
/// F2's two-level cold index. Keys hash to <em>chunks</em> of 32 entries (8 bytes each,
/// 256 bytes per chunk), and a chunk is one record in a small store of its own keyed
/// by chunk id: level one is that store's in-memory hash table (one entry per chunk, about two
/// bits per key), level two its hybrid log, mostly on disk. So the cold tier costs about a byte
/// of memory per key instead of the hot index's sixteen, and a lookup may wait on a chunk read
/// without blocking anyone (it is an ordinary asynchronous read of the chunk store). An entry
/// heads the cold chain of every key whose hash picks that chunk and slot; chains are walked
/// comparing full keys. An entry is the chain's head address (48 bits) and a 16-bit filter of the keys the chain
/// ever held (two bits per key, from hash bits that pick neither chunk nor slot, F2's and FASTER's tag made a set):
/// a lookup whose bits are not all set skips the chain without reading it. Only the compaction thread changes
/// chunks, each change one write of a
/// chunk: a hot-to-cold round's prepends gathered per chunk, its chunks read ahead in batches (see
/// <see cref="Prepend"/> and <see cref="Prefetch"/>), or a compare-and-swap of one entry (cold to
/// cold).
/// </summary>
internal sealed class ColdIndex : IDisposable
{
    public const int EntriesPerChunk = 32;
    public const int ChunkBytes = EntriesPerChunk * sizeof(long);
    private const int ChunksPerBucket = HashIndex.DirectKeysPerBucket;

    /// <summary>Where an entry's key filter starts: above the 48-bit address.</summary>
    private const int FilterShift = 48;

    private readonly long _mask;

    /// <summary>Prepends not yet written to their chunks, by entry (chunk and slot).</summary>
    private readonly GatheredPrepends _gathered;

    /// <summary>
    /// Chunks read ahead for the next prepends (<see cref="Prefetch"/>), by chunk id: the chunk id (8 bytes), then
    /// its content.
    /// </summary>
    private readonly Dictionary<long, byte[]> _prefetched = [];

    /// <summary>Arrays of chunks prefetched for an earlier batch, reused (a batch reads thousands).</summary>
    private readonly Stack<byte[]> _spareChunks = new();

    /// <summary>
    /// One bit per entry (chunk and slot), clear only while the entry is known to hold nothing: every bit of a store
    /// created by this process starts clear, every bit of a reopened one set (not known), and a bit is set before any
    /// address is written to its entry. A round moving a record whose entry is known empty needs no chunk read to learn
    /// the chain's head (it is none): a load of fresh keys skips most of the reads ahead of its batches. Only the
    /// compaction thread, the one writer of chunks, reads or changes it.
    /// </summary>
    private readonly ulong[] _used;

    private long _chunkWrites;
    private readonly ReadCounter _lookupReads = new();

    public ColdIndex(LogStore chunks)
    {
        Store = chunks;
        ChunkCount = chunks.Layout.IndexBuckets * ChunksPerBucket;
        _mask = ChunkCount - 1;
        // The gathering may take as much memory as the cold index's hash table and chunk log pages, for the length
        // of a round; a round that gathers more writes its chunks and gathers on.
        var memory = chunks.Layout.IndexBuckets * HashIndex.BucketBytes + chunks.Layout.LogMemoryBytes;
        _used = new ulong[Math.Max(1, ChunkCount * EntriesPerChunk / 64)];
        Array.Fill(_used, ulong.MaxValue);
        // The bitmap comes out of the gathering's share.
        _gathered = new GatheredPrepends(memory - _used.Length * sizeof(ulong));
    }

    /// <summary>
    /// Marks every entry known empty: the chunk store was just created, with no chunk. Before the compaction thread
    /// starts.
    /// </summary>
    public void Created() => Array.Clear(_used);

    private bool MayHold(long entry) => ((_used[entry >> 6] >> (int)(entry & 63)) & 1) != 0;

    private void MarkUsed(long entry) => _used[entry >> 6] |= 1UL << (int)(entry & 63);

    /// <summary>Device reads of the chunk store made by lookups (<see cref="FindAsync"/>), not compaction's.</summary>
    public long LookupReads => _lookupReads.Count;

    /// <summary>Writes of chunks so far (gathered prepends written and compare-and-swaps).</summary>
    public long ChunkWrites => Interlocked.Read(ref _chunkWrites);

    /// <summary>The chunk store (chunk id → 32 entries): a single-log store with a small read cache.</summary>
    public LogStore Store { get; }

    /// <summary>
    /// Chunks, fixed at creation: four per bucket of the chunk store's hash table, each chunk number with a slot of its
    /// own there (the chunk store is direct-mapped), so that table never overflows and never chains two chunks.
    /// </summary>
    public long ChunkCount { get; }

    public static RecordShape Shape => new(sizeof(long), ChunkBytes);

    /// <summary>
    /// The chunk store's layout: its share of the store's plan, with a read cache that keeps the chunks lookups read
    /// lately (second chance as the hot store's default). Direct-mapped by chunk number: most of the chunk log is old
    /// versions of chunks, and the chunk store's compaction tells them from the newest by the index entry alone,
    /// where a hashed index had it read each stale chunk's newer version from the device.
    /// </summary>
    public static LogStoreLayout Layout(string directory, MemoryPlan plan) =>
        // Most chunk updates should land in place: a chunk copied to the tail costs 288 bytes of log.
        new(directory, plan.ColdIndexBuckets, plan.ColdIndexPageBits, plan.ColdIndexFrames, MutableFraction: 0.9,
            plan.ColdIndexCacheFrames, SecondChanceFraction: 0.1, DirectMapped: true);

    /// <summary>
    /// How far the chunk log may span before it compacts itself: twice its live data (every
    /// chunk once) plus its memory, so a round always finds at least half of it dead.
    /// </summary>
    public static long LogBudget(long buckets, int frames, int pageBits) =>
        2 * (buckets * ChunksPerBucket * Record.Size(sizeof(long), ChunkBytes) + ((long)frames << pageBits));

    private long ChunkOf(ulong hash) => (long)(hash >> 5) & _mask;

    private static int SlotOf(ulong hash) => (int)hash & (EntriesPerChunk - 1);

    private static long AddressOf(long entry) => entry & LogAddress.Mask;

    /// <summary>
    /// A key's two bits of an entry's filter: from hash bits 32 to 39, which pick neither the chunk (below 2^27
    /// chunks) nor the slot, nor the hot index's tag.
    /// </summary>
    private static long FilterOf(ulong hash) =>
        (1L << (FilterShift + (int)((hash >> 32) & 15))) | (1L << (FilterShift + (int)((hash >> 36) & 15)));

    /// <summary>
    /// The head of <paramref name="hash"/>'s cold chain, or 0 when there is none or the entry's filter shows that no
    /// record of the chain can have the key (a lookup's path: its chunk reads are counted in <see
    /// cref="LookupReads"/>); completes synchronously when the chunk is in memory.
    /// </summary>
    public ValueTask<long> FindAsync(ulong hash)
    {
        var entry = FindEntryAsync(hash, _lookupReads);
        return entry.IsCompletedSuccessfully
            ? new ValueTask<long>(ChainFor(entry.Result, hash))
            : ChainForAsync(entry, hash);
    }

    private static async ValueTask<long> ChainForAsync(ValueTask<long> entry, ulong hash) =>
        ChainFor(await entry.ConfigureAwait(false), hash);

    private static long ChainFor(long entry, ulong hash)
    {
        var filter = FilterOf(hash);
        return (entry & filter) == filter ? AddressOf(entry) : LogAddress.None;
    }

    /// <summary>The raw entry (head address and filter) of <paramref name="hash"/>, 0 when none.</summary>
    private ValueTask<long> FindEntryAsync(ulong hash, ReadCounter? reads)
    {
        Span<byte> key = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(key, ChunkOf(hash));
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        var status = Store.TryRead(key, chunk, out _, out var pending);
        return status switch
        {
            OpStatus.Done => new ValueTask<long>(EntryOf(chunk, hash)),
            OpStatus.Pending => FindOnDeviceAsync(hash, pending, reads),
            _ => new ValueTask<long>(LogAddress.None), // no chunk yet
        };
    }

    private async ValueTask<long> FindOnDeviceAsync(ulong hash, PendingIo pending, ReadCounter? reads)
    {
        // Pooled: most cold lookups in a store larger than its memory come here, and two arrays each were most of
        // a read's allocation.
        var buffer = ArrayPool<byte>.Shared.Rent(sizeof(long) + ChunkBytes);
        try
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer, ChunkOf(hash));
            var key = buffer.AsMemory(0, sizeof(long));
            var chunk = buffer.AsMemory(sizeof(long), ChunkBytes);
            var result = await Store.ReadFromDeviceAsync(key, chunk, pending, reads).ConfigureAwait(false);
            return result.Found ? EntryOf(chunk.Span, hash) : LogAddress.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long EntryOf(ReadOnlySpan<byte> chunk, ulong hash) =>
        BinaryPrimitives.ReadInt64LittleEndian(chunk[(SlotOf(hash) * sizeof(long))..]);

    /// <summary>
    /// The head address of the chain whatever its filter, waiting for the chunk if need be (the compaction thread
    /// only).
    /// </summary>
    public long Find(ulong hash)
    {
        var find = FindEntryAsync(hash, reads: null);
        return AddressOf(find.IsCompletedSuccessfully ? find.Result : find.AsTask().GetAwaiter().GetResult());
    }

    /// <summary>
    /// Points <paramref name="hash"/>'s entry at <paramref name="address"/> (adding the key to its filter) if it
    /// still heads at <paramref name="expected"/>; false otherwise.
    /// </summary>
    public bool TryUpdate(ulong hash, long expected, long address)
    {
        MarkUsed(EntryKey(hash));
        return Write(ChunkOf(hash), new[] { new EntryUpdate(SlotOf(hash), expected, address, FilterOf(hash)) });
    }

    /// <summary>
    /// Puts <paramref name="address"/> in front of <paramref name="hash"/>'s chain (and the key into its filter) and
    /// returns the chain's head address so far, which the caller publishes as the record's previous address. The
    /// chunk is written later, once for all
    /// the prepends gathered to it (<see cref="WriteGathered"/>), so a round moving many records rewrites each chunk
    /// once rather than once per record; until then readers see the chain without the new records, which the caller
    /// keeps reachable elsewhere (the hot log, whose Begin moves only after the chunks are written). A head gathered
    /// earlier in the round is the head so far: keys sharing an entry chain through each other. The chain's head in
    /// its chunk comes from <see cref="Prefetch"/> when the caller fetched it, else from a read of the chunk here.
    /// </summary>
    public long Prepend(ulong hash, long address)
    {
        var entry = EntryKey(hash);
        // The gathered head is the entry's new word: the newest address and the filter bits of every key put there.
        var head = address | FilterOf(hash);
        if (_gathered.TrySwapHead(entry, head, out var previous)) return AddressOf(previous);
        if (_gathered.Count >= _gathered.Limit) Flush();
        var inChunk = !MayHold(entry) ? LogAddress.None
            : _prefetched.TryGetValue(ChunkOf(hash), out var chunk)
                ? AddressOf(EntryOf(chunk.AsSpan(sizeof(long)), hash))
                : Find(hash);
        MarkUsed(entry);
        _gathered.Add(entry, inChunk, head);
        return inChunk;
    }

    private long EntryKey(ulong hash) => (ChunkOf(hash) << 5) | (uint)SlotOf(hash);

    /// <summary>
    /// Reads, all at once, the chunks that the prepends of <paramref name="hashes"/> will need (those whose entry no
    /// prepend of this round has gathered yet and that may hold an address), each chunk once however many of the
    /// hashes pick it: on the direct device the reads of chunks that left memory are in flight together (up to
    /// <see cref="InFlight"/>), not one after another. Replaces what an earlier call fetched.
    /// </summary>
    public void Prefetch(ReadOnlySpan<ulong> hashes)
    {
        ReleasePrefetched();
        var reads = new List<Task>();
        foreach (var hash in hashes)
        {
            var chunk = ChunkOf(hash);
            var entry = EntryKey(hash);
            if (!MayHold(entry) || _gathered.Contains(entry) || _prefetched.ContainsKey(chunk)) continue;
            var content = _spareChunks.TryPop(out var spare) ? spare : new byte[sizeof(long) + ChunkBytes];
            content.AsSpan().Clear();
            _prefetched[chunk] = content;
            // The chunk's key in front of its content: a read from the device needs both until it completes.
            BinaryPrimitives.WriteInt64LittleEndian(content, chunk);
            var key = content.AsMemory(0, sizeof(long));
            var value = content.AsMemory(sizeof(long));
            // No chunk yet (Missing, NotFound) leaves the content zero: every entry empty.
            if (Store.TryRead(key.Span, value.Span, out _, out var pending) != OpStatus.Pending) continue;
            var read = Store.ReadFromDeviceAsync(key, value, pending);
            // A buffered read completes in the call: no task to wait for (one allocated per chunk otherwise).
            if (read.IsCompletedSuccessfully) continue;
            reads.Add(read.AsTask());
            if (reads.Count < InFlight) continue;
            Task.WaitAll(reads);
            reads.Clear();
        }
        Task.WaitAll(reads);
    }

    /// <summary>Forgets the prefetched chunks, keeping their arrays for the next batch's.</summary>
    private void ReleasePrefetched()
    {
        foreach (var content in _prefetched.Values) _spareChunks.Push(content);
        _prefetched.Clear();
    }

    /// <summary>How many chunk reads (or read-modify-writes) compaction keeps in flight at most.</summary>
    private const int InFlight = 128;

    /// <summary>
    /// Writes every gathered prepend to its chunk, one write per chunk, at the end of a round. Each entry must still
    /// hold what it held when its first prepend was gathered (nothing else changes chunks meanwhile); were it
    /// otherwise, the chunk is left as it was and this throws, before anything relies on the new records being indexed.
    /// </summary>
    public void WriteGathered()
    {
        Flush();
        ReleasePrefetched();
    }

    /// <summary>
    /// <see cref="WriteGathered"/>'s writes, also made when the gathering fills up mid-round. A chunk whose content
    /// the current batch holds (<see cref="Prefetch"/>) is written whole, without reading it again, and the held
    /// content kept current, so the batch's later prepends find the heads just written; any other chunk is
    /// read-modified-written, those on disk up to <see cref="InFlight"/> at a time.
    /// </summary>
    private void Flush()
    {
        // In entry order, which is chunk order: each chunk's entries lie side by side.
        var count = _gathered.Drain();
        var writes = new List<(long Chunk, ChunkWrite Write, Task Done)>();
        for (var first = 0; first < count;)
        {
            var chunk = GatheredPrepends.EntryOf(_gathered.Drained(first).Key) >> 5;
            var end = first + 1;
            while (end < count && GatheredPrepends.EntryOf(_gathered.Drained(end).Key) >> 5 == chunk) end++;
            // At most 32 updates: a small array per chunk, not one of the round's size.
            var group = new EntryUpdate[end - first];
            for (var i = first; i < end; i++)
            {
                var (key, head) = _gathered.Drained(i);
                var slot = (int)(GatheredPrepends.EntryOf(key) & (EntriesPerChunk - 1));
                group[i - first] = new EntryUpdate(
                    slot, GatheredPrepends.FingerprintOf(key), AddressOf(head), head & ~LogAddress.Mask,
                    Fingerprinted: true);
            }
            first = end;
            if (_prefetched.TryGetValue(chunk, out var held))
            {
                var content = held.AsSpan(sizeof(long));
                var merge = new ChunkWrite(group);
                merge.Merge(default, content, exists: true, content);
                if (!merge.Succeeded) throw Changed(chunk);
                WriteWhole(chunk, content);
            }
            else
            {
                var write = new ChunkWrite(group);
                writes.Add((chunk, write, WriteAsync(chunk, write)));
            }
            // The writes of chunks on disk wait for their reads together, as many in flight as a prefetch.
            if (writes.Count >= InFlight || first == count) Complete(writes);
        }
        _gathered.Clear();
    }

    private static InvalidOperationException Changed(long chunk) =>
        new($"cold index chunk {chunk} changed while a compaction round was gathering prepends to it");

    private void WriteWhole(long chunk, ReadOnlySpan<byte> content)
    {
        Span<byte> key = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(key, chunk);
        Store.Upsert(key, content);
        Interlocked.Increment(ref _chunkWrites);
    }

    private static void Complete(List<(long Chunk, ChunkWrite Write, Task Done)> writes)
    {
        foreach (var (_, _, done) in writes) done.GetAwaiter().GetResult();
        foreach (var (chunk, write, _) in writes)
            if (!write.Succeeded)
                throw Changed(chunk);
        writes.Clear();
    }

    /// <summary>Whether prepends wait to be written (a checkpoint must not see them half done).</summary>
    public bool HasGathered => _gathered.Count > 0;

    private bool Write(long chunk, ReadOnlyMemory<EntryUpdate> updates)
    {
        var write = new ChunkWrite(updates);
        WriteAsync(chunk, write).GetAwaiter().GetResult();
        return write.Succeeded;
    }

    /// <summary>
    /// One chunk's read-modify-write: done at once when the chunk is in memory, else a task that reads it from the
    /// device first.
    /// </summary>
    private Task WriteAsync(long chunk, ChunkWrite write)
    {
        Span<byte> key = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(key, chunk);
        Interlocked.Increment(ref _chunkWrites);
        // The in-memory path needs no arrays; only a chunk on disk does.
        return Store.TryRmw(key, default, ref write, createIfMissing: true, out var pending) == OpStatus.Pending
            ? Store.RmwFromDeviceAsync(key.ToArray(), ReadOnlyMemory<byte>.Empty, write, pending).AsTask()
            : Task.CompletedTask;
    }

    public void Dispose() => Store.Dispose();

    /// <summary>
    /// One entry's compare-and-swap: <see cref="Address"/> in <see cref="Slot"/> if it heads at <see
    /// cref="Expected"/> (when <see cref="Fingerprinted"/>, at an address of that <see
    /// cref="GatheredPrepends.Fingerprint"/>), with the <see cref="Filter"/> bits of the keys put in front added to the
    /// entry's.
    /// </summary>
    private readonly record struct EntryUpdate(int Slot, long Expected, long Address, long Filter,
        bool Fingerprinted = false)
    {
        public bool Holds(long entry)
        {
            var head = AddressOf(entry);
            return (Fingerprinted ? GatheredPrepends.Fingerprint(head) : head) == Expected;
        }
    }

    /// <summary>
    /// Compare-and-swaps of entries of one chunk as one read-modify-write, all or none: if any entry does not hold what
    /// its update expects, the chunk stays as it was. A class, so the outcome of the merge that took effect is visible
    /// to the caller: the store may call <see cref="Merge"/> again after a lost race, and the last call is the one it
    /// kept.
    /// </summary>
    private sealed class ChunkWrite(ReadOnlyMemory<EntryUpdate> updates) : IRmwFunction
    {
        public bool Succeeded { get; private set; }

        public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) => ChunkBytes;

        public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
        {
            if (exists) current.CopyTo(result);
            else result.Clear();
            Succeeded = false;
            foreach (var u in updates.Span)
                if (!u.Holds(BinaryPrimitives.ReadInt64LittleEndian(Entry(result, u.Slot)))) return;
            Succeeded = true;
            foreach (var u in updates.Span)
            {
                var filter = BinaryPrimitives.ReadInt64LittleEndian(Entry(result, u.Slot)) & ~LogAddress.Mask;
                BinaryPrimitives.WriteInt64LittleEndian(Entry(result, u.Slot), u.Address | filter | u.Filter);
            }
        }

        private static Span<byte> Entry(Span<byte> chunk, int slot) => chunk[(slot * sizeof(long))..];
    }
}
