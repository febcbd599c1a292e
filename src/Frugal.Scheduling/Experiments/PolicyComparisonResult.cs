using System.Text.Json;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Reporting;
using Frugal.Scheduling.Simulation;

namespace Frugal.Scheduling.Experiments;

/// <summary>
/// What comparing policies on one trace gave: the setting, one simulation per policy, and the paper's values.
/// </summary>
/// <param name="Trace">Where the trace came from (a file name, or how it was generated).</param>
/// <param name="Jobs">The number of jobs in the trace.</param>
/// <param name="Throughputs">Where the throughputs came from.</param>
/// <param name="Cluster">The GPUs.</param>
/// <param name="Options">The round mechanics.</param>
/// <param name="Shockwave">Shockwave's parameters (recorded only when Shockwave ran).</param>
/// <param name="Runs">One simulation per policy, in the order they ran.</param>
/// <param name="Published">The paper's simulated values for this setting by policy, if it published any.</param>
public sealed record PolicyComparisonResult(
    string Trace,
    int Jobs,
    string Throughputs,
    ClusterSpec Cluster,
    SimulationOptions Options,
    ShockwaveOptions Shockwave,
    IReadOnlyList<SimulationResult> Runs,
    IReadOnlyDictionary<string, PublishedRow>? Published)
{
    /// <summary>The JSON form: one record per policy, metrics and jobs.</summary>
    public IReadOnlyList<SimulationSummary> Summaries => Runs.Select(r => SimulationSummary.From(r, Trace)).ToArray();

    /// <summary><see cref="Summaries"/> as JSON in the house convention (<see cref="ResultJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(Summaries, ResultJson.Options);

    /// <summary>The comparison as <paramref name="experiment"/>'s result: parameters, metrics, tables, plots.</summary>
    public ExperimentResult ToExperimentResult(ExperimentContext context, IExperiment experiment)
    {
        var policies = Runs.Select(r => r.Policy).ToArray();
        var result = context.NewResult(experiment)
            .WithParameter("trace", Trace).WithParameter("jobs", Jobs).WithParameter("throughputs", Throughputs)
            .WithParameter("cluster", Cluster).WithParameter("round_s", Options.RoundSeconds)
            .WithParameter("restart_overhead_s", Options.RestartOverheadSeconds)
            .WithParameter("policies", string.Join(",", policies));
        if (policies.Contains(PolicyCatalog.Shockwave))
            result.WithParameter("shockwave_window_rounds", Shockwave.WindowRounds)
                .WithParameter("shockwave_k", Shockwave.MakespanWeight)
                .WithParameter("shockwave_lambda", Shockwave.Lambda)
                .WithParameter("shockwave_rho_max", Shockwave.RhoMax)
                .WithParameter("shockwave_gap", Shockwave.RelativeGap)
                .WithParameter("shockwave_time_limit_s", Shockwave.TimeLimit.TotalSeconds);
        ScheduleReport.Fill(result, Runs, Published);
        var best = Runs.MinBy(r => r.Metrics.MakespanHours)!;
        var fairest = Runs.MinBy(r => r.Metrics.WorstRho)!;
        result.Summary = $"{Jobs} jobs on {Cluster}: "
                         + $"shortest makespan {best.Policy} ({best.Metrics.MakespanHours:F2} h); "
                         + $"fairest (lowest worst ρ) {fairest.Policy} ({fairest.Metrics.WorstRho:F2})."
                         + (Published is null ? ""
                             : " The paper's simulated values for this trace stand beside ours in the policies table.");
        return result;
    }
}
