using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>
/// Compaction, F2's lookup-based kind: a record of the compacted range [Begin, until) is copied
/// only if it is still its key's newest version (a walk of the key's chain from the index down
/// to the record finds no newer one). Within a log the copy is a conditional insert, linked only
/// if the index entry still holds what the walk started from. Then Begin moves to until. Hot to
/// cold moves the hot log's oldest part into the cold log (live tombstones too: they hide older
/// cold versions), in front of the cold chain without condition, as every hot version is newer
/// than every cold one (a newer hot version written meanwhile stays in the hot log, which is
/// searched first); cold to cold rewrites the cold log's oldest part at its tail (dropping live
/// tombstones: every older version lies lower, in the range being dropped); the cold index's
/// chunk store compacts its own log the same way. One background thread runs the rounds, under
/// the checkpoint lock, so a checkpoint always sees whole rounds.
/// </summary>
public sealed unsafe partial class KvStore
{
    private long _coldLookups;
    private long _hotCompactions;
    private long _coldCompactions;
    private long _compactedBytes;
    private long _movedBytes;
    private long _reclaimedBytes;
    private long _autoCheckpoints;
    private long _coldTrigger;
    private Exception? _compactionFault;
    private readonly object _roundCompleted = new();

    private delegate void RecordVisitor(long address, ReadOnlySpan<byte> record);

    private void CompactionLoop()
    {
        while (!_stopCompaction.Wait(_options.CompactionInterval))
        {
            try
            {
                CompactIfDue();
            }
            catch (Exception e)
            {
                // Every later operation reports it (see Enter): a store that cannot compact would grow without bound.
                Volatile.Write(ref _compactionFault, e);
                return;
            }
        }
    }

