namespace Frugal.Storage;

public sealed unsafe partial class KvStore
{
    /// <summary>
    /// Makes everything written so far durable, in both tiers: folds the hot log over (its whole
    /// in-memory part becomes read-only and is flushed up to the tail T), snapshots the hot index
    /// with every entry resolved to its newest record below T, flushes the cold log and
    /// checkpoints the cold index's chunk store the same way, then replaces the checkpoint file
    /// atomically. Compaction does not run meanwhile, so every live record is in exactly the
    /// state the checkpoint describes. A crash at any point leaves the previous checkpoint
    /// intact: space below a moved Begin is given back only after the checkpoint that records it.
    /// Concurrent operations may run; each key then recovers to a value it held during the checkpoint.
    /// </summary>
    public CheckpointInfo Checkpoint()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfReadOnly();
        if (_coldLog is null) throw new InvalidOperationException("The cold index's chunk store is checkpointed by its owner.");
        lock (_checkpointLock)
        {
            var sequence = _checkpointSequence + 1;
            var tail = _log.TailAddress;
            var meta = Snapshot(tail, sequence, out var entries);
            meta.Write(Path.Combine(_directory, CheckpointMeta.FileName));
            Committed(sequence);
            return new CheckpointInfo(sequence, tail, entries);
        }
    }

    /// <summary>Steps before the commit, in both tiers: the hot log and index (<see cref="SnapshotLog"/>), the cold log flushed to its tail, the chunk store's log and index.</summary>
    private CheckpointMeta Snapshot(long tail, long sequence, out long entries)
    {
        var hot = SnapshotLog(tail, sequence, out entries);
        var cold = _coldLog!;
        var coldTail = cold.TailAddress;
        cold.ShiftReadOnly(coldTail);
        cold.WaitForFlush(coldTail);
        _coldDevice!.Flush();
        var chunks = _coldIndex!.Store;
        var chunkPart = chunks.SnapshotLog(chunks._log.TailAddress, sequence, out _);
        return new CheckpointMeta(_storeId, sequence, _checksums, _shape.KeySize, _shape.ValueSize, hot,
            new LogCheckpoint(Plan.PageBits, 0, cold.BeginAddress, coldTail, 0, 0), chunkPart);
    }

    /// <summary>Folds this store's log over to <paramref name="tail"/>, flushes it, and snapshots its index.</summary>
    private LogCheckpoint SnapshotLog(long tail, long sequence, out long entries)
    {
        _log.ShiftReadOnly(tail);
        _log.WaitForFlush(tail);
        _device.Flush();
        return WriteIndexSnapshot(tail, sequence, out entries);
    }

    /// <summary>After the checkpoint file names <paramref name="sequence"/>: new records carry its version, superseded snapshots go, and space below Begin is given back.</summary>
    private void Committed(long sequence)
    {
        var previous = _checkpointSequence;
        _checkpointSequence = sequence;
        Volatile.Write(ref _versionBits, Record.VersionBits(sequence));
        File.Delete(IndexPath(previous));
        _coldIndex?.Store.Committed(sequence);
        Reclaim(counted: true);
    }

    /// <summary>Gives back the device space below each log's Begin, as of the last durable checkpoint.</summary>
    private void Reclaim(bool counted)
    {
        // Begin can only have moved since the checkpoint under the checkpoint lock, which the caller holds (or recovery, before any compaction).
        var bytes = _log.Reclaim(_log.BeginAddress) + (_coldLog?.Reclaim(_coldLog.BeginAddress) ?? 0);
        if (counted) Interlocked.Add(ref _reclaimedBytes, bytes);
    }

    private LogCheckpoint WriteIndexSnapshot(long tail, long sequence, out long entries)
    {
        var indexPath = IndexPath(sequence);
        entries = 0;
        (long Length, uint Crc) sealedIndex;
        using (var writer = new IndexSnapshotWriter(indexPath, _storeId, sequence))
        {
            var slots = new List<IntPtr>();
            for (long bucket = 0; bucket < _index.BucketCount; bucket++)
            {
                slots.Clear();
                var epochSlot = _epoch.Protect();
                try
                {
                    _index.SlotsOf(bucket, slots);
                    foreach (var slot in slots)
                    {
                        var entry = Volatile.Read(ref *(long*)slot);
                        var address = NewestBelow(HashIndex.Address(entry), tail, ref epochSlot);
                        if (address < _log.BeginAddress || address == LogAddress.None) continue;
                        writer.Add(bucket, HashIndex.WithAddress(entry, address));
                        entries++;
                    }
                }
                finally
                {
                    _epoch.Unprotect(epochSlot);
                }
            }
            sealedIndex = writer.Complete();
        }
        return new LogCheckpoint(Plan.PageBits, _index.BucketCount, _log.BeginAddress, tail, sealedIndex.Length, sealedIndex.Crc);
    }

    /// <summary>Follows a chain from <paramref name="address"/> (past a read-cache record) to its first main-log record below <paramref name="tail"/>.</summary>
    private long NewestBelow(long address, long tail, ref int epochSlot)
    {
        if (LogAddress.IsReadCache(address)) address = Record.Previous(Record.Header(_cache!.Pointer(LogAddress.Plain(address))));
        byte[]? buffer = null;
        while (address >= tail)
        {
            if (address >= _log.HeadAddress)
            {
                address = Record.Previous(Record.Header(_log.Pointer(address)));
                continue;
            }
            // Written after the checkpoint began and already evicted: read it without holding the epoch.
            _epoch.Unprotect(epochSlot);
            var header = ReadRecord(_log, _device, address, ref buffer).Header;
            epochSlot = _epoch.Protect();
            address = Record.Previous(header);
        }
        return address;
    }
}
