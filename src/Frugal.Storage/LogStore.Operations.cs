using System.Buffers;

namespace Frugal.Storage;

internal sealed unsafe partial class LogStore
{
    // ---- Read ----

    /// <summary>
    /// The synchronous part of a read: read cache, then the log in memory. Pending with the
    /// address to read from the device; Missing when the chain ends without a record of the key
    /// (pending then holds the index entry and markers a later insert checks against).
    /// </summary>
    public OpStatus TryRead(ReadOnlySpan<byte> key, Span<byte> destination, out int length, out PendingIo pending)
    {
        var hash = HashOf(key);
        var slot = _epoch.Protect();
        try
        {
            _counters.Add(slot, OperationCounters.Reads);
            OpStatus status;
            while ((status = ReadInMemory(slot, key, hash, destination, out length, out pending)) == OpStatus.Retry)
                _epoch.Refresh(slot);
            return Count(slot, status);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    /// <summary>Counts the operations that left memory (Pending) and those that found no record (Missing).</summary>
    private OpStatus Count(int slot, OpStatus status)
    {
        if (status == OpStatus.Pending) _counters.Add(slot, OperationCounters.Pending);
        else if (status == OpStatus.Missing) _counters.Add(slot, OperationCounters.Missing);
        return status;
    }

    /// <summary>
    /// Whether a chain that ran below Begin may have missed its record: compaction may have moved
    /// it (to this log's tail, or to another tier) after the operation read Begin. Then the
    /// operation starts over from the index, whose entry compaction has changed or freed.
    /// </summary>
    private bool MovedAway(long address, long begin) => address != LogAddress.None && _log.BeginAddress > begin;

    private static OpStatus Missing(long entry, ulong hash, long tail, long begin, out PendingIo pending)
    {
        pending = new PendingIo(LogAddress.None, entry, hash, tail, begin);
        return OpStatus.Missing;
    }

    private OpStatus ReadInMemory(
        int slot, ReadOnlySpan<byte> key, ulong hash, Span<byte> destination, out int length, out PendingIo pending)
    {
        length = 0;
        pending = default;
        var begin = _log.BeginAddress;
        var tail = _log.TailAddress;
        if (!_index.TryFind(hash, out _, out var entry)) return Missing(0, hash, tail, begin, out pending);
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
                if (LogAddress.Plain(address) < _cache.ReadOnlyAddress)
                    InsertIntoReadCache(key, hash, Record.Value(cached), entry, tail);
                return status;
            }
            address = Record.Previous(header);
        }
        var head = _log.HeadAddress;
        while (address >= _log.BeginAddress && address != LogAddress.None)
        {
            if (address < head)
            {
                pending = new PendingIo(address, entry, hash, tail, begin);
                return OpStatus.Pending;
            }
            var record = _log.Pointer(address);
            var header = Record.Header(record);
            // A tombstone ends the search: it hides any older version (in another tier too).
            if (!Record.IsInvalid(header) && Record.KeyEquals(record, key))
                return Record.IsTombstone(header)
                    ? OpStatus.NotFound
                    : CopyValue(record, destination, locked: address >= _log.SafeReadOnlyAddress, out length);
            address = Record.Previous(header);
        }
        return MovedAway(address, begin) ? OpStatus.Retry : Missing(entry, hash, tail, begin, out pending);
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

    /// <summary>
    /// The key's record below memory: the chain on the device from the pending address (see
    /// <see cref="LogFile.FindAsync"/> for <paramref name="beginSeen"/>).
    /// </summary>
    public ValueTask<(ChainEnd End, DeviceRecord Record)> FindAsync(
        ReadOnlyMemory<byte> key, PendingIo pending, long beginSeen) =>
        _file.FindAsync(key, pending.Address, beginSeen);

    /// <summary>
    /// Finishes a read with what the device (or another tier) held: nothing, a tombstone, or a
    /// value, which is offered to the read cache (see <see cref="InsertIntoReadCache"/>) and
    /// copied out. Returns the record's buffer to the pool.
    /// </summary>
    public ReadResult Deliver(ReadOnlySpan<byte> key, PendingIo pending, DeviceRecord? found, Span<byte> destination)
    {
        if (found is not { } record) return new ReadResult(ReadStatus.NotFound, 0);
        try
        {
            if (record.IsTombstone) return new ReadResult(ReadStatus.NotFound, 0);
            var slot = _epoch.Protect();
            try
            {
                InsertIntoReadCache(key, pending.Hash, record.Value, pending.Entry, pending.HotTail);
            }
            finally
            {
                _epoch.Unprotect(slot);
            }
            if (record.Value.Length > destination.Length)
                return new ReadResult(ReadStatus.BufferTooSmall, record.Value.Length);
            record.Value.CopyTo(destination);
            return new ReadResult(ReadStatus.Found, record.Value.Length);
        }
        finally
        {
            record.Return();
        }
    }

    // ---- Upsert and Delete ----

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/>: in place when its record is in the mutable region, else
    /// appended at the tail.
    /// </summary>
    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Write(key, value, OperationCounters.Upserts, tombstone: false);

    /// <summary>
    /// Appends a tombstone, even when the log has no record of the key: it hides older versions on disk and in other
    /// tiers.
    /// </summary>
    public void Delete(ReadOnlySpan<byte> key) => Write(key, default, OperationCounters.Deletes, tombstone: true);

    private void Write(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int counter, bool tombstone)
    {
        CheckSizes(key.Length, value.Length);
        var hash = HashOf(key);
        var slot = _epoch.Protect();
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
        var newest = Resolve(entry, out var cached);
        if (!tombstone)
        {
            var readOnly = _log.ReadOnlyAddress;
            for (var address = newest; address >= readOnly && address != LogAddress.None;)
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
        Record.Write(fresh, newest, _versionBits | (tombstone ? Record.TombstoneBit : 0), key, value);
        return Link(slot, entry, newest, cached, at, fresh);
    }

    /// <summary>The log head of an entry's chain, and the read-cache record in front of it (if any).</summary>
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
    private OpStatus Link(long* slot, long entry, long newest, byte* cached, long at, byte* fresh)
    {
        if (newest >= at || Interlocked.CompareExchange(ref *slot, HashIndex.WithAddress(entry, at), entry) != entry)
        {
            Record.SetFlag(fresh, Record.InvalidBit);
            return OpStatus.Retry;
        }
        // The cached copy is older than the record just linked: readers must never see it again.
        if (cached != null) Record.SetFlag(cached, Record.InvalidBit);
        return OpStatus.Done;
    }

    // ---- Read-modify-write ----

    /// <summary>
    /// The synchronous part of a read-modify-write: in place when the record is mutable, a copy
    /// at the tail when it is read-only or cached, Pending when it is on the device. Without a
    /// record of the key: the initial value if <paramref name="createIfMissing"/>, else Missing
    /// (the caller looks elsewhere, then finishes with <see cref="CompleteRmw"/>).
    /// </summary>
    public OpStatus TryRmw<TMerge>(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, bool createIfMissing, out PendingIo pending)
        where TMerge : IRmwFunction
    {
        var hash = HashOf(key);
        var slot = _epoch.Protect();
        try
        {
            _counters.Add(slot, OperationCounters.Rmws);
            var status = RmwAttempt(key, hash, input, ref merge, createIfMissing, out pending);
            while (status is OpStatus.Retry or OpStatus.Wait)
            {
                Settle(slot, status);
                status = RmwAttempt(key, hash, input, ref merge, createIfMissing, out pending);
            }
            return Count(slot, status);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    private OpStatus RmwAttempt<TMerge>(
        ReadOnlySpan<byte> key, ulong hash, ReadOnlySpan<byte> input, ref TMerge merge, bool createIfMissing,
        out PendingIo pending)
        where TMerge : IRmwFunction
    {
        pending = default;
        var begin = _log.BeginAddress;
        var tail = _log.TailAddress;
        var slot = _index.FindOrCreate(hash, out var entry);
        var newest = Resolve(entry, out var cached);
        if (cached != null && !Record.IsInvalid(Record.Header(cached)) && Record.KeyEquals(cached, key))
            return CopyUpdate(slot, entry, newest, cached, key, input, Record.Value(cached), exists: true, ref merge);
        var address = newest;
        for (; address >= _log.BeginAddress && address != LogAddress.None;)
        {
            if (address < _log.HeadAddress)
            {
                pending = new PendingIo(address, entry, hash, tail, begin);
                return OpStatus.Pending;
            }
            var record = _log.Pointer(address);
            var header = Record.Header(record);
            if (!Record.IsInvalid(header) && Record.KeyEquals(record, key))
            {
                if (Record.IsTombstone(header))
                    return CopyUpdate(slot, entry, newest, cached, key, input, default, exists: false, ref merge);
                if (address >= _log.ReadOnlyAddress)
                    return UpdateMutable(slot, entry, newest, cached, record, key, input, ref merge);
                // Between SafeReadOnly and ReadOnly another thread may still update the record in place: copying it now
                // could lose that update.
                if (address >= _log.SafeReadOnlyAddress) return OpStatus.Wait;
                return CopyUpdate(slot, entry, newest, cached, key, input, Record.Value(record), exists: true,
                    ref merge);
            }
            address = Record.Previous(header);
        }
        if (MovedAway(address, begin)) return OpStatus.Retry;
        return createIfMissing
            ? CopyUpdate(slot, entry, newest, cached, key, input, default, exists: false, ref merge)
            : Missing(entry, hash, tail, begin, out pending);
    }

    private OpStatus UpdateMutable<TMerge>(
        long* slot, long entry, long newest, byte* cached, byte* record, ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> input,
        ref TMerge merge)
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
                // The value changes size: copy it to the tail, and seal this record so no in-place update lands on it
                // afterwards.
                var status = CopyUpdate(slot, entry, newest, cached, key, input, current, exists: true, ref merge);
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

    private OpStatus CopyUpdate<TMerge>(
        long* slot, long entry, long newest, byte* cached, ReadOnlySpan<byte> key, ReadOnlySpan<byte> input,
        ReadOnlySpan<byte> current, bool exists, ref TMerge merge)
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
            Record.Publish(fresh, newest, _versionBits | Record.InvalidBit);
            throw;
        }
        Record.Publish(fresh, newest, _versionBits);
        return Link(slot, entry, newest, cached, at, fresh);
    }

    /// <summary>
    /// Finishes a read-modify-write whose current value came from the device or another tier
    /// (<paramref name="found"/>; null or a tombstone: none): appends the merged value only if
    /// the index entry is still the one the operation started from and Begin has not passed the
    /// tail of that moment (a conditional insert). A newer version written meanwhile either
    /// changed the entry, or — written at or past that tail — is still in this log and so still
    /// in the chain: no update is lost, even when compaction moves versions away and frees index
    /// entries meanwhile (this runs protected, so no entry below the Begin it sees is freed
    /// before the swap). Retry when the insert must start over; returns the record's buffer.
    /// </summary>
    public OpStatus CompleteRmw<TMerge>(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, PendingIo pending, DeviceRecord? found)
        where TMerge : IRmwFunction
    {
        var slot = _epoch.Protect();
        try
        {
            OpStatus status;
            // Waiting for a free frame is no reason to read the value again: the insert rechecks the entry each time.
            while ((status = TryCompleteRmw(key, input, ref merge, pending, found)) == OpStatus.Wait)
                Settle(slot, status);
            return status;
        }
        finally
        {
            _epoch.Unprotect(slot);
            found?.Return();
        }
    }

    private OpStatus TryCompleteRmw<TMerge>(
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> input, ref TMerge merge, PendingIo pending, DeviceRecord? found)
        where TMerge : IRmwFunction
    {
        if (_log.BeginAddress > pending.HotTail) return OpStatus.Retry;
        if (!_index.TryFind(pending.Hash, out var slot, out var entry) || entry != pending.Entry) return OpStatus.Retry;
        var newest = Resolve(entry, out var cached);
        var exists = found is { IsTombstone: false };
        var current = exists ? found!.Value.Value : default;
        return CopyUpdate(slot, entry, newest, cached, key, input, current, exists, ref merge);
    }
}
