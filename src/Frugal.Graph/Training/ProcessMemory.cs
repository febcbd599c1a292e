using System.Runtime.InteropServices;

namespace Frugal.Graph.Training;

/// <summary>The process's resident memory from /proc/self/status (Linux); 0 where the file or field is missing.
/// Used to check the memory budget from outside the buffer's own accounting.</summary>
internal static partial class ProcessMemory
{
    /// <summary>VmRSS: resident bytes now.</summary>
    public static long Resident() => Field("VmRSS:");

    /// <summary>VmHWM: the peak resident bytes of the process so far.</summary>
    public static long Peak() => Field("VmHWM:");

    /// <summary>
    /// Makes glibc give freed tensor memory back to the system. By default glibc raises its mmap threshold each
    /// time a large block is freed (up to 32 MiB), after which libtorch's batch tensors come from the heap and stay
    /// resident once freed; a fixed threshold of 128 KiB keeps every large block in its own mapping, returned on
    /// free. At most two arenas: each thread that allocates would otherwise get its own. Nothing on other systems.
    /// </summary>
    public static void ReturnFreedNativeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            Mallopt(MmapThreshold, 128 * 1024);
            Mallopt(ArenaMax, 2);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): its allocator's own policy applies.
        }
    }

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int ArenaMax = -8; // M_ARENA_MAX

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);

    private static long Field(string name)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var kib = line[name.Length..].Trim().Split(' ')[0];
            return long.TryParse(kib, out var value) ? value * 1024 : 0;
        }
        return 0;
    }
}
