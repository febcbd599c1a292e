using System.Globalization;

namespace Frugal.Bench;

/// <summary>
/// A cgroup v1 memory group that holds one store's process, so that its resident memory and the page cache of its
/// files together stay within a limit: a store that leaves its data to the OS page cache then reads it from the disk,
/// as one that bypasses the cache does. The group is made under the bench's own memory group (where the controller is
/// mounted, from <c>/proc/self/mountinfo</c> and <c>/proc/self/cgroup</c>), so whatever accounts for the bench still
/// accounts for its stores; it is removed when disposed.
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    private MemoryCgroup(string path) => Path = path;

    /// <summary>The group's folder; a process joins it by writing its id to <c>cgroup.procs</c> there.</summary>
    public string Path { get; }

    /// <summary>The group's limit on memory and page cache together, as set at creation.</summary>
    public long LimitBytes { get; private init; }

    /// <summary>The most memory the group held at once, page cache included (<c>memory.max_usage_in_bytes</c>).
    /// </summary>
    public long PeakBytes => ReadLong("memory.max_usage_in_bytes");

    /// <summary>How many of the group's processes the kernel killed for want of memory (0 where the kernel does not
    /// count them).</summary>
    public long OomKills =>
        ReadKeyed(File.ReadAllText(System.IO.Path.Combine(Path, "memory.oom_control")), "oom_kill") ?? 0;

    /// <summary>
    /// Where groups can be made: the bench's own memory group; or one line saying why not (no cgroup v1 memory
    /// controller, or it is not writable), to refuse with.
    /// </summary>
    public static (string? Parent, string? Refusal) Parent() =>
        OperatingSystem.IsLinux()
            ? Parent(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"))
            : (null, "memory cgroups need Linux");

    /// <summary><see cref="Parent()"/> from given <c>/proc/self/cgroup</c> and <c>/proc/self/mountinfo</c> texts.
    /// </summary>
    internal static (string? Parent, string? Refusal) Parent(string procSelfCgroup, string mountinfo)
    {
        var parent = OwnGroup(procSelfCgroup, mountinfo);
        if (parent is null) return (null, "no cgroup v1 memory controller is mounted");
        var probe = System.IO.Path.Combine(parent, $"frugal-bench-probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return (parent, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"the memory cgroup {parent} is not writable ({e.Message}); run as root");
        }
    }

    /// <summary>A new group named <paramref name="name"/> under <paramref name="parent"/>, limited to
    /// <paramref name="limitBytes"/> of memory and page cache together, with no swap to spill to.</summary>
    public static MemoryCgroup Create(string parent, string name, long limitBytes)
    {
        var group = new MemoryCgroup(System.IO.Path.Combine(parent, name)) { LimitBytes = limitBytes };
        Directory.CreateDirectory(group.Path);
        group.Write("memory.limit_in_bytes", limitBytes);
        return group;
    }

    /// <summary>
    /// The memory group of this process as a folder: the mount of the v1 memory controller (its root in the
    /// hierarchy, the mount point) joined with the group <c>/proc/self/cgroup</c> names; null without that
    /// controller.
    /// </summary>
    internal static string? OwnGroup(string procSelfCgroup, string mountinfo)
    {
        // "4:memory:/a/b": hierarchy id, controllers, path in the hierarchy.
        var group = procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3))
            .FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains("memory"))?[2];
        if (group is null) return null;
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS ... - FSTYPE SOURCE SUPER-OPTIONS
            var halves = line.Split(" - ", 2);
            if (halves.Length != 2) continue;
            var fields = halves[0].Split(' ');
            var tail = halves[1].Split(' ');
            if (fields.Length < 5 || tail.Length < 3 || tail[0] != "cgroup" ||
                !tail[2].Split(',').Contains("memory")) continue;
            var root = fields[3];
            var relative = root == "/" ? group
                : group == root || group.StartsWith(root + "/", StringComparison.Ordinal) ? group[root.Length..]
                : null;
            if (relative is null) continue;
            return fields[4].Replace("\\040", " ", StringComparison.Ordinal) + relative.TrimEnd('/');
        }
        return null;
    }

    /// <summary>The value of <paramref name="key"/> in a "key value" per line text (as memory.oom_control).</summary>
    internal static long? ReadKeyed(string text, string key) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' '))
            .Where(f => f.Length == 2 && f[0] == key)
            .Select(f => (long?)long.Parse(f[1], CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>
    /// Drops what the group still holds (the page cache of its stores' files) and removes it; its processes have
    /// exited by then.
    /// </summary>
    public void Dispose()
    {
        if (!Directory.Exists(Path)) return;
        try
        {
            Write("memory.force_empty", 0);
        }
        catch (IOException)
        {
            // Only a group with live processes refuses; rmdir below says so.
        }
        Directory.Delete(Path);
    }

    private long ReadLong(string file) =>
        long.Parse(File.ReadAllText(System.IO.Path.Combine(Path, file)).Trim(), CultureInfo.InvariantCulture);

    private void Write(string file, long value) =>
        File.WriteAllText(System.IO.Path.Combine(Path, file), value.ToString(CultureInfo.InvariantCulture));
}
