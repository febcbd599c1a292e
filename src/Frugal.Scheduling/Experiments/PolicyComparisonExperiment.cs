using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Reporting;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Experiments;

/// <summary>One trace, one cluster, several policies: the experiment behind <c>frugal schedule compare</c>.</summary>
public sealed class PolicyComparisonExperiment(
    Sourced<IReadOnlyList<JobSpec>> trace,
    Sourced<ThroughputTable> throughputs,
    ClusterSpec cluster,
    IReadOnlyList<string> policies,
    SimulationOptions options,
    ShockwaveOptions shockwave) : IExperiment
{
    public string Name => "schedule.compare";
    public string Title => "Scheduling policies compared on one trace";
    public string Description => $"Simulates {trace.Value.Count} jobs of {trace.Source} on {cluster} under {string.Join(", ", policies)}.";

    /// <summary>The simulations of the last run, for callers that print them.</summary>
    public IReadOnlyList<SimulationResult> Runs { get; private set; } = [];

    /// <summary>The paper's values for this setting, if it published any.</summary>
    public IReadOnlyDictionary<string, PublishedRow>? Published => PublishedFor(trace, throughputs, cluster, options);

    public ExperimentResult Run(ExperimentContext context)
    {
        var result = context.NewResult(this);
        Runs = RunInto(result, context, trace, throughputs, cluster, policies, options, shockwave);
        return result;
    }

    /// <summary>The canonical trace with the TACC throughputs on 32 V100s in 120 s rounds is the setting the paper's table describes.</summary>
    private static IReadOnlyDictionary<string, PublishedRow>? PublishedFor(Sourced<IReadOnlyList<JobSpec>> trace, Sourced<ThroughputTable> throughputs,
        ClusterSpec cluster, SimulationOptions options) =>
        trace.Source == ScheduleInputs.CanonicalTrace && throughputs.Source == ScheduleInputs.TaccThroughputs
            && cluster.ToString() == "v100=32" && options.RoundSeconds == 120 ? PublishedResults.Tacc32 : null;

    /// <summary>Records the inputs as parameters, simulates every policy and fills <paramref name="result"/>.</summary>
    internal static List<SimulationResult> RunInto(ExperimentResult result, ExperimentContext context, Sourced<IReadOnlyList<JobSpec>> trace,
        Sourced<ThroughputTable> throughputs, ClusterSpec cluster, IReadOnlyList<string> policies, SimulationOptions options, ShockwaveOptions shockwave)
    {
        result.WithParameter("trace", trace.Source).WithParameter("jobs", trace.Value.Count).WithParameter("throughputs", throughputs.Source)
            .WithParameter("cluster", cluster).WithParameter("round_s", options.RoundSeconds)
            .WithParameter("restart_overhead_s", options.RestartOverheadSeconds).WithParameter("policies", string.Join(",", policies));
        if (policies.Contains(PolicyComparison.Shockwave))
            result.WithParameter("shockwave_window_rounds", shockwave.WindowRounds).WithParameter("shockwave_k", shockwave.MakespanWeight)
                .WithParameter("shockwave_lambda", shockwave.Lambda).WithParameter("shockwave_rho_max", shockwave.RhoMax)
                .WithParameter("shockwave_gap", shockwave.RelativeGap).WithParameter("shockwave_time_limit_s", shockwave.TimeLimit.TotalSeconds);
        var runs = PolicyComparison.Run(trace.Value, throughputs.Value, cluster, policies, options, shockwave,
            new SynchronousProgress<double>(context.ReportProgress), context.Cancellation);
        var published = PublishedFor(trace, throughputs, cluster, options);
        ScheduleReport.Fill(result, runs, published);
        var best = runs.MinBy(r => r.Metrics.MakespanHours)!;
        var fairest = runs.MinBy(r => r.Metrics.WorstRho)!;
        result.Summary = $"{trace.Value.Count} jobs on {cluster}: shortest makespan {best.Policy} ({best.Metrics.MakespanHours:F2} h); " +
                         $"fairest (lowest worst ρ) {fairest.Policy} ({fairest.Metrics.WorstRho:F2})." +
                         (published is not null ? " The paper's simulated values for this trace stand beside ours in the policies table." : "");
        return runs;
    }
}
