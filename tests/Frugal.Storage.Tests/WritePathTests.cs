namespace Frugal.Storage.Tests;

/// <summary>
/// The write path: updates in the mutable region land in place (and survive a checkpoint), compaction reads each cold
/// index chunk once per batch of records it moves, and writers are slowed gradually rather than stopped (and the sleeps
/// counted).
/// </summary>
public sealed class WritePathTests
{
    [Fact]
    public async Task AnUpdateInTheMutableRegionLandsInPlaceAndSurvivesRecovery()
    {
        using var dir = new TempDirectory();
        var options = SmallStore.Options(dir.Path) with { CompactionInterval = TimeSpan.FromDays(1) };
        using (var store = KvStore<long, long>.Open(options))
        {
            for (long k = 0; k < 100; k++) store.Upsert(k, k);
            var tail = store.Stats().TailAddress;
            for (long k = 0; k < 100; k++) store.Upsert(k, k + 1000);
            await store.RmwAsync(7, 5, static (input, current, exists) => exists ? current + input : input);
            Assert.Equal(tail, store.Stats().TailAddress);
            store.Checkpoint();
        }
        using var reopened = KvStore<long, long>.Open(options);
        for (long k = 0; k < 100; k++)
        {
            var read = await reopened.ReadAsync(k);
            Assert.True(read.Found, $"key {k}");
            Assert.Equal(k == 7 ? 1012 : k + 1000, read.Value);
        }
    }

    [Fact]
    public async Task ALoadPastTwiceTheHotLogsMemoryButWithinItsIndexsCoverageMovesNothingAndSurvivesReopen()
    {
        using var dir = new TempDirectory();
        // The default hot-log budget: 8 x 16 KiB of index = 128 KiB, where twice the memory would be 64 KiB.
        var options = SmallStore.Options(dir.Path) with
        {
            HotLogBudget = null,
            CompactionInterval = TimeSpan.FromDays(1),
        };
        var plan = MemoryPlan.From(options);
        Assert.Equal(128 << 10, plan.HotLogBudget);
        using (var store = KvStore<long, long>.Open(options))
        {
            // 2,500 records of 40 bytes: about 100 KiB of log, past twice the memory, within the budget.
            for (long k = 0; k < 2500; k++) store.Upsert(k, -k);
            store.Bytes.CompactIfDue();
            var stats = store.Stats();
            Assert.True(stats.TailAddress - stats.BeginAddress > 2 * plan.LogMemoryBytes);
            Assert.Equal(0, stats.HotToColdCompactions);
            store.Checkpoint();
        }
        using var reopened = KvStore<long, long>.Open(options);
        for (long k = 0; k < 2500; k++)
        {
            var read = await reopened.ReadAsync(k);
            Assert.True(read.Found, $"key {k}");
            Assert.Equal(-k, read.Value);
        }
    }

    [Fact]
    public void AHotToColdRoundReadsEachChunkOncePerBatchNotOncePerKey()
    {
        using var dir = new TempDirectory();
        // Four chunks of 32 entries, so 4,000 keys touch every entry of every chunk in one round.
        var options = SmallStore.Options(dir.Path) with
        {
            ColdIndexBytes = 128,
            DiskBudget = 64 << 20,
            CompactionInterval = TimeSpan.FromDays(1),
        };
        using var store = KvStore<long, long>.Open(options);
        for (long k = 0; k < 4000; k++) store.Upsert(k, k);
        var readsBefore = store.Bytes.ColdIndexReads;
        store.Bytes.CompactIfDue();

        var stats = store.Stats();
        Assert.True(stats.HotToColdCompactions > 0);
        // At most one batch per round plus one per full batch of moved records (each at least 24 bytes).
        var batches = stats.HotToColdCompactions + stats.MovedBytes / 24 / LiveBatch.Capacity;
        Assert.InRange(store.Bytes.ColdIndexReads - readsBefore, 1, batches * stats.ColdIndexChunks);
    }

    [Fact]
    public async Task ARoundMovingRecordsToEntriesKnownEmptyReadsNoChunkUntilTheStoreIsReopened()
    {
        using var dir = new TempDirectory();
        // 16 chunks, 512 entries, all known empty in a created store; one round moves about 800 of 2,000 keys (those
        // sharing an entry chain through each other within the round, no read needed).
        var options = SmallStore.Options(dir.Path) with
        {
            ColdIndexBytes = 512,
            DiskBudget = 64 << 20,
            CompactionInterval = TimeSpan.FromDays(1),
        };
        using (var store = KvStore<long, long>.Open(options))
        {
            for (long k = 0; k < 2000; k++) store.Upsert(k, k);
            var readsBefore = store.Bytes.ColdIndexReads;
            store.Bytes.CompactIfDue();
            Assert.True(store.Stats().HotToColdCompactions > 0);
            Assert.True(store.Stats().MovedBytes > 0);
            Assert.Equal(0, store.Bytes.ColdIndexReads - readsBefore);
            store.Checkpoint();
        }
        using var reopened = KvStore<long, long>.Open(options);
        // Reopened, no entry is known empty: the chain heads of moved records are read from their chunks.
        for (long k = 2000; k < 4000; k++) reopened.Upsert(k, k);
        var before = reopened.Bytes.ColdIndexReads;
        reopened.Bytes.CompactIfDue();
        Assert.True(reopened.Bytes.ColdIndexReads - before > 0);
        for (long k = 0; k < 4000; k++)
        {
            var read = await reopened.ReadAsync(k);
            Assert.True(read.Found, $"key {k}");
            Assert.Equal(k, read.Value);
        }
    }

    [Fact]
    public void WritersArePacedDownInProportionBetweenTwoAndAHalfAndFourBudgetsAndWaitOnlyPastFour()
    {
        const long budget = 1 << 20;
        Assert.Equal(1, KvStore.PaceFraction(budget, budget));
        Assert.Equal(1, KvStore.PaceFraction(5 * budget / 2, budget));
        Assert.Equal(0.75, KvStore.PaceFraction(23 * budget / 8, budget));
        Assert.Equal(0.5, KvStore.PaceFraction(13 * budget / 4, budget));
        Assert.Equal(0.25, KvStore.PaceFraction(29 * budget / 8, budget));
        Assert.Equal(0, KvStore.PaceFraction(4 * budget, budget));
        Assert.Equal(0, KvStore.PaceFraction(5 * budget, budget));
    }

    [Fact]
    public void TheStatisticsCountTheMillisecondsWritersSleptForBackpressure()
    {
        using var dir = new TempDirectory();
        var options = SmallStore.Options(dir.Path) with { CompactionInterval = TimeSpan.FromDays(1) };
        using var store = KvStore<long, long>.Open(options);
        var budget = store.Stats().Plan.HotLogBudget;
        long key = 0;
        // Up to 3.5 budgets, short of the 4 at which a writer waits for a round that, with compaction held off, never
        // comes.
        while (store.Stats() is var stats && stats.TailAddress - stats.BeginAddress < 5 * budget / 2)
            store.Upsert(key++, key);
        Assert.Equal(0, store.Stats().ThrottleSleeps);
        while (store.Stats() is var stats && stats.TailAddress - stats.BeginAddress < 7 * budget / 2)
            store.Upsert(key++, key);
        Assert.True(store.Stats().ThrottleSleeps > 0);
    }
}
