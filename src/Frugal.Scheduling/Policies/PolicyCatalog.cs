using Frugal.Core.Catalogs;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Policies;

/// <summary>What a policy may need from the run to build its round scheduler.</summary>
/// <param name="Simulation">The round mechanics (Gavel's packer reads the minimum re-allocation interval).</param>
/// <param name="Profile">The throughputs Shockwave profiles epochs on.</param>
/// <param name="Shockwave">Shockwave's parameters (ignored by the other policies).</param>
public sealed record PolicySetup(SimulationOptions Simulation, ThroughputTable Profile, ShockwaveOptions Shockwave);

/// <summary>
/// A scheduling policy as the catalogue holds it: either a Gavel-style allocation policy, which
/// Gavel's packer turns into per-round placements, or a planner that decides rounds itself (Shockwave).
/// </summary>
public sealed class SchedulingPolicy
{
    private readonly Func<PolicySetup, IRoundScheduler> _scheduler;

    private SchedulingPolicy(Func<PolicySetup, IRoundScheduler> scheduler, Func<IAllocationPolicy>? allocation)
    {
        _scheduler = scheduler;
        Allocation = allocation;
    }

    /// <summary>Creates a new allocation policy, or null for a planner that allocates no fractions.</summary>
    internal Func<IAllocationPolicy>? Allocation { get; }

    /// <summary>A new round scheduler for one simulation (a scheduler keeps per-simulation state).</summary>
    public IRoundScheduler CreateScheduler(PolicySetup setup) => _scheduler(setup);

    internal static SchedulingPolicy Allocating(Func<IAllocationPolicy> create) =>
        new(setup => new GavelPacker(create(), setup.Simulation.MinimumReallocationSeconds,
            setup.Simulation.ReallocateOnBatchSizeChange), create);

    internal static SchedulingPolicy Planning(Func<PolicySetup, IRoundScheduler> create) => new(create, null);
}

/// <summary>Every scheduling policy, by its command-line name or an alias (case-insensitive).</summary>
public static class PolicyCatalog
{
    /// <summary>Shockwave's name in the catalogue.</summary>
    public const string Shockwave = "shockwave";

    /// <summary>
    /// Shockwave, then the baselines in the order the Shockwave paper lists them, under the reference
    /// code's names; the aliases are the paper's legends, plus the reference code's name for MST.
    /// </summary>
    public static Catalog<SchedulingPolicy> Policies { get; } = new Catalog<SchedulingPolicy>("policy")
        .Add(Shockwave, SchedulingPolicy.Planning(setup => new ShockwaveScheduler(setup.Profile, setup.Shockwave)),
            "plans a window of rounds ahead for dynamically adapting jobs (NSDI '23)")
        .Add("fifo", SchedulingPolicy.Allocating(() => new FifoPolicy()), "first in, first out")
        .Add("srtf", SchedulingPolicy.Allocating(() => new SrtfPolicy()), "shortest remaining time first")
        .Add("gandiva_fair", SchedulingPolicy.Allocating(() => new GandivaFairPolicy()), "Gandiva-Fair's fair shares")
        .Add("max_min_fairness", SchedulingPolicy.Allocating(() => new MaxMinFairnessPolicy()),
            "Gavel's heterogeneity-aware max-min fairness", "gavel")
        .Add("finish_time_fairness", SchedulingPolicy.Allocating(() => new FinishTimeFairnessPolicy()),
            "Themis' finish-time fairness", "themis")
        .Add("max_sum_throughput", SchedulingPolicy.Allocating(() => new MaxSumThroughputPolicy()),
            "maximum total throughput", "mst", "max_sum_throughput_perf")
        .Add("min_total_duration", SchedulingPolicy.Allocating(() => new MinTotalDurationPolicy()),
            "minimum total duration (OSSP)", "ossp")
        .Add("allox", SchedulingPolicy.Allocating(() => new AlloxPolicy()), "AlloX's min-cost matching");
}
