using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Simulation;

/// <summary>Replays a whole trace through the simulator, for validating it against the real waits.</summary>
public static class TraceReplay
{
    /// <summary>The simulated twin of each traced job, in trace order, after every job has run.</summary>
    public static IReadOnlyList<SimJob> Run(IReadOnlyList<SlurmJob> trace, NodePools pools, SchedulerOptions? options = null, CancellationToken cancellation = default)
    {
        if (trace.Count == 0) return [];
        var simulator = new QueueSimulator(pools, options, trace[0].Submit);
        var jobs = trace.Select(ToSimJob).ToList();
        foreach (var job in jobs) simulator.Submit(job);
        var last = trace[^1].Submit;
        // Advance a simulated day at a time so a long replay can be cancelled.
        for (var t = trace[0].Submit; t <= last; t += 86400)
        {
            cancellation.ThrowIfCancellationRequested();
            simulator.AdvanceTo(t);
        }
        simulator.RunToEnd();
        return jobs;
    }

    /// <summary>A traced job as the simulator replays it: same submission, eligibility, request and (capped) runtime.</summary>
    public static SimJob ToSimJob(SlurmJob job)
    {
        var sim = new SimJob(job.Id, job.Submit, job.LimitSeconds, job.RuntimeSeconds, job.Nodes, job.Partition) { FixedPriority = job.LoggedPriority };
        sim.Eligible = job.Eligible;
        return sim;
    }
}
