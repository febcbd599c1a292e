using Frugal.Bench.Targets;

namespace Frugal.Bench.Tests;

public sealed class PeerConfigTests
{
    /// <summary>The anchor run's budget: 1/8 of 10M records of 8 + 100 bytes.</summary>
    private static readonly StoreBudget Anchor = new(10_000_000L * 108 / 8);

    [Fact]
    public void FasterGetsHalfTheBudgetAsIndexAndTheRestAsLogMemory()
    {
        var config = FasterConfig.For(Anchor, readCache: false);
        Assert.Equal(1L << 20, config.Buckets);
        Assert.Equal(26, config.MemoryBits);
        Assert.Equal(22, config.PageBits);
        Assert.Null(config.ReadCacheMemoryBits);
    }

    [Fact]
    public void FasterWithReadCacheSplitsTheLogHalfBetweenLogAndCache()
    {
        var config = FasterConfig.For(Anchor, readCache: true);
        Assert.Equal(1L << 20, config.Buckets);
        Assert.Equal(25, config.MemoryBits);
        Assert.Equal(25, config.ReadCacheMemoryBits);
    }

    [Theory]
    [InlineData(54_000L, false)]
    [InlineData(54_000L, true)]
    [InlineData(135_000_000L, true)]
    [InlineData(1L << 30, false)]
    [InlineData((1L << 30) - 1, true)]
    public void FasterStaysWithinTheBudgetWithAtLeastFourPagesOfLog(long bytes, bool readCache)
    {
        var config = FasterConfig.For(new StoreBudget(bytes), readCache);
        var memory = config.Buckets * 64 + (1L << config.MemoryBits) +
                     (config.ReadCacheMemoryBits is { } bits ? 1L << bits : 0);
        Assert.InRange(memory, bytes / 4, bytes);
        Assert.True(config.MemoryBits - config.PageBits >= 2);
    }

    [Theory]
    [InlineData(135_000_000L)]
    [InlineData(54_000L)]
    public void RocksDbGetsHalfTheBudgetAsBlockCacheAndTwoQuarterMemtables(long bytes)
    {
        var config = RocksDbConfig.For(new StoreBudget(bytes));
        Assert.Equal(bytes / 2, config.BlockCacheBytes);
        Assert.Equal(2, config.WriteBuffers);
        Assert.Equal(bytes / 4, config.WriteBufferBytes);
    }
}
