using Frugal.Recsys.Cluster;
using Frugal.Recsys.Lookahead;
using Frugal.Recsys.Model;

namespace Frugal.Recsys.Tests;

/// <summary>§6.6 checks 1–3: every mode trains the same model bit for bit, per iteration and at the end.</summary>
public class EquivalenceTests
{
    internal static RunConfig Small(RecsysMode mode, int trainers, int lookahead = 8, bool noSync = true,
        int interval = 0, ModelKind model = ModelKind.Dlrm) => new()
        {
            Mode = mode, Trainers = trainers, Lookahead = lookahead, NoSync = noSync, Interval = interval,
            Cardinalities = [6, 40, 300, 2000], Model = new ModelConfig(model, Dim: 4, Hidden: 8),
            BatchSize = 16, Iterations = 24, Seed = 5, TimeoutSeconds = 20,
        };

    private static RunReport Run(RunConfig config) => RecsysCluster.RunAsync(config).GetAwaiter().GetResult();

    private static void AssertSame(RunReport expected, RunReport actual)
    {
        Assert.Equal(expected.Losses, actual.Losses);
        Assert.Equal(expected.DenseHash, actual.DenseHash);
        Assert.Equal(expected.TablesHash, actual.TablesHash);
    }

    [Fact]
    public void SyncTwiceGivesTheSameParameters()
    {
        var a = Run(Small(RecsysMode.Sync, 2));
        var b = Run(Small(RecsysMode.Sync, 2));
        AssertSame(a, b);
        Assert.True(a.Losses.All(float.IsFinite));
        Assert.NotEqual(a.Losses[0], a.Losses[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void BagpipeAndLruMatchSyncBitForBit(int trainers)
    {
        var reference = Run(Small(RecsysMode.Sync, trainers));
        AssertSame(reference, Run(Small(RecsysMode.Lru, trainers)));
        foreach (var lookahead in new[] { 2, 8, 50, 200 })
            foreach (var noSync in new[] { true, false })
                AssertSame(reference, Run(Small(RecsysMode.Bagpipe, trainers, lookahead, noSync)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void FoldedDeferredRowsTakeOnePassPerIteration(int trainers)
    {
        var config = Small(RecsysMode.Bagpipe, trainers);
        var report = Run(config);
        Assert.True(report.Trainers.Sum(t => t.DeferredRows) > 0);
        Assert.All(report.Trainers, t => Assert.Equal(config.Iterations, t.RingPasses));
        var background = Run(config with { FoldDeferred = false });
        Assert.All(background.Trainers, t => Assert.True(t.RingPasses > config.Iterations));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(8, false)]
    [InlineData(50, true)]
    public void DeferredRowsInABackgroundPassMatchSyncBitForBit(int lookahead, bool noSync)
    {
        var reference = Run(Small(RecsysMode.Sync, 2));
        AssertSame(reference, Run(Small(RecsysMode.Bagpipe, 2, lookahead, noSync) with { FoldDeferred = false }));
    }
}

public class CacheInvariantTests
{
    [Theory]
    [InlineData(8, 1)]
    [InlineData(8, 3)]
    [InlineData(9, 5)]
    public async Task OtherIntervalsKeepTheInvariantsAndTheBits(int lookahead, int interval)
    {
        var reference = await RecsysCluster.RunAsync(EquivalenceTests.Small(RecsysMode.Sync, 2, model: ModelKind.Dcn));
        var report = await RecsysCluster.RunAsync(
            EquivalenceTests.Small(RecsysMode.Bagpipe, 2, lookahead, interval: interval, model: ModelKind.Dcn));
        Assert.Equal(reference.ParameterHash, report.ParameterHash);
        Assert.Equal(reference.Losses, report.Losses);
        // The oracle has checked that the server got one write-back per row lifetime; the caches stayed in bounds.
        Assert.All(report.Trainers, t => Assert.InRange(t.MaxOccupancy, 1, report.Config.Capacity));
        Assert.Equal(report.CacheBound, report.Config.Capacity);
        Assert.True(report.Trainers.Sum(t => t.UnsynchronisedRows) > 0);
    }

    [Fact]
    public async Task ACapacityBelowTheDryRunsBoundIsRefusedNamingIt()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 1);
        var (bound, _) = OracleNode.DryRun(config);
        var e = await Assert.ThrowsAsync<Core.Errors.BadInputException>(
            () => RecsysCluster.RunAsync(config with { Capacity = bound - 1 }));
        Assert.Contains($"needs {bound} rows", e.Message);
    }

    [Fact]
    public void AnIntervalTooLongForTheLookaheadIsRefused() =>
        Assert.Equal("prefetch interval", Assert.Throws<Core.Errors.BadInputException>(
            () => EquivalenceTests.Small(RecsysMode.Bagpipe, 1, 8, interval: 5).Validate()).Setting);
}
