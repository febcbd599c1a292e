namespace Frugal.Storage;

// The store's part of checkpoints and recovery: its log up to the checkpoint's tail, and the
// snapshot of its index. The F2 store commits the parts of both tiers in one checkpoint file.
internal sealed unsafe partial class LogStore
{
    private string IndexPath(long sequence) => Path.Combine(_directory, $"index.{sequence}.dat");

    /// <summary>A new store: the log file's header; new records carry the version of checkpoint 0.</summary>
    public void Create()
    {
        _file.WriteHeader(_storeId);
        _versionBits = Record.VersionBits(0);
    }

    /// <summary>
    /// Checks the log and the index snapshot against this store's part of checkpoint
    /// <paramref name="sequence"/> and loads them; reads only. Returns the bytes past the log's
    /// checkpointed tail.
    /// </summary>
    public long Load(LogCheckpoint part, long sequence)
    {
        var torn = _file.Load(part, _storeId);
        IndexSnapshot.Load(IndexPath(sequence), _storeId, sequence, part, _index);
        _checkpointSequence = sequence;
        _versionBits = Record.VersionBits(sequence);
        return torn;
    }

    /// <summary>
    /// After a recovery in which every file of the checkpoint checked out, in a writable store:
    /// cuts the log past the checkpoint's tail (written after it or torn by the crash, never to be
    /// read as data), deletes index snapshots a crash left behind, and gives back the space below
    /// Begin that a crash between a checkpoint and its cleanup left unreclaimed.
    /// </summary>
    public void Repair()
    {
        _file.CutTornTail();
        var current = IndexPath(_checkpointSequence);
        foreach (var stale in Directory.EnumerateFiles(_directory, "index.*.dat").Where(f => f != current).ToList())
            System.IO.File.Delete(stale);
        _file.Reclaim(counted: false);
    }

    /// <summary>
    /// This store's steps before a commit: folds the log over (everything below
    /// <paramref name="tail"/> becomes read-only), waits until the flusher has written it and
    /// makes it durable, then writes the index snapshot with every entry resolved to its newest
    /// record below the tail.
    /// </summary>
    public LogCheckpoint Snapshot(long tail, long sequence, out long entries)
    {
        _log.ShiftReadOnly(tail);
        _log.WaitForFlush(tail);
        _file.Device.Flush();
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
        return new LogCheckpoint(
            _log.PageBits, _index.BucketCount, _log.BeginAddress, tail, sealedIndex.Length, sealedIndex.Crc);
    }

    /// <summary>
    /// After the checkpoint file names <paramref name="sequence"/>: new records carry its version, the superseded
    /// snapshot goes, and space below Begin is given back.
    /// </summary>
    public void Committed(long sequence)
    {
        var previous = _checkpointSequence;
        _checkpointSequence = sequence;
        Volatile.Write(ref _versionBits, Record.VersionBits(sequence));
        System.IO.File.Delete(IndexPath(previous));
        _file.Reclaim(counted: true);
    }

    /// <summary>
    /// Follows a chain from <paramref name="address"/> (past a read-cache record) to its first log record below
    /// <paramref name="tail"/>.
    /// </summary>
    private long NewestBelow(long address, long tail, ref int epochSlot)
    {
        if (LogAddress.IsReadCache(address))
            address = Record.Previous(Record.Header(_cache!.Pointer(LogAddress.Plain(address))));
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
            var header = _file.ReadRecord(address, ref buffer).Header;
            epochSlot = _epoch.Protect();
            address = Record.Previous(header);
        }
        return address;
    }
}
