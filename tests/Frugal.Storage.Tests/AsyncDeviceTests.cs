using Frugal.Core.Randomness;

namespace Frugal.Storage.Tests;

/// <summary>
/// On Linux the file device completes reads inline; this device completes them later on
/// another thread (as an overlapped or io_uring device would), so the ValueTask paths really
/// suspend and resume, unprotected, while other threads move the log on.
/// </summary>
public sealed class AsyncDeviceTests
{
    private sealed class DeferredReadDevice(string path) : IStorageDevice
    {
        private readonly FileDevice _file = new(path);

        public string Name => _file.Name;
        public long Length => _file.Length;
        public void Write(long position, ReadOnlySpan<byte> data) => _file.Write(position, data);
        public int Read(long position, Span<byte> destination) => _file.Read(position, destination);

        public async ValueTask<int> ReadAsync(long position, Memory<byte> destination)
        {
            await Task.Yield();
            return _file.Read(position, destination.Span);
        }

        public void Flush() => _file.Flush();
        public void Truncate(long length) => _file.Truncate(length);
        public void Dispose() => _file.Dispose();
    }

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
