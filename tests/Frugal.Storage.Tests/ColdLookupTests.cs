namespace Frugal.Storage.Tests;

/// <summary>
/// What a cold lookup costs in device reads (<see cref="StoreStats.ColdIndexReads"/> and
/// <see cref="StoreStats.ColdLogReads"/>): a chunk that a lookup read stays in the cold index's read cache, so the
/// next lookup through it reads only its record; and a missing key whose bits the entry's key filter lacks reads
/// nothing at all.
/// </summary>
public sealed class ColdLookupTests
{
    /// <summary>About one key per cold index entry (2,048 chunks of 32), all of them moved to the cold tier.</summary>
    private const int Keys = 65_536;

    /// <summary>
    /// No hot read cache (a cold hit would be served from it the second time), a cold index with a chunk read cache,
    /// compaction only when the test asks, and a cold log budget large enough that only hot-to-cold rounds run.
    /// </summary>
    private static KvStoreOptions Options(string directory) => SmallStore.Options(directory, readCache: false) with
    {
        ColdIndexBytes = 64 << 10,
        DiskBudget = 64 << 20,
        CompactionInterval = TimeSpan.FromDays(1),
    };

    private static KvStore<long, long> Filled(string directory)
    {
        var store = KvStore<long, long>.Open(Options(directory));
        for (long k = 0; k < Keys; k++)
        {
            store.Upsert(k, k * 7);
            // As the compaction thread would between writes: a writer waits while the hot log spans four budgets.
            if (k % 1000 == 0) store.Bytes.CompactIfDue();
        }
        store.Bytes.CompactIfDue();
        return store;
    }

    /// <summary>The device reads one read of <paramref name="key"/> made in the cold tier: chunk, records.</summary>
    private static async Task<(long Chunk, long Records)> ColdReads(KvStore<long, long> store, long key, long? value)
    {
        var before = store.Stats();
        var lookup = await store.ReadAsync(key);
        var after = store.Stats();
        Assert.Equal(value is not null, lookup.Found);
        if (value is { } v) Assert.Equal(v, lookup.Value);
        Assert.Equal(1, after.ColdLookups - before.ColdLookups);
        return (after.ColdIndexReads - before.ColdIndexReads, after.ColdLogReads - before.ColdLogReads);
    }

    [Fact]
    public async Task AColdHitThroughACachedChunkReadsOnlyItsRecord()
    {
        using var dir = new TempDirectory();
        using var store = Filled(dir.Path);
        Assert.Equal(2048, store.Stats().ColdIndexChunks);
        var firstInChain = 0;
        // Keys of the first half: long moved out of the hot log and the cold log's memory.
        for (long k = 0; k < Keys / 2; k += 97)
        {
            var first = await ColdReads(store, k, k * 7);
            Assert.InRange(first.Chunk, 0, 1);
            Assert.True(first.Records >= 1, $"key {k}: its record should have come from the device");
            if (first.Records != 1) continue; // other keys of its entry lie in front of it
            firstInChain++;
            Assert.Equal((0, 1), await ColdReads(store, k, k * 7));
        }
        // About one key per entry: most keys head their chain.
        Assert.True(firstInChain > Keys / 2 / 97 / 2, $"only {firstInChain} keys headed their chain");
    }

    [Fact]
    public async Task AMissingKeyTheFilterRulesOutReadsNothing()
    {
        using var dir = new TempDirectory();
        using var store = Filled(dir.Path);
        const int missing = 1000;
        long records = 0, walked = 0;
        for (long k = 0; k < missing; k++)
        {
            var key = 1_000_000_000 + k * 13;
            await ColdReads(store, key, value: null);
            var again = await ColdReads(store, key, value: null);
            Assert.Equal(0, again.Chunk);
            records += again.Records;
            if (again.Records > 0) walked++;
        }
        // Without the filter a missing key walks its whole chain: about one record on average here. With it, only
        // the few whose two bits happen to be set in a non-empty entry do.
        Assert.True(walked < missing / 10, $"{walked} of {missing} missing keys walked a chain ({records} reads)");
        var stats = store.Stats();
        Assert.Equal((double)(stats.ColdIndexReads + stats.ColdLogReads) / stats.ColdLookups,
            stats.DeviceReadsPerColdLookup);
    }
}
