using Frugal.Core.Randomness;
using Xunit.Abstractions;

namespace Frugal.Storage.Tests;

/// <summary>
/// Whether the temp folder's file system takes O_DIRECT (tmpfs, for one, may refuse it). xunit 2 has no skip at run
/// time, so a test that needs it prints the reason and returns.
/// </summary>
internal static class DirectIo
{
    public static readonly string? Refusal = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "direct I/O is Linux only";
        using var dir = new TempDirectory();
        try
        {
            using var device = new DirectDevice(dir.Sub("probe"));
            return null;
        }
        catch (Exception e) when (e is StorageException or Frugal.Core.Errors.BadInputException)
        {
            return e.Message;
        }
    }

    /// <summary>False, after printing why, where the temp folder refuses O_DIRECT.</summary>
    public static bool Available(ITestOutputHelper output)
    {
        if (Refusal is null) return true;
        output.WriteLine($"skipped: {Path.GetTempPath()} refuses direct I/O ({Refusal})");
        return false;
    }
}

public sealed class DirectDeviceTests(ITestOutputHelper output)
{
    [Fact]
    public void UnalignedWritesAndReadsRoundTripByteForByteWithoutTouchingTheirNeighbours()
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var path = dir.Sub("log");
        var model = new List<byte>();
        var random = new RandomStream(7);
        using (var device = new DirectDevice(path))
        {
            Assert.True(device.Alignment >= 512 && (device.Alignment & (device.Alignment - 1)) == 0);
            // Appends of odd sizes (as the log's header and partial tail pages are), then overwrites inside.
            foreach (var size in new[] { 64, 4032, 1, 4095, 4097, 10_000, 3, 8192, 700 })
            {
                var data = Bytes(random, size);
                device.Write(model.Count, data);
                model.AddRange(data);
                Assert.Equal(model.Count, device.Length);
            }
            foreach (var (at, size) in new[] { (5, 10), (4090, 12), (8000, 5000), (0, 4096), (13, 1) })
            {
                var data = Bytes(random, size);
                device.Write(at, data);
                for (var i = 0; i < size; i++) model[at + i] = data[i];
            }
            Assert.Equal(model.Count, device.Length);
            foreach (var (at, size) in new[] { (0, 1), (3, 4093), (4095, 2), (1000, 20_000), (model.Count - 5, 100) })
            {
                var read = new byte[size];
                var got = device.Read(at, read);
                var expected = Math.Min(size, model.Count - at);
                Assert.Equal(expected, got);
                Assert.Equal(model.GetRange(at, expected), read[..expected]);
            }
            device.Flush();
        }
        Assert.Equal(model.ToArray(), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ManyConcurrentAsyncReadsCompleteWithTheRightBytes(bool ioUring)
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var contents = Bytes(new RandomStream(3), 1 << 20);
        File.WriteAllBytes(dir.Sub("data"), contents);
        using var device = new DirectDevice(dir.Sub("data"), readOnly: true, ioUring);
        output.WriteLine(device.AsyncReads);
        Assert.Equal(ioUring, device.AsyncReads == "io_uring");
        var random = new RandomStream(11);
        // More reads than the ring holds at once, so some take the fallback while the ring is full.
        var reads = Enumerable.Range(0, 2000).Select(_ =>
        {
            var at = random.Next(contents.Length);
            var size = 1 + random.Next(9000);
            var into = new byte[size];
            return (at, into, task: device.ReadAsync(at, into).AsTask());
        }).ToList();
        var counts = await Task.WhenAll(reads.Select(r => r.task));
        foreach (var ((at, into, _), count) in reads.Zip(counts))
        {
            var expected = Math.Min(into.Length, contents.Length - at);
            Assert.Equal(expected, count);
            Assert.True(contents.AsSpan(at, expected).SequenceEqual(into.AsSpan(0, expected)), $"read at {at}");
        }
    }

    [Theory]
    [InlineData(5, "Input/output error")]
    [InlineData(28, "No space left on device")]
    [InlineData(22, "misaligned")]
    public void AFailedWriteNamesTheFileTheOffsetAndTheError(int errno, string words)
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using var device = new DirectDevice(dir.Sub("log")) { InjectWriteError = _ => errno };
        var e = Assert.Throws<StorageException>(() => device.Write(4096, new byte[100]));
        Assert.Contains(dir.Sub("log"), e.Message);
        Assert.Contains("offset 4096", e.Message);
        Assert.Contains($"errno {errno}", e.Message);
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public async Task ADiskThatFailsWithEioStopsTheStoreWithAnErrorNamingTheLogAndLosesNoCheckpointedWrite()
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var failing = false;
        var options = SmallStore.Options(dir.Path, io: IoMode.Direct);
        using (var store = new KvStore(options, RecordShape.Variable, (path, readOnly) =>
                   new DirectDevice(path, readOnly)
                   {
                       InjectWriteError = _ => Volatile.Read(ref failing) && path.EndsWith("hlog.dat") ? 5 : 0,
                   }))
        {
            for (long k = 0; k < 3000; k++) store.Upsert(Long(k), Long(k));
            store.Checkpoint();
            Volatile.Write(ref failing, true);
            var e = Assert.Throws<StorageException>(() =>
            {
                for (long k = 0; k < 100_000; k++) store.Upsert(Long(k % 3000), Long(-k));
                store.Checkpoint();
            });
            output.WriteLine(e.Message);
            Assert.Contains(Path.Combine(dir.Path, "hlog.dat"), e.Message);
            Assert.Contains("Input/output error", e.Message);
            Assert.Throws<StorageException>(() => store.Checkpoint());
        }
        using var recovered = KvStore.Open(options);
        Assert.Equal(1, recovered.Recovery.CheckpointSequence);
        for (long k = 0; k < 3000; k++) Assert.Equal(Long(k), await recovered.GetAsync(Long(k)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AStoreReadsItsDiskThroughIoUringOrSaysItFellBack(bool ioUring)
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using var store = new KvStore(SmallStore.Options(dir.Path, readCache: false, IoMode.Direct),
            RecordShape.Variable, (path, readOnly) => new DirectDevice(path, readOnly, ioUring));
        for (long k = 0; k < 5000; k++) store.Upsert(Long(k), Long(k * 7));
        // Many reads of on-disk records at once, all pending together.
        var values = await Task.WhenAll(Enumerable.Range(0, 5000).Select(k => store.GetAsync(Long(k)).AsTask()));
        for (var k = 0; k < values.Length; k++) Assert.Equal(Long(k * 7L), values[k]);
        var stats = store.Stats();
        output.WriteLine(stats.Io);
        Assert.True(stats.PendingOperations > 1000, $"{stats.PendingOperations} reads went to the disk");
        Assert.Contains(ioUring ? "asynchronous reads: io_uring" : "thread pool (io_uring unavailable: turned off)",
            stats.Io);
    }

    [Fact]
    public void OpeningAMissingFileReadOnlyFailsNamingIt()
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var e = Assert.Throws<StorageException>(() => new DirectDevice(dir.Sub("missing"), readOnly: true));
        Assert.Contains(dir.Sub("missing"), e.Message);
    }

    private static byte[] Long(long value) => BitConverter.GetBytes(value);

    private static byte[] Bytes(RandomStream random, int size)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        return bytes;
    }
}
