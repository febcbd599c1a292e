using Frugal.Core.Randomness;
using Xunit.Abstractions;

namespace Frugal.Storage.Tests;

/// <summary>
/// <see cref="KvSession"/>: operations left in flight and completed in batches give what the one-at-a-time path
/// gives, each completes exactly once, and disposal finishes those still outstanding.
/// </summary>
public sealed class SessionTests(ITestOutputHelper output)
{
    private const int Keys = 3000;

    private static KvStore SlowStore(string directory, Task? gate = null) =>
        new(SmallStore.Options(directory), RecordShape.Variable,
            (path, _) => new DeferredReadDevice(path, gate));

    /// <summary>Keys 0..Keys-1 hold key * 7; keys from Keys on are absent. Most of them end up on disk.</summary>
    private static void Fill(KvStore store)
    {
        for (long k = 0; k < Keys; k++) store.Upsert(Long(k), Long(k * 7));
    }

    private static byte[] Long(long value) => BitConverter.GetBytes(value);

    /// <summary>
    /// Issues a read of every key in <paramref name="order"/> (present and absent ones), completing pending ones
    /// every <paramref name="batch"/> operations; returns each token's result and how often it was handed back.
    /// </summary>
    private static (ReadResult[] Results, int[] Completions, byte[][] Values, int Pending) ReadAll(
        KvSession session, long[] order, int batch)
    {
        var results = new ReadResult[order.Length];
        var completions = new int[order.Length];
        var values = new byte[order.Length][];
        var pending = 0;
        void Take(IReadOnlyList<KvCompletion> done)
        {
            foreach (var c in done)
            {
                Assert.Equal(KvOperation.Read, c.Operation);
                results[c.Token] = c.Result;
                completions[c.Token]++;
            }
        }
        for (var i = 0; i < order.Length; i++)
        {
            values[i] = new byte[8];
            if (session.TryRead(Long(order[i]), values[i], i, out var now))
            {
                results[i] = now;
                completions[i]++;
            }
            else pending++;
            if (i % batch == batch - 1) Take(session.CompletePending(wait: false));
        }
        Take(session.CompletePending(wait: true));
        Assert.Equal(0, session.PendingCount);
        return (results, completions, values, pending);
    }

    private static long[] Shuffled(int count, ulong seed)
    {
        var keys = Enumerable.Range(0, count).Select(k => (long)k).ToArray();
        var random = new RandomStream(seed);
        for (var i = keys.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (keys[i], keys[j]) = (keys[j], keys[i]);
        }
        return keys;
    }

    private static async Task AssertSameAsOneAtATime(KvStore store, ITestOutputHelper output)
    {
        // A third of the keys read are absent.
        var order = Shuffled(Keys * 3 / 2, 5);
        using var session = store.NewSession();
        var (results, completions, values, pending) = ReadAll(session, order, batch: 128);
        output.WriteLine($"{pending} of {order.Length} reads were left pending");
        for (var i = 0; i < order.Length; i++)
        {
            Assert.Equal(1, completions[i]);
            var expected = await store.ReadAsync(Long(order[i]), new byte[8]);
            Assert.Equal(expected, results[i]);
            if (results[i].Found) Assert.Equal(order[i] * 7, BitConverter.ToInt64(values[i]));
            Assert.Equal(order[i] < Keys, results[i].Found);
        }
    }

    [Fact]
    public async Task ReadsLeftInFlightGiveWhatReadsOneAtATimeGiveEachCompletedOnce()
    {
        using var dir = new TempDirectory();
        using var store = SlowStore(dir.Path);
        Fill(store);
        await AssertSameAsOneAtATime(store, output);
        Assert.True(store.Stats().PendingOperations > Keys / 2, "most reads should have gone to the device");
    }

