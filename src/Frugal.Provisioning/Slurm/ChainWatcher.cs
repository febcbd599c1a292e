using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Evaluation;
using Frugal.Provisioning.Methods;
using Frugal.Provisioning.Simulation;

namespace Frugal.Provisioning.Slurm;

/// <summary>How a watcher paces itself against a real cluster.</summary>
public sealed record WatchOptions
{
    /// <summary>Between decisions (Mirage: 10 minutes; seconds in tests).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The latest submission is this long before the predecessor's limit runs out (one minute, like the
    /// simulated fallback).</summary>
    public TimeSpan Lead { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wall clock, in Unix seconds (replaceable so the loop can be driven in tests).</summary>
    public Func<long> Clock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

/// <summary>What a watch did (<c>frugal provision watch</c>).</summary>
/// <param name="Method">The method that decided.</param>
/// <param name="Predecessor">The watched job's id.</param>
/// <param name="Successor">The submitted successor's job id.</param>
public sealed record WatchResult(string Method, string Predecessor, string Successor) : ProvisioningResult;

/// <summary>
/// Mirage on a real cluster: watches a running predecessor through <c>squeue</c>, snapshots the
/// queue at every decision into the same 144-snapshot history the simulator builds, and submits
/// the successor when the method says so, at the latest <see cref="WatchOptions.Lead"/> before the
/// predecessor's limit, or at once if the predecessor has already left the queue.
/// </summary>
public sealed class ChainWatcher(SlurmCommands slurm, IProvisioningMethod method, WatchOptions? options = null)
{
    private readonly WatchOptions _options = options ?? new WatchOptions();

    /// <summary>Watches <paramref name="predecessorId"/> until the successor is submitted.</summary>
    /// <exception cref="SlurmException">squeue or sbatch is missing or fails.</exception>
    public WatchResult Watch(string predecessorId, SubmitRequest successor, CancellationToken cancellation = default) =>
        new(method.Name, predecessorId, SubmitWhenDue(predecessorId, successor, cancellation));

    /// <summary>The successor's job id, once submitted.</summary>
    private string SubmitWhenDue(string predecessorId, SubmitRequest successor, CancellationToken cancellation)
    {
        if (method.SubmitsWithDependency) return slurm.Submit(successor with { AfterAny = predecessorId });
        var history = new QueueHistory();
        var tick = 0;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var now = _options.Clock();
            var queue = slurm.Queue();
            var predecessor = queue.FirstOrDefault(j => j.Id == predecessorId);
            if (predecessor is null || !(predecessor.IsPending || predecessor.IsRunning))
                return slurm.Submit(successor);
            var others = queue.Where(j => j.Id != predecessorId).ToList();
            history.Record(
                SnapshotFeatures.Snapshot(others.Where(j => j.IsPending).Select(j => AsSimJob(j, started: false)),
                others.Where(j => j.IsRunning).Select(j => AsSimJob(j, started: true)), now));
            if (predecessor.IsRunning)
            {
                var end = predecessor.Start + predecessor.LimitSeconds;
                if (now >= end - (long)_options.Lead.TotalSeconds) return slurm.Submit(successor);
                var p = AsSimJob(predecessor, started: true);
                var chain = new ChainSpec(successor.Nodes, successor.LimitMinutes * 60);
                var context = new DecisionContext(now, tick, end, count => MeanWait(queue, count),
                    () => SnapshotFeatures.Flatten(history.Rows(), JobTuple.Predecessor(p, now),
                        JobTuple.Successor(chain)));
                // Learned methods need a full 24-hour history; until then only the deadline submits.
                if ((history.IsFull || !MethodCatalog.IsLearned(method.Name)) && method.ShouldSubmit(context))
                    return slurm.Submit(successor);
            }
            tick++;
            if (cancellation.WaitHandle.WaitOne(_options.Interval)) cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The mean wait of the last jobs to start among those squeue still lists (a shorter memory than the
    /// simulator's).</summary>
    private static double MeanWait(IReadOnlyList<QueuedJob> queue, int count)
    {
        var started = queue.Where(j => j.Start > 0 && !j.IsPending).OrderBy(j => j.Start).TakeLast(count).ToList();
        return started.Count == 0 ? 0 : started.Average(j => (double)(j.Start - j.Submit));
    }

    private static SimJob AsSimJob(QueuedJob job, bool started)
    {
        var sim = new SimJob(job.Id, job.Submit, Math.Max(1, job.LimitSeconds), job.LimitSeconds,
            Math.Max(1, job.Nodes));
        if (started) sim.Start = job.Start;
        return sim;
    }
}
