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
        if (_coldLog is null) throw new InvalidOperationException("The cold index's chunk store is checkpointed by its owner.");
        lock (_checkpointLock)
        {
            var sequence = _checkpointSequence + 1;
            var tail = _log.TailAddress;
            var meta = Snapshot(tail, sequence, out var entries);
            meta.Write(Path.Combine(_directory, MetaFileName));
            Committed(sequence);
            return new CheckpointInfo(sequence, tail, entries);
        }
    }

    /// <summary>Steps before the commit: fold the log over to <paramref name="tail"/>, flush, snapshot the index (and the cold tier's parts).</summary>
    private CheckpointMeta Snapshot(long tail, long sequence, out long entries)
    {
        _log.ShiftReadOnly(tail);
        _log.WaitForFlush(tail);
        _device.Flush();
        var meta = WriteIndexSnapshot(tail, sequence, out entries);
        if (_coldLog is null) return meta;
        var coldTail = _coldLog.TailAddress;
        _coldLog.ShiftReadOnly(coldTail);
        _coldLog.WaitForFlush(coldTail);
        _coldDevice!.Flush();
        var chunks = _coldIndex!.Store;
        var chunkMeta = chunks.Snapshot(chunks._log.TailAddress, sequence, out _);
        return meta with { Cold = new ColdCheckpoint(_coldLog.BeginAddress, coldTail, chunkMeta) };
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

    private CheckpointMeta WriteIndexSnapshot(long tail, long sequence, out long entries)
    {
        var indexPath = IndexPath(sequence);
        entries = 0;
        (long Length, uint Crc) sealedIndex;
        using (var writer = new IndexSnapshotWriter(indexPath))
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
        return new CheckpointMeta(sequence, Plan.PageBits, _index.BucketCount, _shape.KeySize, _shape.ValueSize, _log.BeginAddress, tail, sealedIndex.Length, sealedIndex.Crc);
    }

    /// <summary>Follows a chain from <paramref name="address"/> (past a read-cache record) to its first main-log record below <paramref name="tail"/>.</summary>
    private long NewestBelow(long address, long tail, ref int epochSlot)
    {
        if (LogAddress.IsReadCache(address)) address = Record.Previous(Record.Header(_cache!.Pointer(LogAddress.Plain(address))));
        Span<byte> header = stackalloc byte[Record.HeaderSize];
        while (address >= tail)
        {
            if (address >= _log.HeadAddress)
            {
                address = Record.Previous(Record.Header(_log.Pointer(address)));
                continue;
            }
            // Written after the checkpoint began and already evicted: read its header without holding the epoch.
            _epoch.Unprotect(epochSlot);
            if (_device.Read(address, header) < Record.HeaderSize) throw new StorageException($"{_device.Name}: the record at {address} is cut off (corrupt).");
            epochSlot = _epoch.Protect();
            address = Record.Previous(BitConverter.ToInt64(header));
        }
        return address;
    }
}
