using System.Diagnostics;
using Frugal.Core.Errors;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>
/// The round-based cluster simulator of Gavel and Shockwave. Each round: admit the jobs that
/// have arrived, ask the scheduler for placements, run every placed job for the round (or until
/// it finishes), and let each job change its batch size (<see cref="BatchSizeDynamics"/>). GPUs freed
/// mid-round stay idle until the round ends; the next round starts when the last job of this
/// one stops (or at the next arrival if nothing ran).
/// </summary>
/// <param name="throughputs">The measured throughputs the jobs run at.</param>
/// <param name="cluster">The GPUs.</param>
/// <param name="options">The round mechanics; the defaults are Shockwave's.</param>
public sealed class Simulator(ThroughputTable throughputs, ClusterSpec cluster, SimulationOptions? options = null)
{
    private readonly SimulationOptions _options = options ?? new SimulationOptions();

    /// <param name="trace">The jobs, in arrival order.</param>
    /// <param name="scheduler">Decides the placements of each round; used for this run only.</param>
    /// <param name="progress">Receives the fraction of jobs completed.</param>
    /// <param name="cancellation">Stops the run between rounds.</param>
    /// <returns>Every job's outcome, every round and the metrics.</returns>
    /// <exception cref="BadInputException">
    /// The trace, the throughputs and the cluster do not fit together (a job too wide for every GPU pool, or
    /// with no throughput on any of the cluster's GPU types), or the scheduler cannot plan for the cluster.
    /// </exception>
    /// <summary>Simulates <paramref name="trace"/> until every job has finished.</summary>
    public SimulationResult Run(IReadOnlyList<JobSpec> trace, IRoundScheduler scheduler, IProgress<double>? progress =
        null, CancellationToken cancellation = default)
    {
        _options.Validate();
        if (trace.Count == 0) throw new ArgumentException("the trace has no jobs.", nameof(trace));
        var reference =
            _options.ReferenceWorkerType ?? (cluster.Gpus.ContainsKey("v100") ? "v100" : cluster.WorkerTypes.First());
        var largestPool = cluster.Gpus.Values.Max();
        foreach (var job in trace)
            if (job.ScaleFactor > largestPool)
                throw new BadInputException(
                    $"job {job.Id} needs {job.ScaleFactor} GPUs but the largest GPU pool of the cluster {cluster} "
                    + $"has {largestPool}", "cluster");
        scheduler.CheckCluster(cluster);

        var clock = Stopwatch.StartNew();
        var jobs = trace.Select(spec =>
            new SimulatedJob(spec, throughputs, cluster, reference, _options.BatchSizeDynamics)).ToArray();
        var waiting = new Queue<SimulatedJob>(jobs.OrderBy(j => j.Spec.ArrivalSeconds).ThenBy(j => j.Id));
        var active = new List<SimulatedJob>();
        var rounds = new List<RoundRecord>();
        var now = waiting.Peek().Spec.ArrivalSeconds;
        var jobSetChanged = false;
        var finished = 0;
        var idleRounds = 0;

        while (finished < jobs.Length)
        {
            cancellation.ThrowIfCancellationRequested();
            while (waiting.Count > 0 && waiting.Peek().Spec.ArrivalSeconds <= now)
            {
                active.Add(waiting.Dequeue());
                jobSetChanged = true;
            }
            if (active.Count == 0)
            {
                now = waiting.Peek().Spec.ArrivalSeconds;
                continue;
            }

            var described = active.Select(j => j.Describe(batchSizeChanged: j.AdaptBatchSize())).ToArray();
            foreach (var job in active) job.CountPresence(active.Count);
            var state = new RoundState(rounds.Count, now, _options.RoundSeconds, described, cluster, jobSetChanged);
            var placements = scheduler.Plan(state);
            var byId = active.ToDictionary(j => j.Id);
            Validate(placements, byId, scheduler.Name, rounds.Count);

            var placed = placements.ToDictionary(p => p.JobId, p => p.WorkerType);
            double roundEnd = now, busy = 0, training = 0;
            var record = new List<(int, string, int)>();
            foreach (var job in active)
            {
                if (!placed.TryGetValue(job.Id, out var worker))
                {
                    job.SkipRound();
                    continue;
                }
                var (seconds, trained) = job.Run(worker, now, _options);
                busy += seconds * job.Spec.ScaleFactor;
                training += trained * job.Spec.ScaleFactor;
                roundEnd = Math.Max(roundEnd, now + seconds);
                record.Add((job.Id, worker, job.Spec.ScaleFactor));
            }
            rounds.Add(new RoundRecord(rounds.Count, now, roundEnd - now, record, busy, training));
            foreach (var job in active) job.EndRound();

            jobSetChanged = active.RemoveAll(j => j.Finished) > 0;
            finished = jobs.Count(j => j.Finished);
            progress?.Report(finished / (double)jobs.Length);

            if (placements.Count > 0)
            {
                idleRounds = 0;
                now = roundEnd;
            }
            else
            {
                if (++idleRounds > _options.MaxIdleRounds)
                    throw new InvalidOperationException(
                        $"policy '{scheduler.Name}' scheduled nothing for {_options.MaxIdleRounds} rounds with " +
                        $"{active.Count} jobs waiting (t = {now:F0} s).");
                now = waiting.Count > 0 ? Math.Max(waiting.Peek().Spec.ArrivalSeconds, now + _options.RoundSeconds)
                    : now + _options.RoundSeconds;
            }
        }

        var outcomes =
            jobs.Select(j =>
            new JobOutcome(j.Id, j.Spec.Type.ToString(), j.Spec.ScaleFactor, j.Spec.Mode.TraceName(),
            j.Spec.ArrivalSeconds,
            j.Start!.Value, j.Completion!.Value, j.GpuSeconds, j.RoundsScheduled, j.IsolatedSeconds,
                j.ActiveJobsSum / j.RoundsPresent)).ToArray();
        return new SimulationResult(scheduler.Name, cluster, _options, outcomes, rounds,
            ScheduleMetrics.From(outcomes, rounds, cluster.TotalGpus), clock.Elapsed, scheduler.Statistics);
    }

