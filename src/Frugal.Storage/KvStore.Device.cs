using System.Buffers;

namespace Frugal.Storage;

// The asynchronous paths: they hold no epoch across an await and touch log memory only to copy a
// record out, protected, into a pooled buffer (so most of this part of the class is not unsafe).
public sealed partial class KvStore
{
    /// <summary>Reads <paramref name="key"/>'s value into a new array; null when the key is absent.</summary>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key)
    {
        var buffer = new byte[256];
        while (true)
        {
            var result = await ReadAsync(key, buffer).ConfigureAwait(false);
            switch (result.Status)
            {
                case ReadStatus.NotFound: return null;
                case ReadStatus.Found: return buffer.AsSpan(0, result.ValueLength).ToArray();
                default: buffer = new byte[result.ValueLength]; break;
            }
        }
    }

    /// <summary>Finishes a read that left memory: the hot chain on the device, then (if the hot log has no record) the cold tier.</summary>
    internal async ValueTask<ReadResult> ReadFromDeviceAsync(ReadOnlyMemory<byte> key, Memory<byte> destination, PendingIo pending)
    {
        while (true)
        {
            var (end, record) = await FindAsync(key, pending).ConfigureAwait(false);
            if (end == ChainEnd.Restart)
            {
                // Compaction moved the chain's records while we read them: start over from the index.
                var status = TryRead(key.Span, destination.Span, out var length, out pending);
                if (status != OpStatus.Pending) return Result(status, length);
                continue;
            }
            if (end == ChainEnd.Missing) return new ReadResult(ReadStatus.NotFound, 0);
            try
            {
                if (record.IsTombstone) return new ReadResult(ReadStatus.NotFound, 0);
                var slot = Enter();
                try
                {
                    InsertIntoReadCache(key.Span, pending.Hash, record.Value, pending.Entry, pending.HotTail);
                }
                finally
                {
                    _epoch.Unprotect(slot);
                }
                if (record.Value.Length > destination.Length) return new ReadResult(ReadStatus.BufferTooSmall, record.Value.Length);
                record.Value.CopyTo(destination.Span);
                return new ReadResult(ReadStatus.Found, record.Value.Length);
            }
            finally
            {
                record.Return();
            }
        }
    }

    /// <summary>The key's newest record below memory: the hot chain from the pending address, then the cold tier when the hot chain ends without it.</summary>
    private async ValueTask<(ChainEnd End, DeviceRecord Record)> FindAsync(ReadOnlyMemory<byte> key, PendingIo pending)
    {
        if (pending.Address != LogAddress.None)
        {
            // With a cold tier, a hot chain that ends below Begin is complete: compaction copied what lay below to the cold log first.
            var hot = await FindInLogAsync(_log, _device, key, pending.Address, _coldLog is null ? pending.Begin : long.MaxValue).ConfigureAwait(false);
            if (hot.End != ChainEnd.Missing || _coldLog is null) return hot;
        }
        if (_coldLog is null) return (ChainEnd.Missing, default);
        Interlocked.Increment(ref _coldLookups);
        var coldBegin = _coldLog.BeginAddress;
        var head = await _coldIndex!.FindAsync(pending.Hash).ConfigureAwait(false);
        return await FindInLogAsync(_coldLog, _coldDevice!, key, head, coldBegin).ConfigureAwait(false);
    }

    private enum ChainEnd
    {
        Found,
        Missing,

        /// <summary>Begin passed the chain while it was read (the space may be reclaimed): the operation starts over.</summary>
        Restart,
    }

