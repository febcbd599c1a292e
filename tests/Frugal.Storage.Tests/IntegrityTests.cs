using System.Text;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;

namespace Frugal.Storage.Tests;

/// <summary>
/// The store never destroys data it cannot read and never returns damaged data: recovery checks
/// every file before it changes anything, a read-only open writes nothing, and every record read
/// from the device is checked against its checksum.
/// </summary>
public sealed class IntegrityTests
{
    [Fact]
    public async Task AForeignCheckpointIsRefusedAndEveryByteOfTheStoreIsKept()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        FilledStore.Fill(dir.Path);
        // A smaller store: its checkpoint covers less log than ours holds (recovery used to cut ours to it).
        FilledStore.Fill(other.Path, keys: 500);
        var before = FileSnapshot.Of(dir.Path);
        var meta = dir.Sub("checkpoint.meta");
        var ours = File.ReadAllBytes(meta);
        File.Copy(Path.Combine(other.Path, "checkpoint.meta"), meta, overwrite: true);

        var e = Assert.ThrowsAny<CorruptDataException>(() => KvStore<long, long>.Open(FilledStore.Options(dir.Path)));
        Assert.Contains("another store", e.Message);
        Assert.ThrowsAny<CorruptDataException>(
            () => KvStore<long, long>.Open(FilledStore.Options(dir.Path) with { ReadOnly = true }));
        FileSnapshot.Of(dir.Path).AssertSameAs(before, except: "checkpoint.meta");