    [Fact]
    public async Task BufferedReadsCompleteInTheCallThatIssuesThem()
    {
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path));
        Fill(store);
        using var session = store.NewSession();
        var (_, _, _, pending) = ReadAll(session, Shuffled(Keys, 6), batch: 64);
        Assert.Equal(0, pending);
        await AssertSameAsOneAtATime(store, output);
    }

    [Fact]
    public async Task DirectReadsThroughIoUringInBatchesGiveWhatReadsOneAtATimeGive()
    {
        if (!DirectIo.Available(output)) return;
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path, readCache: false, IoMode.Direct));
        Fill(store);
        output.WriteLine(store.Stats().Io);
        await AssertSameAsOneAtATime(store, output);
    }

    [Fact]
    public async Task DisposingASessionFinishesItsOutstandingReads()
    {
        using var dir = new TempDirectory();
        // Every device read waits until the session is being disposed: whatever needs the disk is still pending.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var store = SlowStore(dir.Path, gate.Task);
        Fill(store);
        var order = Shuffled(Keys, 7);
        var values = order.Select(_ => new byte[8]).ToArray();
        var pending = new List<int>();
        var session = store.NewSession();
        for (var i = 0; i < order.Length; i++)
            if (!session.TryRead(Long(order[i]), values[i], i, out _)) pending.Add(i);
        Assert.Equal(pending.Count, session.PendingCount);
        Assert.True(pending.Count > Keys / 4, $"{pending.Count} reads pending");
        Assert.All(pending, i => Assert.Equal(0, BitConverter.ToInt64(values[i])));
        var opener = Task.Run(async () =>
        {
            await Task.Delay(20);
            gate.SetResult();
        });
        session.Dispose();
        await opener;
        // Every outstanding read wrote its value before Dispose returned.
        foreach (var i in pending) Assert.Equal(order[i] * 7, BitConverter.ToInt64(values[i]));
    }

    [Fact]
    public void ADisposedSessionRefusesWork()
    {
        using var dir = new TempDirectory();
        using var store = KvStore.Open(SmallStore.Options(dir.Path));
        var session = store.NewSession();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.TryRead(Long(1), new byte[8], 0, out _));
        Assert.Throws<ObjectDisposedException>(() => session.CompletePending());
    }

    /// <summary>
    /// Read-modify-writes and reads of several sessions, left in flight while compaction moves records between the
    /// tiers, checked against per-thread counts: every increment lands exactly once, every operation is handed back
    /// exactly once.
    /// </summary>
    [Fact]
    public async Task InFlightRmwsAndReadsMatchADictionaryWhileCompactionRuns()
    {
        using var dir = new TempDirectory();
        using var store = SlowStore(dir.Path);
        const int threads = 3, keys = 600, rounds = 1500;
        var increments = new long[threads, keys];
        Exception? failure = null;
        // Threads of their own: a worker blocked waiting for its batch must not hold a pool thread the device's
        // completions need.
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                Work(t);
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (failure is not null) throw failure;

        void Work(int t)
        {
            var random = new RandomStream((ulong)t + 90);
            var filler = new byte[120];
            var one = Long(1);
            var keyBuffers = Enumerable.Range(0, keys).Select(k => Long(k)).ToArray();
            var destinations = Enumerable.Range(0, rounds).Select(_ => new byte[8]).ToArray();
            var handedBack = new HashSet<long>();
            using var session = store.NewSession();
            void Take(IReadOnlyList<KvCompletion> done)
            {
                foreach (var c in done) Assert.True(handedBack.Add(c.Token), $"token {c.Token} completed twice");
            }
            for (var i = 0; i < rounds; i++)
            {
                var key = random.Next(keys);
                if (random.Next(4) == 0)
                {
                    if (session.TryRead(keyBuffers[key], destinations[i], i, out _)) handedBack.Add(i);
                }
                else
                {
                    if (session.TryRmw(keyBuffers[key], one, new AddInt64(), i)) handedBack.Add(i);
                    increments[t, key]++;
                }
                // Unrelated writes push the counters out of memory and keep compaction busy.
                store.Upsert(Long(1_000_000 + random.Next(5000)), filler);
                if (i % 32 == 31) Take(session.CompletePending());
            }
            Take(session.CompletePending(wait: true));
            Assert.Equal(rounds, handedBack.Count);
        }
        var stats = store.Stats();
        Assert.True(stats.PendingOperations > 0, "some operations should have waited for the device");
        Assert.True(stats.HotToColdCompactions > 0, "compaction should have moved records to the cold tier");
        for (var key = 0; key < keys; key++)
        {
            long expected = 0;
            for (var t = 0; t < threads; t++) expected += increments[t, key];
            var value = await store.GetAsync(Long(key));
            Assert.Equal(expected > 0, value is not null);
            if (value is not null) Assert.Equal(expected, BitConverter.ToInt64(value));
        }
    }
}
