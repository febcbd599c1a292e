using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sources;

namespace Frugal.Graph.Training;

/// <summary>
/// One epoch of the same training on a toy graph of 64 nodes, before the baseline of resident memory is taken.
/// .NET compiles each method on its first call, libtorch initialises its dispatcher, autograd engine and kernels
/// lazily, and the pipeline starts its threads: together 15–30 MiB that does not grow with the graph and that no
/// budget controls. Paying that cost here puts it in the baseline, so what grows afterwards is the buffer's
/// (docs/graph.md "Memory budget seen from outside"). The toy run draws from libtorch's generator: the caller seeds
/// it again afterwards, so the real run's numbers do not change.
/// </summary>
internal static class RuntimeWarmUp
{
    private const int Nodes = 64;

    public static void Run(GraphTask task, GraphTrainingOptions options, SeedTree seeds)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"frugal-warm-up-{Guid.NewGuid():N}");
        try
        {
            GraphSource source = task == GraphTask.NodeClassification
                ? new StochasticBlockSource(Nodes, classes: 2, degree: 4, features: 8, seeds)
                : new PowerLawSource(Nodes, edges: 8 * Nodes, relations: 2, seeds);
            // Four logical partitions, so that the disk path runs with the buffer smaller than the graph.
            var l = options.Ordering == OrderingKind.Comet ? options.FineToCoarse : 1;
            GraphPreprocessor.Run(source, folder, partitions: 4 * l, seeds, maxEdgesInMemory: 16 * Nodes);
            var toy = options with
            {
                Epochs = 1,
                BatchSize = Math.Min(options.BatchSize, 8),
                MemoryBudget = null,
                Capacity = null,
                CheckpointPath = null,
                Resume = false,
                WorkFolder = null,
                Throttle = null,
                ValidationLimit = 16,
            };
            var layout = GraphLayout.Open(folder);
            if (task == GraphTask.NodeClassification)
                new NodeClassificationTrainer(layout, toy, seeds).Run(null, default);
            else new LinkPredictionTrainer(layout, toy, seeds).Run(null, default);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
