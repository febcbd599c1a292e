using System.Buffers.Binary;
using System.IO.Hashing;

namespace Frugal.Storage;

/// <summary>
/// What a checkpoint records: enough to find the index snapshot and the log prefix it covers, and
/// to refuse an incompatible store. A store's checkpoint also holds its cold tier's: the cold log
/// prefix and the cold index's chunk store checkpoint, so one file commits both tiers at once.
/// </summary>
internal sealed record CheckpointMeta(long Sequence, int PageBits, long IndexBuckets, int KeySize, int ValueSize, long BeginAddress, long TailAddress, long IndexLength, uint IndexCrc)
{
    public const int FormatVersion = 2;
    private static readonly byte[] Magic = "FRUGALKV"u8.ToArray();
    private const int PartSize = 72;
    private const int Size = PartSize + 4 + 8 + 8 + PartSize + 4;

    /// <summary>The cold tier's part; null in the cold index's own chunk store.</summary>
    public ColdCheckpoint? Cold { get; init; }

    public void Write(string path)
    {
        var cold = Cold ?? throw new InvalidOperationException("Only a store with a cold tier writes a checkpoint file.");
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        WritePart(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[(PartSize + 4)..], cold.BeginAddress);
        BinaryPrimitives.WriteInt64LittleEndian(span[(PartSize + 12)..], cold.TailAddress);
        cold.Index.WritePart(span[(PartSize + 20)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(Size - 4)..], Crc32.HashToUInt32(span[..(Size - 4)]));
        DurableFile.Replace(path, bytes);
    }

