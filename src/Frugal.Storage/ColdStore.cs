using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>
/// F2's cold tier: an append-only cold log (<c>cold.dat</c>) indexed by the two-level cold index,
/// whose chunks live in a single-log store of their own (<c>cold-index/</c>). Only compaction
/// writes it, on one thread: hot-to-cold rounds put live hot records in front of their cold
/// chains (<see cref="Prepend"/>, each chunk written once per round by <see cref="IndexPrepends"/>),
/// cold-to-cold rounds rewrite the log's oldest part at its tail,
/// and the chunk store compacts its own log. Reads walk a cold chain from its chunk entry. The
/// cold log shares the F2 store's epoch; the chunk store has its own.
/// </summary>
internal sealed class ColdStore : IDisposable
{
    public const string LogFileName = "cold.dat";
    public const string IndexDirectory = "cold-index";

    private readonly Epoch _epoch;
    private readonly LogFile _file;
    private readonly HybridLog _log;
    private readonly ColdIndex _index;
    private readonly long _storeId;
    private readonly long _chunkLogBudget;
    private long _versionBits;
    private long _compactions;
    private long _movedBytes;
    private long _trigger;
    private readonly ReadCounter _lookupReads = new();

    /// <param name="directory">The store's folder.</param>
    /// <param name="plan">The store's memory plan: the cold log's pages, the cold index's share, the budgets.</param>
    /// <param name="epoch">The F2 store's epoch, which protects the cold log's memory too.</param>
    /// <param name="openDevice">Opens a log file at a path.</param>
    /// <param name="storeId">The store's identity.</param>
    /// <param name="checksums">Whether records carry checksums.</param>
    public ColdStore(
        string directory, MemoryPlan plan, Epoch epoch, Func<string, IStorageDevice> openDevice, long storeId,
        bool checksums)
    {
        _epoch = epoch;
        _storeId = storeId;
        _trigger = plan.ColdLogBudget;
        _chunkLogBudget = ColdIndex.LogBudget(plan.ColdIndexBuckets, plan.ColdIndexFrames, plan.ColdIndexPageBits);
        var device = openDevice(Path.Combine(directory, LogFileName));
        try
        {
            // Append-only: HybridLog keeps one page mutable, but nothing ever updates a cold record in place.
            _log = new HybridLog(epoch, device, plan.PageBits, plan.ColdLogFrames, mutableFraction: 0, onEvict: null,
                checksums);
            _file = new LogFile(_log, device, epoch, checksums);
            var layout = ColdIndex.Layout(Path.Combine(directory, IndexDirectory), plan);
            _index = new ColdIndex(new LogStore(layout, new Epoch(), openDevice, storeId, checksums));
        }
        catch
        {
            _log?.Dispose();
            device.Dispose();
            throw;
        }
    }

    public LogFile File => _file;
    public HybridLog Log => _log;
    public ColdIndex Index => _index;

    /// <summary>
    /// Cold-to-cold rounds, and the bytes of live records they (and the chunk store's own rounds) copied.
    /// </summary>
    public long Compactions => Interlocked.Read(ref _compactions);
    public long MovedBytes => Interlocked.Read(ref _movedBytes) + _index.Store.MovedBytes;

    // ---- Reads ----

    /// <summary>
    /// The key's newest cold record: the chunk entry, then the cold chain (its newest pages from memory, the rest from
    /// the device).
    /// </summary>
    public async ValueTask<(ChainEnd End, DeviceRecord Record)> FindAsync(ReadOnlyMemory<byte> key, ulong hash)
    {
        var begin = _log.BeginAddress;
        var head = await _index.FindAsync(hash).ConfigureAwait(false);
        return await _file.FindAsync(key, head, begin, _lookupReads).ConfigureAwait(false);
    }

    /// <summary>Device reads of cold-log records made by lookups (<see cref="FindAsync"/>).</summary>
    public long LookupRecordReads => _lookupReads.Count;

