using System.Numerics;
using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// Logical addresses: 48 bits, growing only (so a compare-and-swap never meets an ABA). Bit 47
/// marks an address in the read cache rather than the main log. 0 means "no record". Every log
/// starts at <see cref="FirstAddress"/>, behind a file header.
/// </summary>
internal static class LogAddress
{
    public const long Mask = (1L << 48) - 1;
    public const long ReadCacheBit = 1L << 47;
    public const long None = 0;
    public const long FirstAddress = 64;

    public static bool IsReadCache(long address) => (address & ReadCacheBit) != 0;

    public static long Plain(long address) => address & ~ReadCacheBit;
}

/// <summary>
/// The layout of a record: an 8-byte header (previous address in the hash chain (48 bits) |
/// version (12) | sealed | invalid | tombstone | lock), the key and value lengths (4 bytes
/// each), a 4-byte checksum, the key, the value, padded to 8 bytes. Every record carries a
/// version of at least 1, so a zero header marks the unused end of a page for anything that
/// scans a log. The checksum (CRC-32C of the header word without its lock bit, the lengths, the
/// key and the value) is written when the record's page is flushed, once nothing updates it in
/// place any more, and checked on every read from the device (see docs/storage.md).
/// </summary>
internal static unsafe class Record
{
    public const int HeaderSize = 20;
    private const int ChecksumOffset = 16;
    public const int VersionShift = 48;
    public const long VersionMask = 0xFFFL << VersionShift;

    /// <summary>A newer version was linked while this mutable record was locked: update no longer in place.</summary>
    public const long SealedBit = 1L << 60;
    public const long InvalidBit = 1L << 61;
    public const long TombstoneBit = 1L << 62;
    public const long LockBit = long.MinValue; // bit 63

    public static int Size(int keyLength, int valueLength) => (HeaderSize + keyLength + valueLength + 7) & ~7;

    public static long VersionBits(long checkpointSequence) => ((checkpointSequence % 0xFFF) + 1) << VersionShift;

    public static long Header(byte* record) => Volatile.Read(ref *(long*)record);

    public static long Previous(long header) => header & LogAddress.Mask;

    public static bool IsInvalid(long header) => (header & InvalidBit) != 0;

    public static bool IsTombstone(long header) => (header & TombstoneBit) != 0;

    public static bool IsSealed(long header) => (header & SealedBit) != 0;

    public static int KeyLength(byte* record) => *(int*)(record + 8);

    public static int ValueLength(byte* record) => *(int*)(record + 12);

    public static ReadOnlySpan<byte> Key(byte* record) => new(record + HeaderSize, KeyLength(record));

    public static Span<byte> Value(byte* record) => new(record + HeaderSize + KeyLength(record), ValueLength(record));

    public static bool KeyEquals(byte* record, ReadOnlySpan<byte> key) => Key(record).SequenceEqual(key);

    /// <summary>
    /// Writes lengths and key of a new record; returns its value span to fill before <see cref="Publish"/>.
    /// </summary>
    public static Span<byte> Prepare(byte* record, ReadOnlySpan<byte> key, int valueLength)
    {
        *(int*)(record + 8) = key.Length;
        *(int*)(record + 12) = valueLength;
        key.CopyTo(new Span<byte>(record + HeaderSize, key.Length));
        return new Span<byte>(record + HeaderSize + key.Length, valueLength);
    }

    /// <summary>
    /// Writes the header word last, so a chain walker never sees a record whose lengths are not yet written.
    /// </summary>
    public static void Publish(byte* record, long previous, long flags) =>
        Volatile.Write(ref *(long*)record, (previous & LogAddress.Mask) | flags);

    public static void Write(byte* record, long previous, long flags, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Prepare(record, key, value.Length));
        Publish(record, previous, flags);
    }

    /// <summary>
    /// The record's checksum: CRC-32C (one hardware instruction per 8 bytes on x64 and Arm64),
    /// chained over the header word with its lock bit cleared (a reader may have held the lock
    /// while the page was flushed), the two lengths, the key and the value.
    /// </summary>
    public static uint Checksum(ReadOnlySpan<byte> record)
    {
        var crc = BitOperations.Crc32C(~0u, (ulong)(MemoryMarshal.Read<long>(record) & ~LockBit));
        crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<ulong>(record[8..]));
        var bodyLength = MemoryMarshal.Read<int>(record[8..]) + MemoryMarshal.Read<int>(record[12..]);
        var body = record.Slice(HeaderSize, bodyLength);
        var i = 0;
        for (; i + sizeof(ulong) <= body.Length; i += sizeof(ulong))
            crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<ulong>(body[i..]));
        for (; i < body.Length; i++) crc = BitOperations.Crc32C(crc, body[i]);
        return ~crc;
    }

    /// <summary>
    /// The length (unpadded) of the record <paramref name="bytes"/> start with, if they start
    /// with a plausible one (a version, lengths not negative) and hold all of it; -1 otherwise.
    /// </summary>
    public static int LengthIn(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || (MemoryMarshal.Read<long>(bytes) & VersionMask) == 0) return -1;
        int keyLength = MemoryMarshal.Read<int>(bytes[8..]), valueLength = MemoryMarshal.Read<int>(bytes[12..]);
        var fits = keyLength >= 0 && valueLength >= 0 && (long)HeaderSize + keyLength + valueLength <= bytes.Length;
        return fits ? HeaderSize + keyLength + valueLength : -1;
    }

    /// <summary>
    /// Writes the checksum of the in-memory record (at flush time: its bytes no longer change but for the lock bit).
    /// </summary>
    public static void Seal(byte* record) =>
        *(uint*)(record + ChecksumOffset) =
            Checksum(new ReadOnlySpan<byte>(record, HeaderSize + KeyLength(record) + ValueLength(record)));

    /// <summary>
    /// Whether a record read from the device (its lengths already checked to lie within it) still has its checksum.
    /// </summary>
    public static bool IsIntact(ReadOnlySpan<byte> record) =>
        MemoryMarshal.Read<uint>(record[ChecksumOffset..]) == Checksum(record);

    public static void SetFlag(byte* record, long flag)
    {
        ref var header = ref *(long*)record;
        var seen = Volatile.Read(ref header);
        while (true)
        {
            var prior = Interlocked.CompareExchange(ref header, seen | flag, seen);
            if (prior == seen) return;
            seen = prior;
        }
    }

    /// <summary>
    /// Takes the record's spin lock, which guards in-place updates of a mutable record against readers and other
    /// writers.
    /// </summary>
    public static void Lock(byte* record)
    {
        ref var header = ref *(long*)record;
        var spinner = new SpinWait();
        while (true)
        {
            var seen = Volatile.Read(ref header);
            if ((seen & LockBit) == 0 && Interlocked.CompareExchange(ref header, seen | LockBit, seen) == seen) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    public static void Unlock(byte* record)
    {
        ref var header = ref *(long*)record;
        var seen = Volatile.Read(ref header);
        while (true)
        {
            var prior = Interlocked.CompareExchange(ref header, seen & ~LockBit, seen);
            if (prior == seen) return;
            seen = prior;
        }
    }
}
