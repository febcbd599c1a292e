using System.Buffers.Binary;

namespace Frugal.Storage;

// What compaction needs of a single-log store: the liveness test of a record, moving Begin, and
// compacting the log into its own tail (the chunk store's way; the F2 store moves its hot
// store's records into the cold tier instead).
internal sealed unsafe partial class LogStore
{
    private long _selfCompactions;
    private long _movedBytes;

    /// <summary>Rounds of <see cref="CompactIntoItselfIfDue"/>.</summary>
    public long SelfCompactions => Interlocked.Read(ref _selfCompactions);

    /// <summary>Bytes of live records <see cref="CompactIntoItselfIfDue"/> copied.</summary>
    public long MovedBytes => Interlocked.Read(ref _movedBytes);

    /// <summary>
    /// Whether the record at <paramref name="address"/> is its key's newest version (walking from the index entry, past
    /// a read-cache record).
    /// </summary>
    public bool IsNewest(ReadOnlySpan<byte> key, ulong hash, long address)
    {
        var slot = _epoch.Protect();
        try
        {
            return _index.TryFind(hash, out _, out var entry)
                && _file.IsNewestInChain(Resolve(entry, out _), key, address, ref slot);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    /// <summary>
    /// Moves Begin; once every thread that may have seen the old one has left (an epoch), frees
    /// the index entries that point below it. Readers and conditional inserts rely on that order:
    /// a protected thread that saw the old Begin finds no entry freed.
    /// </summary>
    public void ShiftBegin(long until)
    {
        _log.ShiftBegin(until);
        using var passed = new ManualResetEventSlim();
        _epoch.Bump(passed.Set);
        while (!passed.IsSet)
        {
            var slot = _epoch.Protect();
            _epoch.Unprotect(slot);
            Thread.Yield();
        }
        _index.FreeBelow(_log.BeginAddress);
    }

    /// <summary>
    /// Compacts the log into its own tail when it spans <paramref name="budget"/>: live records
    /// of its oldest part (up to half a budget below the tail, at most a budget of it) are copied to the tail by a
    /// conditional insert, then Begin moves. One thread at a time (the caller's compaction thread).
    /// </summary>
    public void CompactIntoItselfIfDue(long budget)
    {
        if (_log.TailAddress - _log.BeginAddress < budget) return;
        var begin = _log.BeginAddress;
        // At most a budget per round, so one round never holds the caller's other rounds up for long.
        var until = Math.Min(Math.Min(_log.HeadAddress, _log.TailAddress - budget / 2), begin + budget)
            & ~(_log.PageSize - 1);
        if (until <= begin) return;
        ScanSkippingStale(begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            if (CopyToTailIfNewest(key, HashOf(key), address, record)) Interlocked.Add(ref _movedBytes, record.Length);
        });
        ShiftBegin(until);
        Interlocked.Increment(ref _selfCompactions);
    }

    /// <summary>
    /// Visits the records of [<paramref name="from"/>, <paramref name="until"/>) as <see cref="LogFile.Scan"/> does,
    /// except those found stale first: a batch at a time, every record whose key's chain starts on the device above it
    /// has that chain walked with the batch's device reads in flight together, and the records for which a newer
    /// valid version turned up are skipped. The visitor still runs its full liveness test on the rest (most of them
    /// need no device read). On the direct device one synchronous read per stale record held the compaction thread,
    /// and with it every round, for seconds. For compaction's own scans: only the caller moves Begin.
    /// </summary>
    public void ScanSkippingStale(long from, long until, LogFile.RecordVisitor visit)
    {
        var batch = new StaleFilter(this, visit);
        _file.Scan(from, until, batch.Add);
        batch.Finish();
    }

    /// <summary>
    /// Whether the chain of <paramref name="key"/>'s entry holds a valid record of the key above
    /// <paramref name="address"/> (then the record there is stale: the liveness test's own criterion), walking it with
    /// device reads in flight rather than one synchronous read at a time. Only chains that start on the device are
    /// walked; false for the rest and wherever the walk cannot tell (the full test then decides). A direct-mapped
    /// store's chain is not walked at all: it holds only the key's versions, each valid (a record enters a chain only
    /// by the swap that links it valid; only unlinked records and read-cache copies are ever invalidated), so a head
    /// above the record is a newer version.
    /// </summary>
    private ValueTask<bool> HasNewerAsync(ReadOnlyMemory<byte> key, ulong hash, long address)
    {
        long head;
        var slot = _epoch.Protect();
        try
        {
            if (!_index.TryFind(hash, out _, out var entry)) return ValueTask.FromResult(false);
            head = Resolve(entry, out _);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
        if (head <= address || head >= _log.HeadAddress) return ValueTask.FromResult(false);
        return _directMapped ? ValueTask.FromResult(true) : FoundAboveAsync(key, head, address);
    }

    /// <summary>
    /// Appends a copy of the record at <paramref name="address"/> at the tail, linked if the key's entry still heads a
    /// chain in which it is the newest.
    /// </summary>
    private bool CopyToTailIfNewest(ReadOnlySpan<byte> key, ulong hash, long address, ReadOnlySpan<byte> record)
    {
        var epochSlot = _epoch.Protect();
        try
        {
            while (true)
            {
                if (!_index.TryFind(hash, out var slot, out var entry)) return false;
                // Past a read-cache copy (the chunk store caches chunks): the chain goes on from its previous address.
                var head = Resolve(entry, out var cached);
                if (!_file.IsNewestInChain(head, key, address, ref epochSlot)) return false;
                if (!_log.TryAllocate(record.Length, out var at))
                {
                    _epoch.Refresh(epochSlot);
                    continue;
                }
                var copy = _log.Pointer(at);
                record[8..].CopyTo(new Span<byte>(copy + 8, record.Length - 8));
                Record.Publish(copy, head, Volatile.Read(ref _versionBits));
                if (Link(slot, entry, head, cached, at, copy) == OpStatus.Done) return true;
                _epoch.Refresh(epochSlot);
            }
        }
        finally
        {
            _epoch.Unprotect(epochSlot);
        }
    }

    /// <summary>The records of a scan gathered a batch at a time for <see cref="ScanSkippingStale"/>.</summary>
    private sealed class StaleFilter(LogStore store, LogFile.RecordVisitor visit)
    {
        private const int MaxRecords = 1024;
        private readonly byte[] _records = new byte[store._log.PageSize];
        private readonly List<(long Address, int Offset, int Length)> _batch = [];
        private int _used;

        public void Add(long address, ReadOnlySpan<byte> record)
        {
            if (_used + record.Length > _records.Length || _batch.Count == MaxRecords) Finish();
            record.CopyTo(_records.AsSpan(_used));
            _batch.Add((address, _used, record.Length));
            _used += record.Length;
        }

        /// <summary>Tests the records gathered so far and visits those not found stale.</summary>
        public void Finish()
        {
            var stale = new bool[_batch.Count];
            var walks = new List<(int Index, Task<bool> Walk)>();
            for (var i = 0; i < _batch.Count; i++)
            {
                var (address, offset, _) = _batch[i];
                var key = Key(offset);
                var walk = store.HasNewerAsync(key, store.HashOf(key.Span), address);
                if (walk.IsCompletedSuccessfully) stale[i] = walk.Result;
                else walks.Add((i, walk.AsTask()));
            }
            foreach (var (i, walk) in walks) stale[i] = walk.GetAwaiter().GetResult();
            for (var i = 0; i < _batch.Count; i++)
                if (!stale[i]) visit(_batch[i].Address, _records.AsSpan(_batch[i].Offset, _batch[i].Length));
            _batch.Clear();
            _used = 0;
        }

        private ReadOnlyMemory<byte> Key(int offset) => _records.AsMemory(offset + Record.HeaderSize,
            BinaryPrimitives.ReadInt32LittleEndian(_records.AsSpan(offset + 8)));
    }
}