    /// <summary>Device reads of cold-index chunks made by lookups.</summary>
    public long LookupChunkReads => _index.LookupReads;

    // ---- Compaction (the compaction thread only) ----

    /// <summary>
    /// Appends a copy of <paramref name="record"/> (a live hot record) at the cold tail and puts it in front of its
    /// cold chain: the copy's header is published with the chain's head so far as previous address (so the chain is
    /// whole from the copy down before anything points at it); its chunk entry follows at <see
    /// cref="IndexPrepends"/>, which the caller must run before the hot original may go. Every hot version is newer
    /// than every cold one, so this needs no condition. Writing cold-log memory here unprotected is safe because
    /// this thread is the cold log's only writer: no page of it is flushed or evicted until this thread opens another
    /// one.
    /// </summary>
    public unsafe void Prepend(ulong hash, ReadOnlySpan<byte> record)
    {
        var at = AppendBody(record);
        var previous = _index.Prepend(hash, at);
        var slot = _epoch.Protect();
        Record.Publish(_log.Pointer(at), previous, CopyFlags(record));
        _epoch.Unprotect(slot);
    }

    /// <summary>
    /// Writes the chunk entries of every <see cref="Prepend"/> so far, each chunk once: from then on readers find the
    /// copies through the cold index.
    /// </summary>
    public void IndexPrepends() => _index.WriteGathered();

    /// <summary>The header flags of a copy: the last checkpoint's version, and the original's tombstone bit.</summary>
    private long CopyFlags(ReadOnlySpan<byte> record) =>
        Volatile.Read(ref _versionBits) | (BinaryPrimitives.ReadInt64LittleEndian(record) & Record.TombstoneBit);

    /// <summary>
    /// Reserves room at the cold tail and copies all of <paramref name="record"/> but its header word there.
    /// </summary>
    private unsafe long AppendBody(ReadOnlySpan<byte> record)
    {
        long at;
        var slot = _epoch.Protect();
        try
        {
            while (!_log.TryAllocate(record.Length, out at))
            {
                _epoch.Refresh(slot);
                Thread.Yield();
            }
            record[8..].CopyTo(new Span<byte>(_log.Pointer(at) + 8, record.Length - 8));
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
        return at;
    }

    /// <summary>
    /// Appends a copy of <paramref name="record"/> at the cold tail, chained to <paramref name="head"/>,
    /// and links it if the key's cold entry still holds <paramref name="head"/>; else marks the copy invalid.
    /// </summary>
    private unsafe bool TryInsert(ulong hash, long head, ReadOnlySpan<byte> record)
    {
        var at = AppendBody(record);
        var slot = _epoch.Protect();
        Record.Publish(_log.Pointer(at), head, CopyFlags(record));
        _epoch.Unprotect(slot);
        if (_index.TryUpdate(hash, head, at)) return true;
        slot = _epoch.Protect();
        // Still in memory: only this thread appends to the cold log, and it has not opened another page since.
        Record.SetFlag(_log.Pointer(at), Record.InvalidBit);
        _epoch.Unprotect(slot);
        return false;
    }

    /// <summary>
    /// Runs the cold tier's own rounds when due: cold to cold when the cold log spans its
    /// trigger (at first its share of the disk budget), then the chunk store's.
    /// </summary>
    public void CompactIfDue(long coldLogBudget)
    {
        var size = _log.TailAddress - _log.BeginAddress;
        if (size >= Volatile.Read(ref _trigger))
        {
            var range = Math.Max(size / 4, _log.PageSize);
            var moved = Interlocked.Read(ref _movedBytes);
            CompactColdToCold(Math.Min(_log.HeadAddress, _log.BeginAddress + range) & ~(_log.PageSize - 1));
            moved = Interlocked.Read(ref _movedBytes) - moved;
            // A round that rewrote much live data means the cold log is mostly live: rather than
            // rewrite it round after round, wait until it has grown by twice what was rewritten
            // (so cold-to-cold compaction adds at most half a write per byte appended).
            Volatile.Write(ref _trigger, Math.Max(coldLogBudget, _log.TailAddress - _log.BeginAddress + 2 * moved));
        }
        _index.Store.CompactIntoItselfIfDue(_chunkLogBudget);
    }

    /// <summary>
    /// Rewrites the live records of the cold log's [Begin, <paramref name="until"/>) at its tail
    /// (a record is live if its cold chain has nothing newer above it; the copy is linked by a
    /// conditional insert), dropping live tombstones: every older version lies lower, in the
    /// range being dropped. Then Begin moves.
    /// </summary>
    private void CompactColdToCold(long until)
    {
        var begin = _log.BeginAddress;
        if (until <= begin) return;
        _file.Scan(begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = LogStore.Hash(key);
            while (true)
            {
                var head = _index.Find(hash);
                var slot = _epoch.Protect();
                try
                {
                    if (!_file.IsNewestInChain(head, key, address, ref slot)) return;
                }
                finally
                {
                    _epoch.Unprotect(slot);
                }
                if (Record.IsTombstone(BinaryPrimitives.ReadInt64LittleEndian(record))) return;
                if (TryInsert(hash, head, record)) break;
            }
            Interlocked.Add(ref _movedBytes, record.Length);
        });
        _log.ShiftBegin(until);
        Interlocked.Increment(ref _compactions);
    }

