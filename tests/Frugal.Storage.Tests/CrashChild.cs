namespace Frugal.Storage.Tests;

/// <summary>
/// The crash tests' child process (this test assembly's entry point): opens the store, and in
/// round after round rewrites every key to a value that names the round (deleting every
/// seventh), checkpoints, and prints "checkpoint N" — until it is killed.
/// </summary>
public static class CrashChild
{
    public const int Keys = 3000;

    public static int Main(string[] args)
    {
        if (args is not ["crash-child", var directory])
        {
            Console.Error.WriteLine("usage: crash-child DIRECTORY (run by the crash tests)");
            return 2;
        }
        using var store = KvStore<long, long>.Open(SmallStore.Options(directory));
        for (var round = store.Bytes.Recovery.CheckpointSequence + 1; ; round++)
        {
            for (long key = 0; key < Keys; key++)
            {
                if (IsDeleted(key, round)) store.Delete(key);
                else store.Upsert(key, ValueOf(key, round));
            }
            var checkpoint = store.Checkpoint();
            if (checkpoint.Sequence != round) throw new InvalidOperationException($"checkpoint {checkpoint.Sequence} after round {round}");
            Console.Out.WriteLine($"checkpoint {round}");
            Console.Out.Flush();
        }
    }

    public static bool IsDeleted(long key, long round) => (key + round) % 7 == 0;

    public static long ValueOf(long key, long round) => round * 1_000_000 + key;
}
