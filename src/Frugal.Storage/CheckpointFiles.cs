using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using Frugal.Core.Errors;
using Frugal.Core.IO;

namespace Frugal.Storage;

/// <summary>
/// One log's part of a checkpoint: its page size, the prefix [Begin, Tail) the checkpoint covers,
/// and its index snapshot's bucket count, length and checksum (zeros for a log whose index is not
/// a hash index: the cold log, indexed by the cold index's chunk store).
/// </summary>
internal sealed record LogCheckpoint(
    int PageBits, long IndexBuckets, long BeginAddress, long TailAddress, long IndexLength, uint IndexCrc)
{
    public const int Size = 48;

    public void Write(Span<byte> s)
    {
        BinaryPrimitives.WriteInt32LittleEndian(s, PageBits);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], IndexBuckets);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], BeginAddress);
        BinaryPrimitives.WriteInt64LittleEndian(s[24..], TailAddress);
        BinaryPrimitives.WriteInt64LittleEndian(s[32..], IndexLength);
        BinaryPrimitives.WriteUInt32LittleEndian(s[40..], IndexCrc);
    }

    public static LogCheckpoint Read(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadInt32LittleEndian(s),
        BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[16..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[24..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(s[40..]));

    /// <summary>Whether the markers make sense for a log (a damaged but checksummed file is still refused).</summary>
    public bool IsPlausible =>
        PageBits is >= 12 and <= 30 && IndexLength >= 0
        && BeginAddress >= LogAddress.FirstAddress && BeginAddress <= TailAddress;
}

/// <summary>
/// The checkpoint file, <c>checkpoint.meta</c>: the one commit point of both tiers. It names the
/// store (a random identity that its logs and index snapshots carry too, so a checkpoint never
/// recovers another store's files), whether records carry checksums, the record shape, and the
/// part of each log: hot, cold, and the cold index's chunk log. Every field is sealed by a CRC-32.
/// </summary>
internal sealed record CheckpointMeta(long StoreId, long Sequence, bool Checksums, int KeySize, int ValueSize,
    LogCheckpoint Hot, LogCheckpoint Cold, LogCheckpoint Chunks)
{
    /// <summary>
    /// 5: the chunk store is direct-mapped by chunk number (a version-4 store's chunks sit in hashed slots, where this
    /// build would find none). 4: cold-index entries carry a key filter in their top 16 bits (a version-3 store's
    /// entries have none, and a lookup would take every chain for empty).
    /// </summary>
    public const int FormatVersion = 5;
    public const string FileName = "checkpoint.meta";
    private static readonly byte[] Magic = "FRUGALKV"u8.ToArray();
    private const int PartsAt = 40;
    private const int Size = PartsAt + 3 * LogCheckpoint.Size + 4;
    private const uint ChecksumsFlag = 1;

    public void Write(string path)
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], Checksums ? ChecksumsFlag : 0);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], StoreId);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], KeySize);
        BinaryPrimitives.WriteInt32LittleEndian(span[36..], ValueSize);
        Hot.Write(span[PartsAt..]);
        Cold.Write(span[(PartsAt + LogCheckpoint.Size)..]);
        Chunks.Write(span[(PartsAt + 2 * LogCheckpoint.Size)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(Size - 4)..], Crc32.HashToUInt32(span[..(Size - 4)]));
        DurableFile.Replace(path, bytes);
    }

    /// <summary>Reads and checks a checkpoint file; writes nothing.</summary>
    /// <exception cref="StorageCorruptException">Not a Frugal checkpoint, or damaged.</exception>
    /// <exception cref="BadInputException">An intact checkpoint of another format version.</exception>
    public static CheckpointMeta Read(string path)
    {
        // A FIFO or a device in its place is refused before it is opened (it would block or never end).
        var length = InputFile.Check(path, "store checkpoint", long.MaxValue);
        if (length > 4096)
            throw new StorageCorruptException(path, $"{length} bytes: not a Frugal store checkpoint (foreign file)");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new StorageCorruptException(path, "not a Frugal store checkpoint (foreign file)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        // Every version seals its file with a CRC-32 in the last 4 bytes: an intact file of another
        // version is incompatible; a damaged one (its version field included) is corrupt.
        var intact = bytes.Length >= 16
            && Crc32.HashToUInt32(bytes.AsSpan(..^4)) == BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(^4));
        if (!intact || (version == FormatVersion && bytes.Length != Size))
            throw new StorageCorruptException(path, "length or checksum mismatch (corrupt)");
        if (version != FormatVersion)
            throw new BadInputException(
                $"{path}: a store of checkpoint format version {version}; "
                + $"this build reads version {FormatVersion} (incompatible)",
                KvStore.DirectorySetting);
        var s = bytes.AsSpan();
        var meta = new CheckpointMeta(
            BinaryPrimitives.ReadInt64LittleEndian(s[16..]), BinaryPrimitives.ReadInt64LittleEndian(s[24..]),
            (BinaryPrimitives.ReadUInt32LittleEndian(s[12..]) & ChecksumsFlag) != 0,
            BinaryPrimitives.ReadInt32LittleEndian(s[32..]), BinaryPrimitives.ReadInt32LittleEndian(s[36..]),
            LogCheckpoint.Read(s[PartsAt..]),
            LogCheckpoint.Read(s[(PartsAt + LogCheckpoint.Size)..]),
            LogCheckpoint.Read(s[(PartsAt + 2 * LogCheckpoint.Size)..]));
        if (meta.StoreId == 0 || meta.Sequence < 0
            || !meta.Hot.IsPlausible || !meta.Cold.IsPlausible || !meta.Chunks.IsPlausible
            || meta.Cold.PageBits != meta.Hot.PageBits
            || !BitOperations.IsPow2(meta.Hot.IndexBuckets) || !BitOperations.IsPow2(meta.Chunks.IndexBuckets))
            throw new StorageCorruptException(path, "fields out of range (corrupt)");
        return meta;
    }
}

