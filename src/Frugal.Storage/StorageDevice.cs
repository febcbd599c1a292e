using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Frugal.Storage;

/// <summary>
/// Where a log's pages go when they leave memory: positional reads and writes by log address.
/// An interface so that a native backend (io_uring, O_DIRECT) can replace the file one.
/// </summary>
internal interface IStorageDevice : IDisposable
{
    /// <summary>The file (or other target) the device writes, named in errors.</summary>
    string Name { get; }

    long Length { get; }

    void Write(long position, ReadOnlySpan<byte> data);

    int Read(long position, Span<byte> destination);

    ValueTask<int> ReadAsync(long position, Memory<byte> destination);

    /// <summary>Makes every completed write durable.</summary>
    void Flush();

    /// <summary>Cuts the device to <paramref name="length"/> bytes (a torn tail is dropped this way).</summary>
    void Truncate(long length);

    /// <summary>
    /// Gives the space of [<paramref name="from"/>, <paramref name="to"/>) back to the file
    /// system (both multiples of 4096); afterwards those bytes read as zeros. Returns the bytes
    /// given back, 0 where the device cannot do it.
    /// </summary>
    long Reclaim(long from, long to) => 0;
}

/// <summary>A file accessed by position through <see cref="RandomAccess"/> (pread/pwrite on Linux).</summary>
internal sealed class FileDevice : IStorageDevice
{
    private const FileOptions Options = FileOptions.Asynchronous | FileOptions.RandomAccess;
    private readonly SafeFileHandle _handle;

    /// <param name="path">The file; created when missing unless <paramref name="readOnly"/>.</param>
    /// <param name="readOnly">Open the file for reading only (it must exist); every write then fails.</param>
    public FileDevice(string path, bool readOnly = false)
    {
        Name = path;
        _handle = readOnly
            ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, Options)
            : File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, Options);
    }

    public string Name { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        try
        {
            RandomAccess.Write(_handle, data, position);
        }
        catch (IOException e)
        {
            throw new StorageException(
                $"{Name}: writing {data.Length} bytes at offset {position} failed (disk full?): {e.Message}", e);
        }
    }

    public int Read(long position, Span<byte> destination) => RandomAccess.Read(_handle, destination, position);

    /// <summary>
    /// On Windows a true overlapped read. Elsewhere .NET's asynchronous file read is a blocking
    /// pread on a thread-pool thread, so the device reads inline instead: the same blocking,
    /// without the hop to another thread and back (an io_uring device would make it asynchronous).
    /// </summary>
    public ValueTask<int> ReadAsync(long position, Memory<byte> destination) =>
        OperatingSystem.IsWindows()
            ? RandomAccess.ReadAsync(_handle, destination, position)
            : new ValueTask<int>(RandomAccess.Read(_handle, destination.Span, position));

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Truncate(long length) => RandomAccess.SetLength(_handle, length);

    /// <summary>
    /// On Linux punches a hole (fallocate PUNCH_HOLE | KEEP_SIZE): the file keeps its length, so
    /// log addresses stay file offsets, but the blocks are freed. Elsewhere nothing is reclaimed.
    /// </summary>
    public long Reclaim(long from, long to)
    {
        if (!OperatingSystem.IsLinux() || to <= from) return 0;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var mode = NativeFile.PunchHole | NativeFile.KeepSize;
            var result = NativeFile.fallocate((int)_handle.DangerousGetHandle(), mode, from, to - from);
            return result == 0 ? to - from : 0;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();
}

internal static partial class NativeFile
{
    public const int KeepSize = 0x01;
    public const int PunchHole = 0x02;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fallocate(int fd, int mode, long offset, long length);
}
