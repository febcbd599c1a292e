using System.Runtime.InteropServices;
using Frugal.Core.Errors;

namespace Frugal.Storage;

/// <summary>
/// A file opened with O_DIRECT (Linux): reads and writes bypass the page cache and reach the disk, as in F2's
/// regime of data far larger than memory. O_DIRECT wants the file offset, the length and the memory address of
/// every transfer aligned to the file system's direct-I/O alignment (statx STATX_DIOALIGN, else 4096 bytes), so
/// every transfer goes through an aligned native buffer: a read of any range reads the aligned blocks covering it;
/// a write that does not start or end on a block boundary first reads the covering edge blocks and writes them back
/// whole, with the bytes around the data unchanged (the log writes its 64-byte header, and a checkpoint flushes a
/// partial tail page, starting the next flush mid-block). Writes hold one lock: the log has one flusher anyway,
/// and two read-modify-writes of one block must not interleave. Asynchronous reads go through an
/// <see cref="IoUring"/> of the device's own, or, where the kernel refuses one, a blocking read on the thread
/// pool (<see cref="AsyncReads"/> says which).
/// </summary>
internal sealed unsafe class DirectDevice : IStorageDevice
{
    private const int DefaultAlignment = 4096;
    private const int RingEntries = 256;

    private readonly int _fd;
    private readonly Lock _writeLock = new();
    private readonly IoUring? _ring;