    /// <summary>
    /// Log bytes below Begin whose space waits for a checkpoint to be given back, the chunk log's included.
    /// </summary>
    public long UnreclaimedBytes => _log.UnreclaimedBytes + _index.Store.Log.UnreclaimedBytes;

    // ---- Checkpoint and recovery ----

    public void Create()
    {
        _file.WriteHeader(_storeId);
        _versionBits = Record.VersionBits(0);
        _index.Store.Create();
        _index.Created();
    }

    /// <summary>
    /// Checks the cold log and the chunk store against the checkpoint and loads them; reads only. Returns the bytes
    /// past both logs' tails.
    /// </summary>
    public long Load(CheckpointMeta meta)
    {
        var torn = _file.Load(meta.Cold, _storeId) + _index.Store.Load(meta.Chunks, meta.Sequence);
        _versionBits = Record.VersionBits(meta.Sequence);
        return torn;
    }

    /// <summary>
    /// See <see cref="LogStore.Repair"/>: torn tails cut, stale chunk snapshots deleted, space given back.
    /// </summary>
    public void Repair()
    {
        _file.CutTornTail();
        _file.Reclaim(counted: false);
        _index.Store.Repair();
    }

    /// <summary>
    /// The cold tier's steps before a commit: the cold log flushed to its tail, the chunk store's log and index.
    /// </summary>
    public (LogCheckpoint Cold, LogCheckpoint Chunks) Snapshot(long sequence)
    {
        // Rounds run under the checkpoint lock and index their prepends before they end.
        if (_index.HasGathered)
            throw new InvalidOperationException("a checkpoint began while cold prepends waited to be indexed");
        var tail = _log.TailAddress;
        _log.ShiftReadOnly(tail);
        _log.WaitForFlush(tail);
        _file.Device.Flush();
        var chunks = _index.Store;
        var cold = new LogCheckpoint(_log.PageBits, IndexBuckets: 0, _log.BeginAddress, tail, IndexLength: 0,
            IndexCrc: 0);
        return (cold, chunks.Snapshot(chunks.Log.TailAddress, sequence, out _));
    }

    public void Committed(long sequence)
    {
        Volatile.Write(ref _versionBits, Record.VersionBits(sequence));
        _index.Store.Committed(sequence);
        _file.Reclaim(counted: true);
    }

    public void Dispose()
    {
        _file.Dispose();
        _index.Dispose();
    }
}
