using System.Runtime.InteropServices;
using Frugal.Core.Errors;

namespace Frugal.Core.IO;

/// <summary>
/// Opens the files users hand to a command (traces, throughputs, spaces, histories, store files)
/// only after checking that each is a regular file of bounded size. A FIFO would block the open
/// forever and a device such as <c>/dev/zero</c> would be read until memory runs out; both, like a
/// missing file or a dangling link, get a one-line <see cref="BadInputException"/> instead.
/// </summary>
public static partial class InputFile
{
    /// <summary>The default size limit for a text input (traces, tables, spaces): 1 GiB.</summary>
    public const long DefaultLimit = 1L << 30;

    /// <summary>Checks <paramref name="path"/> and returns its size in bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, in the user's terms ("trace", "space file"), for messages.</param>
    /// <param name="limit">The largest size accepted, in bytes.</param>
    /// <exception cref="BadInputException">Missing, not a regular file, or larger than <paramref
    /// name="limit"/>.</exception>
    public static long Check(string path, string what, long limit = DefaultLimit)
    {
        var (type, size) = Stat(path, what);
        if (type != FileKind.Regular)
            throw new BadInputException($"{what} '{path}': is a {Describe(type)}, not a regular file");
        if (size > limit)
            throw new BadInputException(
                $"{what} '{path}': {size:N0} bytes, more than the {limit:N0}-byte limit for a {what}");
        return size;
    }

    /// <summary>The text of a checked file (see <see cref="Check"/>).</summary>
    public static string ReadAllText(string path, string what, long limit = DefaultLimit)
    {
        Check(path, what, limit);
        return File.ReadAllText(path);
    }

    /// <summary>A reader over a checked file (see <see cref="Check"/>).</summary>
    public static StreamReader OpenText(string path, string what, long limit = DefaultLimit)
    {
        Check(path, what, limit);
        return new StreamReader(path);
    }

    private enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "directory",
        FileKind.Fifo => "named pipe (FIFO)",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "special file",
    };

    private static (FileKind Kind, long Size) Stat(string path, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new BadInputException($"{what}: no path given");
        if (!OperatingSystem.IsLinux())
        {
            if (Directory.Exists(path)) return (FileKind.Directory, 0);
            var info = new FileInfo(path);
            return info.Exists ? (FileKind.Regular, info.Length) : throw Missing(path, what);
        }
        // statx's layout is the same on every Linux architecture, unlike struct stat's.
        Span<byte> buffer = stackalloc byte[256];
        if (StatX(AtCurrentDirectory, path, 0, StatXType | StatXSize, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) throw Missing(path, what); // ENOENT, ENOTDIR
            if (errno == 13) throw new BadInputException($"{what} '{path}': permission denied");
            throw new BadInputException($"{what} '{path}': cannot be examined (errno {errno})");
        }
        var mode = BitConverter.ToUInt16(buffer[28..30]);
        var size = BitConverter.ToInt64(buffer[40..48]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return (kind, size);
    }

    private static BadInputException Missing(string path, string what)
    {
        Span<byte> buffer = stackalloc byte[256];
        var isLink = OperatingSystem.IsLinux()
            && StatX(AtCurrentDirectory, path, NoFollow, StatXType, ref MemoryMarshal.GetReference(buffer)) == 0
            && (BitConverter.ToUInt16(buffer[28..30]) & 0xF000) == 0xA000;
        return new(isLink ? $"{what} '{path}': a link whose target does not exist" : $"{what} '{path}': no such file");
    }

    private const int AtCurrentDirectory = -100;
    private const int NoFollow = 0x100;
    private const uint StatXType = 0x1;
    private const uint StatXSize = 0x200;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int directory, string path, int flags, uint mask, ref byte buffer);
}
