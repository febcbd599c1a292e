using Frugal.Core.Errors;
using Frugal.Scheduling.Iteration;

namespace Frugal.Scheduling.Tests.Iteration;

public class SpbCostModelTests
{
    /// <summary>L uniform blocks: P = 1 byte, F = Bw = Ba = 1 FLOP, A = 1 byte; no static memory.</summary>
    internal static ModelProfile Uniform(int blocks) => new("uniform", 0, 0,
        Enumerable.Range(0, blocks).Select(i => new BlockProfile($"b{i}", 1, 1, 1, 1, 1)).ToArray());

    private static double MeanComputeRatio(ModelProfile model, SpbConfig config) =>
        config.Depths.Average(d => SpbCostModel.WorkerFlops(model, d, 1))
        / SpbCostModel.WorkerFlops(model, model.Depth, 1);

    [Theory]
    [InlineData(1, 1, 0.0)]
    [InlineData(2, 2, 0.25)]
    [InlineData(4, 6, 0.375)]
    [InlineData(8, 14, 0.125)]
    [InlineData(8, 3, 1.0)]
    [InlineData(5, 4, 0.5)]
    public void T2EveryCanonicalDepthVectorCoversEveryBlockAndKeepsOneFullWorker(int workers, int blocks, double sigma)
    {
        for (var cMin = 1; cMin <= workers; cMin++)
        {
            var config = SpbConfig.Canonical(workers, blocks, sigma, cMin);
            Assert.All(config.Coverage, n => Assert.True(n >= cMin));
            Assert.Equal(blocks, config.Depths.Max());
            Assert.All(config.Depths, d => Assert.InRange(d, 1, blocks));
        }
    }

    [Theory]
    [InlineData(2, 0.833333333)]
    [InlineData(4, 0.75)]
    [InlineData(8, 0.708333333)]
    public void T3LinearStaggerComputesTwoWPlusOneOverThreeWOfFull(int workers, double expected)
    {
        // d_w = L(W − w)/W needs L divisible by W. The model also skips the lowest block's input gradient, which the
        // brief's figure ignores: 1 FLOP less per worker, full depth included, so mean (L + 2d − 1) over 3L − 1.
        var blocks = 8 * workers;
        var model = Uniform(blocks);
        var config = SpbConfig.FromDepths(
            Enumerable.Range(0, workers).Select(w => blocks * (workers - w) / workers).ToArray(), blocks);
        Assert.Equal((2.0 * workers + 1) / (3 * workers), expected, 6);
        Assert.Equal((3.0 * blocks * expected - 1) / (3 * blocks - 1), MeanComputeRatio(model, config), 6);
    }

    [Fact]
    public void T4TwoWorkersTwoBlocksHalveTheAllReduceBytes()
    {
        var model = Uniform(2);
        var spb = SpbCostModel.AllReduceBytes(model, SpbConfig.FromDepths([2, 1], 2));
        var full = SpbCostModel.AllReduceBytes(model, SpbConfig.Full(2, 2));
        Assert.Equal(2.0, spb, 12);
        Assert.Equal(4.0, full, 12);
    }

    [Fact]
    public void T4bFourWorkersFourBlocksMatchTheBriefsFigures()
    {
        var model = Uniform(4);
        var spb = SpbConfig.FromDepths([4, 3, 2, 1], 4);
        var full = SpbConfig.Full(4, 4);
        Assert.Equal(0.375, spb.Sigma, 12);
        Assert.Equal([1, 2, 3, 4], spb.Coverage);
        Assert.Equal((0.75 * 12 - 1) / 11, MeanComputeRatio(model, spb), 12); // 0.75 in the T3 convention
        Assert.Equal(0.625, spb.Depths.Average(d => SpbCostModel.KeptActivationBytes(model, d, 1)) / 4, 12);
        Assert.Equal(12, SpbCostModel.AllReduceBytes(model, spb), 12);
        Assert.Equal(24, SpbCostModel.AllReduceBytes(model, full), 12);
        Assert.Equal(23.0 / 6, SpbCostModel.RingSeconds(model, spb, 1, 0), 12);
        Assert.Equal(6.0, SpbCostModel.RingSeconds(model, full, 1, 0), 12);
    }

