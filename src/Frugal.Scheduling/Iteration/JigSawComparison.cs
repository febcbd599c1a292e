using Frugal.Core.Experiments;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Iteration;

/// <summary>JigSaw and its baseline (the same base order with SPB off) on one trace, and the efficiency gain.</summary>
/// <param name="Baseline">The base order with σ = 0 everywhere and no co-location.</param>
/// <param name="JigSaw">JigSaw with the same base order.</param>
public sealed record JigSawComparison(IterationSimulationResult Baseline, IterationSimulationResult JigSaw)
{
    /// <summary>The name that selects JigSaw among the scheduling policies.</summary>
    public const string PolicyName = "jigsaw";

    /// <summary>Gain = E_JigSaw / E_baseline − 1.</summary>
    public double Gain => JigSaw.Efficiency.ClusterEfficiency / Baseline.Efficiency.ClusterEfficiency - 1;

    /// <summary>Both runs; JigSaw's statistics also carry the baseline's efficiency and the gain.</summary>
    public IReadOnlyList<SimulationResult> Runs =>
    [
        Baseline.Simulation,
        JigSaw.Simulation with
        {
            SchedulerStatistics = new Dictionary<string, double>(JigSaw.Simulation.SchedulerStatistics)
            {
                ["baselineClusterEfficiency"] = Baseline.Efficiency.ClusterEfficiency,
                ["efficiencyGain"] = Gain,
            },
        },
    ];

    /// <summary>Whether <paramref name="policy"/> names JigSaw (any case).</summary>
    public static bool Names(string policy) =>
        string.Equals(policy.Trim(), PolicyName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Simulates the baseline, then JigSaw.</summary>
    /// <exception cref="Core.Errors.BadInputException">A setting, the cluster or the trace is at fault.</exception>
    public static JigSawComparison Run(IReadOnlyList<JobSpec> trace, ThroughputTable throughputs, ClusterSpec cluster,
        SpbProfiles profiles, JigSawOptions options, IProgress<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var simulator = new IterationSimulator(throughputs, cluster, profiles, options);
        var baseline = simulator.Run(trace, spb: false,
            new SynchronousProgress<double>(f => progress?.Report(f / 2)), cancellation);
        var jigsaw = simulator.Run(trace, spb: true,
            new SynchronousProgress<double>(f => progress?.Report((1 + f) / 2)), cancellation);
        return new JigSawComparison(baseline, jigsaw);
    }
}