    /// <summary>A record copied out of a log, in a pooled buffer the caller returns.</summary>
    private readonly record struct DeviceRecord(byte[] Buffer, long Header, int KeyLength, int ValueLength)
    {
        public bool IsTombstone => Record.IsTombstone(Header);
        public ReadOnlySpan<byte> Value => Buffer.AsSpan(Record.HeaderSize + KeyLength, ValueLength);
        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    /// <summary>
    /// Walks a hash chain of <paramref name="log"/> from <paramref name="address"/> down to
    /// <paramref name="key"/>'s newest record: from memory while the chain is above Head (the
    /// cold log's newest pages), then from the device, with no epoch held across the awaits. A
    /// walk that runs below Begin after Begin moved past <paramref name="beginSeen"/> (the Begin
    /// when the chain's head was read) restarts: compaction may have copied the record it looks
    /// for to the log's tail, out of this chain's reach.
    /// </summary>
    private async ValueTask<(ChainEnd End, DeviceRecord Record)> FindInLogAsync(HybridLog log, IStorageDevice device, ReadOnlyMemory<byte> key, long address, long beginSeen)
    {
        var firstRead = FirstReadBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(firstRead);
        try
        {
            while (address >= log.BeginAddress && address != LogAddress.None)
            {
                long header;
                int keyLength, valueLength;
                if (CopyFromMemory(log, address, ref buffer) is { } inMemory) (header, keyLength, valueLength) = inMemory;
                else
                {
                    var read = await ReadDeviceAsync(device, address, buffer.AsMemory(0, Math.Min(firstRead, buffer.Length))).ConfigureAwait(false);
                    if (!TryParseDeviceRecord(log, device, address, buffer, read, out header, out keyLength, out valueLength)) return (ChainEnd.Restart, default);
                    var size = Record.Size(keyLength, valueLength);
                    // Most stores hold records of one size: read that much first next time, not a fixed guess.
                    if (size != _lastRecordSize) Volatile.Write(ref _lastRecordSize, size);
                    if (size > read)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(size);
                        if (await ReadDeviceAsync(device, address, buffer.AsMemory(0, size)).ConfigureAwait(false) < size)
                        {
                            if (address < log.BeginAddress) return (ChainEnd.Restart, default);
                            throw new StorageCorruptException(device.Name, "record cut off (corrupt)", address);
                        }
                    }
                    if (!IsIntact(log, device, address, buffer.AsSpan(0, Record.HeaderSize + keyLength + valueLength))) return (ChainEnd.Restart, default);
                }
                if (!Record.IsInvalid(header) && buffer.AsSpan(Record.HeaderSize, keyLength).SequenceEqual(key.Span))
                {
                    var found = new DeviceRecord(buffer, header, keyLength, valueLength);
                    buffer = null;
                    return (ChainEnd.Found, found);
                }
                address = Record.Previous(header);
            }
            return address != LogAddress.None && log.BeginAddress > beginSeen ? (ChainEnd.Restart, default) : (ChainEnd.Missing, default);
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int _lastRecordSize = FirstDeviceRead;

    /// <summary>How much a chain step reads first: the size of the last record read, at least a header and a short key.</summary>
    private int FirstReadBytes => Math.Clamp(Volatile.Read(ref _lastRecordSize), 64, 4096);

    /// <summary>Copies the record at <paramref name="address"/> out of memory if it is still there; null when it is only on the device.</summary>
    private unsafe (long Header, int KeyLength, int ValueLength)? CopyFromMemory(HybridLog log, long address, ref byte[] buffer)
    {
        if (address < log.HeadAddress) return null;
        var slot = _epoch.Protect();
        try
        {
            if (address < log.HeadAddress) return null;
            var record = log.Pointer(address);
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

    private async ValueTask<int> ReadDeviceAsync(IStorageDevice device, long address, Memory<byte> into)
    {
        var read = await device.ReadAsync(address, into).ConfigureAwait(false);
        CountRead(read);
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
    private (long Header, int KeyLength, int ValueLength) ReadRecord(HybridLog log, IStorageDevice device, long address, ref byte[]? buffer)
    {
        buffer ??= new byte[FirstReadBytes];
        var read = device.Read(address, buffer);
        CountRead(read);
        if (!TryParseDeviceRecord(log, device, address, buffer, read, out var header, out var keyLength, out var valueLength))
            throw new StorageCorruptException(device.Name, "no valid record (corrupt)", address);
        var size = Record.Size(keyLength, valueLength);
        if (size > read)
        {
            if (buffer.Length < size) buffer = new byte[size];
            read = device.Read(address, buffer.AsSpan(0, size));
            CountRead(read);
            if (read < size) throw new StorageCorruptException(device.Name, "record cut off (corrupt)", address);
        }
        if (!IsIntact(log, device, address, buffer.AsSpan(0, Record.HeaderSize + keyLength + valueLength)))
            throw new StorageCorruptException(device.Name, "checksum mismatch (corrupt)", address);
        return (header, keyLength, valueLength);
    }

    /// <summary>
    /// Whether a record copied from the device still has its checksum (always, in a store that
    /// keeps none). A mismatch where Begin has passed the address is a record compaction gave
    /// back under the reader: false (start over). Anywhere else it is damage.
    /// </summary>
    private bool IsIntact(HybridLog log, IStorageDevice device, long address, ReadOnlySpan<byte> record)
    {
        if (!_checksums || Record.IsIntact(record)) return true;
        if (address < log.BeginAddress) return false;
        throw new StorageCorruptException(device.Name, "checksum mismatch (corrupt)", address);
    }

    /// <summary>
    /// Checks the header of a record read from the device. A record that fails the check while
    /// Begin has passed its address was compacted and its space given back under the reader:
    /// false (start over). Anywhere else it is corruption.
    /// </summary>
    private static unsafe bool TryParseDeviceRecord(HybridLog log, IStorageDevice device, long address, byte[] buffer, int read, out long header, out int keyLength, out int valueLength)
    {
        header = 0;
        keyLength = valueLength = 0;
        if (read >= Record.HeaderSize)
        {
            fixed (byte* p = buffer)
            {
                // The lock bit may have been flushed while a reader held it; it means nothing on disk.
                header = *(long*)p & ~Record.LockBit;
                keyLength = Record.KeyLength(p);
                valueLength = Record.ValueLength(p);
            }
            if ((header & Record.VersionMask) != 0 && keyLength >= 0 && valueLength >= 0 && (long)keyLength + valueLength + Record.HeaderSize <= log.PageSize
                && Record.Previous(header) < address)
                return true;
        }
        if (address < log.BeginAddress) return false;
        throw new StorageCorruptException(device.Name, "no valid record (corrupt)", address);
    }

    /// <summary>Finishes an RMW that left memory: reads the current value (hot device or cold tier), then inserts conditionally; starts over when that fails.</summary>
    internal async ValueTask RmwFromDeviceAsync<TMerge>(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge, PendingIo pending) where TMerge : IRmwFunction
    {
        while (true)
        {
            var (end, found) = await FindAsync(key, pending).ConfigureAwait(false);
            var status = OpStatus.Retry;
            if (end != ChainEnd.Restart)
            {
                var slot = Enter();
                try
                {
                    status = CompleteRmw(key.Span, input.Span, ref merge, pending, end == ChainEnd.Found ? found : null, slot);
                }
                finally
                {
                    _epoch.Unprotect(slot);
                    if (end == ChainEnd.Found) found.Return();
                }
            }
            // A newer version may exist (the entry changed, or compaction moved the chain): start over from the index.
            if (status == OpStatus.Done || TryRmw(key.Span, input.Span, ref merge, out pending) == OpStatus.Done) return;
        }
    }
}
