using Frugal.Core.Randomness;
using Frugal.Core.Results;

namespace Frugal.Core.Experiments;

/// <summary>
/// A reproducible experiment: a component's headline result, run on embedded defaults by
/// <c>frugal reproduce</c>. Everything random in it must come from <see cref="ExperimentContext.Seeds"/>.
/// </summary>
public interface IExperiment
{
    /// <summary>
    /// The name given to <c>--only</c>: lower case, the component first, e.g. <c>core.distributions</c>.
    /// </summary>
    string Name { get; }

    /// <summary>A one-line heading for the report.</summary>
    string Title { get; }

    /// <summary>One sentence on what the experiment shows.</summary>
    string Description { get; }

    /// <summary>
    /// Runs the experiment and returns what it measured; throws <see cref="OperationCanceledException"/> when
    /// <see cref="ExperimentContext.Cancellation"/> fires.
    /// </summary>
    ExperimentResult Run(ExperimentContext context);
}

/// <summary>
/// What an experiment is given to run: its own seed tree, the scale, a progress sink and cancellation.
/// </summary>
public sealed class ExperimentContext(SeedTree seeds, bool quick, IProgress<double>? progress = null,
    CancellationToken cancellation = default)
{
    /// <summary>The experiment's own node of the run's seed tree (named after the experiment).</summary>
    public SeedTree Seeds { get; } = seeds;

    /// <summary>Run at a small scale that finishes in seconds (CI, <c>--quick</c>).</summary>
    public bool Quick { get; } = quick;

    /// <summary>Fires when the user stops the run; long loops check it.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Reports the fraction done, in [0, 1].</summary>
    public void ReportProgress(double fraction) => progress?.Report(Math.Clamp(fraction, 0, 1));

    /// <summary>A result already carrying the parameters every run records: the master seed and the scale.</summary>
    public ExperimentResult NewResult(IExperiment experiment) =>
        new ExperimentResult(experiment.Name, experiment.Title)
            .WithParameter("seed", Seeds.MasterSeed)
            .WithParameter("quick", Quick);
}
