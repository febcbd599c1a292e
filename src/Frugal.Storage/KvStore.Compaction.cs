using System.Buffers.Binary;
using System.Diagnostics;

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
    private long _throttleSleeps;
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
        // most. Under sustained writes the hot log stays due; the cold tier's rounds and the
        // reclaiming checkpoint take their turn between hot rounds.
        for (var round = 0; round < 8 && CompactHotIfDue(); round++)
        {
            CompactColdIfDue();
            CheckpointIfDue();
        }
        CompactColdIfDue();
        CheckpointIfDue();
    }

    /// <summary>
    /// The cold tier's rounds, each bounded in size, so they run between hot rounds rather than hold them up (a hot
    /// round put off long makes writers wait).
    /// </summary>
    private void CompactColdIfDue()
    {
        lock (_checkpointLock)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            _cold.CompactIfDue(Plan.ColdLogBudget);
        }
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
    /// Takes a checkpoint when twice the hot-log budget or a quarter of the cold log's, whichever is more, waits to be
    /// given back (and the options allow). Not sooner: a checkpoint makes the whole hot log read-only (so updates that
    /// would have landed in place are appended again) and holds compaction up while it writes and syncs, so it is
    /// taken when the disk budget asks for it, not every few rounds.
    /// </summary>
    private void CheckpointIfDue()
    {
        if (!_options.CheckpointToReclaim || Volatile.Read(ref _disposed) != 0) return;
        var due = Math.Max(2 * Plan.HotLogBudget, Plan.ColdLogBudget / 4);
        if (_hot.Log.UnreclaimedBytes + _cold.UnreclaimedBytes < due) return;
        Checkpoint();
        Interlocked.Increment(ref _autoCheckpoints);
    }

    /// <summary>
    /// Backpressure on writers, so the hot log (and the hot index, which covers only it) stays bounded however fast
    /// writers append compared with compaction, without stopping them all at once: past two and a half budgets, each
    /// writer thread sleeps a share of its time that grows with how far past (<see cref="PaceFraction"/>), so writers
    /// slow down smoothly to what compaction moves; at four times the budget a writer waits until compaction has made
    /// room. The share is paid in 1-ms sleeps owed in proportion to the time the thread worked since its last throttled
    /// write, so the slowdown is the fraction asked for however long an operation takes. (A count of writes between
    /// sleeps, used before, barely slowed writers until the log neared four budgets and then nearly stopped them: the
    /// log's span swings by half a budget with every round, and throughput swung from full to a third with it.)
    /// </summary>
    private void Throttle()
    {
        var log = _hot.Log;
        var fraction = PaceFraction(log.TailAddress - log.BeginAddress, Plan.HotLogBudget);
        if (fraction >= 1)
        {
            t_pacedSince = 0;
            return;
        }
        var now = Stopwatch.GetTimestamp();
        if (fraction > 0)
        {
            // A writer idle for long between writes did no work that the sleep should pay for.
            var worked = t_pacedSince == 0 ? 0 : Math.Min(now - t_pacedSince, Stopwatch.Frequency / 100);
            t_sleepOwed += worked * (1 - fraction) / fraction;
            t_pacedSince = now;
            if (t_sleepOwed < Stopwatch.Frequency / 1000) return;
        }
        do
        {
            Thread.Sleep(1);
            Interlocked.Increment(ref _throttleSleeps);
        }
        while (log.TailAddress - log.BeginAddress >= 4 * Plan.HotLogBudget
               && Volatile.Read(ref _compactionFault) is null && Volatile.Read(ref _disposed) == 0);
        var awake = Stopwatch.GetTimestamp();
        t_sleepOwed = Math.Max(0, t_sleepOwed - (awake - now));
        t_pacedSince = awake;
    }

    /// <summary>
    /// The fraction of full speed writers are paced to when the hot log spans <paramref name="span"/> bytes: 1 up to
    /// two and a half times its <paramref name="budget"/>, then falling in proportion to the room left, to 0 at four
    /// times it. Not from two budgets on: pacing that early held the log shorter than compaction needs to run
    /// efficiently (a longer hot log absorbs more updates before they are moved), and cost a fifth of YCSB-A's
    /// throughput in the cached regime.
    /// </summary>
    internal static double PaceFraction(long span, long budget)
    {
        var over = span - 5 * budget / 2;
        return over <= 0 ? 1 : Math.Max(0, 1 - (double)over / (3 * budget / 2));
    }

    /// <summary>When this thread's last throttled write was made (0: its last write was not throttled).</summary>
    [ThreadStatic] private static long t_pacedSince;

    /// <summary>Sleep this thread owes for the writes it made while throttled, in stopwatch ticks.</summary>
    [ThreadStatic] private static double t_sleepOwed;

    /// <summary>
    /// Moves the live records of the hot log's [Begin, <paramref name="until"/>) to the cold tier, writing each cold
    /// index chunk once for the round, then moves hot Begin and frees the index entries below it.
    /// </summary>
    private void CompactHotToCold(long until)
    {
        var begin = _hot.Log.BeginAddress;
        if (until <= begin) return;
        var batch = new LiveBatch();
        _hot.ScanSkippingStale(begin, until, (address, record) =>
        {
            var key = record.Slice(Record.HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(record[8..]));
            var hash = LogStore.Hash(key);
            if (!_hot.IsNewest(key, hash, address)) return;
            if (batch.Add(hash, record)) MoveToCold(batch);
        });
        MoveToCold(batch);
        // The copies become reachable through the cold index before the originals become unreachable.
        _cold.IndexPrepends();
        _hot.ShiftBegin(until);
        Interlocked.Increment(ref _hotCompactions);
        lock (_roundCompleted) Monitor.PulseAll(_roundCompleted);
    }

    /// <summary>
    /// Prepends a batch of live hot records to their cold chains, their chunks read first, all at once. A record found
    /// live stays live for this purpose until Begin moves: a newer version written since lies in the hot log, which
    /// is searched first.
    /// </summary>
    private void MoveToCold(LiveBatch batch)
    {
        _cold.Index.Prefetch(batch.Hashes);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch.Record(i);
            _cold.Prepend(batch.Hashes[i], record);
            Interlocked.Add(ref _movedBytes, record.Length);
        }
        batch.Clear();
    }

    /// <summary>
    /// Writes of cold index chunks so far, for tests of how often compaction rewrites them.
    /// </summary>
    internal long ColdIndexWrites => _cold.Index.ChunkWrites;

    /// <summary>Reads of cold index chunks so far (lookups and compaction's), for tests of how often compaction reads
    /// them.</summary>
    internal long ColdIndexReads => _cold.Index.Store.Counters[OperationCounters.Reads];

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
