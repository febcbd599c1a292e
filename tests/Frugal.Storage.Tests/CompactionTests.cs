using Frugal.Core.Randomness;
using Xunit.Abstractions;

namespace Frugal.Storage.Tests;

/// <summary>
/// The cold tier under load: compaction (hot to cold, cold to cold, the cold index's own log)
/// running continuously with tiny budgets while many threads update, read-modify-write and
/// delete — the race F2's own implementation still has open (microsoft/FASTER#944) included.
/// </summary>
public sealed class CompactionTests(ITestOutputHelper output)
{
    /// <summary>Budgets small enough that every tier compacts many times within a test.</summary>
    internal static KvStoreOptions Tiny(string directory, bool reclaim = false, IoMode io = IoMode.Buffered) =>
        SmallStore.Options(directory, io: io) with
        {
            ColdIndexBytes = 8 << 10,
            DiskBudget = 512 << 10,
            CheckpointToReclaim = reclaim,
            CompactionInterval = TimeSpan.FromMilliseconds(1),
        };

    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task ConcurrentRmwsAndDeletesDuringCompactionMatchAModel(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using var store = KvStore<long, long>.Open(Tiny(dir.Path, io: io));
        const int threads = 4, counters = 3000, rounds = 12_000;
        // Run at least this many rounds, and on (up to 5×) until every kind of compaction has run at least once.
        bool AllKindsRan()
        {
            var s = store.Stats();
            return s.HotToColdCompactions > 0 && s.ColdToColdCompactions > 0 && s.ColdIndexCompactions > 0;
        }
        var increments = new long[threads, counters];
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var random = new RandomStream((ulong)t + 500);
            var own = new Dictionary<long, long>();
            for (var i = 0; i < rounds || (i < 5 * rounds && (i % 500 != 0 || !AllKindsRan())); i++)
            {
                // Shared counters, most of them cold: every increment must survive compaction moving them.
                var counter = random.NextInt64(counters);
                await store.RmwAsync(counter, 1, static (input, current, exists) => exists ? current + input : input);
                increments[t, counter]++;

                // Own keys: upsert, delete, RMW and read, checked against this thread's model at once.
                var mine = 1_000_000L * (t + 1) + random.NextInt64(600);
                switch (random.Next(4))
                {
                    case 0:
                        var value = random.NextInt64(1_000_000);
                        store.Upsert(mine, value);
                        own[mine] = value;
                        break;
                    case 1:
                        store.Delete(mine);
                        own.Remove(mine);
                        break;
                    case 2:
                        await store.RmwAsync(mine, 7, static (input, current, exists) =>
                            exists ? current + input : input);
                        own[mine] = own.TryGetValue(mine, out var old) ? old + 7 : 7;
                        break;
                    default:
                        var read = await store.ReadAsync(mine);
                        var expected = own.TryGetValue(mine, out var v);
                        if (read.Found != expected || (expected && read.Value != v))
                            lock (failures) failures.Add($"thread {t} key {mine}: read {read}, " +
                                $"expected {(expected ? v : "absent")}");
                        break;
                }
            }
            for (var k = 0; k < 600; k++)
            {
                var key = 1_000_000L * (t + 1) + k;
                var read = await store.ReadAsync(key);
                var expected = own.TryGetValue(key, out var v);
                if (read.Found != expected || (expected && read.Value != v))
                    lock (failures) failures.Add($"thread {t} key {key} at the end: read {read}, " +
                        $"expected {(expected ? v : "absent")}");
            }
        })));

        Assert.Empty(failures);
        for (long key = 0; key < counters; key++)
        {
            long expected = 0;
            for (var t = 0; t < threads; t++) expected += increments[t, key];
            var read = await store.ReadAsync(key);
            Assert.Equal(expected > 0, read.Found);
            if (expected > 0) Assert.Equal(expected, read.Value);
        }
        var stats = store.Stats();
        Assert.True(stats.HotToColdCompactions > 0, "no hot-to-cold compaction ran");
        Assert.True(stats.ColdToColdCompactions > 0, "no cold-to-cold compaction ran");
        Assert.True(stats.ColdIndexCompactions > 0, "the cold index never compacted its log");
        Assert.True(stats.ColdLookups > 0);
    }

    [Fact]
    public async Task AnUpdateHeavyWorkloadKeepsTheLogsWithinTheDiskBudget()
    {
        using var dir = new TempDirectory();
        var options = Tiny(dir.Path, reclaim: true);
        using var store = KvStore<long, long>.Open(options);
        const int keys = 2000;
        var model = new long[keys];
        var random = new RandomStream(77);
        long peak = 0;
        for (var i = 0; i < 300_000; i++)
        {
            var key = random.NextInt64(keys);
            model[key] = i;
            store.Upsert(key, i);
            if (i % 1000 == 0) peak = Math.Max(peak, store.Stats().LogBytes);
        }
        var stats = store.Stats();
        // 300k updates append ~10 MB; without compaction the logs would span all of it.
        Assert.True(stats.BytesWritten > 4 * options.DiskBudget!.Value, $"only {stats.BytesWritten} bytes written");
        Assert.True(peak < 3 * options.DiskBudget.Value,
            $"the logs spanned {peak} bytes, over the {options.DiskBudget} budget");
        Assert.True(stats.ReclaimedBytes > 4 * options.DiskBudget.Value,
            $"only {stats.ReclaimedBytes} bytes given back");
        Assert.True(stats.AutoCheckpoints > 0);
        var onDisk = DiskUsage.AllocatedBytes(dir.Path);
        Assert.True(onDisk < 3 * options.DiskBudget.Value, $"the files occupy {onDisk} bytes");
        for (long key = 0; key < keys; key++) Assert.Equal(model[key], (await store.ReadAsync(key)).Value);
    }

    [Fact]
    public async Task DeletedKeysStayDeletedAcrossBothTiersAndRecovery()
    {
        using var dir = new TempDirectory();
        const int keys = 4000;
        using (var store = KvStore<long, long>.Open(Tiny(dir.Path)))
        {
            for (long k = 0; k < keys; k++) store.Upsert(k, k);
            // Push the values cold, then delete every third key and push the tombstones cold too.
            for (var pass = 0; pass < 3; pass++)
                for (long k = keys; k < 2 * keys; k++) store.Upsert(k, pass);
            for (long k = 0; k < keys; k += 3) store.Delete(k);
            for (var pass = 0; pass < 3; pass++)
                for (long k = keys; k < 2 * keys; k++) store.Upsert(k, pass);
            WaitForCompaction(store.Bytes, 2);
            store.Checkpoint();
        }
        using var recovered = KvStore<long, long>.Open(Tiny(dir.Path));
        var stats = recovered.Stats();
        Assert.True(stats.ColdTailAddress > stats.ColdBeginAddress);
        for (long k = 0; k < keys; k++)
        {
            var read = await recovered.ReadAsync(k);
            Assert.Equal(k % 3 != 0, read.Found);
            if (read.Found) Assert.Equal(k, read.Value);
        }
    }

    /// <summary>Waits for compaction's signal; the generous timeout only ends a hung test.</summary>
    private static void WaitForCompaction(KvStore store, long rounds) =>
        Assert.True(store.WaitForHotToColdRounds(rounds, TimeSpan.FromMinutes(2)),
            $"fewer than {rounds} hot-to-cold rounds in two minutes");
}

/// <summary>The space files occupy on disk (holes excluded), by du; a du that fails fails the test.</summary>
internal static class DiskUsage
{
    public static long AllocatedBytes(string directory)
    {
        var start = new System.Diagnostics.ProcessStartInfo("du", ["-s", "-B1", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var du = System.Diagnostics.Process.Start(start)!;
        var output = du.StandardOutput.ReadToEnd();
        var error = du.StandardError.ReadToEnd();
        du.WaitForExit();
        Assert.True(du.ExitCode == 0, $"du -s -B1 {directory} failed (exit code {du.ExitCode}): {error}");
        Assert.True(long.TryParse(output.Split('\t')[0], out var bytes), $"du printed '{output}', not a byte count");
        return bytes;
    }
}