    /// <summary>The store's own fields, sealed by their own checksum: 72 bytes.</summary>
    private void WritePart(Span<byte> span)
    {
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], PageBits);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], IndexBuckets);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], KeySize);
        BinaryPrimitives.WriteInt32LittleEndian(span[36..], ValueSize);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], BeginAddress);
        BinaryPrimitives.WriteInt64LittleEndian(span[48..], TailAddress);
        BinaryPrimitives.WriteInt64LittleEndian(span[56..], IndexLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[64..], IndexCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[68..], Crc32.HashToUInt32(span[..68]));
    }

    public static CheckpointMeta Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new StorageException($"{path}: not a Frugal store checkpoint (foreign file); refusing to touch the directory.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new StorageException($"{path}: written in checkpoint format version {version}; this build reads version {FormatVersion} (incompatible).");
        if (bytes.Length != Size || Crc32.HashToUInt32(bytes.AsSpan(0, Size - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Size - 4)))
            throw new StorageException($"{path}: corrupt (length or checksum mismatch).");
        var s = bytes.AsSpan();
        var cold = new ColdCheckpoint(BinaryPrimitives.ReadInt64LittleEndian(s[(PartSize + 4)..]), BinaryPrimitives.ReadInt64LittleEndian(s[(PartSize + 12)..]),
            ReadPart(path, s[(PartSize + 20)..]));
        return ReadPart(path, s) with { Cold = cold };
    }

    private static CheckpointMeta ReadPart(string path, ReadOnlySpan<byte> s)
    {
        if (!s[..8].SequenceEqual(Magic) || Crc32.HashToUInt32(s[..68]) != BinaryPrimitives.ReadUInt32LittleEndian(s[68..]))
            throw new StorageException($"{path}: corrupt (checksum mismatch).");
        return new CheckpointMeta(
            BinaryPrimitives.ReadInt64LittleEndian(s[12..]), BinaryPrimitives.ReadInt32LittleEndian(s[20..]), BinaryPrimitives.ReadInt64LittleEndian(s[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[32..]), BinaryPrimitives.ReadInt32LittleEndian(s[36..]), BinaryPrimitives.ReadInt64LittleEndian(s[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(s[48..]), BinaryPrimitives.ReadInt64LittleEndian(s[56..]), BinaryPrimitives.ReadUInt32LittleEndian(s[64..]));
    }
}

/// <summary>The cold tier in a checkpoint: the cold log's [Begin, Tail) and the checkpoint of the cold index's chunk store.</summary>
internal sealed record ColdCheckpoint(long BeginAddress, long TailAddress, CheckpointMeta Index);

/// <summary>The snapshot of the hash index: (home bucket, entry) pairs, each entry pointing below the checkpoint's tail.</summary>
internal sealed class IndexSnapshotWriter : IDisposable
{
    private static readonly byte[] Magic = "FRUGALIX"u8.ToArray();
    private readonly FileStream _file;
    private readonly BufferedStream _stream;
    private readonly Crc32 _crc = new();
    private readonly byte[] _pair = new byte[16];

    public IndexSnapshotWriter(string path)
    {
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        _stream = new BufferedStream(_file, 1 << 20);
        Append(Magic);
    }

    public void Add(long bucket, long entry)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_pair, bucket);
        BinaryPrimitives.WriteInt64LittleEndian(_pair.AsSpan(8), entry);
        Append(_pair);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _crc.Append(bytes);
        _stream.Write(bytes);
    }

    /// <summary>Seals the file with its checksum and makes it durable; returns its length and checksum.</summary>
    public (long Length, uint Crc) Complete()
    {
        var crc = _crc.GetCurrentHashAsUInt32();
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
        _stream.Write(tail);
        _stream.Flush();
        _file.Flush(flushToDisk: true);
        return (_file.Length, crc);
    }

    public void Dispose() => _stream.Dispose();

    public static void Load(string path, CheckpointMeta meta, HashIndex index)
    {
        if (!File.Exists(path)) throw new StorageException($"{path}: missing; the checkpoint refers to it.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != meta.IndexLength || bytes.Length < Magic.Length + 4 || (bytes.Length - Magic.Length - 4) % 16 != 0)
            throw new StorageException($"{path}: {bytes.Length} bytes, but the checkpoint expects {meta.IndexLength} (corrupt or torn).");
        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new StorageException($"{path}: not a Frugal index snapshot (foreign file).");
        var body = bytes.AsSpan(0, bytes.Length - 4);
        if (Crc32.HashToUInt32(body) != meta.IndexCrc || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)) != meta.IndexCrc)
            throw new StorageException($"{path}: corrupt (checksum mismatch).");
        for (var at = Magic.Length; at < body.Length; at += 16)
        {
            var entry = BinaryPrimitives.ReadInt64LittleEndian(body[(at + 8)..]);
            var address = HashIndex.Address(entry);
            if (address < meta.BeginAddress || address >= meta.TailAddress)
                throw new StorageException($"{path}: an entry points at {address}, outside the checkpointed log [{meta.BeginAddress}, {meta.TailAddress}) (corrupt).");
            index.Restore(BinaryPrimitives.ReadInt64LittleEndian(body[at..]), entry);
        }
    }
}

/// <summary>The first bytes of a log file: who wrote it and with which page size.</summary>
internal static class LogFileHeader
{
    private static readonly byte[] Magic = "FRUGALLG"u8.ToArray();
    private const int FormatVersion = 1;

    public static void Write(IStorageDevice device, int pageBits)
    {
        var header = new byte[LogAddress.FirstAddress];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), pageBits);
        device.Write(0, header);
        device.Flush();
    }

    public static void Validate(IStorageDevice device, int pageBits)
    {
        var header = new byte[LogAddress.FirstAddress];
        var read = device.Read(0, header);
        if (read < 16 || !header.AsSpan(0, 8).SequenceEqual(Magic))
            throw new StorageException($"{device.Name}: not a Frugal log (foreign or empty file).");
        var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != FormatVersion)
            throw new StorageException($"{device.Name}: log format version {version}; this build reads version {FormatVersion} (incompatible).");
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (bits != pageBits)
            throw new StorageException($"{device.Name}: written with {1L << Math.Clamp(bits, 0, 62)}-byte pages, but its checkpoint says {1L << pageBits} (corrupt).");
    }
}

/// <summary>Replaces a small file so that a crash leaves either the old or the new contents, both durable.</summary>
internal static class DurableFile
{
    public static void Replace(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
