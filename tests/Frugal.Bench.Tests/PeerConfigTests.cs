using Frugal.Bench.Targets;
using Tsavorite.core;

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

    /// <summary>As FASTER, in bytes: an index of half the budget, the log memory the rest or, with a read cache, log
    /// and cache a quarter each.</summary>
    [Theory]
    [InlineData(false, 1L << 26, 0L)]
    [InlineData(true, 1L << 25, 1L << 25)]
    public void TsavoriteIsSizedAsFasterInBytes(bool readCache, long logMemory, long cacheMemory)
    {
        using var device = new NullDevice();
        var settings = TsavoriteConfig.For(Anchor, readCache).Settings(device);
        Assert.Equal((64L << 20, logMemory, 1L << 22), (settings.IndexSize, settings.LogMemorySize, settings.PageSize));
        Assert.Equal(readCache, settings.ReadCacheEnabled);
        if (readCache)
            Assert.Equal((cacheMemory, 1L << 22), (settings.ReadCacheMemorySize, settings.ReadCachePageSize));
    }

    [Theory]
    [InlineData(54_000L, false)]
    [InlineData(135_000_000L, true)]
    [InlineData(1L << 30, false)]
    [InlineData((1L << 30) - 1, true)]
    public void TsavoriteStaysWithinTheBudgetWithPagesItAccepts(long bytes, bool readCache)
    {
        var config = TsavoriteConfig.For(new StoreBudget(bytes), readCache);
        Assert.InRange(config.IndexBytes + config.LogMemoryBytes + (config.ReadCacheBytes ?? 0), bytes / 4, bytes);
        Assert.InRange(config.PageBytes, 1L << TsavoriteConfig.MinPageBits, config.LogMemoryBytes / 2);
    }

    [Fact]
    public void TsavoriteGetsItsSmallestPagesWhereTheBudgetIsSmallerStill()
    {
        var config = TsavoriteConfig.For(new StoreBudget(54_000), readCache: true);
        Assert.Equal(1L << TsavoriteConfig.MinPageBits, config.PageBytes);
        Assert.Equal(2 * config.PageBytes, config.LogMemoryBytes);
        Assert.Equal(2 * config.PageBytes, config.ReadCacheBytes);
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

    [Fact]
    public void RocksDbPartitionsItsIndexAndFiltersSoASmallCacheHoldsThem()
    {
        var dir = Directory.CreateTempSubdirectory("frugal-rocksdb-options-");
        try
        {
            using (new RocksDbTarget(dir.FullName, new StoreBudget(54_000))) { }
            // RocksDB writes the options it opened with; the table options are its block-based section.
            var written = File.ReadAllText(Directory.GetFiles(dir.FullName, "OPTIONS-*").Max()!);
            Assert.Contains("index_type=kTwoLevelIndexSearch", written);
            Assert.Contains("partition_filters=true", written);
            Assert.Contains($"metadata_block_size={RocksDbConfig.MetadataBlockBytes}", written);
            Assert.Contains("pin_top_level_index_and_filter=true", written);
            Assert.Contains("cache_index_and_filter_blocks_with_high_priority=true", written);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
