using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Comparison;
using Frugal.Tuning.Targets;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Experiments;

/// <summary>
/// LlamaTune's headline on our synthetic surface for <c>frugal reproduce</c>: each optimiser alone and wrapped in
/// LlamaTune (HeSBO-16, special values, buckets), on the same seeds, with their best-so-far curves and the trials
/// ratio.
/// The surface has few effective knobs and a bonus at a special value, LlamaTune's premises, so the wrapped methods
/// should reach the plain ones' best in fewer trials.
/// </summary>
public sealed class LlamaTuneExperiment : IExperiment
{
    private static readonly string[] Methods =
        ["random", "llamatune-random", "smac", "llamatune-smac", "gp", "llamatune-gp"];

    /// <inheritdoc/>
    public string Name => "tuning.llamatune";
    /// <inheritdoc/>
    public string Title => "Tuning: LlamaTune's space adapters against plain optimisers on a synthetic surface";
    /// <inheritdoc/>
    public string Description =>
        "Tunes a 100-knob synthetic surface with 4 effective knobs and a special-value bonus with each optimiser " +
            "alone and wrapped in LlamaTune " +
        "(HeSBO to 16 dimensions, special-value biasing 0.2, 10,000 buckets), and reports final bests and how many " +
            "fewer trials LlamaTune needs.";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var methods = Methods.Select(m => TuningMethod.Parse(m)).ToArray();
        var options = new TargetOptions(Workload: "sparse-100");
        var space = TargetCatalog.Get("synthetic").DefaultSpace(options);
        var plan = context.Quick
            ? new ComparisonPlan("synthetic", options, space, methods, Iterations: 30, Seeds: 3)
            : new ComparisonPlan("synthetic", options, space, methods, Iterations: 100, Seeds: 5);
        return TuningComparison.Run(plan, context.Seeds, context.ReportProgress, context.Cancellation)
            .ToExperimentResult(context.NewResult(this));
    }
}
