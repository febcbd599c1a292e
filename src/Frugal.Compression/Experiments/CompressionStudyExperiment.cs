using Frugal.Compression.Study;
using Frugal.Core.Experiments;
using Frugal.Core.Results;

namespace Frugal.Compression.Experiments;

/// <summary>
/// <c>compression.study</c>: does compressing activations help model-parallel training? Trains the sharded model with
/// each codec and replays the measured steps on modelled links (quick: a 2-layer model, four methods, one layout).
/// </summary>
public sealed class CompressionStudyExperiment : IExperiment
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "compression.study";

    /// <inheritdoc/>
    public string Name => ExperimentName;

    /// <inheritdoc/>
    public string Title => "Compression: does compressing activations help model-parallel training?";

    /// <inheritdoc/>
    public string Description =>
        "Trains a sharded Transformer with each activation codec and simulates its step on slow and fast links.";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var settings = StudySettings.Presets.Get(context.Quick ? "quick" : "paper-small");
        var runs = CompressionStudy.Run(settings, context.Seeds, log: null,
            (done, all, _) => context.ReportProgress((double)done / all), context.Cancellation);
        return StudyReport.Fill(context.NewResult(this), settings, runs);
    }
}

/// <summary>A study or an extrapolation already computed, as an experiment so that the report writer renders it.
/// </summary>
/// <param name="name">The result's name.</param>
/// <param name="title">Its heading.</param>
/// <param name="fill">Fills the result.</param>
public sealed class FinishedExperiment(string name, string title, Func<ExperimentResult, ExperimentResult> fill)
    : IExperiment
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public string Title => title;

    /// <inheritdoc/>
    public string Description => title;

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context) => fill(context.NewResult(this));
}
