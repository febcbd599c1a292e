using System.Security.Cryptography;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Layout;
using Frugal.Graph.Orderings;
using Frugal.Graph.Sampling;
using Frugal.Graph.Training;

namespace Frugal.Graph.Tests;

public sealed class TrainingTests
{
    private static readonly GraphTrainingOptions Classification = new()
    {
        Epochs = 2, BatchSize = 64, LearningRate = 0.01, Fanouts = [5, 5], Hidden = 16,
    };

    internal static readonly GraphTrainingOptions Links = new()
    {
        Epochs = 2, BatchSize = 200, LearningRate = 0.1, Dimension = 16, Negatives = 20, Chunks = 4,
        DegreeFraction = 0.5,
    };

    internal static string Fingerprint(GraphTrainingResult r) => string.Join(";", r.Epochs.Select(e =>
        $"{BitConverter.DoubleToInt64Bits(e.Loss)}/{BitConverter.DoubleToInt64Bits(e.Validation)}")) + "|" +
        string.Join(";", r.Test.Select(kv => $"{kv.Key}={BitConverter.DoubleToInt64Bits(kv.Value)}"));

    [Fact]
    public void DiskTrainingWithOnePartitionIsBitwiseInMemoryTrainingForClassification()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Classification(folder, 1);
        var memory = GraphTrainer.Run(layout, Classification, new SeedTree(9));
        var disk = GraphTrainer.Run(layout, Classification with { Disk = true, Capacity = 1 }, new SeedTree(9));
        Assert.Equal(Fingerprint(memory), Fingerprint(disk));
        Assert.True(disk.Epochs[0].BytesRead > 0, string.Join(",", disk.Epochs));
        Assert.Equal(0, memory.Epochs[^1].BytesRead);
    }

    [Fact]
    public void DiskTrainingWithOnePartitionIsBitwiseInMemoryTrainingForLinks()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var memory = GraphTrainer.Run(layout, Links, new SeedTree(9));
        var disk = GraphTrainer.Run(layout, Links with { Disk = true, Capacity = 1 }, new SeedTree(9));
        Assert.Equal(Fingerprint(memory), Fingerprint(disk));
        Assert.True(disk.Epochs[0].BytesRead > 0);
        Assert.True(memory.Test["mrr"] > 0);
    }

    [Fact]
    public void DiskTrainingWithOnePartitionIsBitwiseInMemoryTrainingForTheSageEncoder()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var encoder = Links with { SageEncoder = true, Fanouts = [Fanout.All] };
        var memory = GraphTrainer.Run(layout, encoder, new SeedTree(9));
        var disk = GraphTrainer.Run(layout, encoder with { Disk = true, Capacity = 1 }, new SeedTree(9));
        Assert.Equal(Fingerprint(memory), Fingerprint(disk));
        // The encoder changes what is trained: plain DistMult from the same seed gives other numbers.
        Assert.NotEqual(Fingerprint(GraphTrainer.Run(layout, Links, new SeedTree(9))), Fingerprint(memory));
    }

    [Fact]
    public void SageEncoderLearnsFromThePartitionBuffer()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 8, nodes: 400, edges: 6000);
        var encoder = Links with { SageEncoder = true, Fanouts = [10] };
        var random = GraphTrainer.Run(layout, encoder with { Epochs = 1, LearningRate = 1e-9 }, new SeedTree(2));
        var disk = GraphTrainer.Run(layout, encoder with
        {
            Epochs = 3,
            Disk = true,
            Ordering = OrderingKind.Comet,
            Capacity = 4,
            FineToCoarse = 2,
        }, new SeedTree(2));
        Assert.True(disk.Test["mrr"] > random.Test["mrr"] * 1.5, $"{disk.Test["mrr"]} vs {random.Test["mrr"]}");
    }

    [Fact]
    public void SampledEvaluationRanksAgainstFewerNodesAndReadsTheRowsFromDisk()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var sampled = Links with { EvaluationNegatives = 30 };
        var filtered = GraphTrainer.Run(layout, Links, new SeedTree(9));
        var memory = GraphTrainer.Run(layout, sampled, new SeedTree(9));
        // The same training, ranked among 30 drawn nodes instead of all 300: ranks shrink.
        Assert.Equal(filtered.Epochs[^1].Loss, memory.Epochs[^1].Loss);
        Assert.True(memory.Test["mrr"] > filtered.Test["mrr"], $"{memory.Test["mrr"]} vs {filtered.Test["mrr"]}");
        var disk = GraphTrainer.Run(layout, sampled with { Disk = true, Capacity = 1 }, new SeedTree(9));
        Assert.Equal(Fingerprint(memory), Fingerprint(disk));
        var encoder = sampled with { SageEncoder = true, Fanouts = [Fanout.All] };
        Assert.Equal(Fingerprint(GraphTrainer.Run(layout, encoder, new SeedTree(9))),
            Fingerprint(GraphTrainer.Run(layout, encoder with { Disk = true, Capacity = 1 }, new SeedTree(9))));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ResumingFromACheckpointContinuesAsTheUninterruptedRun(bool links, bool disk)
    {
        using var folder = new TempFolder();
        var layout = links ? TestGraphs.Links(folder, 4) : TestGraphs.Classification(folder, 4);
        var options = (links ? Links with { SageEncoder = true, Fanouts = [5] } : Classification) with
        {
            Epochs = 3,
            Disk = disk,
            Capacity = 2,
            CheckpointPath = folder.Sub("run.ckpt"),
        };
        var whole = GraphTrainer.Run(layout, options, new SeedTree(4));
        GraphTrainer.Run(layout, options with { Epochs = 1 }, new SeedTree(4));
        var resumed = GraphTrainer.Run(layout, options with { Resume = true }, new SeedTree(4));
        Assert.Equal([2, 3], resumed.Epochs.Select(e => e.Epoch));
        Assert.Equal(Fingerprint(whole with { Epochs = whole.Epochs.Skip(1).ToList() }), Fingerprint(resumed));
        // Without the node state beside the checkpoint, link prediction cannot resume.
        if (!links) return;
        File.Delete(folder.Sub("run.ckpt") + ".nodes");
        var e = Assert.Throws<BadInputException>(() => GraphTrainer.Run(layout, options with { Resume = true },
            new SeedTree(4)));
        Assert.Equal("resume", e.Setting);
    }

    [Fact]
    public void PartitionedLinkTrainingLearnsAndWritesBack()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 8, nodes: 400, edges: 6000);
        var random = GraphTrainer.Run(layout, Links with { Epochs = 1, LearningRate = 1e-9 }, new SeedTree(2));
        foreach (var kind in new[] { OrderingKind.Beta, OrderingKind.Comet })
        {
            var disk = GraphTrainer.Run(layout, Links with
            {
                Epochs = 3,
                Disk = true,
                Ordering = kind,
                Capacity = 4,
                FineToCoarse = 2,
            }, new SeedTree(2));
            Assert.True(disk.Test["mrr"] > random.Test["mrr"] * 1.5,
                $"{kind}: {disk.Test["mrr"]} vs {random.Test["mrr"]}");
            Assert.True(disk.Epochs[0].States > 1);
        }
    }

    [Fact]
    public void PartitionedClassificationLearns()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Classification(folder, 8, nodes: 800);
        var result = GraphTrainer.Run(layout, Classification with
        {
            Epochs = 5,
            Disk = true,
            Ordering = OrderingKind.Sequential,
            Capacity = 6,
        }, new SeedTree(4));
        Assert.True(result.Test["accuracy"] > 0.5, $"accuracy {result.Test["accuracy"]}");
    }

    [Fact]
    public void BudgetTooSmallForTheOrderingSaysTheMinimum()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 8);
        var e = Assert.Throws<BadInputException>(() => GraphTrainer.Run(layout, Links with
        {
            Disk = true,
            Ordering = OrderingKind.Comet,
            FineToCoarse = 2,
            MemoryBudget = 4096,
        }, new SeedTree(1)));
        Assert.Equal("memory-budget", e.Setting);
        Assert.Matches(@"comet ordering: it needs 4 partitions of .* in memory plus 2 prefetch slots, at least",
            e.Message);
    }

    [Fact]
    public void BudgetSetsTheCapacityAndTheAccountingStaysUnderIt()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 8, nodes: 4000, edges: 8000);
        // 500 kB: the batches in flight (about 180 kB here) are part of the budget.
        const long budget = 500_000;
        var result = GraphTrainer.Run(layout, Links with { Epochs = 1, Disk = true, MemoryBudget = budget },
            new SeedTree(1));
        Assert.True(result.Capacity >= 2, $"capacity {result.Capacity}");
        Assert.True(result.Capacity < 7, $"capacity {result.Capacity}, accounted {result.AccountedBytes}");
        Assert.True(result.AccountedBytes <= budget, $"{result.AccountedBytes} > {budget}");
    }
}
