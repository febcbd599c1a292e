using System.Security.Cryptography;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Learning.Determinism;
using Frugal.Scheduling.Iteration;
using TorchSharp;
using static TorchSharp.torch;

namespace Frugal.JigSaw.Tests;

public class SpbTrainerTests
{
    private static (List<SpbBlock> Blocks, ActivationRecorder Recorder) Mlp(ulong seed)
    {
        DeterministicTorch.Configure(new SeedTree(seed));
        var recorder = new ActivationRecorder();
        return (SpbNetworks.Mlp(16, 4, [32, 32, 16], recorder), recorder);
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        using var g = new Generator(99);
        var x = randn(n, 16, generator: g);
        return (x, x.narrow(1, 0, 4).argmax(1));
    }

    private static string Hash(IEnumerable<SpbBlock> blocks)
    {
        using var sha = SHA256.Create();
        foreach (var p in blocks.SelectMany(b => b.parameters()))
        {
            var bytes = p.detach().cpu().data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray();
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexString(sha.Hash!);
    }

    [Fact]
    public void SigmaZeroIsBitwisePlainDataParallelTraining()
    {
        const int workers = 4, b = 8, steps = 6;
        var (x, y) = Data(workers * b * steps);
        var options = new SpbTrainingOptions { Workers = workers, BatchPerWorker = b, Sigma = 0 };

        var (spbBlocks, recorder) = Mlp(5);
        var run = new SpbTrainer.Run(spbBlocks, recorder, options);
        for (var s = 0; s < steps; s++) run.Step(x.narrow(0, s * workers * b, workers * b),
            y.narrow(0, s * workers * b, workers * b));

        // Plain data-parallel SGD with momentum: every worker backpropagates through everything; the mean of the
        // W gradients, summed in worker order.
        var (plain, _) = Mlp(5);
        var velocity = new Dictionary<TorchSharp.Modules.Parameter, Tensor>();
        for (var s = 0; s < steps; s++)
        {
            var sums = new Dictionary<TorchSharp.Modules.Parameter, Tensor>();
            for (var w = 0; w < workers; w++)
            {
                var at = (s * workers + w) * b;
                var h = x.narrow(0, at, b);
                foreach (var block in plain) h = block.call(h);
                nn.functional.cross_entropy(h, y.narrow(0, at, b)).backward();
                foreach (var p in plain.SelectMany(bl => bl.parameters()))
                    sums[p] = sums.TryGetValue(p, out var sum) ? sum.add_(p.grad!) : p.grad!.clone();
                foreach (var block in plain) block.zero_grad();
            }
            using (no_grad())
                foreach (var p in plain.SelectMany(bl => bl.parameters()))
                {
                    var g = sums[p].div_(workers);
                    if (!velocity.TryGetValue(p, out var v)) velocity[p] = v = zeros_like(g);
                    v.mul_(options.Momentum).add_(g);
                    p.sub_(v * options.LearningRate);
                }
        }
        Assert.Equal(Hash(plain), Hash(spbBlocks));
    }

    [Fact]
    public void EachBlocksGradientIsTheMeanOverExactlyItsContributors()
    {
        // Two workers, two blocks, depths (2, 1): block 1 is worker 0's alone, block 2 is both workers' mean.
        DeterministicTorch.Configure(new SeedTree(3));
        var recorder = new ActivationRecorder();
        var blocks = SpbNetworks.Mlp(3, 2, [4], recorder);
        var options = new SpbTrainingOptions { Workers = 2, BatchPerWorker = 2, Rotate = false };
        var run = new SpbTrainer.Run(blocks, recorder, options);
        using var x = tensor(new float[] { 1, 2, 3, -1, 0, 1, 2, 2, -2, 0.5f, -1, 3 }, [4, 3]);
        using var y = tensor(new long[] { 0, 1, 1, 0 });

        var averaged = run.Gradients(x, y, SpbConfig.FromDepths([2, 1], 2)).ToDictionary(p => p.Parameter,
            p => p.Gradient);

        var perWorker = new List<Dictionary<TorchSharp.Modules.Parameter, Tensor>>();
        for (var w = 0; w < 2; w++)
        {
            var h = x.narrow(0, 2 * w, 2);
            foreach (var block in blocks) h = block.call(h);
            nn.functional.cross_entropy(h, y.narrow(0, 2 * w, 2)).backward();
            perWorker.Add(blocks.SelectMany(bl => bl.parameters()).ToDictionary(p => p, p => p.grad!.clone()));
            foreach (var block in blocks) block.zero_grad();
        }
        foreach (var p in blocks[0].parameters())
            Assert.True(averaged[p].allclose(perWorker[0][p], rtol: 0, atol: 1e-7), "block 1: worker 0 alone");
        foreach (var p in blocks[1].parameters())
            Assert.True(averaged[p].allclose((perWorker[0][p] + perWorker[1][p]) / 2, rtol: 0, atol: 1e-7),
                "block 2: the mean of both workers");
        // Block 1's gradient travels nowhere (one contributor); block 2's: 2·(2 − 1)·its bytes.
        Assert.Equal(2.0 * 4 * blocks[1].parameters().Sum(p => p.NumberOfElements), run.AllReducedBytes);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.375)]
    public void MeasuredBackwardFlopsAndActivationsFollowTheCostModelOnTheMlp(double sigma)
    {
        SpbTrainingResult Train(double s) => SpbTrainer.Train(
            new SpbTrainingOptions { Workers = 4, Sigma = s, Epochs = 1, BatchPerWorker = 64 }, new SeedTree(1));
        var full = Train(0);
        var spb = Train(sigma);
        var model = spb.Profile;
        var config = SpbConfig.FromDepths(spb.Depths, model.Depth);
        double Backward(int d) => SpbCostModel.WorkerFlops(model, d, 1) - SpbCostModel.ForwardFlops(model, 1);
        var expectedFlops = config.Depths.Sum(Backward) / (config.Workers * Backward(model.Depth));
        var expectedSaved = config.Depths.Sum(d => SpbCostModel.KeptActivationBytes(model, d, 1))
                            / (config.Workers * SpbCostModel.KeptActivationBytes(model, model.Depth, 1));
        var expectedBytes = SpbCostModel.AllReduceBytes(model, config)
                            / SpbCostModel.AllReduceBytes(model, SpbConfig.Full(config.Workers, model.Depth));
        Assert.InRange(spb.BackwardFlops.Sum() / full.BackwardFlops.Sum(), expectedFlops * 0.95, expectedFlops * 1.05);
        Assert.InRange(spb.SavedActivationBytes.Sum() / full.SavedActivationBytes.Sum(), expectedSaved * 0.95,
            expectedSaved * 1.05);
        Assert.InRange(spb.AllReducedBytes / full.AllReducedBytes, expectedBytes * 0.95, expectedBytes * 1.05);
        Assert.True(expectedFlops < 1);
    }

    [Fact]
    public void OutOfRangeSettingsAreBadInput()
    {
        Assert.Equal("SPB sigma", Assert.Throws<BadInputException>(() =>
            SpbTrainer.Train(new SpbTrainingOptions { Sigma = 2 }, new SeedTree(1))).Setting);
        Assert.Equal("model", Assert.Throws<BadInputException>(() =>
            SpbTrainer.Train(new SpbTrainingOptions { Model = "rnn" }, new SeedTree(1))).Setting);
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("transformer")]
    public void TheOtherNetworksTrainWithSpb(string model)
    {
        var result = SpbTrainer.Train(new SpbTrainingOptions { Model = model, Sigma = 0.375, Epochs = 1 },
            new SeedTree(2));
        Assert.True(result.RealisedSigma > 0);
        Assert.InRange(result.TestAccuracy, 0.2, 1);
    }
}