        File.WriteAllBytes(meta, ours);
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        await FilledStore.AssertIntact(store);
    }

    [Fact]
    public async Task ATornTailIsCutOnlyWhenEveryOtherFileChecksOut()
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        var log = dir.Sub("hlog.dat");
        using (var file = new FileStream(log, FileMode.Append)) file.Write(new byte[300]);
        var chunkIndex = Directory.GetFiles(dir.Sub("cold-index"), "index.*.dat").Single();
        var original = File.ReadAllBytes(chunkIndex);
        var damaged = (byte[])original.Clone();
        damaged[40] ^= 0x10;
        File.WriteAllBytes(chunkIndex, damaged);
        var before = FileSnapshot.Of(dir.Path);

        var e = Assert.Throws<StorageCorruptException>(
            () => KvStore<long, long>.Open(FilledStore.Options(dir.Path)));
        Assert.Equal(chunkIndex, e.FilePath);
        FileSnapshot.Of(dir.Path).AssertSameAs(before);

        File.WriteAllBytes(chunkIndex, original);
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        Assert.Equal(300, store.Bytes.Recovery.TruncatedBytes);
        await FilledStore.AssertIntact(store);
    }

    [Fact]
    public async Task AReadOnlyOpenChangesNoByteAndNoModificationTime()
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        // What a writable open would repair: a torn tail and a snapshot a crash left behind.
        using (var file = new FileStream(dir.Sub("cold.dat"), FileMode.Append)) file.Write(new byte[100]);
        File.WriteAllBytes(dir.Sub("index.0.dat"), [1, 2, 3]);
        var before = FileSnapshot.Of(dir.Path);

        using (var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path) with { ReadOnly = true }))
        {
            await FilledStore.AssertIntact(store);
            Assert.Equal(100, store.Bytes.Recovery.TruncatedBytes);
            Assert.True(store.Stats().ColdLookups > 0);
            Assert.Throws<InvalidOperationException>(() => store.Upsert(1, 1));
            Assert.Throws<InvalidOperationException>(() => store.Delete(1));
            await Assert.ThrowsAsync<InvalidOperationException>(
                async () => await store.RmwAsync(1, 1, (input, current, exists) => input + current));
            Assert.Throws<InvalidOperationException>(() => store.Checkpoint());
        }
        FileSnapshot.Of(dir.Path).AssertSameAs(before);
    }

    [Fact]
    public void ReadingAnEmptyOrMissingFolderCreatesNothing()
    {
        using var dir = new TempDirectory();
        var missing = dir.Sub("missing");
        KvStoreOptions[] readers =
        [
            SmallStore.Options(missing) with { ReadOnly = true },
            SmallStore.Options(missing) with { CreateIfMissing = false },
        ];
        foreach (var options in readers)
        {
            var e = Assert.Throws<BadInputException>(() => KvStore.Open(options));
            Assert.Equal(KvStore.DirectorySetting, e.Setting);
            Assert.Contains("does not exist", e.Message);
            Assert.False(Directory.Exists(missing));
            e = Assert.Throws<BadInputException>(() => KvStore.Open(options with { Directory = dir.Path }));
            Assert.Contains("empty", e.Message);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        }
    }

    [Fact]
    public async Task AFlippedByteInAValueOnDiskIsACorruptionNamingTheFileAndAddress()
    {
        using var dir = new TempDirectory();
        var log = TextStore(dir);
        var at = FlipInValue(log, 3, offset: 50, mask: 0x01);
        Assert.True(at < 4096, "the record should lie in the first page, which recovery leaves on disk");

        using var reopened = KvStore.Open(SmallStore.Options(dir.Path) with { ReadOnly = true });
        var e = await Assert.ThrowsAsync<StorageCorruptException>(async () => await reopened.GetAsync(Key(3)));
        Assert.Equal(log, e.FilePath);
        Assert.InRange(e.Address!.Value, at - Record.HeaderSize - 8, at);
        Assert.Contains($"address {e.Address}", e.Message);
        Assert.Equal(Value(199), await reopened.GetAsync(Key(199)));
    }

    [Fact]
    public void AFlippedByteInTheTailPageIsFoundByRecovery()
    {
        using var dir = new TempDirectory();
        var log = TextStore(dir);
        FlipInValue(log, 199, offset: 10, mask: 0x40);
        var before = FileSnapshot.Of(dir.Path);
        var e = Assert.Throws<StorageCorruptException>(() => KvStore.Open(SmallStore.Options(dir.Path)));
        Assert.Equal(log, e.FilePath);
        FileSnapshot.Of(dir.Path).AssertSameAs(before);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SixteenFlippedBytesNeverGiveAWrongValue(int seed)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        var random = new RandomStream((ulong)seed);
        var files = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories)
            .Select(f => (Path: f, Length: new FileInfo(f).Length)).ToArray();
        var total = files.Sum(f => f.Length);
        for (var flip = 0; flip < 16; flip++)
        {
            var offset = random.NextInt64(total);
            var file = files.First(f => (offset -= f.Length) < 0);
            using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = offset + file.Length;
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ (1 << random.Next(8))));
        }

        KvStore<long, long> store;
        try
        {
            store = KvStore<long, long>.Open(FilledStore.Options(dir.Path) with { ReadOnly = true });
        }
        catch (CorruptDataException)
        {
            return; // found at recovery
        }
        using (store)
        {
            for (long k = 0; k < FilledStore.Keys; k++)
            {
                Lookup<long> read;
                try
                {
                    read = await store.ReadAsync(k);
                }
                catch (CorruptDataException)
                {
                    continue; // found on the read
                }
                Assert.Equal(k % 5 != 0, read.Found);
                if (read.Found) Assert.Equal(k * 7, read.Value);
            }
        }
    }

    [Fact]
    public void StoreFilesThatAreNotRegularFilesAreRefusedWithoutBlocking()
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path, keys: 300);
        var log = dir.Sub("hlog.dat");
        File.Move(log, log + ".saved");
        Mkfifo(log);
        var e = Assert.Throws<BadInputException>(() => KvStore<long, long>.Open(FilledStore.Options(dir.Path)));
        Assert.Contains("FIFO", e.Message);
        File.Delete(log);
        File.Move(log + ".saved", log);

        var cold = dir.Sub("cold.dat");
        File.Move(cold, cold + ".saved");
        File.CreateSymbolicLink(cold, "/dev/zero");
        e = Assert.Throws<BadInputException>(
            () => KvStore<long, long>.Open(FilledStore.Options(dir.Path) with { ReadOnly = true }));
        Assert.Contains("character device", e.Message);
        File.Delete(cold);
        File.Move(cold + ".saved", cold);

        var meta = dir.Sub("checkpoint.meta");
        File.Move(meta, meta + ".saved");
        Mkfifo(meta);
        Assert.Throws<BadInputException>(() => KvStore<long, long>.Open(FilledStore.Options(dir.Path)));
    }

    [Fact]
    public async Task ALogOfAnotherStoreIsRefusedAsForeign()
    {
        using var dir = new TempDirectory();
        using var twin = new TempDirectory();
        // The same operations: the same lengths, only the stores' identities differ.
        FilledStore.Fill(dir.Path, keys: 300);
        FilledStore.Fill(twin.Path, keys: 300);
        var snapshot = Path.GetFileName(Directory.GetFiles(dir.Path, "index.*.dat").Single());
        foreach (var file in new[] { "hlog.dat", "cold.dat", Path.Combine("cold-index", "hlog.dat"), snapshot })
        {
            var path = dir.Sub(file);
            var ours = File.ReadAllBytes(path);
            File.Copy(Path.Combine(twin.Path, file), path, overwrite: true);
            var e = Assert.Throws<StorageCorruptException>(
                () => KvStore<long, long>.Open(FilledStore.Options(dir.Path)));
            Assert.Equal(path, e.FilePath);
            Assert.Contains("another store", e.Message);
            File.WriteAllBytes(path, ours);
        }
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        await FilledStore.AssertIntact(store, keys: 300);
    }

    [Fact]
    public void AFileThatMayNotBeOpenedForWritingGivesAPermissionMessage()
    {
        using var dir = new TempDirectory();
        using (KvStore.Open(SmallStore.Options(dir.Path))) { }
        var e = Assert.Throws<StorageException>(() => new KvStore(SmallStore.Options(dir.Path), RecordShape.Variable,
            (path, readOnly) => readOnly
                ? new FileDevice(path, readOnly)
                : throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.")));
        Assert.Contains("permission denied", e.Message);
        Assert.Contains("read-only", e.Message);
        using var store = new KvStore(SmallStore.Options(dir.Path) with { ReadOnly = true }, RecordShape.Variable,
            (path, readOnly) => readOnly ? new FileDevice(path, readOnly) : throw new UnauthorizedAccessException());
        Assert.False(store.Recovery.Created);
    }

    [Fact]
    public async Task AStoreCreatedWithoutChecksumsKeepsThatChoice()
    {
        using var dir = new TempDirectory();
        using (var store = KvStore.Open(SmallStore.Options(dir.Path) with { Checksums = false }))
        {
            for (var i = 0; i < 200; i++) store.Upsert(Key(i), Value(i));
            store.Checkpoint();
        }
        // Its records carry no checksums: a reopen with the default options must not look for them.
        using var reopened = KvStore.Open(SmallStore.Options(dir.Path));
        for (var i = 0; i < 200; i++) Assert.Equal(Value(i), await reopened.GetAsync(Key(i)));
    }

    /// <summary>
    /// 200 records key0..key199 (see <see cref="Value"/>) in a store of 4 KiB pages, checkpointed and closed; returns
    /// its hot log.
    /// </summary>
    private static string TextStore(TempDirectory dir)
    {
        using (var store = KvStore.Open(SmallStore.Options(dir.Path)))
        {
            for (var i = 0; i < 200; i++) store.Upsert(Key(i), Value(i));
            store.Checkpoint();
        }
        return dir.Sub("hlog.dat");
    }

    /// <summary>
    /// Flips the bits <paramref name="mask"/> of byte <paramref name="offset"/> of record <paramref name="i"/>'s value
    /// in <paramref name="log"/>; returns where the value starts.
    /// </summary>
    private static int FlipInValue(string log, int i, int offset, byte mask)
    {
        var bytes = File.ReadAllBytes(log);
        var at = bytes.AsSpan().IndexOf(Value(i));
        Assert.True(at > 0, $"record {i}'s value is not in {log}");
        bytes[at + offset] ^= mask;
        File.WriteAllBytes(log, bytes);
        return at;
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key{i}");

    /// <summary>A 100-byte value unique to <paramref name="i"/>, easy to find in a log file.</summary>
    private static byte[] Value(int i) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"value-{i:D6}-", 8)))[..100];

    private static void Mkfifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
