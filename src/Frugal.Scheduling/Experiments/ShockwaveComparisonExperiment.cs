using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;

namespace Frugal.Scheduling.Experiments;

/// <summary>
/// The Shockwave paper's headline comparison for <c>frugal reproduce</c>: Shockwave and every
/// baseline policy on one trace. At full scale it is the canonical 120-job trace on 32 V100s
/// (Shockwave's files when present, else a generated trace of the same shape), beside the
/// published numbers where they apply; at quick scale a generated 30-job trace on 8 GPUs.
/// </summary>
public sealed class ShockwaveComparisonExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "scheduling.shockwave";

    /// <inheritdoc/>
    public string Title => "GPU-cluster scheduling: Shockwave against its baselines";
    /// <inheritdoc/>
    public string Description =>
        "Simulates a trace of dynamically adapting training jobs (Accordion and gradient-noise-scale batch sizes) " +
            "under Shockwave, FIFO, SRTF, " +
        "Gandiva-Fair, Gavel max-min fairness, Themis finish-time fairness, max-sum-throughput, OSSP " +
            "min-total-duration and AlloX, " +
        "and compares makespan, job completion time, finish-time fairness and utilisation.";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var throughputs = ScheduleInputs.Throughputs(path: null);
        Sourced<IReadOnlyList<Workloads.JobSpec>> trace;
        ClusterSpec cluster;
        if (context.Quick)
        {
            var generator = new TraceGeneratorOptions { Jobs = 30, MeanArrivalGapSeconds = 60, MaxDurationHours = 2 };
            trace = new(new TraceGenerator(throughputs.Value, generator).Generate(context.Seeds.Child("trace")),
                $"generated ({generator.FileName(context.Seeds.MasterSeed)})");
            cluster = ClusterSpec.Parse("v100=8");
        }
        else
        {
            trace = ScheduleInputs.Trace(path: null, throughputs.Value, context.Seeds.Child("trace"));
            cluster = ClusterSpec.Parse("v100=32");
        }
        var comparison = new PolicyComparisonExperiment(trace, throughputs, cluster, PolicyCatalog.Policies.Names,
            new SimulationOptions(), ShockwaveOptions.Tacc32);
        return comparison.Compare(context).ToExperimentResult(context, this);
    }
}
