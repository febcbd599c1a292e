using System.Diagnostics;
using Frugal.Core.Errors;
using Xunit.Abstractions;

namespace Frugal.Storage.Tests;

/// <summary>Checkpoints, recovery, crashes, torn tails and files the store must refuse.</summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task RecoveryRestoresTheLastCheckpointAndNothingAfterIt(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using (var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path, io: io)))
        {
            for (long k = 0; k < 2000; k++) store.Upsert(k, k);
            store.Delete(5);
            store.Checkpoint();
            for (long k = 0; k < 2000; k++) store.Upsert(k, -k);
            store.Upsert(99_999, 1);
        }
        using var recovered = KvStore<long, long>.Open(SmallStore.Options(dir.Path, io: io));
        Assert.False(recovered.Bytes.Recovery.Created);
        Assert.Equal(1, recovered.Bytes.Recovery.CheckpointSequence);
        Assert.True(recovered.Bytes.Recovery.TruncatedBytes > 0,
            "the unflushed-at-checkpoint tail should have been cut");
        for (long k = 0; k < 2000; k++)
        {
            var read = await recovered.ReadAsync(k);
            Assert.Equal(k != 5, read.Found);
            if (k != 5) Assert.Equal(k, read.Value);
        }
        Assert.False((await recovered.ReadAsync(99_999)).Found);
    }

    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task ATornTailIsTruncatedNotReadAsData(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using (var store = KvStore.Open(SmallStore.Options(dir.Path, io: io)))
        {
            store.Upsert("k"u8, "v"u8);
            store.Checkpoint();
        }
        var log = Path.Combine(dir.Path, "hlog.dat");
        var length = new FileInfo(log).Length;
        // A torn write past the checkpoint: half a record that claims to be a newer "k".
        using (var file =
            new FileStream(log, FileMode.Append)) file.Write(Enumerable.Repeat((byte)0xAB, 100).ToArray());
        using var recovered = KvStore.Open(SmallStore.Options(dir.Path, io: io));
        Assert.Equal(100, recovered.Recovery.TruncatedBytes);
        Assert.Equal(length, new FileInfo(log).Length);
        Assert.Equal("v"u8.ToArray(), await recovered.GetAsync("k"u8.ToArray()));
    }

    [Fact]
    public void RecoveryRemovesASnapshotACrashLeftBehind()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore.Open(SmallStore.Options(dir.Path)))
        {
            store.Upsert("a"u8, "b"u8);
            store.Checkpoint();
        }
        var current = Directory.GetFiles(dir.Path, "index.*.dat").Single();
        var stale = dir.Sub("index.0.dat");
        File.Copy(current, stale);
        using (KvStore.Open(SmallStore.Options(dir.Path))) { }
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(current));
    }

    [Fact]
    public void ACorruptCheckpointIsRefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore.Open(SmallStore.Options(dir.Path))) store.Checkpoint();
        var meta = Path.Combine(dir.Path, "checkpoint.meta");
        var bytes = File.ReadAllBytes(meta);
        bytes[30] ^= 0xFF;
        File.WriteAllBytes(meta, bytes);
        var e = Assert.Throws<StorageCorruptException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
        Assert.Contains("checkpoint.meta", e.Message);
        Assert.Contains("corrupt", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(meta));
    }

    [Fact]
    public void ACorruptIndexSnapshotIsRefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore.Open(SmallStore.Options(dir.Path)))
        {
            store.Upsert("a"u8, "b"u8);
            store.Checkpoint();
        }
        var index = Directory.GetFiles(dir.Path, "index.*.dat").Single();
        var bytes = File.ReadAllBytes(index);
        bytes[10] ^= 0x01;
        File.WriteAllBytes(index, bytes);
        var e = Assert.Throws<StorageCorruptException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
        Assert.Contains(Path.GetFileName(index), e.Message);
    }

    [Fact]
    public void ALogShorterThanItsCheckpointIsRefusedAndLeftAlone()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path)))
        {
            for (long k = 0; k < 500; k++) store.Upsert(k, k);
            store.Checkpoint();
        }
        var log = Path.Combine(dir.Path, "hlog.dat");
        var shortened = new FileInfo(log).Length / 2;
        using (var file = new FileStream(log, FileMode.Open)) file.SetLength(shortened);
        var e = Assert.Throws<StorageCorruptException>(() => KvStore<long, long>.Open(SmallStore.Options(dir.Path)));
        Assert.Contains("hlog.dat", e.Message);
        Assert.Equal(shortened, new FileInfo(log).Length);
    }

    [Fact]
    public void AForeignDirectoryOrFileIsRefusedAndNotOverwritten()
    {
        using var dir = new TempDirectory();
        var notes = dir.Sub("notes.txt");
        File.WriteAllText(notes, "precious");
        var e = Assert.Throws<BadInputException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
        Assert.Contains("checkpoint.meta", e.Message);
        Assert.Equal("precious", File.ReadAllText(notes));

        File.WriteAllText(dir.Sub("checkpoint.meta"), "{ \"not\": \"ours\" }");
        var foreign = Assert.Throws<StorageCorruptException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
        Assert.Contains("foreign", foreign.Message);
    }

    [Fact]
    public void AStoreOpenedWithOtherRecordSizesIsIncompatible()
    {
        using var dir = new TempDirectory();
        using (KvStore<long, long>.Open(SmallStore.Options(dir.Path))) { }
        var e = Assert.Throws<BadInputException>(() => KvStore<int, long>.Open(SmallStore.Options(dir.Path)));
        Assert.Contains("incompatible", e.Message);
        Assert.Throws<BadInputException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
    }

    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task AProcessKilledMidWorkloadRecoversEveryKeyOfItsLastCheckpoint(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        var delays = new[] { 0, 37, 113 };
        long lastSeen = 0;
        foreach (var delay in delays)
        {
            lastSeen = await RunChildUntilKilled(dir.Path, "exact", lastSeen + 2, delay, io);
            using var store = KvStore<long, long>.Open(SmallStore.Options(dir.Path, io: io));
            var round = store.Bytes.Recovery.CheckpointSequence;
            Assert.True(round >= lastSeen, $"recovered checkpoint {round}, but the child had reported {lastSeen}");
            for (long key = 0; key < CrashChild.Keys; key++)
            {
                var read = await store.ReadAsync(key);
                Assert.Equal(!CrashChild.IsDeleted(key, round), read.Found);
                if (read.Found) Assert.Equal(CrashChild.ValueOf(key, round), read.Value);
            }
            lastSeen = round;
        }
    }

    [Theory]
    [InlineData(IoMode.Buffered)]
    [InlineData(IoMode.Direct)]
    public async Task AProcessKilledWhileCompactionReclaimsSpaceRecoversEveryKeyOfItsLastCheckpoint(IoMode io)
    {
        if (io == IoMode.Direct && !DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        long lastSeen = 0;
        foreach (var delay in new[] { 5, 61, 97 })
        {
            lastSeen = await RunChildUntilKilled(dir.Path, "reclaim", lastSeen + 3, delay, io);
            using var store = KvStore<long, long>.Open(CrashChild.Options(dir.Path, reclaim: true) with { Io = io });
            // Checkpoints (the child's and compaction's) may fall mid-round, and the child may have
            // gone on past the last one it reported: what recovers must be the state after some
            // prefix of the child's writes that ends at or after round lastSeen.
            var reads = new Lookup<long>[CrashChild.Keys];
            for (long key = 0; key < CrashChild.Keys; key++) reads[key] = await store.ReadAsync(key);
            AssertAPrefixAtOrAfter(reads, lastSeen);
            lastSeen = CrashChild.LastRound(store);
            // More checkpoints than rounds: compaction took some of its own (and gave space back).
            Assert.True(store.Bytes.Recovery.CheckpointSequence > lastSeen,
                $"checkpoint {store.Bytes.Recovery.CheckpointSequence} after {lastSeen} rounds");
        }
        Assert.True(lastSeen >= 9);
    }

    /// <summary>
    /// Asserts that <paramref name="reads"/> (what each key holds) is the state after the child
    /// completed some round P ≥ <paramref name="round"/> and then wrote keys 0..j-1 of round P+1:
    /// every key acknowledged before the checkpoint of <paramref name="round"/> is found with its
    /// value (or a later round's), and no deleted key comes back.
    /// </summary>
    private static void AssertAPrefixAtOrAfter(Lookup<long>[] reads, long round)
    {
        bool Holds(int key, long r) =>
            reads[key].Found == !CrashChild.IsDeleted(key, r)
            && (!reads[key].Found || reads[key].Value == CrashChild.ValueOf(key, r));
        var newest = reads.Where(r => r.Found).Max(r => r.Value / 1_000_000);
        for (var p = round; p <= newest; p++)
        {
            // Keys below j hold round p+1, keys from j on hold round p.
            var done = 0;
            while (done < reads.Length && Holds(done, p + 1)) done++;
            var firstOfRound = reads.Length;
            while (firstOfRound > 0 && Holds(firstOfRound - 1, p)) firstOfRound--;
            if (firstOfRound <= done) return;
        }
        var key = Enumerable.Range(0, reads.Length).FirstOrDefault(k => !Holds(k, round) && !Holds(k, round + 1));
        var expected = CrashChild.IsDeleted(key, round) ? "absent" : CrashChild.ValueOf(key, round).ToString();
        Assert.Fail($"no prefix of the child's writes from round {round} on explains what recovered; " +
                    $"e.g. key {key}: read {reads[key]}, " +
                    $"expected {expected} (round {round}) or a later round's");
    }

    /// <summary>
    /// Runs the child until it reports checkpoint <paramref name="until"/> — in "reclaim" mode also until compaction
    /// has taken a checkpoint of its own (sequence ahead of the round), so the kill lands where space is given back —
    /// waits <paramref name="delayMs"/> more, kills it; returns the last round it reported.
    /// </summary>
    private static async Task<long> RunChildUntilKilled(
        string directory, string mode, long until, int delayMs, IoMode io = IoMode.Buffered)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { typeof(CrashChild).Assembly.Location, "crash-child", directory, mode, $"{io}" })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        long reported = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            long sequence = 0;
            while (reported < until || (mode == "reclaim" && sequence <= reported))
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                           ?? throw new InvalidOperationException(
                               $"the child exited early: {await child.StandardError.ReadToEndAsync()}");
                var fields = line.Split(' ');
                (reported, sequence) = (long.Parse(fields[1]), long.Parse(fields[2]));
            }
            await Task.Delay(delayMs);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
        return reported;
    }
}

