using System.Buffers;

namespace Frugal.Storage;

// The asynchronous paths: they hold no epoch across an await and touch no log memory, only
// pooled buffers filled from the device (so this part of the class is not unsafe).
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

    internal async ValueTask<ReadResult> ReadFromDeviceAsync(ReadOnlyMemory<byte> key, Memory<byte> destination, PendingIo pending)
    {
        var found = await FindOnDeviceAsync(key, pending.Address).ConfigureAwait(false);
        if (found is not { } record) return new ReadResult(ReadStatus.NotFound, 0);
        try
        {
            if (record.IsTombstone) return new ReadResult(ReadStatus.NotFound, 0);
            var slot = Enter();
            try
            {
                InsertIntoReadCache(key.Span, pending.Hash, record.Value, pending.Entry);
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

    /// <summary>A record read from the device, in a pooled buffer the caller returns.</summary>
    private readonly record struct DeviceRecord(byte[] Buffer, long Header, int KeyLength, int ValueLength)
    {
        public bool IsTombstone => Record.IsTombstone(Header);
        public ReadOnlySpan<byte> Value => Buffer.AsSpan(Record.HeaderSize + KeyLength, ValueLength);
        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    /// <summary>Walks the hash chain on the device from <paramref name="address"/> down to <paramref name="key"/>'s newest record (no epoch held across the awaits).</summary>
    private async ValueTask<DeviceRecord?> FindOnDeviceAsync(ReadOnlyMemory<byte> key, long address)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstDeviceRead);
        try
        {
            while (address >= _log.BeginAddress && address != LogAddress.None)
            {
                var read = await ReadDeviceAsync(address, buffer.AsMemory(0, FirstDeviceRead)).ConfigureAwait(false);
                var (header, keyLength, valueLength) = ParseDeviceRecord(address, buffer, read);
                var size = Record.Size(keyLength, valueLength);
                if (size > read)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                    if (await ReadDeviceAsync(address, buffer.AsMemory(0, size)).ConfigureAwait(false) < size)
                        throw new StorageException($"{_device.Name}: the record at {address} is cut off (corrupt).");
                }
                if (!Record.IsInvalid(header) && buffer.AsSpan(Record.HeaderSize, keyLength).SequenceEqual(key.Span))
                {
                    var found = new DeviceRecord(buffer, header, keyLength, valueLength);
                    buffer = null;
                    return found;
                }
                address = Record.Previous(header);
            }
            return null;
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<int> ReadDeviceAsync(long address, Memory<byte> into)
    {
        var read = await _device.ReadAsync(address, into).ConfigureAwait(false);
        Interlocked.Increment(ref _deviceReads);
        Interlocked.Add(ref _bytesRead, read);
        return read;
    }

    private unsafe (long Header, int KeyLength, int ValueLength) ParseDeviceRecord(long address, byte[] buffer, int read)
    {
        if (read < Record.HeaderSize) throw new StorageException($"{_device.Name}: the record at {address} is cut off (corrupt).");
        fixed (byte* p = buffer)
        {
            // The lock bit may have been flushed while a reader held it; it means nothing on disk.
            var header = *(long*)p & ~Record.LockBit;
            int keyLength = Record.KeyLength(p), valueLength = Record.ValueLength(p);
            if ((header & Record.VersionMask) == 0 || keyLength < 0 || valueLength < 0 || (long)keyLength + valueLength + Record.HeaderSize > _log.PageSize
                || Record.Previous(header) >= address)
                throw new StorageException($"{_device.Name}: no valid record at {address} (corrupt).");
            return (header, keyLength, valueLength);
        }
    }

    internal async ValueTask RmwFromDeviceAsync<TMerge>(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> input, TMerge merge, PendingIo pending) where TMerge : IRmwFunction
    {
        while (true)
        {
            var found = await FindOnDeviceAsync(key, pending.Address).ConfigureAwait(false);
            OpStatus status;
            var slot = Enter();
            try
            {
                status = CompleteRmw(key.Span, input.Span, ref merge, pending, found);
            }
            finally
            {
                _epoch.Unprotect(slot);
                found?.Return();
            }
            // The entry changed while we read the disk (a newer version may exist): start over from the index.
            if (status == OpStatus.Done || TryRmw(key.Span, input.Span, ref merge, out pending) == OpStatus.Done) return;
        }
    }
}
