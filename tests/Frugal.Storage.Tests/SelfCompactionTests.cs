namespace Frugal.Storage.Tests;

/// <summary>
/// The chunk store's way of compacting: into its own tail. Its stale records are found with their device reads in
/// flight together, not one synchronous read each (on the direct device those held the compaction thread, and with
/// it every hot-to-cold round, for seconds), and in a direct-mapped store (the chunk store is one) without any read.
/// </summary>
public sealed class SelfCompactionTests
{
    private const int Keys = 600, Versions = 4;

    [Fact]
    public void StaleRecordsAreFoundWithReadsInFlightAndEveryKeyKeepsItsNewestValue()
    {
        using var dir = new TempDirectory();
        var device = new CountingDevice(dir.Sub(KvStore.LogFileName));
        var layout = new LogStoreLayout(dir.Path, IndexBuckets: 4096, PageBits: 12, Frames: 4, MutableFraction: 0.5,
            ReadCacheFrames: 0, SecondChanceFraction: 0);
        using var store = new LogStore(layout, new Epoch(), _ => device, storeId: 7, checksums: true);
        store.Create();
        // Four versions of every key: most of the log is old versions whose newer version is on the device too.
        for (var version = 0; version < Versions; version++)
            for (var key = 0; key < Keys; key++)
                store.Upsert(BitConverter.GetBytes(key), Value(key, version));
        var span = store.Log.TailAddress - store.Log.BeginAddress;
        var (syncReads, asyncReads) = (device.SyncReads, device.AsyncReads);

        store.CompactIntoItselfIfDue(span * 3 / 4);

        Assert.Equal(1, store.SelfCompactions);
        Assert.True(store.Log.BeginAddress > layout.LogMemoryBytes, $"Begin {store.Log.BeginAddress}");
        // Each stale test read its newer record asynchronously; the full (synchronous) test ran only for the few
        // records not found stale, whose newest version is the head of their chain.
        Assert.True(device.AsyncReads - asyncReads > Keys, $"{device.AsyncReads - asyncReads} asynchronous reads");
        Assert.True(device.SyncReads - syncReads < Keys / 20, $"{device.SyncReads - syncReads} synchronous reads");
        Assert.True(device.MaxInFlight > 1, $"at most {device.MaxInFlight} read in flight");
        for (var key = 0; key < Keys; key++)
            Assert.Equal(Value(key, Versions - 1), Read(store, BitConverter.GetBytes(key)));
    }

    [Fact]
    public void ADirectMappedStoreTellsStaleRecordsWithoutReadingTheirNewerVersions()
    {
        using var dir = new TempDirectory();
        var device = new CountingDevice(dir.Sub(KvStore.LogFileName));
        var layout = DirectMappedLayout(dir.Path);
        using var store = new LogStore(layout, new Epoch(), _ => device, storeId: 7, checksums: true);
        store.Create();
        for (var version = 0; version < Versions; version++)
            for (var key = 0; key < Keys; key++)
                store.Upsert(BitConverter.GetBytes((long)key), Value(key, version));
        var begin = store.Log.BeginAddress;
        var span = store.Log.TailAddress - begin;
        var (syncReads, asyncReads) = (device.SyncReads, device.AsyncReads);

        store.CompactIntoItselfIfDue(span * 3 / 4);

        Assert.Equal(1, store.SelfCompactions);
        Assert.True(store.Log.BeginAddress > layout.LogMemoryBytes, $"Begin {store.Log.BeginAddress}");
        // The scan's page reads and nothing else: no stale record had its newer version read.
        var pages = (store.Log.BeginAddress - begin) / store.Log.PageSize + 1;
        Assert.InRange(device.AsyncReads - asyncReads, 1, pages);
        Assert.Equal(syncReads, device.SyncReads);
        for (var key = 0; key < Keys; key++)
            Assert.Equal(Value(key, Versions - 1), Read(store, BitConverter.GetBytes((long)key)));
    }

    [Theory]
    [InlineData(1024L)]
    [InlineData(-1L)]
    public void ADirectMappedStoreRefusesAKeyWithoutASlot(long key)
    {
        using var dir = new TempDirectory();
        var layout = DirectMappedLayout(dir.Path);
        using var store = new LogStore(layout, new Epoch(), path => new FileDevice(path), storeId: 7,
            checksums: true);
        store.Create();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => store.Upsert(BitConverter.GetBytes(key), [1]));
        Assert.Contains("below 1024", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Upsert([1, 2, 3, 4], [1]));
    }

    /// <summary>256 buckets: keys 0 to 1,023, each with a slot of its own, as the cold index's chunk store.</summary>
    private static LogStoreLayout DirectMappedLayout(string directory) =>
        new(directory, IndexBuckets: 256, PageBits: 12, Frames: 4, MutableFraction: 0.5, ReadCacheFrames: 0,
            SecondChanceFraction: 0, DirectMapped: true);

    private static byte[] Value(int key, int version) =>
        [.. Enumerable.Range(0, 100).Select(i => (byte)(key * 7 + version * 31 + i))];

    private static byte[] Read(LogStore store, byte[] key)
    {
        var value = new byte[100];
        var status = store.TryRead(key, value, out var length, out var pending);
        if (status == OpStatus.Pending)
        {
            var result = store.ReadFromDeviceAsync(key, value, pending).AsTask().GetAwaiter().GetResult();
            Assert.True(result.Found);
            length = result.ValueLength;
        }
        else Assert.Equal(OpStatus.Done, status);
        return value[..length];
    }

    /// <summary>A file device whose asynchronous reads complete on another thread, counting reads in flight.</summary>
    private sealed class CountingDevice(string path) : IStorageDevice
    {
        private readonly FileDevice _file = new(path);
        private int _inFlight;
        private int _maxInFlight;
        private int _syncReads;
        private int _asyncReads;

        public int SyncReads => Volatile.Read(ref _syncReads);
        public int AsyncReads => Volatile.Read(ref _asyncReads);
        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public string Name => _file.Name;
        public long Length => _file.Length;
        public void Write(long position, ReadOnlySpan<byte> data) => _file.Write(position, data);

        public int Read(long position, Span<byte> destination)
        {
            Interlocked.Increment(ref _syncReads);
            return _file.Read(position, destination);
        }

        public async ValueTask<int> ReadAsync(long position, Memory<byte> destination)
        {
            Interlocked.Increment(ref _asyncReads);
            var now = Interlocked.Increment(ref _inFlight);
            for (var max = _maxInFlight; now > max; max = _maxInFlight)
                Interlocked.CompareExchange(ref _maxInFlight, now, max);
            try
            {
                await Task.Delay(1).ConfigureAwait(false);
                return _file.Read(position, destination.Span);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public void Flush() => _file.Flush();
        public void Truncate(long length) => _file.Truncate(length);
        public void Dispose() => _file.Dispose();
    }
}
