using Frugal.Core.Experiments;
using Frugal.Core.Results;

namespace Frugal.Tuning.Experiments;

/// <summary>
/// A finished <c>tune run</c> as an experiment, so that its results, plots and report are written like every other
/// (<see cref="Reproduction"/>): the run itself happens first (<see cref="Loop.Tuner"/>), and this records its result.
/// </summary>
/// <param name="run">The run's result.</param>
public sealed class TuningRunExperiment(TuningRunResult run) : IExperiment
{
    /// <inheritdoc />
    public string Name => "tuning.run";

    /// <inheritdoc />
    public string Title => $"Tuning {run.Outcome.Plan.TargetName} with {run.Outcome.Plan.Method.Name}";

    /// <inheritdoc />
    public string Description =>
        "One tuning run: the default configuration, then the method's suggestions, with the best found against " +
        "the default.";

    /// <inheritdoc />
    public ExperimentResult Run(ExperimentContext context) => run.ToExperimentResult(context.NewResult(this));
}