/// <summary>A full disk: the log's device refuses writes past a quota.</summary>
public sealed class FullDiskTests
{
    private sealed class QuotaDevice(string path, long quota) : IStorageDevice
    {
        private readonly FileDevice _file = new(path);

        public string Name => _file.Name;
        public long Length => _file.Length;

        public void Write(long position, ReadOnlySpan<byte> data)
        {
            if (position + data.Length
                > quota) throw new StorageException(
                $"{Name}: writing {data.Length} bytes at offset {position} failed (disk full?): No space left on " +
                $"device");
            _file.Write(position, data);
        }

        public int Read(long position, Span<byte> destination) => _file.Read(position, destination);
        public ValueTask<int> ReadAsync(long position, Memory<byte> destination) =>
            _file.ReadAsync(position, destination);
        public void Flush() => _file.Flush();
        public void Truncate(long length) => _file.Truncate(length);
        public void Dispose() => _file.Dispose();
    }

    [Fact]
    public void AFullDiskSurfacesAsAnErrorNamingTheLogFile()
    {
        using var dir = new TempDirectory();
        using var store = new KvStore(
            SmallStore.Options(dir.Path), RecordShape.Variable, (path, _) => new QuotaDevice(path, 64 << 10));
        var e = Assert.Throws<StorageException>(() =>
        {
            for (var i = 0; i < 100_000; i++) store.Upsert(BitConverter.GetBytes(i), new byte[100]);
        });
        Assert.Contains("hlog.dat", e.Message);
        Assert.Contains("disk full", e.Message);
        Assert.Throws<StorageException>(() => store.Checkpoint());
    }
}
