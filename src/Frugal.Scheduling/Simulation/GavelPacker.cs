using Frugal.Scheduling.Policies;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// Gavel's round mechanism: turns an allocation policy's fractional allocation X into per-round
/// gang placements. Each job's priority on a worker type is X divided by the share of time it
/// has received there since the last reset; jobs are taken in order of (priority, deficit, X)
/// while their whole gang fits. X is recomputed when the job set changes (and, if asked, when a
/// batch size changes), at most once per <see cref="SimulationOptions.MinimumReallocationSeconds"/>;
/// at each recomputation the time a job was owed but did not get carries over as its deficit.
/// </summary>
/// <param name="policy">The allocation policy; the packer keeps it for one simulation.</param>
/// <param name="minimumReallocationSeconds">The shortest time between two allocations, in simulated seconds.</param>
/// <param name="reallocateOnBatchSizeChange">
/// Also recompute X when a job's batch size changes. The artifact does not (it clears its batch-size flags
/// before testing them), so by default only the job set triggers a recomputation.
/// </param>
public sealed class GavelPacker(IAllocationPolicy policy, double minimumReallocationSeconds,
    bool reallocateOnBatchSizeChange = false) : IRoundScheduler
{
    // Gavel's stand-in for an infinite priority: a job with an allocation that has not run yet.
    private const double NeverRunPriority = 1e9;

    private readonly Dictionary<(int Job, string Worker), double> _timeSinceReset = [];
    private readonly Dictionary<(int Job, string Worker), double> _deficit = [];
    private Allocation? _allocation;
    private double _lastReset;
    private bool _reallocationDue = true;

    /// <summary>The policy's name.</summary>
    public string Name => policy.Name;

    /// <summary>How many times the policy was asked for an allocation.</summary>
    public int Reallocations { get; private set; }

    /// <summary>The number of re-allocations, as <c>reallocations</c>.</summary>
    public IReadOnlyDictionary<string, double> Statistics =>
        new Dictionary<string, double> { ["reallocations"] = Reallocations };

    /// <inheritdoc/>
    public IReadOnlyList<Placement> Plan(RoundState state)
    {
        foreach (var job in state.Jobs)
            if (job.LastRound is { } last)
                _timeSinceReset[(job.View.Id, last.WorkerType)] = TimeOf(job.View.Id, last.WorkerType) + last.Seconds;

        if (state.JobSetChanged || (reallocateOnBatchSizeChange && state.Jobs.Any(j => j.BatchSizeChanged)))
            _reallocationDue = true;
        if (_reallocationDue && (_allocation is null || state.Now - _lastReset >= minimumReallocationSeconds))
            Reallocate(state);

        return Pack(state);
    }

    private void Reallocate(RoundState state)
    {
        var elapsed = state.Now - _lastReset;
        var active = state.Jobs.Select(j => j.View.Id).ToHashSet();
        foreach (var key in _timeSinceReset.Keys.ToArray())
        {
            if (!active.Contains(key.Job))
            {
                _timeSinceReset.Remove(key);
                _deficit.Remove(key);
                continue;
            }
            var owed = (_allocation?[key.Job, key.Worker] ?? 0) * elapsed;
            _deficit[key] = DeficitOf(key.Job, key.Worker) + owed - (_timeSinceReset[key] - state.RoundSeconds / 2);
        }

        _allocation =
            policy.Allocate(new PolicyInput(state.Now, state.Jobs.Select(j => j.View).ToArray(), state.Cluster.Gpus));
        Reallocations++;
        _lastReset = state.Now;
        _reallocationDue = false;
        // Half a round of credit for everyone keeps the time shares finite and equal after a reset.
        foreach (var job in state.Jobs)
            foreach (var worker in state.Cluster.WorkerTypes)
                _timeSinceReset[(job.View.Id, worker)] = state.RoundSeconds / 2;
    }

    private List<Placement> Pack(RoundState state)
    {
        var placements = new List<Placement>();
        var placed = new HashSet<int>();
        foreach (var (worker, gpus) in state.Cluster.Gpus)
        {
            var free = gpus;
            var workerTime = state.Jobs.Sum(j => TimeOf(j.View.Id, worker));
            var order = state.Jobs
                .Select(j =>
                    (Job: j.View, Priority: Priority(j.View, worker, workerTime),
                    Deficit: DeficitOf(j.View.Id, worker), X: _allocation![j.View.Id, worker]))
                .OrderByDescending(e => e.Priority).ThenByDescending(e => e.Deficit).ThenByDescending(e => e.X)
                    .ThenBy(e => e.Job.Id);
            foreach (var (job, _, _, _) in order)
            {
                if (free == 0) break;
                if (placed.Contains(job.Id) || job.ThroughputOn(worker) <= 0 || job.ScaleFactor > free) continue;
                placements.Add(new Placement(job.Id, worker));
                placed.Add(job.Id);
                free -= job.ScaleFactor;
            }
        }
        return placements;
    }

    private double Priority(JobView job, string worker, double workerTime)
    {
        if (job.ThroughputOn(worker) <= 0) return 0;
        var x = _allocation![job.Id, worker];
        var time = TimeOf(job.Id, worker);
        return time <= 0 || workerTime <= 0 ? x * NeverRunPriority : x / (time / workerTime);
    }

    private double TimeOf(int job, string worker) => _timeSinceReset.GetValueOrDefault((job, worker));

    private double DeficitOf(int job, string worker) => _deficit.GetValueOrDefault((job, worker));
}
