using System.Text.Json;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Results;

namespace Frugal.Energy.Backends;

/// <summary>One value a backend is about to change, as it was before: a sysfs path or an NVML setting, and its
/// text.</summary>
public sealed record JournalEntry(string Key, string Value);

/// <summary>The journal's file: which device, and the original values in the order they were first changed.</summary>
public sealed record JournalFile(int Version, string Device, string Identity, IReadOnlyList<JournalEntry> Entries);

/// <summary>
/// The safety rule's journal (design §6): before a backend's first write, the original state is written to a file
/// (atomically); the backend restores it in <c>finally</c>, on SIGINT/SIGTERM (<see cref="ClockGuard"/>) and at the
/// next start if the file was left behind, then deletes it. <c>frugal energy restore</c> replays it by hand.
/// </summary>
public sealed class ClockJournal(string path, string device, string identity)
{
    /// <summary>The setting named in errors about a journal.</summary>
    public const string Setting = "clock journal";

    private const int Version = 1;

    /// <summary>Where the journal lives.</summary>
    public string Path { get; } = path;

    /// <summary>Whether a journal is on disk (a run changed clocks and has not restored them).</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>
    /// Records <paramref name="entries"/> (values about to be changed, read before any write), adding keys not yet
    /// journalled: the first value seen for a key is the original one.
    /// </summary>
    public void Record(IReadOnlyList<JournalEntry> entries)
    {
        var existing = Exists ? Load(Path, device, identity).Entries : [];
        var added = entries.Where(e => existing.All(x => x.Key != e.Key)).ToArray();
        if (existing.Count > 0 && added.Length == 0) return;
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) is { } folder)
            Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(
            new JournalFile(Version, device, identity, [.. existing, .. added]), ResultJson.Options));
    }

    /// <summary>Removes the journal once its values are back.</summary>
    public void Delete() => File.Delete(Path);

    /// <summary>
    /// Reads a journal and checks that it belongs to this device; a journal of another device or backend is bad input,
    /// a damaged one corrupt data.
    /// </summary>
    public static JournalFile Load(string path, string device, string identity)
    {
        var text = InputFile.ReadAllText(path, "clock journal", 1 << 20);
        JournalFile? file;
        try
        {
            file = JsonSerializer.Deserialize<JournalFile>(text, ResultJson.Options);
        }
        catch (JsonException e)
        {
            throw new CorruptDataException($"{path}: not a clock journal ({e.Message})", e);
        }
        if (file is null || file.Version != Version || file.Entries is null || file.Device is null
            || file.Identity is null)
            throw new CorruptDataException($"{path}: not a clock journal of version {Version}");
        if (file.Device != device || file.Identity != identity)
            throw new BadInputException(
                $"{path}: the journal is from another device ({file.Device} '{file.Identity}', " +
                $"this is {device} '{identity}')",
                Setting);
        return file;
    }
}
