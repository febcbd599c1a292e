using Frugal.Core.Experiments;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>Runs one trace under several policies, each in a fresh simulation, in the order given.</summary>
public static class PolicyComparison
{
    /// <param name="trace">The jobs, in arrival order.</param>
    /// <param name="throughputs">The measured throughputs the jobs run at (and Shockwave profiles on).</param>
    /// <param name="cluster">The GPUs.</param>
    /// <param name="policies">Policy names or aliases (<see cref="PolicyCatalog.Policies"/>).</param>
    /// <param name="options">The round mechanics.</param>
    /// <param name="shockwave">Shockwave's parameters; default the 32-GPU preset.</param>
    /// <param name="progress">Receives the overall fraction done.</param>
    /// <param name="cancellation">Stops the run between rounds.</param>
    /// <exception cref="Core.Errors.BadInputException">No policy, an unknown one, or one named twice; a policy that
    /// cannot plan for the cluster; a trace that does not fit the cluster and throughputs.</exception>
    public static List<SimulationResult> Run(IReadOnlyList<JobSpec> trace, ThroughputTable throughputs,
        ClusterSpec cluster,
        IReadOnlyList<string> policies, SimulationOptions options, ShockwaveOptions? shockwave = null,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        // Resolve every name before simulating anything: a typo should not cost the runs before it.
        var setup = new PolicySetup(options, throughputs, shockwave ?? ShockwaveOptions.Tacc32);
        var schedulers = PolicyCatalog.Policies.GetAll(policies).Select(p => p.Entry.CreateScheduler(setup)).ToArray();
        foreach (var scheduler in schedulers) scheduler.CheckCluster(cluster);
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
