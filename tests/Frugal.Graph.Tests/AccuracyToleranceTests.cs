using Frugal.Core.Randomness;
using Frugal.Graph.Orderings;
using Frugal.Graph.Training;

namespace Frugal.Graph.Tests;

/// <summary>
/// Design §6.6 check 4: training from the partition buffer loses little against training in memory, on synthetic
/// graphs, as the mean of three seeds: node classification from disk (p = 32, c from a memory budget) within 1.5
/// accuracy points, link prediction with COMET within 0.02 MRR.
/// </summary>
public sealed class AccuracyToleranceTests
{
    private static readonly ulong[] Seeds = [1, 2, 3];

    // Training samples neighbours among resident partitions only (MariusGNN §3); evaluation runs on the full graph
    // (MariusGNN's full_graph_evaluation), reading features from disk. Evaluating within windows of c partitions
    // instead cut validation and test neighbourhoods and lost 15.7 points (bench/results/graph.md).
    [Fact]
    public void DiskClassificationIsWithinOneAndAHalfPointsOfInMemory()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Classification(folder, 32, nodes: 1600);
        var options = new GraphTrainingOptions
        {
            Epochs = 10, BatchSize = 64, LearningRate = 0.01, Fanouts = [5, 5], Hidden = 16,
        };
        var disk = options with { Disk = true, Ordering = OrderingKind.Sequential, MemoryBudget = 1_200_000 };
        var runs = Seeds.Select(s => GraphTrainer.Run(layout, disk, new SeedTree(s))).ToArray();
        Assert.All(runs, r => Assert.InRange(r.Capacity, 2, 31));
        var memory = Seeds.Average(s => GraphTrainer.Run(layout, options, new SeedTree(s)).Test["accuracy"]);
        var fromDisk = runs.Average(r => r.Test["accuracy"]);
        Assert.True(memory > 0.5, $"in memory only {memory:0.000}");
        Assert.True(Math.Abs(memory - fromDisk) <= 0.015, $"memory {memory:0.000}, disk {fromDisk:0.000}");
    }

    [Fact]
    public void CometLinkPredictionIsWithinTwoHundredthsMrrOfInMemory()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 32, nodes: 2000, edges: 20000);
        var options = new GraphTrainingOptions
        {
            Epochs = 3, BatchSize = 500, LearningRate = 0.1, Dimension = 16, Negatives = 50, Chunks = 5,
            ValidationLimit = 200,
        };
        var comet = options with { Disk = true, Ordering = OrderingKind.Comet, Capacity = 8, FineToCoarse = 4 };
        var memory = Seeds.Average(s => GraphTrainer.Run(layout, options, new SeedTree(s)).Test["mrr"]);
        var fromDisk = Seeds.Average(s => GraphTrainer.Run(layout, comet, new SeedTree(s)).Test["mrr"]);
        Assert.True(memory > 0.05, $"in memory only {memory:0.000}");
        Assert.True(Math.Abs(memory - fromDisk) <= 0.02, $"memory {memory:0.000}, COMET {fromDisk:0.000}");
    }
}