    /// <param name="path">The file; created when missing unless <paramref name="readOnly"/>.</param>
    /// <param name="readOnly">Open the file for reading only (it must exist).</param>
    /// <param name="ioUring">Whether asynchronous reads may use io_uring (false forces the thread-pool
    /// fallback).</param>
    /// <exception cref="BadInputException">The file system refuses O_DIRECT.</exception>
    /// <exception cref="StorageException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public DirectDevice(string path, bool readOnly = false, bool ioUring = true)
    {
        Name = path;
        var flags = (readOnly ? 0 : NativeFile.ReadWrite | NativeFile.Create) | NativeFile.Direct
                    | NativeFile.CloseOnExec;
        _fd = NativeFile.open(path, flags, 0x1B6); // 0666, less the umask, as .NET creates files
        if (_fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is NativeFile.AccessDenied or NativeFile.NotPermitted)
                throw new UnauthorizedAccessException($"{path}: {NativeFile.Describe(errno)}");
            // The user chose direct I/O for a folder whose file system (an older tmpfs, some network ones) has none.
            if (errno == NativeFile.InvalidArgument)
                throw new BadInputException(
                    $"{path}: its file system refuses direct I/O (O_DIRECT): use buffered I/O there",
                        KvStore.IoSetting);
            throw new StorageException($"{path}: cannot be opened for direct I/O: {NativeFile.Describe(errno)}");
        }
        Alignment = QueryAlignment(_fd);
        string? failure = "turned off";
        _ring = ioUring ? IoUring.TryCreate(RingEntries, out failure) : null;
        AsyncReads = _ring is not null
            ? "io_uring"
            : $"blocking reads on the thread pool (io_uring unavailable: {failure})";
    }

    public string Name { get; }

    /// <summary>
    /// The file system's direct-I/O alignment: every offset, length and buffer address is a multiple.
    /// </summary>
    public int Alignment { get; }

    /// <summary>How <see cref="ReadAsync"/> reads: through io_uring, or the fallback and why.</summary>
    public string AsyncReads { get; }

    /// <summary>Test hook: an errno to fail the next write with (as a failing disk would), 0 for none.</summary>
    internal Func<long, int>? InjectWriteError { get; init; }

    public long Length
    {
        get
        {
            var length = NativeFile.lseek(_fd, 0, 2); // SEEK_END; every transfer is positional, so the offset is free
            return length >= 0 ? length : throw Failure("finding the length", 0, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>STATX_DIOALIGN's offset and memory alignment (Linux 6.1+), the larger of the two; else 4096.</summary>
    private static int QueryAlignment(int fd)
    {
        const uint dioAlign = 0x2000; // STATX_DIOALIGN
        const int emptyPath = 0x1000; // AT_EMPTY_PATH: the call is about fd itself
        var buffer = stackalloc byte[256];
        if (NativeFile.statx(fd, "", emptyPath, dioAlign, buffer) != 0 || (*(uint*)buffer & dioAlign) == 0)
            return DefaultAlignment;
        var memory = *(uint*)(buffer + 0x98); // stx_dio_mem_align
        var offset = *(uint*)(buffer + 0x9C); // stx_dio_offset_align
        var alignment = (int)Math.Max(memory, offset);
        return alignment > 0 && (alignment & (alignment - 1)) == 0 ? alignment : DefaultAlignment;
    }

    private long Down(long position) => position & ~(long)(Alignment - 1);
    private long Up(long position) => (position + Alignment - 1) & ~(long)(Alignment - 1);

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        lock (_writeLock)
        {
            fixed (byte* source = data)
            {
                if (position == Down(position) && data.Length % Alignment == 0 && (nint)source % Alignment == 0)
                {
                    WriteFully(source, data.Length, position); // a whole page from the log's aligned frames
                    return;
                }
                WriteThroughBuffer(position, data);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> through an aligned buffer covering it, its edge blocks first read from the
    /// file, so the bytes before and after it in those blocks are written back as they were. Zero padding past the
    /// data that would lengthen the file is cut off again, so the file ends where the data does.
    /// </summary>
    private void WriteThroughBuffer(long position, ReadOnlySpan<byte> data)
    {
        long start = Down(position), end = position + data.Length, blocksEnd = Up(end);
        var size = (int)(blocksEnd - start);
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)size, (nuint)Alignment);
        try
        {
            var length = Length;
            if (position != start) ReadBlock(buffer, start);
            var lastBlock = blocksEnd - Alignment;
            // The last block, unless the data ends on a boundary or the first block (already read) is the last.
            if (end != blocksEnd && (lastBlock != start || position == start))
                ReadBlock(buffer + (lastBlock - start), lastBlock);
            data.CopyTo(new Span<byte>(buffer + (position - start), data.Length));
            WriteFully(buffer, size, start);
            if (blocksEnd > Math.Max(length, end) && NativeFile.ftruncate(_fd, Math.Max(length, end)) != 0)
                throw Failure("cutting the padding after", end, Marshal.GetLastPInvokeError());
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>Reads one block into <paramref name="into"/>, zeros where the file ends before it does.</summary>
    private void ReadBlock(byte* into, long at)
    {
        var read = ReadFully(into, Alignment, at);
        NativeMemory.Clear(into + read, (nuint)(Alignment - read));
    }

    private void WriteFully(byte* source, int count, long position)
    {
        for (var done = 0; done < count;)
        {
            var errno = InjectWriteError?.Invoke(position) ?? 0;
            var wrote = errno != 0 ? -1 : NativeFile.pwrite(_fd, source + done, (nuint)(count - done), position + done);
            if (wrote < 0)
            {
                if (errno == 0) errno = Marshal.GetLastPInvokeError();
                if (errno == NativeFile.Interrupted) continue;
                throw Failure($"writing {count} bytes", position, errno);
            }
            done += (int)wrote;
        }
    }

    /// <summary>
    /// Reads [position, position + count) (aligned) until it is read or the file ends; returns the bytes read.
    /// </summary>
    private int ReadFully(byte* into, int count, long position)
    {
        var done = 0;
        while (done < count)
        {
            var read = NativeFile.pread(_fd, into + done, (nuint)(count - done), position + done);
            if (read < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == NativeFile.Interrupted) continue;
                throw Failure($"reading {count} bytes", position + done, errno);
            }
            done += (int)read;
            // An unaligned count means the file ended there (and the next read would be misaligned).
            if (read == 0 || read % Alignment != 0) break;
        }
        return done;
    }

    public int Read(long position, Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        long start = Down(position), size = Up(position + destination.Length) - start;
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)size, (nuint)Alignment);
        try
        {
            var read = ReadFully(buffer, (int)size, start);
            return CopyOut(buffer, start, read, position, destination);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>
    /// Copies the part of <paramref name="read"/> bytes read at <paramref name="start"/> that
    /// <paramref name="destination"/> asked for; returns its length (short where the file ended).
    /// </summary>
    private static int CopyOut(byte* buffer, long start, int read, long position, Span<byte> destination)
    {
        var skip = (int)(position - start);
        var count = Math.Clamp(read - skip, 0, destination.Length);
        new ReadOnlySpan<byte>(buffer + skip, count).CopyTo(destination);
        return count;
    }

    /// <summary>
    /// Through io_uring when the device has a ring with room; else (no ring, or the ring full) a blocking read on
    /// the thread pool.
    /// </summary>
    public ValueTask<int> ReadAsync(long position, Memory<byte> destination)
    {
        if (destination.IsEmpty) return new ValueTask<int>(0);
        if (_ring is not null)
        {
            var operation = new ReadOperation(this, position, destination);
            if (_ring.TrySubmit(_fd, operation.Start, operation.Buffer, operation.Size, operation))
                return new ValueTask<int>(operation.Task);
            operation.Release();
        }
        return new ValueTask<int>(Task.Run(() => Read(position, destination.Span)));
    }

    /// <summary>One io_uring read: its aligned buffer (freed at completion) and the caller's destination.</summary>
    private sealed class ReadOperation : IoUring.Operation
    {
        private readonly TaskCompletionSource<int> _completion =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly DirectDevice _device;
        private readonly long _position;
        private readonly Memory<byte> _destination;

        public ReadOperation(DirectDevice device, long position, Memory<byte> destination)
        {
            (_device, _position, _destination) = (device, position, destination);
            Start = device.Down(position);
            Size = (int)(device.Up(position + destination.Length) - Start);
            Buffer = (byte*)NativeMemory.AlignedAlloc((nuint)Size, (nuint)device.Alignment);
        }

        public long Start { get; }
        public int Size { get; }
        public byte* Buffer { get; }

        public Task<int> Task => _completion.Task;

        public void Release() => NativeMemory.AlignedFree(Buffer);

        /// <summary>
        /// On the ring's completion thread. A short read of whole blocks (rare: the kernel split it) is finished by
        /// a blocking read on the thread pool, which must not stall the completion thread.
        /// </summary>
        public override void Complete(int result)
        {
            if (result < 0)
            {
                Release();
                _completion.SetException(_device.Failure($"reading {Size} bytes", Start, -result));
            }
            else if (result < Size && result > 0 && result % _device.Alignment == 0)
                ThreadPool.UnsafeQueueUserWorkItem(_ => FinishShortRead(result), null);
            else Finish(result);
        }

        private void FinishShortRead(int read)
        {
            try
            {
                read += _device.ReadFully(Buffer + read, Size - read, Start + read);
            }
            catch (StorageException e)
            {
                Release();
                _completion.SetException(e);
                return;
            }
            Finish(read);
        }

        private void Finish(int read)
        {
            try
            {
                _completion.SetResult(CopyOut(Buffer, Start, read, _position, _destination.Span));
            }
            finally
            {
                Release();
            }
        }
    }

    /// <summary>Errors name the file, the offset and the system's words; EINVAL hints at misalignment.</summary>
    private StorageException Failure(string action, long offset, int errno) =>
        new($"{Name}: {action} at offset {offset} failed: {NativeFile.Describe(errno)}"
            + (errno == NativeFile.InvalidArgument ? $" (direct I/O misaligned? alignment {Alignment})" : ""));

    public void Flush()
    {
        if (NativeFile.fdatasync(_fd) != 0) throw Failure("flushing to disk", 0, Marshal.GetLastPInvokeError());
    }

    public void Truncate(long length)
    {
        if (NativeFile.ftruncate(_fd, length) != 0)
            throw Failure("truncating", length, Marshal.GetLastPInvokeError());
    }

    /// <summary>Punches a hole (fallocate PUNCH_HOLE | KEEP_SIZE), as <see cref="FileDevice.Reclaim"/> does.</summary>
    public long Reclaim(long from, long to) =>
        to > from && NativeFile.fallocate(_fd, NativeFile.PunchHole | NativeFile.KeepSize, from, to - from) == 0
            ? to - from
            : 0;

    public void Dispose()
    {
        // The ring first: it waits for reads in flight, which write into buffers and read this file.
        _ring?.Dispose();
        NativeFile.close(_fd);
    }
}
