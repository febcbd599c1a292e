using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>
/// Compaction, F2's lookup-based kind: a record of the compacted range [Begin, until) is copied
/// only if it is still its key's newest version (a walk of the key's chain from the index down
/// to the record finds no newer one). Hot to cold moves the hot log's oldest part into the cold
/// tier (live tombstones too: they hide older cold versions), in front of the cold chains
/// without condition, as every hot version is newer than every cold one (a newer hot version
/// written meanwhile stays in the hot log, which is searched first); the cold tier then runs its
/// own rounds (see <see cref="ColdStore.CompactIfDue"/>). One background thread runs the rounds,
/// under the checkpoint lock, so a checkpoint always sees whole rounds.
/// </summary>
public sealed partial class KvStore
{
    private long _coldLookups;
    private long _hotCompactions;
    private long _movedBytes;
    private long _autoCheckpoints;
    private Exception? _compactionFault;
    private readonly object _roundCompleted = new();

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
                // Every later operation reports it (see CheckUsable): a store that cannot compact would grow without
                // bound.
                Volatile.Write(ref _compactionFault, e);
                return;
            }
        }
    }

    /// <summary>
    /// Runs whichever rounds the budgets call for (hot log past its budget: move its oldest part
    /// so three quarters of the budget remain, at most half a budget per round; then the cold
    /// tier's); then, if enough space waits to be given back, a checkpoint to make the
    /// truncation durable.
    /// </summary>
    internal void CompactIfDue()
    {
        // Hot rounds one at a time, each under the lock: Begin moves after every half budget, so
        // writers held back by the throttle resume early, and a checkpoint waits for one round at
        // most. Under sustained writes the hot log stays due; a bounded number of rounds lets the
        // cold tier and the reclaiming checkpoint have their turn.
        for (var round = 0; round < 8 && CompactHotIfDue(); round++) CheckpointIfDue();
        lock (_checkpointLock)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            _cold.CompactIfDue(Plan.ColdLogBudget);
        }
        CheckpointIfDue();
    }

    /// <summary>One hot-to-cold round if the hot log spans its budget; false when none was due.</summary>
    private bool CompactHotIfDue()
    {
        lock (_checkpointLock)
        {
            var log = _hot.Log;
            if (Volatile.Read(ref _disposed) != 0 || log.TailAddress - log.BeginAddress < Plan.HotLogBudget)
                return false;
            var until = Math.Min(log.TailAddress - Plan.HotLogBudget * 3 / 4, log.BeginAddress + Plan.HotLogBudget / 2);
            until = Math.Min(log.HeadAddress, until);
            until &= ~(log.PageSize - 1);
            if (until <= log.BeginAddress) return false;
            CompactHotToCold(until);
            return true;
        }
    }

    /// <summary>
    /// Takes a checkpoint when twice the hot-log budget waits to be given back (and the options allow).
    /// </summary>
    private void CheckpointIfDue()
    {
        if (!_options.CheckpointToReclaim || Volatile.Read(ref _disposed) != 0) return;
        if (_hot.Log.UnreclaimedBytes + _cold.UnreclaimedBytes < 2 * Plan.HotLogBudget) return;
        Checkpoint();
        Interlocked.Increment(ref _autoCheckpoints);
    }

    /// <summary>
    /// Holds a writer back while the hot log spans more than four times its budget, so the hot log
    /// (and the hot index, which covers only it) stays bounded however fast writers append
    /// compared with compaction.
    /// </summary>
    private void Throttle()
    {
        var log = _hot.Log;
        while (log.TailAddress - log.BeginAddress > 4 * Plan.HotLogBudget
               && Volatile.Read(ref _compactionFault) is null && Volatile.Read(ref _disposed) == 0)
            Thread.Sleep(1);
    }

    /// <summary>
    /// Moves the live records of the hot log's [Begin, <paramref name="until"/>) to the cold tier, writing each cold
    /// index chunk once for the round, then moves hot Begin and frees the index entries below it.
    /// </summary>
    private void CompactHotToCold(long until)
    {
        var begin = _hot.Log.BeginAddress;
        if (until <= begin) return;
        _hot.File.Scan(begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = LogStore.Hash(key);
            if (!_hot.IsNewest(key, hash, address)) return;
            _cold.Prepend(hash, record);
            Interlocked.Add(ref _movedBytes, record.Length);
        });
        // The copies become reachable through the cold index before the originals become unreachable.
        _cold.IndexPrepends();
        _hot.ShiftBegin(until);
        Interlocked.Increment(ref _hotCompactions);
        lock (_roundCompleted) Monitor.PulseAll(_roundCompleted);
    }

    /// <summary>
    /// Read-modify-writes of cold index chunks so far, for tests of how often compaction rewrites them.
    /// </summary>
    internal long ColdIndexWrites => _cold.Index.ChunkWrites;

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
                if (left <= TimeSpan.Zero || !Monitor.Wait(_roundCompleted, left))
                    return Interlocked.Read(ref _hotCompactions) >= rounds;
            }
            return true;
        }
    }
}