    /// <summary>
    /// Runs whichever rounds the budgets call for (hot log past its budget: move its oldest part
    /// so three quarters of the budget remain, at most half a budget per round; cold log past its
    /// share of the disk budget: rewrite its oldest quarter; chunk log past twice its live size);
    /// then, if enough space waits to be given back, a checkpoint to make the truncation durable.
    /// </summary>
    internal void CompactIfDue()
    {
        // Hot rounds one at a time, each under the lock: Begin moves after every half budget, so
        // writers held back by the throttle resume early, and a checkpoint waits for one round at
        // most. Under sustained writes the hot log stays due; a bounded number of rounds lets the
        // other tiers and the reclaiming checkpoint have their turn.
        for (var round = 0; round < 8 && CompactHotIfDue(); round++) CheckpointIfDue();
        lock (_checkpointLock)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            var cold = _coldLog!;
            var coldSize = cold.TailAddress - cold.BeginAddress;
            if (coldSize >= Volatile.Read(ref _coldTrigger))
            {
                var range = Math.Max(coldSize / 4, cold.PageSize);
                var moved = Interlocked.Read(ref _movedBytes);
                CompactColdToCold(PageFloor(cold, Math.Min(cold.HeadAddress, cold.BeginAddress + range)));
                moved = Interlocked.Read(ref _movedBytes) - moved;
                // A round that rewrote much live data means the cold log is mostly live: rather than
                // rewrite it round after round, wait until it has grown by twice what was rewritten
                // (so cold-to-cold compaction adds at most half a write per byte appended).
                Volatile.Write(ref _coldTrigger, Math.Max(Plan.ColdLogBudget, cold.TailAddress - cold.BeginAddress + 2 * moved));
            }
            _coldIndex!.Store.CompactSelfIfDue();
        }
        CheckpointIfDue();
    }

    /// <summary>One hot-to-cold round if the hot log spans its budget; false when none was due.</summary>
    private bool CompactHotIfDue()
    {
        lock (_checkpointLock)
        {
            if (Volatile.Read(ref _disposed) != 0 || _log.TailAddress - _log.BeginAddress < Plan.HotLogBudget) return false;
            var until = PageFloor(_log, Math.Min(_log.HeadAddress, Math.Min(_log.TailAddress - Plan.HotLogBudget * 3 / 4, _log.BeginAddress + Plan.HotLogBudget / 2)));
            if (until <= _log.BeginAddress) return false;
            CompactHotToCold(until);
            return true;
        }
    }

    /// <summary>Takes a checkpoint when twice the hot-log budget waits to be given back (and the options allow).</summary>
    private void CheckpointIfDue()
    {
        if (!_options.CheckpointToReclaim || Volatile.Read(ref _disposed) != 0) return;
        var unreclaimed = _log.UnreclaimedBytes + _coldLog!.UnreclaimedBytes + _coldIndex!.Store._log.UnreclaimedBytes;
        if (unreclaimed < 2 * Plan.HotLogBudget) return;
        Checkpoint();
        Interlocked.Increment(ref _autoCheckpoints);
    }

    /// <summary>
    /// Holds a writer back while the hot log spans more than four times its budget, so the hot log
    /// (and the hot index, which covers only it) stays bounded however fast writers append
    /// compared with compaction. Not in the chunk store, whose only writer is compaction itself.
    /// </summary>
    private void Throttle()
    {
        if (_coldLog is null) return;
        while (_log.TailAddress - _log.BeginAddress > 4 * Plan.HotLogBudget && Volatile.Read(ref _compactionFault) is null && Volatile.Read(ref _disposed) == 0)
            Thread.Sleep(1);
    }

    private static long PageFloor(HybridLog log, long address) => address & ~(log.PageSize - 1);

    /// <summary>Moves the live records of the hot log's [Begin, <paramref name="until"/>) to the cold log, then moves hot Begin and frees the index entries below it.</summary>
    private void CompactHotToCold(long until)
    {
        var begin = _log.BeginAddress;
        if (until <= begin) return;
        ScanLog(_log, _device, begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = Hash(key);
            if (!IsNewestInHot(key, hash, address)) return;
            // Every hot record is newer than every cold one: the copy goes in front of its cold chain unconditionally.
            PrependCold(hash, record);
            Interlocked.Add(ref _movedBytes, record.Length);
        });
        ShiftBegin(until);
        Interlocked.Increment(ref _hotCompactions);
        lock (_roundCompleted) Monitor.PulseAll(_roundCompleted);
    }

    /// <summary>
    /// Waits until at least <paramref name="rounds"/> hot-to-cold rounds have completed; false
    /// if <paramref name="timeout"/> passed first. For tests, which wait for compaction rather
    /// than poll for it.
    /// </summary>
    internal bool WaitForHotToColdRounds(long rounds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_roundCompleted)
        {
            while (Interlocked.Read(ref _hotCompactions) < rounds)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_roundCompleted, left)) return Interlocked.Read(ref _hotCompactions) >= rounds;
            }
            return true;
        }
    }

    /// <summary>Rewrites the live records of the cold log's [Begin, <paramref name="until"/>) at its tail, then moves cold Begin.</summary>
    private void CompactColdToCold(long until)
    {
        var cold = _coldLog!;
        var begin = cold.BeginAddress;
        if (until <= begin) return;
        ScanLog(cold, _coldDevice!, begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = Hash(key);
            while (true)
            {
                var head = _coldIndex!.Find(hash);
                var slot = _epoch.Protect();
                try
                {
                    if (!IsNewestInChain(cold, _coldDevice!, head, key, address, ref slot)) return;
                }
                finally
                {
                    _epoch.Unprotect(slot);
                }
                if (Record.IsTombstone(BinaryPrimitives.ReadInt64LittleEndian(record))) return;
                if (TryInsertCold(hash, head, record)) break;
            }
            Interlocked.Add(ref _movedBytes, record.Length);
        });
        cold.ShiftBegin(until);
        Interlocked.Increment(ref _coldCompactions);
    }

    /// <summary>
    /// Appends a copy of <paramref name="record"/> at the cold tail and puts it in front of its
    /// cold chain, reading and writing the chunk once: the record's header (with the chain's old
    /// head as previous address) is published inside the chunk's read-modify-write, before the
    /// chunk that points at it is. Writing cold-log memory there unprotected is safe because this
    /// thread is the cold log's only writer: no page of it is flushed or evicted until this
    /// thread opens another one.
    /// </summary>
    private void PrependCold(ulong hash, ReadOnlySpan<byte> record)
    {
        var at = AppendColdBody(record);
        var copy = (IntPtr)_coldLog!.Pointer(at);
        var flags = Volatile.Read(ref _versionBits) | (BinaryPrimitives.ReadInt64LittleEndian(record) & Record.TombstoneBit);
        _coldIndex!.Prepend(hash, at, previous => Record.Publish((byte*)copy, previous, flags));
    }

    /// <summary>Reserves room at the cold tail and copies all of <paramref name="record"/> but its header word there.</summary>
    private long AppendColdBody(ReadOnlySpan<byte> record)
    {
        var cold = _coldLog!;
        long at;
        var slot = _epoch.Protect();
        try
        {
            while (!cold.TryAllocate(record.Length, out at))
            {
                _epoch.Refresh(slot);
                Thread.Yield();
            }
            record[8..].CopyTo(new Span<byte>(cold.Pointer(at) + 8, record.Length - 8));
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
    private bool TryInsertCold(ulong hash, long head, ReadOnlySpan<byte> record)
    {
        var cold = _coldLog!;
        var at = AppendColdBody(record);
        var slot = _epoch.Protect();
        Record.Publish(cold.Pointer(at), head, Volatile.Read(ref _versionBits) | (BinaryPrimitives.ReadInt64LittleEndian(record) & Record.TombstoneBit));
        _epoch.Unprotect(slot);
        if (_coldIndex!.TryUpdate(hash, head, at)) return true;
        slot = _epoch.Protect();
        // Still in memory: only this thread appends to the cold log, and it has not opened another page since.
        Record.SetFlag(cold.Pointer(at), Record.InvalidBit);
        _epoch.Unprotect(slot);
        return false;
    }

    /// <summary>Whether the hot record at <paramref name="address"/> is its key's newest version (walking from the index entry, past a read-cache record).</summary>
    private bool IsNewestInHot(ReadOnlySpan<byte> key, ulong hash, long address)
    {
        var slot = _epoch.Protect();
        try
        {
            return _index.TryFind(hash, out _, out var entry) && IsNewestInChain(_log, _device, Resolve(entry, out _), key, address, ref slot);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    /// <summary>
    /// Whether walking <paramref name="log"/>'s chain from <paramref name="head"/> reaches
    /// <paramref name="address"/> without meeting a newer valid record of <paramref name="key"/>.
    /// Records below Head are read from the device, unprotected.
    /// </summary>
    private bool IsNewestInChain(HybridLog log, IStorageDevice device, long head, ReadOnlySpan<byte> key, long address, ref int epochSlot)
    {
        byte[]? buffer = null;
        while (head > address)
        {
            long header;
            bool sameKey;
            if (head >= log.HeadAddress)
            {
                var record = log.Pointer(head);
                header = Record.Header(record);
                sameKey = Record.KeyEquals(record, key);
            }
            else
            {
                _epoch.Unprotect(epochSlot);
                var (read, keyLength, _) = ReadRecord(log, device, head, ref buffer);
                epochSlot = _epoch.Protect();
                header = read;
                sameKey = keyLength == key.Length && buffer.AsSpan(Record.HeaderSize, keyLength).SequenceEqual(key);
            }
            if (!Record.IsInvalid(header) && sameKey) return false;
            head = Record.Previous(header);
        }
        return head == address;
    }

    /// <summary>
    /// The chunk store's own compaction (it has no cold tier): live chunks of its log's oldest
    /// part are copied to its tail by a conditional insert, then Begin moves.
    /// </summary>
    private void CompactSelfIfDue()
    {
        if (_log.TailAddress - _log.BeginAddress < Plan.HotLogBudget) return;
        var begin = _log.BeginAddress;
        var until = PageFloor(_log, Math.Min(_log.HeadAddress, _log.TailAddress - Plan.HotLogBudget / 2));
        if (until <= begin) return;
        ScanLog(_log, _device, begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = Hash(key);
            var epochSlot = _epoch.Protect();
            try
            {
                while (true)
                {
                    if (!_index.TryFind(hash, out var slot, out var entry)) return;
                    var head = HashIndex.Address(entry);
                    if (!IsNewestInChain(_log, _device, head, key, address, ref epochSlot)) return;
                    if (!_log.TryAllocate(record.Length, out var at))
                    {
                        _epoch.Refresh(epochSlot);
                        continue;
                    }
                    var copy = _log.Pointer(at);
                    record[8..].CopyTo(new Span<byte>(copy + 8, record.Length - 8));
                    Record.Publish(copy, head, Volatile.Read(ref _versionBits));
                    if (Link(slot, entry, head, null, at, copy) == OpStatus.Done) break;
                    _epoch.Refresh(epochSlot);
                }
            }
            finally
            {
                _epoch.Unprotect(epochSlot);
            }
            Interlocked.Add(ref _movedBytes, record.Length);
        });
        ShiftBegin(until);
        Interlocked.Increment(ref _hotCompactions);
    }

    /// <summary>
    /// Moves the main log's Begin; once every thread that may have seen the old one has left
    /// (an epoch), frees the index entries that point below it. Readers and conditional inserts
    /// rely on that order: a protected thread that saw the old Begin finds no entry freed.
    /// </summary>
    private void ShiftBegin(long until)
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

    /// <summary>Visits every valid record of [<paramref name="from"/>, <paramref name="until"/>), reading the device a page at a time (the range is below Head).</summary>
    private void ScanLog(HybridLog log, IStorageDevice device, long from, long until, RecordVisitor visit)
    {
        var page = new byte[log.PageSize];
        for (var start = PageFloor(log, from); start < until; start += log.PageSize)
        {
            var read = device.Read(start, page);
            CountRead(read);
            Interlocked.Add(ref _compactedBytes, Math.Min(until, start + log.PageSize) - Math.Max(from, start));
            for (var at = Math.Max(from, start); at + Record.HeaderSize <= Math.Min(until, start + log.PageSize);)
            {
                var offset = (int)(at - start);
                if (offset + Record.HeaderSize > read) break;
                var header = BinaryPrimitives.ReadInt64LittleEndian(page.AsSpan(offset)) & ~Record.LockBit;
                if (header == 0) break; // the unused end of the page
                var length = Record.LengthIn(page.AsSpan(offset, read - offset));
                if (length < 0 || offset + (length + 7 & ~7) > read) throw new StorageCorruptException(device.Name, "no valid record (corrupt)", at);
                if (!IsIntact(log, device, at, page.AsSpan(offset, length))) throw new StorageCorruptException(device.Name, "checksum mismatch (corrupt)", at);
                var size = (length + 7) & ~7;
                if (!Record.IsInvalid(header)) visit(at, page.AsSpan(offset, size));
                at += size;
            }
        }
    }
}
