using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Policies.Shockwave;
using Frugal.Scheduling.Reporting;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Experiments;

/// <summary>One trace, one cluster, several policies: the experiment behind <c>frugal schedule compare</c>.</summary>
public sealed class PolicyComparisonExperiment : IExperiment
{
    private readonly Sourced<IReadOnlyList<JobSpec>> _trace;
    private readonly Sourced<ThroughputTable> _throughputs;
    private readonly ClusterSpec _cluster;
    private readonly IReadOnlyList<string> _policies;
    private readonly SimulationOptions _options;
    private readonly ShockwaveOptions _shockwave;

    /// <param name="trace">The jobs and where they came from.</param>
    /// <param name="throughputs">The throughputs and where they came from.</param>
    /// <param name="cluster">The GPUs.</param>
    /// <param name="policies">Policy names or aliases, in the order to run them.</param>
    /// <param name="options">The round mechanics.</param>
    /// <param name="shockwave">Shockwave's parameters, if it is among the policies.</param>
    /// <param name="othersRun">Other runs (JigSaw's, at iteration level) join the comparison, so no round-level
    /// policy is needed.</param>
    /// <exception cref="Core.Errors.BadInputException">
    /// No policy (unless others run), an unknown one, or one named twice: found before anything runs.
    /// </exception>
    public PolicyComparisonExperiment(Sourced<IReadOnlyList<JobSpec>> trace, Sourced<ThroughputTable> throughputs,
        ClusterSpec cluster, IReadOnlyList<string> policies, SimulationOptions options, ShockwaveOptions shockwave,
        bool othersRun = false)
    {
        _trace = trace;
        _throughputs = throughputs;
        _cluster = cluster;
        _policies = policies.Count == 0 && othersRun ? []
            : PolicyCatalog.Policies.GetAll(policies).Select(p => p.Name).ToArray();
        _options = options;
        _shockwave = shockwave;
    }

    /// <inheritdoc/>
    public string Name => "schedule.compare";

    /// <inheritdoc/>
    public string Title => "Scheduling policies compared on one trace";

    /// <inheritdoc/>
    public string Description =>
        $"Simulates {_trace.Value.Count} jobs of {_trace.Source} on {_cluster} under {string.Join(", ", _policies)}.";

    /// <summary>Simulates every policy; reports the overall fraction done to <paramref name="context"/>.</summary>
    public PolicyComparisonResult Compare(ExperimentContext context)
    {
        var runs = _policies.Count == 0 ? []
            : PolicyComparison.Run(_trace.Value, _throughputs.Value, _cluster, _policies, _options, _shockwave,
            new SynchronousProgress<double>(context.ReportProgress), context.Cancellation);
        return new PolicyComparisonResult(_trace.Source, _trace.Value.Count, _throughputs.Source, _cluster, _options,
            _shockwave, runs, PublishedFor());
    }

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context) => Compare(context).ToExperimentResult(context, this);

    /// <summary>
    /// The canonical trace with the TACC throughputs on 32 V100s in 120 s rounds is the setting the paper's
    /// table describes.
    /// </summary>
    private IReadOnlyDictionary<string, PublishedRow>? PublishedFor() =>
        _trace.Source == ScheduleInputs.CanonicalTrace && _throughputs.Source == ScheduleInputs.TaccThroughputs
            && _cluster.ToString() == "v100=32" && _options.RoundSeconds == 120 ? PublishedResults.Tacc32 : null;
}
