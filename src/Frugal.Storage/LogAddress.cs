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
/// each), the key, the value, padded to 8 bytes. Every record carries a version of at least 1,
/// so a zero header marks the unused end of a page for anything that scans a log.
/// </summary>
internal static unsafe class Record
{
    public const int HeaderSize = 16;
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

    /// <summary>Writes lengths and key of a new record; returns its value span to fill before <see cref="Publish"/>.</summary>
    public static Span<byte> Prepare(byte* record, ReadOnlySpan<byte> key, int valueLength)
    {
        *(int*)(record + 8) = key.Length;
        *(int*)(record + 12) = valueLength;
        key.CopyTo(new Span<byte>(record + HeaderSize, key.Length));
        return new Span<byte>(record + HeaderSize + key.Length, valueLength);
    }

    /// <summary>Writes the header word last, so a chain walker never sees a record whose lengths are not yet written.</summary>
    public static void Publish(byte* record, long previous, long flags) =>
        Volatile.Write(ref *(long*)record, (previous & LogAddress.Mask) | flags);

    public static void Write(byte* record, long previous, long flags, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Prepare(record, key, value.Length));
        Publish(record, previous, flags);
    }

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

    /// <summary>Takes the record's spin lock, which guards in-place updates of a mutable record against readers and other writers.</summary>
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