    [Fact]
    public void RingLatencyCountsTwoStepsPerExtraContributor()
    {
        var model = Uniform(2);
        // Block 1 alone on worker 0: no ring; block 2 over two: 2·1 steps of α.
        Assert.Equal(1 + 2 * 0.5, SpbCostModel.RingSeconds(model, SpbConfig.FromDepths([2, 1], 2), 1, 0.5), 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void T5ComputeMemoryAndBytesNeverGrowWithSigma(int workers)
    {
        var model = SpbProfiles.Default().For("ResNet-50");
        double[] sigmas = [0, 0.05, 0.125, 0.2, 0.25, 0.375, 0.5, 0.75, 1];
        var configs = sigmas.Select(s => SpbConfig.Canonical(workers, model.Depth, s)).ToArray();
        for (var k = 1; k < configs.Length; k++)
        {
            var (before, after) = (configs[k - 1], configs[k]);
            for (var w = 0; w < workers; w++)
            {
                Assert.True(SpbCostModel.WorkerFlops(model, after.Depths[w], 32)
                            <= SpbCostModel.WorkerFlops(model, before.Depths[w], 32));
                Assert.True(SpbCostModel.WorkerMemoryBytes(model, after.Depths[w], 32)
                            <= SpbCostModel.WorkerMemoryBytes(model, before.Depths[w], 32));
                Assert.True(SpbCostModel.BytesSent(model, after, w) <= SpbCostModel.BytesSent(model, before, w));
            }
            Assert.True(SpbCostModel.AllReduceBytes(model, after) <= SpbCostModel.AllReduceBytes(model, before));
        }
    }

    [Fact]
    public void IterationAnchorsComputeAndNetworkToTheMeasuredTimes()
    {
        var model = Uniform(4);
        var timing = new SpbTiming(1, 2, 0.6);
        var full = SpbCostModel.Iteration(model, SpbConfig.Full(4, 4), 1, timing, (1, 0), 0);
        Assert.All(full.ComputeSeconds, t => Assert.Equal(3, t, 12));
        Assert.Equal(0.6, full.NetworkSeconds, 12);
        Assert.Equal(3.6, full.IterationSeconds, 12);
        var spb = SpbCostModel.Iteration(model, SpbConfig.FromDepths([4, 3, 2, 1], 4), 1, timing, (1, 0), 0.5);
        // Depth 1: the weight gradient of one block out of 4 + 3 backward FLOPs.
        Assert.Equal(1 + 2 * 1.0 / 7, spb.ComputeSeconds[3], 12);
        Assert.Equal(0.6 * (23.0 / 6) / 6, spb.NetworkSeconds, 12);
        Assert.Equal(3 + 0.5 * spb.NetworkSeconds, spb.IterationSeconds, 12);
    }

    [Fact]
    public void DepthVectorLeavingABlockUncoveredIsOneLineOfBadInput()
    {
        var e = Assert.Throws<BadInputException>(() => SpbConfig.FromDepths([3, 2], 4));
        Assert.Equal(
            "depth vector (3, 2) leaves block 1 of 4 with 0 contributing workers; every block needs at least 1",
            e.Message);
        Assert.Throws<BadInputException>(() => SpbConfig.FromDepths([4, 4, 1], 4, minContributors: 3));
        Assert.Throws<BadInputException>(() => SpbConfig.FromDepths([5, 1], 4));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void SigmaOutsideZeroToOneIsBadInput(double sigma)
    {
        var e = Assert.Throws<BadInputException>(() => SpbConfig.Canonical(4, 4, sigma));
        Assert.StartsWith("the skipped-backward fraction σ must be from 0 to 1", e.Message);
        Assert.Equal("SPB sigma", e.Setting);
    }

    [Fact]
    public void ProfileMissingABlockFieldNamesFileModelAndField()
    {
        const string json = """
            {"version": 1, "models": [{"name": "ResNet-18", "optimizerStates": 1, "workspaceBytes": 0,
              "blocks": [{"name": "stem", "gradientBytes": 4, "forwardFlops": 1, "weightGradientFlops": 1,
                          "inputGradientFlops": 1}]}]}
            """;
        var e = Assert.Throws<BadInputException>(() => SpbProfiles.Parse(json, "p.json"));
        Assert.Equal("p.json: model 'ResNet-18': block 0: missing field 'activationBytes'", e.Message);
    }

    [Fact]
    public void TheRepositoryProfilesCoverTheFiveShockwaveModels()
    {
        var profiles = SpbProfiles.Default();
        foreach (var family in Workloads.ModelFamily.All)
            Assert.True(profiles.For(family.Name).Depth >= 4);
        // ResNet-50 has 25.56 M parameters and about 7.7 GFLOPs forward per 224x224 image.
        var resnet50 = profiles.For("ResNet-50");
        Assert.InRange(resnet50.Blocks.Sum(b => b.GradientBytes) / 4, 25.5e6, 25.6e6);
        Assert.InRange(SpbCostModel.ForwardFlops(resnet50, 1), 7.6e9, 7.8e9);
    }
}
