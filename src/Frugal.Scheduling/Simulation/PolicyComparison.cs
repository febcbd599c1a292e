using Frugal.Core.Experiments;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>Runs one trace under several policies, each in a fresh simulation, in the order given.</summary>
public static class PolicyComparison
{
    /// <summary>A round scheduler for a policy name: Gavel's packer around the named allocation policy.</summary>
    /// <exception cref="UnknownPolicyException">No policy has that name.</exception>
    public static IRoundScheduler SchedulerFor(string policy, SimulationOptions options) =>
        new GavelPacker(PolicyCatalog.Create(policy), options.MinimumReallocationSeconds);

    /// <param name="progress">Receives the overall fraction done.</param>
    public static List<SimulationResult> Run(IReadOnlyList<JobSpec> trace, ThroughputTable throughputs, ClusterSpec cluster,
        IReadOnlyList<string> policies, SimulationOptions options, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        // Resolve every name before simulating anything: a typo should not cost the runs before it.
        var schedulers = policies.Select(p => SchedulerFor(p, options)).ToArray();
        var simulator = new Simulator(throughputs, cluster, options);
        var results = new List<SimulationResult>();
        for (var i = 0; i < schedulers.Length; i++)
        {
            var done = i;
            var inner = new SynchronousProgress<double>(f => progress?.Report((done + f) / schedulers.Length));
            results.Add(simulator.Run(trace, schedulers[i], inner, cancellation));
        }
        return results;
    }
}
