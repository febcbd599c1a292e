using System.Buffers.Binary;
using System.IO.Hashing;
using Frugal.Core.Errors;

namespace Frugal.Storage.Tests;

/// <summary>
/// The rows of docs/storage.md's refusal table that DurabilityTests and IntegrityTests leave
/// out: each damaged or incompatible file is refused, nothing in the directory changes, and the
/// store is whole again once the file is.
/// </summary>
public sealed class RecoveryRefusalTests
{
    [Theory]
    [InlineData(1, 72)]  // Storage I: no cold tier
    [InlineData(2, 168)] // Storage II: no store identity, no record checksums
    [InlineData(3, 188)] // Storage III before the cold index's key filters: same layout, entries without filters
    [InlineData(4, 188)] // Storage III before the chunk store was direct-mapped: same layout, chunks in hashed slots
    [InlineData(6, 188)] // a later build's
    public async Task AnIntactCheckpointOfAnotherFormatVersionIsIncompatible(int version, int length)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path, keys: 300);
        var meta = dir.Sub("checkpoint.meta");
        var ours = File.ReadAllBytes(meta);
        File.WriteAllBytes(meta, Checkpoint(version, length));

        var e = FilledStore.AssertRefused<BadInputException>(dir.Path);
        Assert.Contains($"format version {version}", e.Message);
        Assert.Contains("incompatible", e.Message);
        Assert.Equal(KvStore.DirectorySetting, e.Setting);
        FilledStore.AssertRefused<BadInputException>(dir.Path, readOnly: true);

        File.WriteAllBytes(meta, ours);
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        await FilledStore.AssertIntact(store, keys: 300);
    }

    [Fact]
    public void ADamagedVersionFieldIsCorruptionNotAnotherVersion()
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path, keys: 300);
        var meta = dir.Sub("checkpoint.meta");
        var bytes = File.ReadAllBytes(meta);
        bytes[8] = 2;
        File.WriteAllBytes(meta, bytes);
        Assert.Contains("checksum", FilledStore.AssertRefused<StorageCorruptException>(dir.Path).Message);
    }

    [Fact]
    public void ALogOfAnotherFormatVersionIsRefused()
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path, keys: 300);
        var log = dir.Sub("hlog.dat");
        using (var file = new FileStream(log, FileMode.Open))
        {
            // Version 1 (Storage I) had no store identity and no header checksum.
            var header = new byte[64];
            file.ReadExactly(header);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 1);
            header.AsSpan(16).Clear();
            file.Position = 0;
            file.Write(header);
        }
        var e = FilledStore.AssertRefused<StorageCorruptException>(dir.Path);
        Assert.Equal(log, e.FilePath);
        Assert.Contains("log format version 1", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cold-index")]
    public void AMissingIndexSnapshotIsRefused(string folder)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path, keys: 300);
        var snapshot = Directory.GetFiles(dir.Sub(folder), "index.*.dat").Single();
        File.Delete(snapshot);
        var e = FilledStore.AssertRefused<StorageCorruptException>(dir.Path);
        Assert.Equal(snapshot, e.FilePath);
        Assert.Contains("missing", e.Message);
    }

    [Theory]
    [InlineData("", 16)]
    [InlineData("", 1)]
    [InlineData("cold-index", 16)]
    public async Task AShortIndexSnapshotIsRefused(string folder, int cut)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        var snapshot = Directory.GetFiles(dir.Sub(folder), "index.*.dat").Single();
        var whole = File.ReadAllBytes(snapshot);
        File.WriteAllBytes(snapshot, whole[..^cut]);
        var e = FilledStore.AssertRefused<StorageCorruptException>(dir.Path);
        Assert.Equal(snapshot, e.FilePath);
        Assert.Contains("torn", e.Message);

        File.WriteAllBytes(snapshot, whole);
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        await FilledStore.AssertIntact(store);
    }

    [Theory]
    [InlineData("cold.dat")]
    [InlineData("cold-index/hlog.dat")]
    public void ATruncatedColdLogIsRefusedAndLeftAsItIs(string file)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        var log = dir.Sub(file);
        var shortened = new FileInfo(log).Length - 100;
        Assert.True(shortened > 4096, $"{file} should hold records beyond its first page");
        using (var stream = new FileStream(log, FileMode.Open)) stream.SetLength(shortened);
        var e = FilledStore.AssertRefused<StorageCorruptException>(dir.Path);
        Assert.Equal(log, e.FilePath);
        Assert.Contains("shorter than", e.Message);
        Assert.Equal(shortened, new FileInfo(log).Length);
    }

    [Theory]
    [InlineData("cold.dat")]
    [InlineData("cold-index/hlog.dat")]
    public async Task AColdLogLongerThanItsCheckpointIsCutAndReported(string file)
    {
        using var dir = new TempDirectory();
        FilledStore.Fill(dir.Path);
        var log = dir.Sub(file);
        var length = new FileInfo(log).Length;
        using (var stream = new FileStream(log, FileMode.Append))
            stream.Write(Enumerable.Repeat((byte)0xCD, 72).ToArray());
        using var store = KvStore<long, long>.Open(FilledStore.Options(dir.Path));
        Assert.Equal(72, store.Bytes.Recovery.TruncatedBytes);
        Assert.Equal(length, new FileInfo(log).Length);
        await FilledStore.AssertIntact(store);
    }

    /// <summary>
    /// A checkpoint file as every format version seals it: magic, version, fields, and a CRC-32 of it all in the last 4
    /// bytes.
    /// </summary>
    private static byte[] Checkpoint(int version, int length)
    {
        var bytes = new byte[length];
        "FRUGALKV"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(^4), Crc32.HashToUInt32(bytes.AsSpan(..^4)));
        return bytes;
    }
}
