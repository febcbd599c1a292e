namespace Frugal.Storage.Tests;

/// <summary>
/// A hot-to-cold round gathers its prepends and writes each cold index chunk once, and the chains it builds stay whole
/// when many keys of one round share an entry, through a checkpoint and a reopening.
/// </summary>
public sealed class ColdIndexWriteTests
{
    private const int Keys = 4000;

    /// <summary>
    /// Four chunks of 32 entries (the smallest cold index), so about 31 keys share each entry; compaction when the
    /// test asks; a cold log budget large enough that only hot-to-cold rounds run.
    /// </summary>
    private static KvStoreOptions Options(string directory) => SmallStore.Options(directory) with
    {
        ColdIndexBytes = 128,
        DiskBudget = 64 << 20,
        CompactionInterval = TimeSpan.FromDays(1),
    };

    [Fact]
    public void ARoundWritesEachChunkOnceHoweverManyRecordsItMoves()
    {
        using var dir = new TempDirectory();
        using var store = KvStore<long, long>.Open(Options(dir.Path));
        for (long k = 0; k < Keys; k++) store.Upsert(k, k * 7);
        var writesBefore = store.Bytes.ColdIndexWrites;
        store.Bytes.CompactIfDue();

        var stats = store.Stats();
        var rounds = stats.HotToColdCompactions;
        Assert.InRange(rounds, 1, 8);
        Assert.Equal(0, stats.ColdToColdCompactions);
        Assert.True(stats.MovedBytes > 1000 * 24, $"only {stats.MovedBytes} bytes moved");
        Assert.Equal(4, stats.ColdIndexChunks);
        Assert.InRange(store.Bytes.ColdIndexWrites - writesBefore, rounds, rounds * stats.ColdIndexChunks);
    }

    [Fact]
    public async Task ARoundGatheringMoreEntriesThanADictionaryOfItsMemoryHeldStillWritesEachChunkOnce()
    {
        using var dir = new TempDirectory();
        // 4 buckets: 16 chunks, 512 entries, in 256 + 4 x 4 KiB = 16,640 bytes of cold index memory, which held 346
        // gathered entries as a dictionary (48 bytes each: the address in the chunk, the head, the key filter) and
        // holds 777 as 16-byte slots (after the 64 bytes of the bitmap of empty entries). A round of half the hot log
        // budget moves about 3,000 records, touching nearly every entry.
        var options = Options(dir.Path) with { ColdIndexBytes = 512, HotLogBudget = 256 << 10 };
        using var store = KvStore<long, long>.Open(options);
        for (long k = 0; k < 8000; k++) store.Upsert(k, k * 7);
        var writesBefore = store.Bytes.ColdIndexWrites;
        store.Bytes.CompactIfDue();

        var stats = store.Stats();
        Assert.Equal(16, stats.ColdIndexChunks);
        Assert.Equal(1, stats.HotToColdCompactions);
        Assert.True(stats.MovedBytes > 2000 * 40, $"only {stats.MovedBytes} bytes moved");
        Assert.InRange(store.Bytes.ColdIndexWrites - writesBefore, 1, stats.ColdIndexChunks);
        for (long k = 0; k < 8000; k++)
        {
            var read = await store.ReadAsync(k);
            Assert.True(read.Found, $"key {k}");
            Assert.Equal(k * 7, read.Value);
        }
    }

    [Fact]
    public async Task KeysSharingEntriesStayReadableThroughRoundsCheckpointAndReopening()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore<long, long>.Open(Options(dir.Path)))
        {
            for (long k = 0; k < Keys; k++) store.Upsert(k, k * 7);
            for (long k = 0; k < Keys; k += 5) store.Delete(k);
            store.Bytes.CompactIfDue();
            Assert.True(store.Stats().HotToColdCompactions > 0);
            await AssertHolds(store, updated: false);

            // A second generation in front of the first: every third key updated, then pushed cold by new keys (in
            // steps, as the compaction thread would run between them: a writer waits while the hot log spans four
            // budgets).
            for (long k = 0; k < Keys; k += 3) store.Upsert(k, k * 11);
            store.Bytes.CompactIfDue();
            for (long k = Keys; k < 3 * Keys; k++)
            {
                store.Upsert(k, k * 7);
                if (k % 1000 == 0) store.Bytes.CompactIfDue();
            }
            store.Bytes.CompactIfDue();
            await AssertHolds(store, updated: true);
            store.Checkpoint();
        }
        using (var reopened = KvStore<long, long>.Open(Options(dir.Path)))
            await AssertHolds(reopened, updated: true);
    }

    private static async Task AssertHolds(KvStore<long, long> store, bool updated)
    {
        for (long k = 0; k < Keys; k++)
        {
            var read = await store.ReadAsync(k);
            if (updated && k % 3 == 0)
            {
                Assert.True(read.Found, $"key {k}");
                Assert.Equal(k * 11, read.Value);
            }
            else
            {
                Assert.Equal(k % 5 != 0, read.Found);
                if (read.Found) Assert.Equal(k * 7, read.Value);
            }
        }
    }
}
