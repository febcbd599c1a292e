using System.Buffers;

namespace Frugal.Storage;

public sealed unsafe partial class KvStore
{
    // ---- Read ----

    /// <summary>Reads <paramref name="key"/>'s value into <paramref name="destination"/>.</summary>
    public ValueTask<ReadResult> ReadAsync(ReadOnlyMemory<byte> key, Memory<byte> destination)
    {
        var status = TryRead(key.Span, destination.Span, out var length, out var pending);
        return status == OpStatus.Pending ? ReadFromDeviceAsync(key, destination, pending) : new ValueTask<ReadResult>(Result(status, length));
    }

    private static ReadResult Result(OpStatus status, int length) => status switch
    {
        OpStatus.Done => new ReadResult(ReadStatus.Found, length),
        OpStatus.TooSmall => new ReadResult(ReadStatus.BufferTooSmall, length),
        _ => new ReadResult(ReadStatus.NotFound, 0),
    };

    /// <summary>
    /// The synchronous part of a read: read cache, then the in-memory hot log. Pending with where
    /// to continue: the hot log on the device, or (address 0) the cold tier.
    /// </summary>
    internal OpStatus TryRead(ReadOnlySpan<byte> key, Span<byte> destination, out int length, out PendingIo pending)
    {
        var hash = Hash(key);
        var slot = Enter();
        try
        {
            _counters.Add(slot, OperationCounters.Reads);
            OpStatus status;
            while ((status = ReadInMemory(slot, key, hash, destination, out length, out pending)) == OpStatus.Retry) _epoch.Refresh(slot);
            return Pend(slot, status);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    /// <summary>Both ways to leave memory look alike to callers: a pending operation that finishes its own I/O.</summary>
    private OpStatus Pend(int slot, OpStatus status)
    {
        if (status == OpStatus.Cold) status = OpStatus.Pending;
        if (status == OpStatus.Pending) _counters.Add(slot, OperationCounters.Pending);
        return status;
    }

    /// <summary>
    /// Whether a chain that ran below Begin may have missed its record: in a store without a cold
    /// tier (the chunk store) compaction copies live records to the log's own tail, out of the
    /// chain's reach, so a walk that crossed a Begin that moved since it started must start over.
    /// </summary>
    private bool MovedAway(long address, long begin) => _coldLog is null && address != LogAddress.None && _log.BeginAddress > begin;

    /// <summary>Where the hot log ran out: the cold tier decides, if there is one.</summary>
    private OpStatus HotMiss(long entry, ulong hash, long hotTail, long begin, out PendingIo pending)
    {
        pending = new PendingIo(LogAddress.None, entry, hash, hotTail, begin);
        return _coldLog is null ? OpStatus.NotFound : OpStatus.Cold;
    }

    private OpStatus ReadInMemory(int slot, ReadOnlySpan<byte> key, ulong hash, Span<byte> destination, out int length, out PendingIo pending)
    {
        length = 0;
        pending = default;
        var begin = _log.BeginAddress;
        var hotTail = _log.TailAddress;
        if (!_index.TryFind(hash, out _, out var entry)) return HotMiss(0, hash, hotTail, begin, out pending);
        var address = HashIndex.Address(entry);
        if (LogAddress.IsReadCache(address))
        {
            var cached = _cache!.Pointer(LogAddress.Plain(address));
            var header = Record.Header(cached);
            if (!Record.IsInvalid(header) && Record.KeyEquals(cached, key))
            {
                _counters.Add(slot, OperationCounters.ReadCacheHits);
                var status = CopyValue(cached, destination, locked: false, out length);
                // Second chance: a hit in the cache's oldest part moves the record back to its tail.
                if (LogAddress.Plain(address) < _cache.ReadOnlyAddress) InsertIntoReadCache(key, hash, Record.Value(cached), entry, hotTail);
                return status;
            }
            address = Record.Previous(header);
        }
        var head = _log.HeadAddress;
        while (address >= _log.BeginAddress && address != LogAddress.None)
        {
            if (address < head)
            {
                pending = new PendingIo(address, entry, hash, hotTail, begin);
                return OpStatus.Pending;
            }
            var record = _log.Pointer(address);
            var header = Record.Header(record);
            // A tombstone ends the search: it hides any older version in the cold tier too.
            if (!Record.IsInvalid(header) && Record.KeyEquals(record, key))
                return Record.IsTombstone(header) ? OpStatus.NotFound : CopyValue(record, destination, locked: address >= _log.SafeReadOnlyAddress, out length);
            address = Record.Previous(header);
        }
        if (MovedAway(address, begin)) return OpStatus.Retry;
        return HotMiss(entry, hash, hotTail, begin, out pending);
    }

    private static OpStatus CopyValue(byte* record, Span<byte> destination, bool locked, out int length)
    {
        length = Record.ValueLength(record);
        if (length > destination.Length) return OpStatus.TooSmall;
        // A record that may still be updated in place is read under its lock, so no torn value escapes.
        if (locked) Record.Lock(record);
        Record.Value(record).CopyTo(destination);
        if (locked) Record.Unlock(record);
        return OpStatus.Done;
    }

    // ---- Upsert and Delete ----

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>: in place when its record is in the mutable region, else appended at the tail.</summary>
    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Write(key, value, OperationCounters.Upserts, tombstone: false);

    /// <summary>Deletes <paramref name="key"/> by appending a tombstone at the hot tail, even when the hot log has no record of it: it hides older versions on disk and in the cold tier.</summary>
    public void Delete(ReadOnlySpan<byte> key) => Write(key, default, OperationCounters.Deletes, tombstone: true);

    private void Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int counter, bool tombstone)
    {
        ThrowIfReadOnly();
        CheckSizes(key.Length, value.Length);
        Throttle();
        var hash = Hash(key);
        var slot = Enter();
        try
        {
            _counters.Add(slot, counter);
            OpStatus status;
            while ((status = WriteAttempt(key, hash, value, tombstone)) != OpStatus.Done) Settle(slot, status);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    private OpStatus WriteAttempt(ReadOnlySpan<byte> key, ulong hash, ReadOnlySpan<byte> value, bool tombstone)
    {
        var slot = _index.FindOrCreate(hash, out var entry);
        var hot = Resolve(entry, out var cached);
        if (!tombstone)
        {
            var readOnly = _log.ReadOnlyAddress;
            for (var address = hot; address >= readOnly && address != LogAddress.None;)
            {
                var record = _log.Pointer(address);
                var header = Record.Header(record);
                if (!Record.IsInvalid(header) && Record.KeyEquals(record, key))
                {
                    if (Record.IsTombstone(header) || Record.ValueLength(record) != value.Length) break;
                    Record.Lock(record);
                    if (Record.IsSealed(Record.Header(record)))
                    {
                        Record.Unlock(record);
                        return OpStatus.Retry;
                    }
                    value.CopyTo(Record.Value(record));
                    Record.Unlock(record);
                    return OpStatus.Done;
                }
                address = Record.Previous(header);
            }
        }
        var size = Record.Size(key.Length, value.Length);
        if (!_log.TryAllocate(size, out var at)) return OpStatus.Wait;
        var fresh = _log.Pointer(at);
        Record.Write(fresh, hot, _versionBits | (tombstone ? Record.TombstoneBit : 0), key, value);
        return Link(slot, entry, hot, cached, at, fresh);
    }

    /// <summary>The main-log head of an entry's chain, and the read-cache record in front of it (if any).</summary>
    private long Resolve(long entry, out byte* cached)
    {
        var address = HashIndex.Address(entry);
        cached = null;
        if (!LogAddress.IsReadCache(address)) return address;
        cached = _cache!.Pointer(LogAddress.Plain(address));
        return Record.Previous(Record.Header(cached));
    }

    /// <summary>
    /// Publishes the new record at <paramref name="at"/> by one compare-and-swap of the index
    /// entry; a lost race invalidates it. Chains must strictly descend (a record's previous
    /// address below its own), which checkpoints rely on, so a record that landed below the
    /// chain's head is invalidated and the operation retried at the tail.
    /// </summary>
    private OpStatus Link(long* slot, long entry, long hot, byte* cached, long at, byte* fresh)
    {
        if (hot >= at || Interlocked.CompareExchange(ref *slot, HashIndex.WithAddress(entry, at), entry) != entry)
        {
            Record.SetFlag(fresh, Record.InvalidBit);
            return OpStatus.Retry;
        }
        // The cached copy is older than the record just linked: readers must never see it again.
        if (cached != null) Record.SetFlag(cached, Record.InvalidBit);
        return OpStatus.Done;
    }

    // ---- Read-modify-write ----

    /// <summary>Replaces <paramref name="key"/>'s value by <paramref name="merge"/>(input, current value); in place when the record is mutable.</summary>
    public ValueTask RmwAsync<TMerge>(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge) where TMerge : IRmwFunction
    {
        var status = TryRmw(key.Span, input.Span, ref merge, out var pending);
        return status == OpStatus.Pending ? RmwFromDeviceAsync(key, input, merge, pending) : ValueTask.CompletedTask;
    }

    internal OpStatus TryRmw<TMerge>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, out PendingIo pending) where TMerge : IRmwFunction
    {
        ThrowIfReadOnly();
        Throttle();
        var hash = Hash(key);
        var slot = Enter();
        try
        {
            _counters.Add(slot, OperationCounters.Rmws);
            OpStatus status;
            while ((status = RmwAttempt(key, hash, input, ref merge, out pending)) is OpStatus.Retry or OpStatus.Wait) Settle(slot, status);
            return Pend(slot, status);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    private OpStatus RmwAttempt<TMerge>(ReadOnlySpan<byte> key, ulong hash, ReadOnlySpan<byte> input, ref TMerge merge, out PendingIo pending) where TMerge : IRmwFunction
    {
        pending = default;
        var begin = _log.BeginAddress;
        var hotTail = _log.TailAddress;
        var slot = _index.FindOrCreate(hash, out var entry);
        var hot = Resolve(entry, out var cached);
        if (cached != null && !Record.IsInvalid(Record.Header(cached)) && Record.KeyEquals(cached, key))
            return CopyUpdate(slot, entry, hot, cached, key, input, Record.Value(cached), exists: true, ref merge);
        var address = hot;
        for (; address >= _log.BeginAddress && address != LogAddress.None;)
        {
            if (address < _log.HeadAddress)
            {
                pending = new PendingIo(address, entry, hash, hotTail, begin);
                return OpStatus.Pending;
            }
            var record = _log.Pointer(address);
            var header = Record.Header(record);
            if (!Record.IsInvalid(header) && Record.KeyEquals(record, key))
            {
                if (Record.IsTombstone(header)) return CopyUpdate(slot, entry, hot, cached, key, input, default, exists: false, ref merge);
                if (address >= _log.ReadOnlyAddress) return UpdateMutable(slot, entry, hot, cached, record, key, input, ref merge);
                // Between SafeReadOnly and ReadOnly another thread may still update the record in place: copying it now could lose that update.
                if (address >= _log.SafeReadOnlyAddress) return OpStatus.Wait;
                return CopyUpdate(slot, entry, hot, cached, key, input, Record.Value(record), exists: true, ref merge);
            }
            address = Record.Previous(header);
        }
        if (MovedAway(address, begin)) return OpStatus.Retry;
        // No hot record: the value may be cold (read it, then insert conditionally), or absent.
        var miss = HotMiss(entry, hash, hotTail, begin, out pending);
        return miss == OpStatus.Cold ? miss : CopyUpdate(slot, entry, hot, cached, key, input, default, exists: false, ref merge);
    }

    private OpStatus UpdateMutable<TMerge>(long* slot, long entry, long hot, byte* cached, byte* record, ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge)
        where TMerge : IRmwFunction
    {
        Record.Lock(record);
        try
        {
            if (Record.IsSealed(Record.Header(record))) return OpStatus.Retry;
            var current = Record.Value(record);
            var length = merge.ResultLength(input, current, exists: true);
            if (length != current.Length)
            {
                // The value changes size: copy it to the tail, and seal this record so no in-place update lands on it afterwards.
                var status = CopyUpdate(slot, entry, hot, cached, key, input, current, exists: true, ref merge);
                if (status == OpStatus.Done) Record.SetFlag(record, Record.SealedBit);
                return status;
            }
            var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
            var scratch = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            merge.Merge(input, current, exists: true, scratch);
            scratch.CopyTo(current);
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            return OpStatus.Done;
        }
        finally
        {
            Record.Unlock(record);
        }
    }

    private OpStatus CopyUpdate<TMerge>(long* slot, long entry, long hot, byte* cached, ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, ref TMerge merge)
        where TMerge : IRmwFunction
    {
        var length = merge.ResultLength(input, current, exists);
        CheckSizes(key.Length, length);
        if (!_log.TryAllocate(Record.Size(key.Length, length), out var at)) return OpStatus.Wait;
        var fresh = _log.Pointer(at);
        try
        {
            merge.Merge(input, current, exists, Record.Prepare(fresh, key, length));
        }
        catch
        {
            // A reserved record must be published, or a scan of its page would stop at its zero header.
            Record.Publish(fresh, hot, _versionBits | Record.InvalidBit);
            throw;
        }
        Record.Publish(fresh, hot, _versionBits);
        return Link(slot, entry, hot, cached, at, fresh);
    }

    /// <summary>
    /// Appends the merged value only if the index entry is still the one the read started from
    /// and hot Begin has not passed the hot tail of that moment (a conditional insert). A newer
    /// version written meanwhile either changed the entry, or — written at or past that tail —
    /// is still in the hot log and so still in the chain: no update is lost, even when
    /// compaction moves versions to the cold tier and frees index entries meanwhile (the
    /// caller is protected, so no entry below the Begin it sees is freed before the swap).
    /// </summary>
    private OpStatus CompleteRmw<TMerge>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, PendingIo pending, DeviceRecord? found, int epochSlot) where TMerge : IRmwFunction
    {
        OpStatus status;
        // Waiting for a free frame is no reason to read the value again: the insert rechecks the entry each time.
        while ((status = TryCompleteRmw(key, input, ref merge, pending, found)) == OpStatus.Wait) Settle(epochSlot, status);
        return status;
    }

    private OpStatus TryCompleteRmw<TMerge>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, PendingIo pending, DeviceRecord? found) where TMerge : IRmwFunction
    {
        if (_log.BeginAddress > pending.HotTail) return OpStatus.Retry;
        if (!_index.TryFind(pending.Hash, out var slot, out var entry) || entry != pending.Entry) return OpStatus.Retry;
        var hot = Resolve(entry, out var cached);
        var exists = found is { IsTombstone: false };
        return CopyUpdate(slot, entry, hot, cached, key, input, exists ? found!.Value.Value : default, exists, ref merge);
    }
}
