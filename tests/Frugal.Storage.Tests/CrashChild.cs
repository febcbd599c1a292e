namespace Frugal.Storage.Tests;

/// <summary>
/// The crash tests' child process (this test assembly's entry point): opens the store, and in
/// round after round rewrites every key to a value that names the round (deleting every
/// seventh), checkpoints, and prints "checkpoint N S" (round N, checkpoint sequence S) — until it is killed. Compaction
/// runs all the
/// while. In "exact" mode only the child checkpoints (checkpoint N is round N); in "reclaim" mode
/// compaction also checkpoints whenever it has space to give back, mid-round.
/// </summary>
public static class CrashChild
{
    public const int Keys = 3000;

    public static int Main(string[] args)
    {
        if (args is not ["crash-child", var directory, var mode, var ioName] || mode is not ("exact" or "reclaim")
            || !Enum.TryParse<IoMode>(ioName, out var io))
        {
            Console.Error.WriteLine(
                "usage: crash-child DIRECTORY exact|reclaim Buffered|Direct (run by the crash tests)");
            return 2;
        }
        var reclaim = mode == "reclaim";
        using var store = KvStore<long, long>.Open(Options(directory, reclaim) with { Io = io });
        var first = reclaim ? LastRound(store) + 1 : store.Bytes.Recovery.CheckpointSequence + 1;
        for (var round = first; ; round++)
        {
            for (long key = 0; key < Keys; key++)
            {
                if (IsDeleted(key, round)) store.Delete(key);
                else store.Upsert(key, ValueOf(key, round));
            }
            var checkpoint = store.Checkpoint();
            if (!reclaim && checkpoint.Sequence != round)
                throw new InvalidOperationException($"checkpoint {checkpoint.Sequence} after round {round}");
            Console.Out.WriteLine($"checkpoint {round} {checkpoint.Sequence}");
            Console.Out.Flush();
        }
    }

    public static KvStoreOptions Options(string directory, bool reclaim) =>
        reclaim ? CompactionTests.Tiny(directory, reclaim: true) : SmallStore.Options(directory);

    /// <summary>The newest round any key shows (values name their round).</summary>
    public static long LastRound(KvStore<long, long> store)
    {
        long last = 0;
        for (long key = 0; key < Keys; key++)
        {
            var read = store.ReadAsync(key).AsTask().GetAwaiter().GetResult();
            if (read.Found) last = Math.Max(last, read.Value / 1_000_000);
        }
        return last;
    }

    public static bool IsDeleted(long key, long round) => (key + round) % 7 == 0;

    public static long ValueOf(long key, long round) => round * 1_000_000 + key;
}
