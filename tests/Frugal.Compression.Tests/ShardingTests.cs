using Frugal.Compression.Codecs;
using Frugal.Compression.Model;
using Frugal.Core.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.Compression.Tests;

public sealed class ShardingTests
{
    private static readonly TransformerConfig Small = new(Layers: 4, Hidden: 16, Heads: 4, Sequence: 8, Vocabulary: 11);

    internal static (Tensor Tokens, Tensor Targets) Batch(TransformerConfig config, int batch = 3, ulong seed = 9)
    {
        using var g = new Generator(seed);
        var tokens = randint(config.Vocabulary, [batch, config.Sequence], generator: g);
        var targets = config.Task == TransformerTask.Language
            ? randint(config.Vocabulary, [batch, config.Sequence], generator: g)
            : randint(config.Classes, [batch], generator: g);
        return (tokens, targets);
    }

    private static float RelativeDifference(Tensor a, Tensor b) =>
        ((a - b).norm() / b.norm().clamp_min(1e-12)).item<float>();

    [Theory]
    [InlineData(1, 1, TransformerTask.Language)]
    [InlineData(2, 1, TransformerTask.Language)]
    [InlineData(4, 1, TransformerTask.Classification)]
    [InlineData(1, 2, TransformerTask.Language)]
    [InlineData(2, 2, TransformerTask.Classification)]
    [InlineData(4, 4, TransformerTask.Language)]
    public void ShardedMatchesUnshardedInOutputAndGradients(int t, int s, TransformerTask task)
    {
        var config = Small with { Task = task, Classes = 3 };
        using var full = new TransformerWeights(config, 5);
        var (tokens, targets) = Batch(config);
        var reference = ReferenceTransformer.Loss(full, tokens, targets);
        reference.backward();
        using var sharded = new ShardedTransformer(full, t, s, CompressionPlan.None, new SeedTree(1));
        var loss = sharded.Loss(tokens, targets);
        Assert.True(RelativeDifference(loss, reference) < 1e-5);
        // A pipeline cut detaches stages, so the gradient flows back stage by stage as in training.
        var (_, profile) = sharded.TrainStep([(tokens, targets)], 0);
        Assert.Equal(s, profile.Stages);
        var h = config.Hidden;
        for (var i = 0; i < config.Layers; i++)
        {
            var layer = sharded.Layers[i];
            var qkv = cat(new[] { 0, 1, 2 }.Select(part => cat(layer.Shards.Select(sh =>
                sh.Qkv.grad![(part * h / t)..((part + 1) * h / t)]).ToArray())).ToArray());
            Assert.True(RelativeDifference(qkv, full.Layers[i].Qkv.grad!) < 1e-5);
            var down = cat(layer.Shards.Select(sh => sh.Down.grad!).ToArray(), 1);
            Assert.True(RelativeDifference(down, full.Layers[i].Down.grad!) < 1e-5);
            Assert.True(RelativeDifference(layer.Norm1Weight.grad!, full.Layers[i].Norm1Weight.grad!) < 1e-5);
        }
        Assert.True(RelativeDifference(sharded.TokenEmbedding.grad!, full.TokenEmbedding.grad!) < 1e-5);
    }

    [Fact]
    public void OneDeviceIsTheUnshardedModel()
    {
        using var full = new TransformerWeights(Small, 5);
        var (tokens, targets) = Batch(Small);
        using var sharded = new ShardedTransformer(full, 1, 1, CompressionPlan.None, new SeedTree(1));
        Assert.Equal(ReferenceTransformer.Loss(full, tokens, targets).item<float>(),
            sharded.Loss(tokens, targets).item<float>());
    }

