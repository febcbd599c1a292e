namespace Frugal.Storage;

public sealed partial class KvStore
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
        CheckUsable(write: true);
        lock (_checkpointLock)
        {
            var sequence = _checkpointSequence + 1;
            try
            {
                var meta = Snapshot(sequence, out var entries);
                meta.Write(Path.Combine(_directory, CheckpointMeta.FileName));
                Committed(sequence);
                return new CheckpointInfo(sequence, meta.Hot.TailAddress, entries);
            }
            catch (UnauthorizedAccessException e)
            {
                throw PermissionDenied(e);
            }
        }
    }

    /// <summary>Both tiers' steps before the commit, gathered into the checkpoint file's contents.</summary>
    private CheckpointMeta Snapshot(long sequence, out long entries)
    {
        var hot = _hot.Snapshot(_hot.Log.TailAddress, sequence, out entries);
        var (cold, chunks) = _cold.Snapshot(sequence);
        return new CheckpointMeta(_storeId, sequence, _checksums, _shape.KeySize, _shape.ValueSize, hot, cold, chunks);
    }

    /// <summary>
    /// After the checkpoint file names <paramref name="sequence"/>: new records carry its version, superseded snapshots
    /// go, and space below Begin is given back.
    /// </summary>
    private void Committed(long sequence)
    {
        _checkpointSequence = sequence;
        _hot.Committed(sequence);
        _cold.Committed(sequence);
    }
}
