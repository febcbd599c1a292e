using System.Globalization;
using System.Runtime.InteropServices;

namespace Frugal.Bench;

/// <summary>
/// Bytes the block layer read from and wrote to the disk that holds a folder, from <c>/proc/diskstats</c>: what
/// reached the device, whatever store issued it and however (buffered, direct, mmap). Unlike a process's
/// <c>read</c>/<c>write</c> accounting it leaves out page-cache hits, so every store's column counts the same thing.
/// The disk is found through <c>/proc/self/mountinfo</c>: the longest mount point above the folder names its device
/// numbers, which <c>/proc/diskstats</c> lists.
/// </summary>
public sealed partial class BlockDeviceIo
{
    private const int SectorBytes = 512;
    private readonly int _major;
    private readonly int _minor;

    private BlockDeviceIo(string device, int major, int minor)
    {
        Device = device;
        _major = major;
        _minor = minor;
    }

    /// <summary>The block device's name in <c>/proc/diskstats</c> (e.g. <c>vda</c>, <c>nvme0n1p2</c>).</summary>
    public string Device { get; }

    /// <summary>The device's major and minor numbers, as <c>stat</c> gives them for a file on it.</summary>
    public (int Major, int Minor) Numbers => (_major, _minor);

    /// <summary>The counter of the disk holding <paramref name="folder"/>; null where its filesystem has no block
    /// device (tmpfs, overlay) or the machine is not Linux.</summary>
    public static BlockDeviceIo? For(string folder)
    {
        if (!OperatingSystem.IsLinux()) return null;
        if (MountDevice(File.ReadAllText("/proc/self/mountinfo"), Path.GetFullPath(folder)) is not var (major, minor))
            return null;
        return Stats(File.ReadAllText("/proc/diskstats"), major, minor) is var (name, _, _)
            ? new BlockDeviceIo(name, major, minor)
            : null;
    }

    /// <summary>Bytes read and written on the device since boot; call <see cref="Flush"/> first so that data still
    /// in the page cache is counted as written.</summary>
    public (long Read, long Written) Bytes()
    {
        var (_, read, written) = Stats(File.ReadAllText("/proc/diskstats"), _major, _minor)
                                 ?? throw new IOException($"{Device} disappeared from /proc/diskstats");
        return (read, written);
    }

    /// <summary>Writes every dirty page to its disk (sync(2)), so a phase's writes are counted in that phase.</summary>
    public static void Flush() => Sync();

    /// <summary>The device numbers of the filesystem <paramref name="path"/> lies on: the mount whose point is the
    /// longest prefix of it.</summary>
    internal static (int Major, int Minor)? MountDevice(string mountinfo, string path)
    {
        (int, int)? best = null;
        var bestLength = -1;
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT ...; spaces in a mount point are written as \040.
            var fields = line.Split(' ');
            if (fields.Length < 5) continue;
            var point = fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            var under = point == "/" || path == point || path.StartsWith(point + "/", StringComparison.Ordinal);
            var numbers = fields[2].Split(':');
            if (!under || point.Length < bestLength || numbers.Length != 2) continue;
            best = (int.Parse(numbers[0], CultureInfo.InvariantCulture),
                int.Parse(numbers[1], CultureInfo.InvariantCulture));
            bestLength = point.Length;
        }
        return best;
    }

    /// <summary>The name and the bytes read and written of device <paramref name="major"/>:<paramref
    /// name="minor"/> in a <c>/proc/diskstats</c> text (sectors read are its 6th field, sectors written its 10th, 512
    /// bytes each).</summary>
    internal static (string Name, long Read, long Written)? Stats(string diskstats, int major, int minor)
    {
        foreach (var line in diskstats.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[0] != major.ToString(CultureInfo.InvariantCulture)
                              || f[1] != minor.ToString(CultureInfo.InvariantCulture)) continue;
            return (f[2], long.Parse(f[5], CultureInfo.InvariantCulture) * SectorBytes,
                long.Parse(f[9], CultureInfo.InvariantCulture) * SectorBytes);
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void Sync();
}
