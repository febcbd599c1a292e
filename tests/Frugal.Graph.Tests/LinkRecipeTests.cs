using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Graph.Models;
using Frugal.Graph.Orderings;
using Frugal.Graph.Training;
using static TorchSharp.torch;

namespace Frugal.Graph.Tests;

/// <summary>Link prediction's training recipe options: 1-vs-all, the relation optimiser, initialisation,
/// dropout and regularisation.</summary>
public sealed class LinkRecipeTests
{
    private static readonly GraphTrainingOptions Links = TrainingTests.Links;

    // Every option of the recipe at once.
    private static readonly GraphTrainingOptions Recipe = Links with
    {
        AllNegatives = true,
        RelationOptimizer = RelationOptimizer.Adam,
        InitialStd = 0.1,
        EmbeddingDropout = 0.2,
        RelationDropout = 0.1,
        RegularizationWeight = 1e-3,
    };

    private static string Fingerprint(GraphTrainingResult r) => TrainingTests.Fingerprint(r);

    [Fact]
    public void OneVsAllIsTheCrossEntropyOverEveryCandidateInBothDirections()
    {
        using var model = new DistMult(2, 3);
        using (no_grad()) model.Weights.copy_(tensor(new[] { 1f, 2, 3, -1, 0.5f, 1, 0.2f, 1, -2, 1, 1, 1 })
            .view(4, 3));
        var candidates = tensor(new[] { 0.1f, -0.3f, 0.5f, 1, 0.2f, -0.7f, -0.4f, 0.8f, 0.3f, 0.6f, 0.6f, -0.1f })
            .view(4, 3);
        long[] s = [0, 2], r = [1, 0], o = [3, 1];
        var loss = model.LossAll(candidates, tensor(s), tensor(r), tensor(o)).item<float>();
        var c = candidates.data<float>().ToArray();
        var w = model.Weights.detach().data<float>().ToArray();
        double expected = 0;
        for (var i = 0; i < s.Length; i++)
        {
            // Tail: (s, r, ·) against the true o; head: (o, r⁻¹ = r + 2, ·) against the true s.
            expected += NegativeLogSoftmax(c, w, s[i], r[i], o[i]) + NegativeLogSoftmax(c, w, o[i], r[i] + 2, s[i]);
        }
        Assert.Equal(expected, loss, 4);
    }

    private static double NegativeLogSoftmax(float[] c, float[] w, long query, long relation, long target)
    {
        var scores = Enumerable.Range(0, 4).Select(n => Enumerable.Range(0, 3)
            .Sum(k => (double)c[query * 3 + k] * w[relation * 3 + k] * c[n * 3 + k])).ToArray();
        return Math.Log(scores.Sum(Math.Exp)) - scores[target];
    }

    [Fact]
    public void PenaltiesAreTheCubedThreeNormAndTheSquaredTwoNorm()
    {
        using var model = new DistMult(1, 2);
        var source = tensor(new[] { 1f, -2 }).view(1, 2);
        var destination = tensor(new[] { 0.5f, 3 }).view(1, 2);
        var relation = tensor(new long[] { 0 });
        // Relation vectors start at one: the relation and its inverse add 2 · (1 + 1) under either norm.
        Assert.Equal(1 + 8 + 0.125 + 27 + 4, model.Penalty(Regularizer.N3, source, relation, destination)
            .item<float>(), 4);
        Assert.Equal(1 + 4 + 0.25 + 9 + 4, model.Penalty(Regularizer.L2, source, relation, destination)
            .item<float>(), 4);
    }

    [Fact]
    public void EachOptionChangesTraining()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var plain = Fingerprint(GraphTrainer.Run(layout, Links, new SeedTree(9)));
        GraphTrainingOptions[] variants =
        [
            Links with { AllNegatives = true }, Links with { RelationOptimizer = RelationOptimizer.Adam },
            Links with { InitialStd = 0.1 }, Links with { EmbeddingDropout = 0.2 }, Links with { RelationDropout = 0.2 },
            Links with { RegularizationWeight = 1e-2 }, Links with { RegularizationWeight = 1e-2, Regularizer =
                Regularizer.L2 },
        ];
        var fingerprints = variants.Select(v => Fingerprint(GraphTrainer.Run(layout, v, new SeedTree(9)))).ToList();
        Assert.DoesNotContain(plain, fingerprints);
        Assert.Equal(fingerprints.Count, fingerprints.Distinct().Count());
    }

    [Fact]
    public void TheRecipeFromDiskWithOnePartitionIsBitwiseInMemory()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var memory = GraphTrainer.Run(layout, Recipe, new SeedTree(9));
        var disk = GraphTrainer.Run(layout, Recipe with { Disk = true, Capacity = 1 }, new SeedTree(9));
        Assert.Equal(Fingerprint(memory), Fingerprint(disk));
        Assert.True(disk.Epochs[0].BytesRead > 0);
    }

    [Fact]
    public void OneVsAllLearnsInMemoryAndFromTheResidentPartitionsOfComet()
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 8, nodes: 400, edges: 6000);
        var oneVsAll = Links with { AllNegatives = true, Epochs = 3 };
        var random = GraphTrainer.Run(layout, oneVsAll with { Epochs = 1, LearningRate = 1e-9 }, new SeedTree(2));
        var memory = GraphTrainer.Run(layout, oneVsAll, new SeedTree(2));
        var comet = GraphTrainer.Run(layout, oneVsAll with
        {
            Disk = true,
            Ordering = OrderingKind.Comet,
            Capacity = 4,
            FineToCoarse = 2,
        }, new SeedTree(2));
        Assert.True(memory.Test["mrr"] > random.Test["mrr"] * 1.5, $"{memory.Test["mrr"]} vs {random.Test["mrr"]}");
        Assert.True(comet.Test["mrr"] > random.Test["mrr"] * 1.5, $"{comet.Test["mrr"]} vs {random.Test["mrr"]}");
        Assert.True(comet.Epochs[0].States > 1);
    }

    [Theory]
    [InlineData("dropout")]
    [InlineData("weight")]
    [InlineData("std")]
    [InlineData("encoder")]
    public void OutOfRangeOptionsNameTheirSetting(string which)
    {
        using var folder = new TempFolder();
        var layout = TestGraphs.Links(folder, 1);
        var (options, setting) = which switch
        {
            "dropout" => (Links with { EmbeddingDropout = 1 }, "embedding-dropout"),
            "weight" => (Links with { RegularizationWeight = -1 }, "regularization-weight"),
            "std" => (Links with { InitialStd = 0 }, "init-std"),
            _ => (Links with { AllNegatives = true, SageEncoder = true }, "one-vs-all"),
        };
        var e = Assert.Throws<BadInputException>(() => GraphTrainer.Run(layout, options, new SeedTree(1)));
        Assert.Equal(setting, e.Setting);
    }
}
