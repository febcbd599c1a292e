namespace Frugal.Graph.Training;

/// <summary>The process's resident memory from /proc/self/status (Linux); 0 where the file or field is missing.
/// Used to check the memory budget from outside the buffer's own accounting.</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS: resident bytes now.</summary>
    public static long Resident() => Field("VmRSS:");

    /// <summary>VmHWM: the peak resident bytes of the process so far.</summary>
    public static long Peak() => Field("VmHWM:");

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
