namespace Frugal.Storage;

public sealed unsafe partial class KvStore
{
    /// <summary>
    /// Makes everything written so far durable: folds the log over (the whole in-memory log
    /// becomes read-only and is flushed up to the tail T), then snapshots the index with every
    /// entry resolved to its newest record below T, then replaces the checkpoint file atomically.
    /// A crash at any point leaves the previous checkpoint intact. Concurrent operations may run
    /// meanwhile; each key then recovers to a value it held during the checkpoint.
    /// </summary>
    public CheckpointInfo Checkpoint()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_checkpointLock)
        {
            var tail = _log.TailAddress;
            _log.ShiftReadOnly(tail);
            _log.WaitForFlush(tail);
            _device.Flush();
            var sequence = _checkpointSequence + 1;
            WriteCheckpoint(tail, sequence, out var entries);
            var previous = IndexPath(_checkpointSequence);
            _checkpointSequence = sequence;
            Volatile.Write(ref _versionBits, Record.VersionBits(sequence));
            File.Delete(previous);
            return new CheckpointInfo(sequence, tail, entries);
        }
    }

    private void WriteCheckpoint(long tail, long sequence, out long entries)
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
        new CheckpointMeta(sequence, Plan.PageBits, _index.BucketCount, _shape.KeySize, _shape.ValueSize, _log.BeginAddress, tail, sealedIndex.Length, sealedIndex.Crc)
            .Write(Path.Combine(_directory, MetaFileName));
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