/// <summary>
/// Writes the snapshot of a hash index, <c>index.N.dat</c>: a header (magic, format version, the
/// store's identity, the checkpoint sequence), then (home bucket, entry) pairs, each entry
/// pointing below the checkpoint's tail, then a CRC-32 of everything before it.
/// </summary>
internal sealed class IndexSnapshotWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _stream;
    private readonly Crc32 _crc = new();
    private readonly byte[] _pair = new byte[16];

    public IndexSnapshotWriter(string path, long storeId, long sequence)
    {
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        _stream = new BufferedStream(_file, 1 << 20);
        Append(IndexSnapshot.Header(storeId, sequence));
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
}

/// <summary>Reads an index snapshot back (see <see cref="IndexSnapshotWriter"/>).</summary>
internal static class IndexSnapshot
{
    private static readonly byte[] Magic = "FRUGALIX"u8.ToArray();
    private const int FormatVersion = 1;
    private const int HeaderSize = 32;

    public static byte[] Header(long storeId, long sequence)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), storeId);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), sequence);
        return header;
    }

    /// <summary>
    /// Checks the snapshot at <paramref name="path"/> against its checkpoint (length, checksum,
    /// store identity, sequence, every entry within the checkpointed log) and restores its
    /// entries into <paramref name="index"/>. Reads only; on any mismatch the index must be discarded.
    /// </summary>
    public static void Load(string path, long storeId, long sequence, LogCheckpoint log, HashIndex index)
    {
        if (!File.Exists(path)) throw new StorageCorruptException(path, "missing; the checkpoint refers to it");
        var length = InputFile.Check(path, "index snapshot", long.MaxValue);
        if (length != log.IndexLength || length < HeaderSize + 4 || (length - HeaderSize - 4) % 16 != 0)
            throw new StorageCorruptException(path,
                $"{length} bytes, but the checkpoint expects {log.IndexLength} (corrupt or torn)");
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var crc = new Crc32();
        var header = new byte[HeaderSize];
        file.ReadExactly(header);
        crc.Append(header);
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new StorageCorruptException(path, "not a Frugal index snapshot (foreign file)");
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != FormatVersion
            || BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16)) != storeId
            || BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24)) != sequence)
            throw new StorageCorruptException(path, "belongs to another store or checkpoint (foreign file)");
        var buffer = new byte[16 * 4096];
        for (var left = length - HeaderSize - 4; left > 0;)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, left));
            file.ReadExactly(chunk);
            crc.Append(chunk);
            left -= chunk.Length;
            for (var at = 0; at < chunk.Length; at += 16)
            {
                var entry = BinaryPrimitives.ReadInt64LittleEndian(chunk[(at + 8)..]);
                var address = HashIndex.Address(entry);
                if (address < log.BeginAddress || address >= log.TailAddress)
                    throw new StorageCorruptException(path,
                        $"an entry points at {address}, outside the checkpointed log "
                        + $"[{log.BeginAddress}, {log.TailAddress}) (corrupt)");
                index.Restore(BinaryPrimitives.ReadInt64LittleEndian(chunk[at..]), entry);
            }
        }
        Span<byte> sealedWith = stackalloc byte[4];
        file.ReadExactly(sealedWith);
        var computed = crc.GetCurrentHashAsUInt32();
        if (computed != log.IndexCrc || BinaryPrimitives.ReadUInt32LittleEndian(sealedWith) != log.IndexCrc)
            throw new StorageCorruptException(path, "checksum mismatch (corrupt)");
    }
}

/// <summary>
/// The first 64 bytes of a log file: who wrote it, with which page size, for which store;
/// sealed by a CRC-32.
/// </summary>
internal static class LogFileHeader
{
    private static readonly byte[] Magic = "FRUGALLG"u8.ToArray();
    private const int FormatVersion = 2;
    private const int SealedBytes = (int)LogAddress.FirstAddress - 4;

    public static void Write(IStorageDevice device, int pageBits, long storeId)
    {
        var header = new byte[LogAddress.FirstAddress];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), pageBits);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), storeId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(SealedBytes), Checksum(header));
        device.Write(0, header);
        device.Flush();
    }

    /// <summary>
    /// Checks the header against the checkpoint that refers to the log. The checkpoint decides
    /// the format version, so any mismatch here is damage, or a log of another store or version
    /// put in this one's place: corrupt.
    /// </summary>
    public static void Validate(IStorageDevice device, int pageBits, long storeId)
    {
        var header = new byte[LogAddress.FirstAddress];
        var read = device.Read(0, header);
        if (read < header.Length || !header.AsSpan(0, 8).SequenceEqual(Magic))
            throw new StorageCorruptException(device.Name, "not a Frugal log (foreign or empty file)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != FormatVersion)
            throw new StorageCorruptException(device.Name,
                $"log format version {version}, but its checkpoint is of a store with version {FormatVersion} logs "
                + "(corrupt or foreign)");
        if (Checksum(header) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(SealedBytes)))
            throw new StorageCorruptException(device.Name, "header checksum mismatch (corrupt)");
        if (BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16)) != storeId)
            throw new StorageCorruptException(device.Name,
                "belongs to another store than its checkpoint (foreign file)");
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        if (bits != pageBits)
            throw new StorageCorruptException(device.Name,
                $"written with {1L << Math.Clamp(bits, 0, 62)}-byte pages, "
                + $"but its checkpoint says {1L << pageBits} (corrupt)");
    }

    private static uint Checksum(ReadOnlySpan<byte> header) => Crc32.HashToUInt32(header[..SealedBytes]);
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
