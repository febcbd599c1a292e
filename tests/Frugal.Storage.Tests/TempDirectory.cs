namespace Frugal.Storage.Tests;

/// <summary>A fresh folder under the temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "frugal-storage-tests-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>
/// Options that force the log to spill to disk within a few thousand records (4 KiB pages, tiny
/// memory) and compaction to move it to the cold tier soon after (a 64 KiB hot-log budget,
/// checked every few milliseconds). Space is given back only at the tests' own checkpoints, so
/// the checkpoint sequence is theirs to count.
/// </summary>
internal static class SmallStore
{
    public static KvStoreOptions Options(string directory, bool readCache = true, IoMode io = IoMode.Buffered) => new()
    {
        Directory = directory,
        Io = io,
        MemoryBudget = 1 << 20,
        IndexBytes = 16 << 10,
        LogMemoryBytes = 32 << 10,
        ReadCacheBytes = readCache ? 32 << 10 : 0,
        ColdIndexBytes = 32 << 10,
        ColdLogMemoryBytes = 16 << 10,
        PageSizeBits = 12,
        HotLogBudget = 64 << 10,
        CheckpointToReclaim = false,
        CompactionInterval = TimeSpan.FromMilliseconds(5),
    };
}

/// <summary>RMW functions the tests use.</summary>
internal readonly struct AddInt64 : IRmwFunction
{
    public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) => 8;

    public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result) =>
        BitConverter.TryWriteBytes(result, (exists ? BitConverter.ToInt64(current) : 0) + BitConverter.ToInt64(input));
}

/// <summary>Appends the input to the current value: the value grows, so updates cannot stay in place.</summary>
internal readonly struct Append : IRmwFunction
{
    public int ResultLength(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists) =>
        (exists ? current.Length : 0) + input.Length;

    public void Merge(ReadOnlySpan<byte> input, ReadOnlySpan<byte> current, bool exists, Span<byte> result)
    {
        if (exists) current.CopyTo(result);
        input.CopyTo(result[(exists ? current.Length : 0)..]);
    }
}
