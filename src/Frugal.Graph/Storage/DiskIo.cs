using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Frugal.Graph.Storage;

/// <summary>Bytes moved between disk and memory, counted by the partition buffer and the edge reads.</summary>
public sealed class IoCounters
{
    private long _read, _written, _waitTicks;

    /// <summary>Bytes read from disk.</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    /// <summary>Bytes written to disk.</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Time the trainer spent blocked on I/O, in seconds.</summary>
    public double WaitSeconds => Interlocked.Read(ref _waitTicks) / (double)Stopwatch.Frequency;

    internal void Read(long bytes) => Interlocked.Add(ref _read, bytes);

    internal void Written(long bytes) => Interlocked.Add(ref _written, bytes);

    internal void Waited(long ticks) => Interlocked.Add(ref _waitTicks, ticks);

    /// <summary>Sets every count to zero (at the start of an epoch).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _read, 0);
        Interlocked.Exchange(ref _written, 0);
        Interlocked.Exchange(ref _waitTicks, 0);
    }
}

/// <summary>An emulated slower disk: a bandwidth cap and a fixed latency added to every request.</summary>
/// <param name="MegabytesPerSecond">The cap (0: none).</param>
/// <param name="LatencyMilliseconds">Added per request.</param>
public sealed record DiskThrottle(double MegabytesPerSecond, double LatencyMilliseconds)
{
    internal void Delay(long bytes)
    {
        var seconds = LatencyMilliseconds / 1000 + (MegabytesPerSecond > 0 ? bytes / (MegabytesPerSecond * 1e6) : 0);
        if (seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(seconds));
    }
}

/// <summary>
/// Positional reads and writes that keep the page cache from hiding the disk: after each one the range is
/// dropped from the cache with posix_fadvise(POSIX_FADV_DONTNEED) (which also starts write-back of the pages
/// just written), so the next read of a partition really goes to the device.
/// </summary>
internal static partial class DiskIo
{
    private const int DontNeed = 4;

    public static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, IoCounters? io,
        DiskThrottle? throttle = null)
    {
        ReadCached(file, buffer, offset, io);
        Drop(file, offset, buffer.Length);
        throttle?.Delay(buffer.Length);
    }

    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> buffer, long offset, IoCounters? io,
        DiskThrottle? throttle = null)
    {
        RandomAccess.Write(file, buffer, offset);
        Drop(file, offset, buffer.Length);
        io?.Written(buffer.Length);
        throttle?.Delay(buffer.Length);
    }

    /// <summary>Reads without dropping the pages: for many small reads of one file, followed by one
    /// <see cref="DropAll"/>.</summary>
    public static void ReadCached(SafeFileHandle file, Span<byte> buffer, long offset, IoCounters? io)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[done..], offset + done);
            if (n == 0) throw new EndOfStreamException($"unexpected end of file at byte {offset + done}");
            done += n;
        }
        io?.Read(buffer.Length);
    }

    /// <summary>Drops every cached page of <paramref name="file"/>.</summary>
    public static void DropAll(SafeFileHandle file)
    {
        if (OperatingSystem.IsLinux()) _ = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, DontNeed);
    }

    private static void Drop(SafeFileHandle file, long offset, long length)
    {
        if (OperatingSystem.IsLinux() && length > 0)
            _ = PosixFadvise((int)file.DangerousGetHandle(), offset, length, DontNeed);
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
