using Frugal.Core.Experiments;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Tuning.Comparison;

namespace Frugal.Tuning.Experiments;

/// <summary>
/// A finished <c>tune compare</c> as an experiment, so that its results, plots and report are written like every other
/// (<see cref="Reproduction"/>): every method of a <see cref="ComparisonPlan"/> on the same seeds, with best-so-far
/// curves and bootstrap bands, final bests, and LlamaTune's trials ratio for every wrapped method. The comparison runs
/// first (<see cref="TuningComparison"/>, on <see cref="Seeds"/>), and this records its result.
/// </summary>
/// <param name="comparison">The comparison's result.</param>
public sealed class TuningComparisonExperiment(ComparisonResult comparison) : IExperiment
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "tuning.compare";

    /// <inheritdoc />
    public string Name => ExperimentName;
    /// <inheritdoc />
    public string Title =>
        $"Tuning: {string.Join(", ", comparison.Plan.Methods.Select(m => m.Name))} on {comparison.Plan.TargetName}";

    /// <inheritdoc />
    public string Description =>
        "Runs each tuning method on the same seeds and compares best-so-far curves and the trials each needs " +
        "to reach the plain optimiser's best.";

    /// <summary>
    /// The seeds a comparison under this experiment draws from for master seed <paramref name="masterSeed"/>: the
    /// experiment's own node of the run's seed tree, as <see cref="Reproduction"/> gives every experiment.
    /// </summary>
    public static SeedTree Seeds(ulong masterSeed) => new SeedTree(masterSeed).Child(ExperimentName);

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context) => comparison.ToExperimentResult(context.NewResult(this));
}
