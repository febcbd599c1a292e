using Frugal.Core.Randomness;

namespace Frugal.Storage.Tests;

/// <summary>
/// Reads and RMWs whose device reads complete later on another thread (<see cref="DeferredReadDevice"/>).
/// </summary>
public sealed class AsyncDeviceTests
{
    [Fact]
    public async Task SuspendedReadsAndRmwsStayConsistentUnderConcurrentWrites()
    {
        using var dir = new TempDirectory();
        using var store = new KvStore(
            SmallStore.Options(dir.Path), RecordShape.Variable, (path, _) => new DeferredReadDevice(path));
        const int threads = 3, keys = 800, rounds = 2500;
        var increments = new long[threads, keys];
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var random = new RandomStream((ulong)t + 40);
            var filler = new byte[120];
            for (var i = 0; i < rounds; i++)
            {
                var key = random.Next(keys);
                await store.RmwAsync(BitConverter.GetBytes(key), BitConverter.GetBytes(1L), new AddInt64());
                increments[t, key]++;
                // Unrelated writes push the counters out of memory, so later RMWs and reads go to the device.
                store.Upsert(BitConverter.GetBytes(1_000_000 + random.Next(5000)), filler);
            }
        })));
        var stats = store.Stats();
        Assert.True(stats.PendingOperations > 0, "some operations should have waited for the device");
        for (var key = 0; key < keys; key++)
        {
            long expected = 0;
            for (var t = 0; t < threads; t++) expected += increments[t, key];
            var value = await store.GetAsync(BitConverter.GetBytes(key));
            Assert.Equal(expected > 0, value is not null);
            if (value is not null) Assert.Equal(expected, BitConverter.ToInt64(value));
        }
    }
}