    /// <summary>
    /// A scheduler that over-commits GPUs or places unknown jobs is a bug: fail loudly, never simulate the impossible.
    /// </summary>
    private void Validate(IReadOnlyList<Placement> placements, Dictionary<int, SimulatedJob> active, string scheduler,
        int round)
    {
        var used = new Dictionary<string, int>();
        var seen = new HashSet<int>();
        foreach (var p in placements)
        {
            if (!active.TryGetValue(p.JobId, out var job))
                throw new InvalidOperationException(
                    $"policy '{scheduler}', round {round}: placed job {p.JobId}, which is not active.");
            if (!seen.Add(p.JobId))
                throw new InvalidOperationException(
                    $"policy '{scheduler}', round {round}: placed job {p.JobId} twice.");
            if (!cluster.Gpus.TryGetValue(p.WorkerType, out var capacity))
                throw new InvalidOperationException(
                    $"policy '{scheduler}', round {round}: placed job {p.JobId} on unknown GPU type '{p.WorkerType}'.");
            if (job.Throughput(p.WorkerType) <= 0)
                throw new InvalidOperationException(
                    $"policy '{scheduler}', round {round}: placed job {p.JobId} on {p.WorkerType}, where it cannot " +
                    $"run.");
            used[p.WorkerType] = used.GetValueOrDefault(p.WorkerType) + job.Spec.ScaleFactor;
            if (used[p.WorkerType] > capacity)
                throw new InvalidOperationException(
                    $"policy '{scheduler}', round {round}: placements need more than the {capacity} {p.WorkerType} " +
                    $"GPUs.");
        }
    }
}
