using System.Runtime.InteropServices;

namespace Frugal.Storage;

/// <summary>
/// The Linux calls behind <see cref="DirectDevice"/> and <see cref="IoUring"/>, through libc. Each returns -1 (or
/// MAP_FAILED) with errno set on failure, read by <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class NativeFile
{
    public const int ReadWrite = 0x2;
    public const int Create = 0x40;
    public const int CloseOnExec = 0x80000;

    /// <summary>O_DIRECT: 0x4000 on x86-64; arm64 moved it to 0x10000.</summary>
    public static int Direct => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x10000 : 0x4000;

    public const int Interrupted = 4; // EINTR
    public const int AccessDenied = 13; // EACCES
    public const int Busy = 16; // EBUSY
    public const int InvalidArgument = 22; // EINVAL
    public const int NotPermitted = 1; // EPERM

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pread(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    /// <summary>statx(2); the buffer is a 256-byte struct statx.</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>syscall(2), for io_uring's calls, which glibc does not wrap.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munmap(nint address, nuint length);

    /// <summary>The system's words for an errno ("No space left on device"), and the number.</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
