using Frugal.Core.Experiments;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Simulation;

/// <summary>Runs one trace under several policies, each in a fresh simulation, in the order given.</summary>
public static class PolicyComparison
{
    public const string Shockwave = "shockwave";

    /// <summary>Every policy: Shockwave, then the baselines in catalogue order.</summary>
    public static IReadOnlyList<string> AllPolicies { get; } = [Shockwave, .. PolicyCatalog.Names];

    /// <summary>
    /// A round scheduler for a policy name: Shockwave's planner (with <paramref name="shockwave"/>,
    /// default the 32-GPU preset; it profiles epochs on <paramref name="profile"/>), or Gavel's packer
    /// around the named allocation policy.
    /// </summary>
    /// <exception cref="UnknownPolicyException">No policy has that name.</exception>
    public static IRoundScheduler SchedulerFor(string policy, SimulationOptions options, ThroughputTable profile, ShockwaveOptions? shockwave = null) =>
        policy.Equals(Shockwave, StringComparison.OrdinalIgnoreCase)
            ? new ShockwaveScheduler(profile, shockwave ?? ShockwaveOptions.Tacc32)
            : new GavelPacker(PolicyCatalog.Create(policy), options.MinimumReallocationSeconds);

    /// <param name="progress">Receives the overall fraction done.</param>
    public static List<SimulationResult> Run(IReadOnlyList<JobSpec> trace, ThroughputTable throughputs, ClusterSpec cluster,
        IReadOnlyList<string> policies, SimulationOptions options, ShockwaveOptions? shockwave = null, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        // Resolve every name before simulating anything: a typo should not cost the runs before it.
        var schedulers = policies.Select(p => SchedulerFor(p, options, throughputs, shockwave)).ToArray();
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
