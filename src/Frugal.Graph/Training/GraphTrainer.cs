using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Learning.Determinism;

namespace Frugal.Graph.Training;

/// <summary>Trains a prepared graph: node classification with GraphSAGE or link prediction with DistMult.</summary>
public static class GraphTrainer
{
    /// <summary>
    /// Runs the training the graph's task calls for; configures libtorch from <paramref name="seeds"/>.
    /// </summary>
    /// <exception cref="BadInputException">A setting out of range or a budget too small for the ordering.</exception>
    public static GraphTrainingResult Run(GraphLayout layout, GraphTrainingOptions options, SeedTree seeds,
        IProgress<GraphEpoch>? progress = null, CancellationToken cancellation = default)
    {
        Check(options);
        DeterministicTorch.Configure(seeds, options.Threads);
        // Resident memory once the runtime and libtorch are loaded and warmed up: the baseline the budget is
        // checked against. The warm-up draws random numbers, so libtorch is seeded again after it.
        ProcessMemory.ReturnFreedNativeMemory();
        RuntimeWarmUp.Run(layout.Meta.Task, options, seeds.Child("warm-up"));
        GC.Collect();
        DeterministicTorch.Configure(seeds, options.Threads);
        var atStart = ProcessMemory.Resident();
        var result = layout.Meta.Task == GraphTask.NodeClassification
            ? new NodeClassificationTrainer(layout, options, seeds).Run(progress, cancellation)
            : new LinkPredictionTrainer(layout, options, seeds).Run(progress, cancellation);
        return result with { ResidentAtStartBytes = atStart, ResidentPeakBytes = ProcessMemory.Peak() };
    }

    private static void Check(GraphTrainingOptions o)
    {
        if (o.Epochs < 1) throw new BadInputException($"epochs: {o.Epochs} must be at least 1", "epochs");
        if (o.BatchSize < 1) throw new BadInputException($"batch size: {o.BatchSize} must be at least 1", "batch-size");
        if (!(o.LearningRate > 0)) throw new BadInputException($"learning rate: {o.LearningRate} must be positive",
            "learning-rate");
        if (o.Negatives < 1 || o.Chunks < 1)
            throw new BadInputException("negatives and chunks must be at least 1", "negatives");
        if (o.DegreeFraction is < 0 or > 1)
            throw new BadInputException($"degree fraction: {o.DegreeFraction} must lie in [0, 1]", "degree-fraction");
        if (o.Dimension < 1 || o.Hidden < 1)
            throw new BadInputException("dimension and hidden width must be at least 1", "dimension");
        if (o.EvaluationNegatives is < 0)
            throw new BadInputException("evaluation negatives: must be 0 (filtered) or positive",
                "evaluation-negatives");
        if (o.Resume && o.CheckpointPath is null)
            throw new BadInputException("a run resumes from a checkpoint, and none was given", "resume");
        if (o.MemoryBudget is <= 0) throw new BadInputException("memory budget: must be positive", "memory-budget");
        if (o.EmbeddingDropout is < 0 or >= 1 || o.RelationDropout is < 0 or >= 1)
            throw new BadInputException("embedding and relation dropout must lie in [0, 1)", "embedding-dropout");
        if (!(o.RegularizationWeight >= 0))
            throw new BadInputException($"regularization weight: {o.RegularizationWeight} must not be negative",
                "regularization-weight");
        if (!(o.InitialStd > 0))
            throw new BadInputException($"initial standard deviation: {o.InitialStd} must be positive", "init-std");
        if (o.AllNegatives && o.SageEncoder)
            throw new BadInputException("all negatives (1-vs-all) train DistMult alone, not under the GraphSAGE " +
                "encoder", "one-vs-all");
    }
}
