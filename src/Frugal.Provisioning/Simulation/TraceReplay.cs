using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Simulation;

/// <summary>Replays a whole trace through the simulator, for validating it against the real waits.</summary>
internal static class TraceReplay
{
    /// <summary>The simulated twin of each traced job, in trace order, after every job has run.</summary>
    /// <param name="trace">The jobs, sorted by submit time.</param>
    /// <param name="pools">The node pools their partitions run in.</param>
    /// <param name="options">The scheduler's settings.</param>
    /// <param name="progress">The fraction of the trace's span simulated so far.</param>
    /// <param name="cancellation">Stops the replay between simulated days.</param>
    /// <exception cref="Core.Errors.BadInputException">A job has no pool, or is wider than its pool.</exception>
    public static IReadOnlyList<SimJob> Run(IReadOnlyList<SlurmJob> trace, NodePools pools,
        SchedulerOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        if (trace.Count == 0) return [];
        pools.CheckFits(trace);
        var simulator = new QueueSimulator(pools, options, trace[0].Submit);
        var jobs = trace.Select(ToSimJob).ToList();
        foreach (var job in jobs) simulator.Submit(job);
        long first = trace[0].Submit, last = trace[^1].Submit;
        // Advance a simulated day at a time so a long replay can be cancelled and show its progress.
        for (var t = first; t <= last; t += 86400)
        {
            cancellation.ThrowIfCancellationRequested();
            simulator.AdvanceTo(t);
            progress?.Report((double)(t - first) / Math.Max(1, last - first));
        }
        simulator.RunToEnd();
        return jobs;
    }

    /// <summary>A traced job as the simulator replays it: same submission, eligibility, request and (capped)
    /// runtime.</summary>
    public static SimJob ToSimJob(SlurmJob job)
    {
        var sim = new SimJob(job.Id, job.Submit, job.LimitSeconds, job.RuntimeSeconds, job.Nodes, job.Partition)
        {
            FixedPriority = job.LoggedPriority,
        };
        sim.Eligible = job.Eligible;
        return sim;
    }
}
