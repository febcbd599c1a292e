using System.Globalization;
using System.Runtime.InteropServices;

namespace Frugal.Bench;

/// <summary>
/// A store's files as the kernel sees them: their pages dropped from the page cache (so a run starts cold), and
/// which of the store's open descriptors bypass that cache (O_DIRECT), read from <c>/proc/self/fdinfo</c>, so the
/// table says what each store really did rather than what it was asked.
/// </summary>
public static partial class StoreFiles
{
    /// <summary>O_DIRECT in an fdinfo "flags" field (octal, as the kernel writes it) on x86-64 and arm64.</summary>
    private const int ODirect = 0x4000;

    private const int PosixFadviseDontNeed = 4;

    /// <summary>
    /// Evicts the clean cached pages of every file under <paramref name="folder"/> (posix_fadvise DONTNEED, which
    /// drops only those files' pages, not the whole machine's cache); call <see cref="BlockDeviceIo.Flush"/> first so
    /// that no page is left dirty.
    /// </summary>
    public static void DropCache(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            try
            {
                using var file = File.OpenHandle(path);
                _ = PosixFadvise(file.DangerousGetHandle().ToInt32(), 0, 0, PosixFadviseDontNeed);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file the store removed meanwhile (a finished compaction's input): nothing of it to drop.
            }
        }
    }

    /// <summary>
    /// How many of this process's open descriptors of regular files under <paramref name="folder"/> bypass the page
    /// cache, of how many there are.
    /// </summary>
    public static (int Direct, int Open) DirectDescriptors(string folder)
    {
        if (!OperatingSystem.IsLinux()) return (0, 0);
        var root = Path.GetFullPath(folder).TrimEnd('/') + "/";
        int direct = 0, open = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target, info;
            try
            {
                target = new FileInfo(fd).LinkTarget;
                if (target is null || !target.StartsWith(root, StringComparison.Ordinal)) continue;
                info = File.ReadAllText($"/proc/self/fdinfo/{Path.GetFileName(fd)}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // closed between the listing and the look
            }
            open++;
            if (IsDirect(info)) direct++;
        }
        return (direct, open);
    }

    /// <summary>Whether an fdinfo text's "flags:" line (octal) has O_DIRECT.</summary>
    internal static bool IsDirect(string fdinfo)
    {
        foreach (var line in fdinfo.Split('\n'))
        {
            if (!line.StartsWith("flags:", StringComparison.Ordinal)) continue;
            var octal = line["flags:".Length..].Trim();
            var flags = Convert.ToInt64(octal, 8);
            return (flags & ODirect) != 0;
        }
        return false;
    }

    /// <summary>"direct", "buffered", or "direct k/n" where only some descriptors bypass the cache.</summary>
    public static string Describe((int Direct, int Open) descriptors) => descriptors switch
    {
        (_, 0) => "-",
        var (d, n) when d == n => "direct",
        (0, _) => "buffered",
        var (d, n) => string.Create(CultureInfo.InvariantCulture, $"direct {d}/{n}"),
    };

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
