using Frugal.Core.Errors;

namespace Frugal.Storage.Tests;

/// <summary>
/// A store with most of its data on disk, in both tiers (with enough keys), checkpointed and
/// closed: every fifth key deleted, the others holding 7 × the key.
/// </summary>
internal static class FilledStore
{
    public const int Keys = 4000;

    /// <summary>
    /// Tiny budgets, but compaction only when a test asks for it (so the files come out the same on every run).
    /// </summary>
    public static KvStoreOptions Options(string directory) =>
        CompactionTests.Tiny(directory) with { CompactionInterval = TimeSpan.FromDays(1) };

    public static void Fill(string directory, int keys = Keys)
    {
        using var store = KvStore<long, long>.Open(Options(directory));
        for (long k = 0; k < keys; k++) store.Upsert(k, k * 7);
        for (long k = 0; k < keys; k += 5) store.Delete(k);
        store.Bytes.CompactIfDue();
        store.Checkpoint();
    }

    /// <summary>Every key holds what <see cref="Fill"/> wrote.</summary>
    public static async Task AssertIntact(KvStore<long, long> store, int keys = Keys)
    {
        for (long k = 0; k < keys; k++)
        {
            var read = await store.ReadAsync(k);
            Assert.Equal(k % 5 != 0, read.Found);
            if (read.Found) Assert.Equal(k * 7, read.Value);
        }
    }

    /// <summary>
    /// Opening the store fails with <typeparamref name="T"/> and changes no file; returns the exception.
    /// </summary>
    public static T AssertRefused<T>(string directory, bool readOnly = false) where T : Exception
    {
        var before = FileSnapshot.Of(directory);
        var e = Assert.Throws<T>(() => KvStore<long, long>.Open(Options(directory) with { ReadOnly = readOnly }));
        FileSnapshot.Of(directory).AssertSameAs(before);
        return e;
    }
}

/// <summary>Every file under a folder with its bytes and modification time, to show that nothing changed.</summary>
internal sealed record FileSnapshot(IReadOnlyDictionary<string, (byte[] Bytes, DateTime Modified)> Files)
{
    public static FileSnapshot Of(string directory) => new(Directory
        .GetFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(directory, f),
                f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f))));

    public void AssertSameAs(FileSnapshot before, string? except = null)
    {
        Assert.Equal(before.Files.Keys.Order(), Files.Keys.Order());
        foreach (var (name, (bytes, modified)) in before.Files)
        {
            if (name == except) continue;
            Assert.True(bytes.AsSpan().SequenceEqual(Files[name].Bytes), $"{name} changed");
            Assert.Equal(modified, Files[name].Modified);
        }
    }
}
