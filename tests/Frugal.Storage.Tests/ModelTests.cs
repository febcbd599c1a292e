using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Xunit.Abstractions;

namespace Frugal.Storage.Tests;

/// <summary>
/// Random operation sequences checked against a Dictionary, with the log spilling to disk and the read cache on.
/// </summary>
public sealed class ModelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, true, IoMode.Buffered)]
    [InlineData(2, true, IoMode.Buffered)]
    [InlineData(3, false, IoMode.Buffered)]
    [InlineData(4, true, IoMode.Direct)]
    public async Task FixedSizeRecordsMatchADictionary(int seed, bool readCache, IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var random = new RandomStream((ulong)seed);
        var model = new Dictionary<long, long>();
        var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path, readCache, io));
        try
        {
            const int keys = 3000;
            for (var op = 0; op < 40_000; op++)
            {
                var key = random.NextInt64(keys);
                switch (random.Next(100))
                {
                    case < 35:
                        var value = random.NextInt64();
                        store.Upsert(key, value);
                        model[key] = value;
                        break;
                    case < 40:
                        store.Delete(key);
                        model.Remove(key);
                        break;
                    case < 55:
                        await store.RmwAsync(key, 3, static (input, current, exists) =>
                            exists ? current + input : 1000 + input);
                        model[key] = model.TryGetValue(key, out var old) ? old + 3 : 1003;
                        break;
                    default:
                        var read = await store.ReadAsync(key);
                        Assert.Equal(model.ContainsKey(key), read.Found);
                        if (read.Found) Assert.Equal(model[key], read.Value);
                        break;
                }
                if (op == 20_000)
                {
                    // Halfway: checkpoint, reopen and carry on against the same model.
                    store.Checkpoint();
                    store.Dispose();
                    store = KvStore<long, long>.Open(SmallStore.Options(dir.Path, readCache, io));
                }
            }
            var stats = store.Stats();
            Assert.True(stats.HeadAddress > stats.BeginAddress, "the log should have spilled to disk");
            Assert.True(stats.PendingOperations > 0);
            Assert.True(stats.HotToColdCompactions > 0, "compaction should have moved records to the cold tier");
            Assert.True(stats.ColdLookups > 0 && stats.MovedBytes > 0);
            if (readCache) Assert.True(stats.ReadCacheHits > 0);
            for (long key = 0; key < keys; key++)
            {
                var read = await store.ReadAsync(key);
                Assert.Equal(model.ContainsKey(key), read.Found);
                if (read.Found) Assert.Equal(model[key], read.Value);
            }
        }
        finally
        {
            store.Dispose();
        }
    }

    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task VariableLengthRecordsMatchADictionary(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var random = new RandomStream(11);
        var model = new Dictionary<string, byte[]>();
        using var store = KvStore.Open(SmallStore.Options(dir.Path, io: io));
        const int keys = 1500;
        byte[] Key(long k) => System.Text.Encoding.UTF8.GetBytes(new string('k', (int)(k % 37)) + k);
        for (var op = 0; op < 20_000; op++)
        {
            var k = random.NextInt64(keys);
            var key = Key(k);
            var name = Convert.ToHexString(key);
            switch (random.Next(100))
            {
                case < 35:
                    var value = new byte[random.Next(0, 300)];
                    random.NextBytes(value);
                    store.Upsert(key, value);
                    model[name] = value;
                    break;
                case < 40:
                    store.Delete(key);
                    model.Remove(name);
                    break;
                case < 50:
                    var suffix = new byte[random.Next(1, 20)];
                    random.NextBytes(suffix);
                    if (model.TryGetValue(name, out var grown) && grown.Length > 1500)
                    {
                        // Keep values within a page: start this one over.
                        store.Delete(key);
                        model.Remove(name);
                    }
                    await store.RmwAsync(key, suffix, new Append());
                    model[name] = model.TryGetValue(name, out var old) ? [.. old, .. suffix] : suffix;
                    break;
                default:
                    var read = await store.GetAsync(key);
                    Assert.Equal(model.TryGetValue(name, out var expected), read is not null);
                    if (read is not null) Assert.Equal(expected, read);
                    break;
            }
        }
        Assert.True(store.Stats().HeadAddress > LogAddress.FirstAddress);
        foreach (var (name, expected) in model)
            Assert.Equal(expected, await store.GetAsync(Convert.FromHexString(name)));
    }

    [Fact]
    public async Task ReadIntoAShortBufferSaysHowLongTheValueIs()
    {
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path));
        store.Upsert("a"u8, new byte[100]);
        var result = await store.ReadAsync("a"u8.ToArray(), new byte[10]);
        Assert.Equal(ReadStatus.BufferTooSmall, result.Status);
        Assert.Equal(100, result.ValueLength);
    }

    [Fact]
    public void OversizedRecordsAreRefusedWithTheLimit()
    {
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path));
        var e = Assert.Throws<ArgumentException>(() => store.Upsert(new byte[10], new byte[5000]));
        Assert.Contains("4096", e.Message);
        Assert.Throws<ArgumentException>(() => store.Upsert(new byte[5000], new byte[1]));
    }

    [Fact]
    public void TheMemoryBudgetIsSplitWithinItself()
    {
        var plan = MemoryPlan.From(new KvStoreOptions { Directory = "unused", MemoryBudget = 512L << 20 });
        Assert.True(plan.TotalBytes <= 512L << 20);
        Assert.Equal(128L << 20, plan.IndexBytes);
        Assert.Equal(64L << 20, plan.ReadCacheBytes);
        Assert.Equal(64L << 20, plan.ColdIndexBytes);
        Assert.Equal(32L << 20, plan.ColdIndexBuckets * HashIndex.BucketBytes);
        Assert.Equal(16L << 20, plan.ColdLogMemoryBytes);
        Assert.Equal(240L << 20, plan.LogMemoryBytes);
        // The hot log spans what its index covers (8 bytes a byte of index), not twice its memory (480 MiB).
        Assert.Equal(1L << 30, plan.HotLogBudget);
        Assert.Equal(8L << 30,
            plan.HotLogBudget + plan.ColdLogBudget
            + ColdIndex.LogBudget(plan.ColdIndexBuckets, plan.ColdIndexFrames, plan.ColdIndexPageBits));
        var noCache = MemoryPlan.From(new KvStoreOptions
        {
            Directory = "unused",
            MemoryBudget = 512L << 20,
            ReadCacheBytes = 0,
        });
        Assert.Equal(0, noCache.ReadCacheBytes);
        Assert.Throws<BadInputException>(
            () => MemoryPlan.From(new KvStoreOptions { Directory = "unused", MemoryBudget = 1000 }));
    }

    [Fact]
    public void TheHotLogBudgetFollowsTheHotIndexButNeverFallsBelowTwiceTheHotLogsMemory()
    {
        // A small index covers less than twice the hot log's memory: the budget keeps the floor.
        var smallIndex = MemoryPlan.From(new KvStoreOptions
        {
            Directory = "unused",
            MemoryBudget = 512L << 20,
            IndexBytes = 16L << 20,
        });
        Assert.Equal(2 * smallIndex.LogMemoryBytes, smallIndex.HotLogBudget);
        // A larger index moves the budget with it, whatever the hot log's memory.
        var largeIndex = MemoryPlan.From(new KvStoreOptions
        {
            Directory = "unused",
            MemoryBudget = 512L << 20,
            IndexBytes = 64L << 20,
            LogMemoryBytes = 16L << 20,
        });
        Assert.Equal(MemoryPlan.HotLogBytesPerIndexByte * largeIndex.IndexBytes, largeIndex.HotLogBudget);
        // A disk budget set below its default caps it at an eighth, as F2's hot-log budget is an eighth of its cold's.
        var smallDisk = MemoryPlan.From(new KvStoreOptions
        {
            Directory = "unused",
            MemoryBudget = 512L << 20,
            IndexBytes = 256L << 20,
            LogMemoryBytes = 64L << 20,
            DiskBudget = 4L << 30,
        });
        Assert.Equal(512L << 20, smallDisk.HotLogBudget);
        var refused = Assert.Throws<BadInputException>(() => MemoryPlan.From(new KvStoreOptions
        {
            Directory = "unused",
            MemoryBudget = 512L << 20,
            HotLogBudget = 2 * (64L << 20) - 1,
            IndexBytes = 256L << 20,
            LogMemoryBytes = 64L << 20,
        }));
        Assert.Equal("hot log budget", refused.Setting);
    }
}