    [Fact]
    public void ProfileCountsMessagesAsTheLayoutAndPlanSay()
    {
        using var full = new TransformerWeights(Small, 5);
        var batch = Batch(Small);
        var n = 8L * 3 * 16 * 4; // s·b·h fp32
        using (var none = new ShardedTransformer(full, 2, 2, CompressionPlan.None, new SeedTree(1)))
        {
            var (_, p) = none.TrainStep([batch, batch], 0);
            Assert.Equal(4, p[0, 0].ForwardCollectives.Count); // two layers × two reductions
            Assert.All(p[0, 1].ForwardCollectives, c => Assert.Equal(n, c.Bytes));
            Assert.Equal(n, p[0, 0].Activation!.Bytes);
            Assert.Equal(n, p[1, 0].Gradient!.Bytes);
            Assert.Null(p[1, 0].Activation);
        }
        // The autoencoder at ratio 4 (a = 4) compresses layers 2 and 3 only (the later half), after one warm-up step.
        var plan = new CompressionPlan(new CodecSettings("ae", Ratio: 4), WarmupSteps: 1);
        using var ae = new ShardedTransformer(full, 2, 2, plan, new SeedTree(1));
        var (_, warm) = ae.TrainStep([batch], 0);
        Assert.All(warm.All.SelectMany(w => w.ForwardCollectives), c => Assert.Equal(n, c.Bytes));
        var (_, step) = ae.TrainStep([batch], 1);
        Assert.Equal(n, step[0, 0].ForwardCollectives[0].Bytes);
        Assert.Equal(n / 4, step[1, 0].ForwardCollectives[0].Bytes);
        Assert.Equal(n / 4, step[0, 0].Activation!.Bytes);
        Assert.Equal(n / 4, step[1, 0].Gradient!.Bytes);
        // Quantisation all-gathers its packed partials; its gradient goes back uncompressed.
        using var q = new ShardedTransformer(full, 2, 2, new CompressionPlan(new CodecSettings("q8")), new SeedTree(1));
        var (_, qs) = q.TrainStep([batch], 0);
        var gathered = qs[1, 0].ForwardCollectives[0];
        Assert.Equal(Simulation.CollectiveKind.AllGather, gathered.Kind);
        Assert.Equal(8 * 3 * 16 + 2 * 16, gathered.Bytes);
        Assert.Equal(n, qs[1, 0].Gradient!.Bytes);
        Assert.Equal(Simulation.CollectiveKind.AllReduce, qs[1, 0].BackwardCollectives[0].Kind);
        Assert.Equal(n, qs[1, 0].BackwardCollectives[0].Bytes);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(2)]
    public void ACompressedBackwardMessageTravelsAtItsPackedSize(int bits)
    {
        using var full = new TransformerWeights(Small, 5);
        var batch = Batch(Small);
        var packed = 8L * 3 * (16 * bits / 8) + 2 * 16; // rows·⌈h·w/8⌉ + 2h, as the forward message
        var plan = new CompressionPlan(CodecSettings.Parse($"q{bits}+backward"));
        using var q = new ShardedTransformer(full, 2, 2, plan, new SeedTree(1));
        var (_, p) = q.TrainStep([batch], 0);
        Assert.Equal(packed, p[0, 0].Activation!.Bytes);
        Assert.Equal(packed, p[1, 0].Gradient!.Bytes);
        Assert.True(p[1, 0].Gradient!.EncodeSeconds > 0 && p[1, 0].Gradient!.DecodeSeconds > 0);
        var backward = p[1, 0].BackwardCollectives[0];
        Assert.Equal(Simulation.CollectiveKind.AllGather, backward.Kind);
        Assert.Equal(packed, backward.Bytes);
        Assert.True(backward.EncodeSeconds > 0);
        Assert.Equal(4 * packed, p[1, 0].BackwardCollectives.Sum(c => c.Bytes));
    }

    [Fact]
    public void ACompressedBackwardChangesTheGradientsButNotTheForward()
    {
        // Straight-through either way: the loss is the same, the gradients reaching stage 0 are quantised.
        using var full = new TransformerWeights(Small, 5);
        var batch = Batch(Small);
        (double Loss, Tensor Gradient) Step(string spec)
        {
            using var model = new ShardedTransformer(full, 2, 2, new CompressionPlan(CodecSettings.Parse(spec)),
                new SeedTree(1));
            var (loss, _) = model.TrainStep([batch], 0);
            return (loss, model.TokenEmbedding.grad!.clone());
        }
        var (plainLoss, plain) = Step("q8");
        var (loss, compressed) = Step("q8+backward");
        Assert.Equal(plainLoss, loss);
        var difference = (compressed - plain).norm().item<float>() / plain.norm().item<float>();
        Assert.True(difference is > 0 and < 0.2f, $"relative change {difference}");
    }

    [Fact]
    public void CompressedTrainingIsDeterministicAndInferenceCanSwitchCompressionOff()
    {
        double Run(string method)
        {
            using var full = new TransformerWeights(Small, 5);
            using var model = new ShardedTransformer(full, 2, 2,
                new CompressionPlan(CodecSettings.Parse(method, CodecCatalog.FixedRatio(method) ? null : 4),
                    TensorStartLayer: 0), new SeedTree(3));
            using var adam = optim.Adam(model.Parameters, 1e-2);
            var batch = Batch(Small);
            for (var i = 0; i < 3; i++)
            {
                adam.zero_grad();
                model.TrainStep([batch, batch], i);
                adam.step();
            }
            var on = model.Evaluate([batch], compressed: true).Loss;
            var off = model.Evaluate([batch], compressed: false).Loss;
            Assert.NotEqual(on, off);
            return on;
        }
        foreach (var method in new[] { "ae", "randk-ef", "q4", "lowrank", "srht", "ct", "q4+stochastic+rms+backward" })
            Assert.Equal(Run(method), Run(method));
    }
}
