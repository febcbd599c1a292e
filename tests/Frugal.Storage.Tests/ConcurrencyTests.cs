namespace Frugal.Storage.Tests;

/// <summary>Many threads on one small store (spilling to disk, read cache on), checked key by key.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ConcurrentRmwsLoseNoIncrementAndOwnWritesAreReadBack()
    {
        using var dir = new TempDirectory();
        using var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path));
        const int threads = 4, sharedKeys = 500, rounds = 6000;
        var increments = new long[threads, sharedKeys];
        var failures = new List<string>();

        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var random = new Frugal.Core.Randomness.RandomStream((ulong)t + 100);
            var own = new Dictionary<long, long>();
            for (var i = 0; i < rounds; i++)
            {
                // Shared counters: every thread adds 1 to random keys.
                var shared = random.NextInt64(sharedKeys);
                await store.RmwAsync(shared, 1, static (input, current, exists) => exists ? current + input : input);
                increments[t, shared]++;

                // Private keys: a thread must always read its own latest write.
                var mine = 1_000_000L * (t + 1) + random.NextInt64(400);
                if (random.Next(2) == 0)
                {
                    var value = random.NextInt64();
                    store.Upsert(mine, value);
                    own[mine] = value;
                }
                else
                {
                    var read = await store.ReadAsync(mine);
                    var expected = own.TryGetValue(mine, out var v);
                    if (read.Found != expected || (expected && read.Value != v))
                        lock (failures) failures.Add($"thread {t} key {mine}: read {read}, " +
                            $"expected {(expected ? v : "absent")}");
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        for (long key = 0; key < sharedKeys; key++)
        {
            long expected = 0;
            for (var t = 0; t < threads; t++) expected += increments[t, key];
            var read = await store.ReadAsync(key);
            Assert.Equal(expected > 0, read.Found);
            if (expected > 0) Assert.Equal(expected, read.Value);
        }
        var stats = store.Stats();
        Assert.True(stats.HeadAddress > stats.BeginAddress, "the log should have spilled to disk");
    }

    [Fact]
    public async Task ConcurrentCheckpointsRecoverEveryKeyToAValueItHeld()
    {
        using var dir = new TempDirectory();
        const int keys = 2000;
        using (var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path)))
        {
            for (long k = 0; k < keys; k++) store.Upsert(k, k * 10);
            using var stop = new CancellationTokenSource();
            // Writers only ever raise a key's value, in steps of 10 from k*10: any recovered value must be of that
            // form.
            var writers = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
            {
                var random = new Frugal.Core.Randomness.RandomStream((ulong)t);
                while (!stop.IsCancellationRequested)
                    await store.RmwAsync(random.NextInt64(keys), 10, static (input, current, exists) =>
                        current + input * 1000);
            })).ToArray();
            for (var i = 0; i < 5; i++) store.Checkpoint();
            stop.Cancel();
            await Task.WhenAll(writers);
        }
        using var recovered = KvStore<long, long>.Open(SmallStore.Options(dir.Path));
        Assert.Equal(5, recovered.Bytes.Recovery.CheckpointSequence);
        for (long k = 0; k < keys; k++)
        {
            var read = await recovered.ReadAsync(k);
            Assert.True(read.Found);
            Assert.True(read.Value >= k * 10 && (read.Value - k * 10) % 10_000 == 0, $"key {k}: {read.Value}");
        }
    }

    [Fact]
    public async Task ConcurrentGrowingValuesKeepEveryAppend()
    {
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path));
        const int threads = 3, keys = 40, appendsPerThread = 1500;
        var appended = new int[threads, keys];
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var random = new Frugal.Core.Randomness.RandomStream((ulong)t + 7);
            for (var i = 0; i < appendsPerThread; i++)
            {
                var key = random.Next(keys);
                // Each append is one byte naming the thread: values grow, so updates move to the tail
                // and in-place writers must notice the sealed old copy.
                await store.RmwAsync(BitConverter.GetBytes(key), new[] { (byte)t }, new Append());
                appended[t, key]++;
            }
        })));
        for (var key = 0; key < keys; key++)
        {
            var value = await store.GetAsync(BitConverter.GetBytes(key));
            for (var t = 0; t < threads; t++)
                Assert.Equal(appended[t, key], value?.Count(b => b == t) ?? 0);
        }
    }
}
