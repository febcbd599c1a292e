using Frugal.Recsys.Data;

namespace Frugal.Recsys.Lookahead;

/// <summary>
/// The oracle cacher's lookahead (§3 of the design): it reads batches ahead, and as each batch leaves the head of a
/// window of <c>L</c> future batches it decides which rows to prefetch, how long each stays cached, and which rows
/// are synchronised now, later, or not at all. In <see cref="RecsysMode.Sync"/> and <see cref="RecsysMode.Lru"/> it
/// only numbers each row's uses, so a read waits for the previous write.
/// </summary>
public sealed class LookaheadOracle
{
    private readonly int _trainers;
    private readonly RecsysMode _mode;
    private readonly int _lookahead;
    private readonly bool _noSync;
    private readonly int[][] _lastUse;
    private readonly int[][] _expiry;
    private readonly int[][] _versions;

    /// <param name="cardinalities">Rows per table.</param>
    /// <param name="trainers">Trainers; trainer k owns samples [k·B/N, (k+1)·B/N) of each batch.</param>
    /// <param name="mode">The mode the plans are for.</param>
    /// <param name="lookahead">L, the batches read ahead (Bagpipe only).</param>
    /// <param name="noSync">Whether rows used once and not again in the window skip synchronisation.</param>
    public LookaheadOracle(IReadOnlyList<int> cardinalities, int trainers, RecsysMode mode, int lookahead, bool noSync)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookahead, 1);
        _trainers = trainers;
        _mode = mode;
        _lookahead = lookahead;
        _noSync = noSync && mode == RecsysMode.Bagpipe;
        _lastUse = [.. cardinalities.Select(n => Filled(n, -1))];
        _expiry = [.. cardinalities.Select(n => Filled(n, -1))];
        _versions = [.. cardinalities.Select(n => new int[n])];
    }

    /// <summary>How many write-backs each row has had by the end of the plans so far (test and flush checks).</summary>
    internal int Version(long key) => _versions[RowKey.Table(key)][RowKey.Id(key)];

    /// <summary>The plans for <paramref name="batches"/>, in order, each issued once the L batches after it are
    /// read (or the data ends).</summary>
    public IEnumerable<BatchPlan> Plan(IEnumerable<CtrBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        return _mode == RecsysMode.Bagpipe ? Lookahead(batches) : Synchronous(batches);
    }

    private IEnumerable<BatchPlan> Synchronous(IEnumerable<CtrBatch> batches)
    {
        var index = 0;
        foreach (var batch in batches)
        {
            var keys = Usage.Of(batch, _trainers).Keys;
            var versions = new int[keys.Length];
            for (var i = 0; i < keys.Length; i++) versions[i] = _versions[RowKey.Table(keys[i])][RowKey.Id(keys[i])]++;
            yield return new BatchPlan
            {
                Index = index++, Batch = batch, Keys = keys, Prefetch = keys, Versions = versions, SyncNow = keys,
            };
        }
    }

    private IEnumerable<BatchPlan> Lookahead(IEnumerable<CtrBatch> batches)
    {
        var window = new Queue<Entry>();
        Entry? previous = null;
        var index = 0;
        foreach (var batch in batches)
        {
            var entry = Enter(index++, batch);
            if (previous is not null) previous.Next = entry.Usage.Keys;
            previous = entry;
            window.Enqueue(entry);
            // The head leaves once the L batches after it have entered (lastUse then covers b+1..b+L).
            if (window.Count > _lookahead) yield return Leave(window.Dequeue());
        }
        if (previous is not null) previous.Next = [];
        while (window.Count > 0) yield return Leave(window.Dequeue());
    }

    private Entry Enter(int index, CtrBatch batch)
    {
        var usage = Usage.Of(batch, _trainers);
        foreach (var key in usage.Keys) _lastUse[RowKey.Table(key)][RowKey.Id(key)] = index;
        return new Entry(index, batch, usage);
    }

    private BatchPlan Leave(Entry entry)
    {
        var b = entry.Index;
        var keys = entry.Usage.Keys;
        var prefetch = new List<long>();
        var versions = new List<int>();
        var ttlKeys = new List<long>();
        var ttlExpiry = new List<int>();
        foreach (var key in keys)
        {
            var (t, id) = (RowKey.Table(key), RowKey.Id(key));
            if (_expiry[t][id] < b)
            {
                prefetch.Add(key);
                versions.Add(_versions[t][id]++);
            }
            if (_lastUse[t][id] > b)
            {
                _expiry[t][id] = _lastUse[t][id];
                ttlKeys.Add(key);
                ttlExpiry.Add(_lastUse[t][id]);
            }
        }
        var noSync = new List<long>();
        var owners = new List<int>();
        if (_noSync)
        {
            for (var i = 0; i < entry.Usage.Once.Length; i++)
            {
                var key = entry.Usage.Once[i];
                if (_lastUse[RowKey.Table(key)][RowKey.Id(key)] != b) continue;
                noSync.Add(key);
                owners.Add(entry.Usage.OnceOwners[i]);
            }
        }
        var next = entry.Next ?? [];
        var noSyncKeys = noSync.ToArray();
        return new BatchPlan
        {
            Index = b,
            Batch = entry.Batch,
            Keys = keys,
            Prefetch = [.. prefetch],
            Versions = [.. versions],
            TtlKeys = [.. ttlKeys],
            TtlExpiry = [.. ttlExpiry],
            NoSync = noSyncKeys,
            NoSyncOwners = [.. owners],
            SyncNow = SortedKeys.Filter(keys, next, keep: true),
            SyncLater = SortedKeys.Filter(SortedKeys.Filter(keys, next, keep: false), noSyncKeys, keep: false),
        };
    }

    private static int[] Filled(int length, int value)
    {
        var array = new int[length];
        Array.Fill(array, value);
        return array;
    }

    private sealed class Entry(int index, CtrBatch batch, Usage usage)
    {
        public int Index { get; } = index;
        public CtrBatch Batch { get; } = batch;
        public Usage Usage { get; } = usage;
        public long[]? Next { get; set; }
    }
}

/// <summary>A batch's unique rows, and those used by exactly one sample with the trainer owning that sample.</summary>
internal sealed record Usage(long[] Keys, long[] Once, int[] OnceOwners)
{
    public static Usage Of(CtrBatch batch, int trainers)
    {
        var pairs = new (long Key, int Sample)[batch.Size * batch.Tables];
        for (var s = 0; s < batch.Size; s++)
            for (var t = 0; t < batch.Tables; t++)
                pairs[s * batch.Tables + t] = (RowKey.Of(t, batch.Ids[s * batch.Tables + t]), s);
        Array.Sort(pairs);
        var keys = new List<long>();
        var once = new List<long>();
        var owners = new List<int>();
        for (var i = 0; i < pairs.Length;)
        {
            var j = i;
            while (j < pairs.Length && pairs[j].Key == pairs[i].Key) j++;
            keys.Add(pairs[i].Key);
            if (j - i == 1)
            {
                once.Add(pairs[i].Key);
                owners.Add(Owner(pairs[i].Sample, batch.Size, trainers));
            }
            i = j;
        }
        return new Usage([.. keys], [.. once], [.. owners]);
    }

    /// <summary>The trainer whose shard [k·B/N, (k+1)·B/N) holds <paramref name="sample"/>.</summary>
    public static int Owner(int sample, int batchSize, int trainers)
    {
        var rank = 0;
        while (SortedKeys.Share(batchSize, rank, trainers).End <= sample) rank++;
        return rank;
    }
}
