using System.Buffers;
using System.Buffers.Binary;

namespace Frugal.Storage;

/// <summary>How a walk down a hash chain ended.</summary>
internal enum ChainEnd
{
    Found,
    Missing,

    /// <summary>
    /// Begin passed the chain while it was read (the space may be reclaimed): the operation starts over.
    /// </summary>
    Restart,
}

/// <summary>A record copied out of a log, in a pooled buffer the caller returns.</summary>
internal readonly record struct DeviceRecord(byte[] Buffer, long Header, int KeyLength, int ValueLength)
{
    public bool IsTombstone => Record.IsTombstone(Header);
    public ReadOnlySpan<byte> Value => Buffer.AsSpan(Record.HeaderSize + KeyLength, ValueLength);
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>Device reads made on behalf of one kind of operation (say, cold lookups), counted across threads.</summary>
internal sealed class ReadCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

/// <summary>
/// A hybrid log and the device under it, read record by record: chain walks (from memory while
/// the chain is above Head, then from the device, with no epoch held across an await),
/// compaction's page scans, and recovery's checks of the file against its checkpoint. Every
/// record read from the device is checked — plausible lengths, and its checksum where the store
/// keeps them — before anything in it is trusted.
/// </summary>
internal sealed class LogFile : IDisposable
{
    private const int FirstDeviceRead = 512;

    private readonly Epoch _epoch;
    private readonly bool _checksums;
    private int _lastRecordSize = FirstDeviceRead;
    private long _deviceReads;
    private long _bytesRead;
    private long _scannedBytes;
    private long _reclaimedBytes;

    internal delegate void RecordVisitor(long address, ReadOnlySpan<byte> record);

    /// <param name="log">The log.</param>
    /// <param name="device">Its device (the log writes its pages there).</param>
    /// <param name="epoch">The epoch that protects the log's memory.</param>
    /// <param name="checksums">Whether the log's records carry checksums to check.</param>
    public LogFile(HybridLog log, IStorageDevice device, Epoch epoch, bool checksums)
    {
        Log = log;
        Device = device;
        _epoch = epoch;
        _checksums = checksums;
    }

    public HybridLog Log { get; }
    public IStorageDevice Device { get; }

    /// <summary>Device reads and bytes read, chain walks and scans together.</summary>
    public long DeviceReads => Interlocked.Read(ref _deviceReads);
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Log bytes compaction scanned.</summary>
    public long ScannedBytes => Interlocked.Read(ref _scannedBytes);

    /// <summary>Disk space given back below Begin after checkpoints (not counting recovery's).</summary>
    public long ReclaimedBytes => Interlocked.Read(ref _reclaimedBytes);

    // ---- Creation and recovery ----

    public void WriteHeader(long storeId) => LogFileHeader.Write(Device, Log.PageBits, storeId);

    /// <summary>
    /// Checks the file against its part of the checkpoint (header, identity, length) and loads
    /// the page holding the tail, checking its records. Reads only. Returns the bytes past the
    /// checkpoint's tail: written after it, or torn by a crash.
    /// </summary>
    public long Load(LogCheckpoint part, long storeId)
    {
        LogFileHeader.Validate(Device, part.PageBits, storeId);
        var length = Device.Length;
        if (length < part.TailAddress)
            throw new StorageCorruptException(Device.Name,
                $"{length} bytes, shorter than the {part.TailAddress} bytes its checkpoint covers " +
                "(corrupt or truncated)");
        Log.Recover(part.BeginAddress, part.TailAddress);
        return length - part.TailAddress;
    }

    /// <summary>
    /// Cuts what lies past the recovered tail (only once the whole checkpoint checked out, and before anything is
    /// appended).
    /// </summary>
    public void CutTornTail()
    {
        if (Device.Length > Log.TailAddress) Device.Truncate(Log.TailAddress);
    }

    /// <summary>
    /// Gives back the device space below Begin (see <see cref="HybridLog.Reclaim"/>); counted unless it is recovery's.
    /// </summary>
    public void Reclaim(bool counted)
    {
        var bytes = Log.Reclaim(Log.BeginAddress);
        if (counted) Interlocked.Add(ref _reclaimedBytes, bytes);
    }

    // ---- Chain walks ----

    /// <summary>
    /// Walks a hash chain from <paramref name="address"/> down to <paramref name="key"/>'s newest
    /// record: from memory while the chain is above Head, then from the device. A walk that runs
    /// below Begin after Begin moved past <paramref name="beginSeen"/> (the Begin when the chain's
    /// head was read) restarts: compaction may have copied the record it looks for to the log's
    /// tail, out of this chain's reach. (Pass <see cref="long.MaxValue"/> where compaction moves
    /// records to another tier, which the caller searches next.) Each device read is also counted in <paramref
    /// name="reads"/>, where given. The walk stops (missing) at <paramref name="above"/> or below: compaction's stale
    /// test asks only whether a newer version lies above the record it tests.
    /// </summary>
    public async ValueTask<(ChainEnd End, DeviceRecord Record)> FindAsync(
        ReadOnlyMemory<byte> key, long address, long beginSeen, ReadCounter? reads = null, long above = -1)
    {
        var firstRead = FirstReadBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(firstRead);
        try
        {
            while (address >= Log.BeginAddress && address != LogAddress.None && address > above)
            {
                long header;
                int keyLength, valueLength;
                if (CopyFromMemory(address, ref buffer) is { } inMemory) (header, keyLength, valueLength) = inMemory;
                else
                {
                    var first = buffer.AsMemory(0, Math.Min(firstRead, buffer.Length));
                    var read = await ReadDeviceAsync(address, first, reads).ConfigureAwait(false);
                    if (!TryParse(address, buffer, read, out header, out keyLength, out valueLength))
                        return (ChainEnd.Restart, default);
                    var size = Record.Size(keyLength, valueLength);
                    // Most stores hold records of one size: read that much first next time, not a fixed guess.
                    if (size != _lastRecordSize) Volatile.Write(ref _lastRecordSize, size);
                    if (size > read)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(size);
                        var whole = buffer.AsMemory(0, size);
                        if (await ReadDeviceAsync(address, whole, reads).ConfigureAwait(false) < size)
                        {
                            if (address < Log.BeginAddress) return (ChainEnd.Restart, default);
                            throw new StorageCorruptException(Device.Name, "record cut off (corrupt)", address);
                        }
                    }
                    if (!IsIntact(address, buffer.AsSpan(0, Record.HeaderSize + keyLength + valueLength)))
                        return (ChainEnd.Restart, default);
                }
                if (!Record.IsInvalid(header) && buffer.AsSpan(Record.HeaderSize, keyLength).SequenceEqual(key.Span))
                {
                    var found = new DeviceRecord(buffer, header, keyLength, valueLength);
                    buffer = null;
                    return (ChainEnd.Found, found);
                }
                address = Record.Previous(header);
            }
            var moved = address != LogAddress.None && Log.BeginAddress > beginSeen;
            return (moved ? ChainEnd.Restart : ChainEnd.Missing, default);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// How much a chain step reads first: the size of the last record read, at least a header and a short key.
    /// </summary>
    private int FirstReadBytes => Math.Clamp(Volatile.Read(ref _lastRecordSize), 64, 4096);

    /// <summary>
    /// Copies the record at <paramref name="address"/> out of memory if it is still there; null when it is only on the
    /// device.
    /// </summary>
    private unsafe (long Header, int KeyLength, int ValueLength)? CopyFromMemory(long address, ref byte[] buffer)
    {
        if (address < Log.HeadAddress) return null;
        var slot = _epoch.Protect();
        try
        {
            if (address < Log.HeadAddress) return null;
            var record = Log.Pointer(address);
            int keyLength = Record.KeyLength(record), valueLength = Record.ValueLength(record);
            var size = Record.Size(keyLength, valueLength);
            if (buffer.Length < size)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
            }
            // Only the cold log is read this way, and nothing updates a cold record in place: no lock needed.
            new ReadOnlySpan<byte>(record, size).CopyTo(buffer);
            return (Record.Header(record) & ~Record.LockBit, keyLength, valueLength);
        }
        finally
        {
            _epoch.Unprotect(slot);
        }
    }

    private async ValueTask<int> ReadDeviceAsync(long address, Memory<byte> into, ReadCounter? reads)
    {
        var read = await Device.ReadAsync(address, into).ConfigureAwait(false);
        CountRead(read);
        reads?.Add();
        return read;
    }

    private void CountRead(int bytes)
    {
        Interlocked.Increment(ref _deviceReads);
        Interlocked.Add(ref _bytesRead, bytes);
    }

    /// <summary>
    /// Reads the whole record at <paramref name="address"/> from the device, synchronously and
    /// unprotected, and checks it (<paramref name="buffer"/> grows as needed). For walks that
    /// Begin cannot pass meanwhile (compaction's own, a checkpoint's): any failure is damage.
    /// </summary>
    public (long Header, int KeyLength, int ValueLength) ReadRecord(long address, ref byte[]? buffer)
    {
        buffer ??= new byte[FirstReadBytes];
        var read = Device.Read(address, buffer);
        CountRead(read);
        if (!TryParse(address, buffer, read, out var header, out var keyLength, out var valueLength))
            throw new StorageCorruptException(Device.Name, "no valid record (corrupt)", address);
        var size = Record.Size(keyLength, valueLength);
        if (size > read)
        {
            if (buffer.Length < size) buffer = new byte[size];
            read = Device.Read(address, buffer.AsSpan(0, size));
            CountRead(read);
            if (read < size) throw new StorageCorruptException(Device.Name, "record cut off (corrupt)", address);
        }
        if (!IsIntact(address, buffer.AsSpan(0, Record.HeaderSize + keyLength + valueLength)))
            throw new StorageCorruptException(Device.Name, "checksum mismatch (corrupt)", address);
        return (header, keyLength, valueLength);
    }

    /// <summary>
    /// Whether a record copied from the device still has its checksum (always, in a store that
    /// keeps none). A mismatch where Begin has passed the address is a record compaction gave
    /// back under the reader: false (start over). Anywhere else it is damage.
    /// </summary>
    private bool IsIntact(long address, ReadOnlySpan<byte> record)
    {
        if (!_checksums || Record.IsIntact(record)) return true;
        if (address < Log.BeginAddress) return false;
        throw new StorageCorruptException(Device.Name, "checksum mismatch (corrupt)", address);
    }

    /// <summary>
    /// Checks the header of a record read from the device. A record that fails the check while
    /// Begin has passed its address was compacted and its space given back under the reader:
    /// false (start over). Anywhere else it is corruption.
    /// </summary>
    private bool TryParse(
        long address, byte[] buffer, int read, out long header, out int keyLength, out int valueLength)
    {
        header = 0;
        keyLength = valueLength = 0;
        if (read >= Record.HeaderSize)
        {
            // The lock bit may have been flushed while a reader held it; it means nothing on disk.
            header = BinaryPrimitives.ReadInt64LittleEndian(buffer) & ~Record.LockBit;
            keyLength = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(8));
            valueLength = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(12));
            if ((header & Record.VersionMask) != 0 && keyLength >= 0 && valueLength >= 0
                && (long)keyLength + valueLength + Record.HeaderSize <= Log.PageSize
                && Record.Previous(header) < address)
                return true;
        }
        if (address < Log.BeginAddress) return false;
        throw new StorageCorruptException(Device.Name, "no valid record (corrupt)", address);
    }

    /// <summary>
    /// Whether walking the chain from <paramref name="head"/> reaches <paramref name="address"/>
    /// without meeting a newer valid record of <paramref name="key"/> (compaction's liveness
    /// test). The caller is protected; records below Head are read from the device unprotected.
    /// </summary>
    public unsafe bool IsNewestInChain(long head, ReadOnlySpan<byte> key, long address, ref int epochSlot)
    {
        byte[]? buffer = null;
        while (head > address)
        {
            long header;
            bool sameKey;
            if (head >= Log.HeadAddress)
            {
                var record = Log.Pointer(head);
                header = Record.Header(record);
                sameKey = Record.KeyEquals(record, key);
            }
            else
            {
                _epoch.Unprotect(epochSlot);
                (header, var keyLength, _) = ReadRecord(head, ref buffer);
                epochSlot = _epoch.Protect();
                sameKey = keyLength == key.Length && buffer.AsSpan(Record.HeaderSize, keyLength).SequenceEqual(key);
            }
            if (!Record.IsInvalid(header) && sameKey) return false;
            head = Record.Previous(header);
        }
        return head == address;
    }

    // ---- Scans ----

    /// <summary>
    /// Visits every valid record of [<paramref name="from"/>, <paramref name="until"/>), reading
    /// the device a page at a time, the next page while the visitor works through this one (the
    /// range is below Head, and only the caller moves Begin).
    /// </summary>
    public void Scan(long from, long until, RecordVisitor visit)
    {
        var page = new byte[Log.PageSize];
        var ahead = new byte[Log.PageSize];
        Interlocked.Add(ref _scannedBytes, Math.Max(0, until - from));
        var first = from & ~(Log.PageSize - 1);
        var next = first < until ? Device.ReadAsync(first, ahead) : default;
        for (var start = first; start < until; start += Log.PageSize)
        {
            var read = next.GetAwaiter().GetResult();
            (page, ahead) = (ahead, page);
            // The next page is read (on the direct device: in flight) while the visitor works through this one.
            if (start + Log.PageSize < until) next = Device.ReadAsync(start + Log.PageSize, ahead);
            CountRead(read);
            for (var at = Math.Max(from, start); at + Record.HeaderSize <= Math.Min(until, start + Log.PageSize);)
            {
                var offset = (int)(at - start);
                if (offset + Record.HeaderSize > read) break;
                var header = BinaryPrimitives.ReadInt64LittleEndian(page.AsSpan(offset)) & ~Record.LockBit;
                if (header == 0) break; // the unused end of the page
                var length = Record.LengthIn(page.AsSpan(offset, read - offset));
                var size = (length + 7) & ~7;
                if (length < 0 || offset + size > read)
                    throw new StorageCorruptException(Device.Name, "no valid record (corrupt)", at);
                if (_checksums && !Record.IsIntact(page.AsSpan(offset, length)))
                    throw new StorageCorruptException(Device.Name, "checksum mismatch (corrupt)", at);
                if (!Record.IsInvalid(header)) visit(at, page.AsSpan(offset, size));
                at += size;
            }
        }
    }

    public void Dispose()
    {
        Log.Dispose();
        Device.Dispose();
    }
}
