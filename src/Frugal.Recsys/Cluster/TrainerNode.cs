using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;
using Frugal.Recsys.Model;

namespace Frugal.Recsys.Cluster;

/// <summary>Where a trainer finds the other nodes.</summary>
/// <param name="Rank">This trainer's rank, 0 to N−1.</param>
/// <param name="Oracle">The oracle's host:port.</param>
/// <param name="Server">The embedding server's host:port.</param>
/// <param name="Peers">Every trainer's ring host:port, by rank (this trainer listens on its own).</param>
public sealed record TrainerAddresses(int Rank, string Oracle, string Server, IReadOnlyList<string> Peers);

/// <summary>
/// A trainer (§2–§4): a replica of the dense model, a cache of embedding rows, the oracle's plans, and a ring to the
/// other trainers. Per iteration it waits for its rows, runs forward and backward on its shard, all-reduces the dense
/// gradient with the rows the next batch reads (SyncNow) and, in the same pass, the previous iteration's deferred rows
/// (SyncLater), applies them, and applies its own NoSync rows alone (unfolded, the deferred rows have a pass of their
/// own in the background, joined at the next iteration); every C iterations it writes expired rows back. In sync and
/// LRU modes it fetches misses on demand and writes every updated row through. Any failure is passed on (ring
/// successor, oracle) so the other nodes stop with the same reason.
/// </summary>
public sealed class TrainerNode
{
    private readonly TrainerAddresses _addresses;
    private readonly TcpListener? _ringListener;
    private readonly TimeSpan _connectTimeout;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<BatchPlan>> _plans = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _ready = new();
    private RunConfig _config = null!;
    private RowCache _cache = null!;
    private ServerClient _server = null!;
    private Ring _ring = null!;
    private int _progress;
    private TaskCompletionSource _progressed = Signal();
    private long _critical, _deferred, _unsynchronised, _fetched, _used;

    /// <param name="addresses">Rank and addresses.</param>
    /// <param name="ringListener">A started listener on this trainer's ring address (null for a single
    /// trainer).</param>
    /// <param name="connectTimeout">How long to keep trying to reach the oracle before giving up.</param>
    public TrainerNode(TrainerAddresses addresses, TcpListener? ringListener, TimeSpan connectTimeout)
    {
        _addresses = addresses;
        _ringListener = ringListener;
        _connectTimeout = connectTimeout;
    }

    /// <summary>Trains until the oracle's plans end, then writes every cached row back and reports.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = failure.Token;
        var rank = _addresses.Rank;
        await using var oracle = await FrameConnection.ConnectAsync(_addresses.Oracle, "the oracle", NetworkShape.None,
            _connectTimeout, token);
        oracle.Send(Op.Hello, 0, new PayloadWriter().Text("trainer").Int(rank).ToArray());
        var hello = await oracle.ReceiveAsync(token);
        if (hello.Op == Op.Abort) throw new RecsysNetworkException(new PayloadReader(hello.Payload).Text());
        _config = JsonSerializer.Deserialize<RunConfig>(new PayloadReader(hello.Payload).Text(), ResultJson.Options)!;
        var network = _config.Network;
        await using var serverConnection = await FrameConnection.ConnectAsync(_addresses.Server,
            "the embedding server", network, _config.Timeout, token);
        serverConnection.Send(Op.Hello, 0, new PayloadWriter().Text("trainer").Int(rank).ToArray());
        _server = new ServerClient(serverConnection, token);
        var (next, previous) = await ConnectRingAsync(
            _config.ShapedLinks == ShapedLinks.All ? network : NetworkShape.None, token);
        _ring = new Ring(rank, _config.Trainers, next, previous, _config.AllReduceChunk);
        string? reason = null;
        var reader = Task.Run(() => ReadPlansAsync(oracle, failure), token);
        try
        {
            var (report, dense) = await TrainAsync(token);
            // The final dense parameters go with the report: the oracle writes them into the checkpoint.
            oracle.Send(Op.Report, 0, new PayloadWriter().Text(JsonSerializer.Serialize(report, ResultJson.Options))
                .Floats(dense).ToArray());
            await oracle.DrainAsync();
            await reader;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            reason = _abortReason ?? (e is RecsysNetworkException ? $"trainer {rank}: {e.Message}"
                : $"trainer {rank} failed: {e.Message}");
            _ring.Abort(reason);
            try
            {
                oracle.Send(Op.Abort, 0, new PayloadWriter().Text(reason).ToArray());
                await oracle.DrainAsync().WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
            catch (Exception)
            {
                // The oracle is gone as well; the reason is thrown below.
            }
            if (_abortReason is not null || e is OperationCanceledException) throw new RecsysNetworkException(reason,
                e);
            throw;
        }
        finally
        {
            await failure.CancelAsync();
            await _server.DisposeAsync();
            if (next is not null) await next.DisposeAsync();
            if (previous is not null) await previous.DisposeAsync();
        }
    }

    private string? _abortReason;

    private async Task<(FrameConnection? Next, FrameConnection? Previous)> ConnectRingAsync(NetworkShape network,
        CancellationToken token)
    {
        var n = _config.Trainers;
        if (n == 1) return (null, null);
        var rank = _addresses.Rank;
        var successor = (rank + 1) % n;
        var predecessor = (rank + n - 1) % n;
        var accepting = FrameConnection.AcceptAsync(_ringListener!, $"trainer {predecessor}", network,
            _config.Timeout, token);
        var next = await FrameConnection.ConnectAsync(_addresses.Peers[successor], $"trainer {successor}", network,
            _config.Timeout, token);
        next.Send(Op.Hello, 0, new PayloadWriter().Int(rank).ToArray());
        var previous = await accepting;
        var hello = await previous.ReceiveAsync(token);
        var from = new PayloadReader(hello.Payload).Int();
        if (from != predecessor)
            throw new RecsysNetworkException(
                $"trainer {from} connected to trainer {rank}, which expected trainer {predecessor}: check the peer " +
                    $"list");
        return (next, previous);
    }

    private async Task ReadPlansAsync(FrameConnection oracle, CancellationTokenSource failure)
    {
        try
        {
            while (true)
            {
                var frame = await oracle.ReceiveAsync(failure.Token);
                switch (frame.Op)
                {
                    case Op.Plan:
                        var plan = PlanMessages.Decode(frame.Payload);
                        PlanSlot(plan.Index).TrySetResult(plan);
                        break;
                    case Op.Abort:
                        _abortReason = new PayloadReader(frame.Payload).Text();
                        await failure.CancelAsync();
                        return;
                    case Op.End:
                        return;
                }
            }
        }
        catch (Exception e) when (!failure.IsCancellationRequested)
        {
            _abortReason = $"trainer {_addresses.Rank}: {e.Message}";
            await failure.CancelAsync();
        }
    }

    private TaskCompletionSource<BatchPlan> PlanSlot(int index) =>
        _plans.GetOrAdd(index, _ =>
            new TaskCompletionSource<BatchPlan>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task<BatchPlan> PlanAsync(int index, CancellationToken token)
    {
        var plan = await PlanSlot(index).Task.WaitAsync(token);
        return plan;
    }

    private async Task<(TrainerReport Report, float[] Dense)> TrainAsync(CancellationToken token)
    {
        var config = _config;
        var iterations = config.Iterations;
        // One intra-op thread: the same summation order in every process, whatever the machine.
        TorchSharp.torch.set_num_threads(1);
        using var model = new RecModel(config.Model, config.Cardinalities.Length, new SeedTree(config.Seed));
        var dense = model.GetDense();
        var losses = new float[iterations];
        var (compute, stall, reduce, total) = (new double[iterations], new double[iterations],
            new double[iterations], new double[iterations]);
        var bagpipe = config.Mode == RecsysMode.Bagpipe;
        _cache = new RowCache(Math.Max(1, config.Capacity), config.Model.Dim);
        var prefetcher = bagpipe ? Task.Run(() => PrefetchAsync(token), token) : Task.CompletedTask;
        var lru = new LinkedList<long>();
        var lruNodes = new Dictionary<long, LinkedListNode<long>>();
        // Folded: the deferred rows' gathered gradient waits for the next iteration's pass. Otherwise: their own
        // pass runs in the background and is joined at the next iteration.
        var fold = bagpipe && config.FoldDeferred;
        Task<float[]>? deferred = null;
        long[] deferredKeys = [];
        float[] deferredGradient = [];
        for (var i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            BatchPlan plan;
            if (bagpipe)
            {
                if (i > 0 && i % config.EffectiveInterval == 0) WriteBack(Evict(i - 1));
                Progress(i);
                var waited = Stopwatch.StartNew();
                // A failed prefetcher would leave the token unset: wait for either, and let its error through.
                await Task.WhenAny(ReadySlot(i).Task, prefetcher).WaitAsync(token);
                if (prefetcher.IsFaulted) await prefetcher;
                await ReadySlot(i).Task.WaitAsync(token);
                stall[i] = waited.Elapsed.TotalSeconds;
                plan = await PlanAsync(i, token);
            }
            else
            {
                plan = await PlanAsync(i, token);
                var waited = Stopwatch.StartNew();
                await FetchMissesAsync(plan, lru, lruNodes);
                stall[i] = waited.Elapsed.TotalSeconds;
            }
            var computing = Stopwatch.StartNew();
            var (localKeys, lookup) = LocalRows(plan.Batch);
            var rows = new float[localKeys.Length * config.Model.Dim];
            lock (_cache.Sync)
            {
                for (var r = 0; r < localKeys.Length; r++)
                    _cache.Row(localKeys[r], i).CopyTo(rows.AsSpan(r * config.Model.Dim));
            }
            _used += localKeys.Length;
            var local = model.Backward(plan.Batch, rows, lookup, localKeys.Length, config.BatchSize);
            compute[i] = computing.Elapsed.TotalSeconds;
            var reducing = Stopwatch.StartNew();
            if (deferred is not null) ApplyRows(deferredKeys, await deferred, 0, i);
            // One pass carries dense | loss | SyncNow_i and, folded, the deferred rows of i−1 (SyncLater_{i−1} ∩ U_i
            // = ∅, so batch i never reads them) and, at the last iteration, which has no next pass, its own.
            var last = fold && i == iterations - 1;
            var (carried, ownLater) = (fold ? deferredKeys : [], last ? plan.SyncLater : []);
            var syncOffset = dense.Length + 1;
            var carriedOffset = syncOffset + plan.SyncNow.Length * config.Model.Dim;
            var laterOffset = carriedOffset + carried.Length * config.Model.Dim;
            var buffer = new float[laterOffset + ownLater.Length * config.Model.Dim];
            local.DenseGradient.CopyTo(buffer, 0);
            buffer[dense.Length] = local.Loss;
            Gather(plan.SyncNow, localKeys, local.RowGradient, buffer, syncOffset);
            if (fold) deferredGradient.CopyTo(buffer, carriedOffset);
            Gather(ownLater, localKeys, local.RowGradient, buffer, laterOffset);
            var summed = await _ring.AllReduceAsync(buffer, token);
            reduce[i] = reducing.Elapsed.TotalSeconds;
            Sgd.Apply(dense, summed.AsSpan(0, dense.Length), config.DenseLearningRate);
            model.SetDense(dense);
            losses[i] = summed[dense.Length];
            // The three row sets are disjoint, so each row gets the same updates in the same order as unfolded.
            ApplyRows(plan.SyncNow, summed, syncOffset, i);
            ApplyRows(carried, summed, carriedOffset, i);
            ApplyRows(ownLater, summed, laterOffset, i);
            _critical += plan.SyncNow.Length;
            if (bagpipe)
            {
                ApplyUnsynchronised(plan, localKeys, local.RowGradient, i);
                _deferred += plan.SyncLater.Length;
                deferredKeys = last ? [] : plan.SyncLater;
                var laterBuffer = new float[deferredKeys.Length * config.Model.Dim];
                Gather(deferredKeys, localKeys, local.RowGradient, laterBuffer, 0);
                if (fold) deferredGradient = laterBuffer;
                else deferred = deferredKeys.Length == 0 ? null : _ring.AllReduceAsync(laterBuffer, token);
            }
            else
            {
                WriteThrough(plan, lru, lruNodes);
            }
            _plans.TryRemove(i, out _);
            total[i] = clock.Elapsed.TotalSeconds;
        }
        if (deferred is not null) ApplyRows(deferredKeys, await deferred, 0, iterations);
        if (bagpipe)
        {
            Progress(int.MaxValue);
            await prefetcher;
            WriteBack(Evict(int.MaxValue));
        }
        await _server.FinishAsync();
        using var hash = new ParameterHash();
        hash.Add(dense);
        return (new TrainerReport
        {
            Rank = _addresses.Rank, Losses = losses, DenseHash = hash.Finish(), Compute = compute, FetchStall = stall,
            AllReduce = reduce, Total = total, MaxOccupancy = _cache.MaxOccupancy, CriticalRows = _critical,
            DeferredRows = _deferred, RingPasses = _ring.Passes, UnsynchronisedRows = _unsynchronised,
            RowsFetched = _fetched, RowsUsed = _used, BytesSent = _server.BytesSent + _ring.BytesSent,
        }, dense);
    }

    // ---- Bagpipe: prefetch in groups, expiry, NoSync, write-back ----

    private TaskCompletionSource ReadySlot(int index) =>
        _ready.GetOrAdd(index, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Progress(int iteration)
    {
        TaskCompletionSource previous;
        lock (_ready)
        {
            _progress = iteration;
            previous = _progressed;
            _progressed = Signal();
        }
        previous.TrySetResult();
    }

    private async Task WaitForProgressAsync(int iteration, CancellationToken token)
    {
        while (true)
        {
            Task wait;
            lock (_ready)
            {
                if (_progress >= iteration) return;
                wait = _progressed.Task;
            }
            await wait.WaitAsync(token);
        }
    }

    /// <summary>
    /// Fetches the rows of each group of C batches in one Get, once training is within L batches of the group's end
    /// (so the cache bound of the dry run holds), installs them and the group's expiry updates, then lets the
    /// group's batches train. Rows another trainer alone will use (NoSync owned elsewhere) are not fetched.
    /// </summary>
    private async Task PrefetchAsync(CancellationToken token)
    {
        var (c, l, rank, dim) = (_config.EffectiveInterval, _config.Lookahead, _addresses.Rank, _config.Model.Dim);
        for (var start = 0; start < _config.Iterations; start += c)
        {
            var end = Math.Min(start + c, _config.Iterations);
            var plans = new List<BatchPlan>();
            for (var b = start; b < end; b++) plans.Add(await PlanAsync(b, token));
            // The group's rows were last used by batch end − L − 2 at the latest and leave the cache at the first
            // eviction step (a multiple of C) at or after end − L; a row still cached cannot be installed again, so
            // wait for that step, not only for end − L. C ≤ (L + 1) / 2 keeps it at or before the group's start.
            var after = end - l;
            await WaitForProgressAsync(after <= 0 ? after : (after + c - 1) / c * c, token);
            var keys = new List<long>();
            var lifetimes = new List<int>();
            var expiries = new List<int>();
            foreach (var plan in plans)
            {
                var elsewhere = new HashSet<long>();
                for (var k = 0; k < plan.NoSync.Length; k++)
                    if (plan.NoSyncOwners[k] != rank) elsewhere.Add(plan.NoSync[k]);
                for (var k = 0; k < plan.Prefetch.Length; k++)
                {
                    if (elsewhere.Contains(plan.Prefetch[k])) continue;
                    keys.Add(plan.Prefetch[k]);
                    lifetimes.Add(plan.Versions[k]);
                    expiries.Add(plan.Index);
                }
            }
            var rows = keys.Count == 0 ? [] : await _server.GetAsync([.. keys], [.. lifetimes]);
            _fetched += keys.Count;
            lock (_cache.Sync)
            {
                for (var k = 0; k < keys.Count; k++)
                    _cache.Install(keys[k], rows.AsSpan(k * dim, dim), expiries[k], lifetimes[k]);
                foreach (var plan in plans)
                    for (var k = 0; k < plan.TtlKeys.Length; k++) _cache.Extend(plan.TtlKeys[k], plan.TtlExpiry[k]);
            }
            for (var b = start; b < end; b++) ReadySlot(b).TrySetResult();
        }
    }

    /// <summary>Owned NoSync rows take the local gradient alone (x + 0 = x: the same as an all-reduce); every
    /// trainer marks them so that only the owner writes them back.</summary>
    private void ApplyUnsynchronised(BatchPlan plan, long[] localKeys, float[] gradient, int batch)
    {
        var dim = _config.Model.Dim;
        lock (_cache.Sync)
        {
            for (var k = 0; k < plan.NoSync.Length; k++)
            {
                var key = plan.NoSync[k];
                var owner = plan.NoSyncOwners[k];
                if (owner == _addresses.Rank)
                {
                    var r = Array.BinarySearch(localKeys, key);
                    Sgd.Apply(_cache.Row(key, batch), gradient.AsSpan(r * dim, dim), _config.EmbeddingLearningRate);
                    _unsynchronised++;
                }
                _cache.MarkUnsynchronised(key, owner);
            }
        }
    }

    /// <summary>Writes back this trainer's contiguous share of the evicted synchronised rows (every trainer evicts
    /// the same ones, so the shares cover them once) and the NoSync rows it owns; frees the rest.</summary>
    /// <summary>The prefetcher installs later groups' rows meanwhile, so eviction holds the cache's lock too. Those
    /// rows expire at or after the current batch and stay.</summary>
    private List<(long Key, int Owner, int Lifetime, float[] Row)> Evict(int before)
    {
        lock (_cache.Sync) return _cache.Evict(before);
    }

    private void WriteBack(List<(long Key, int Owner, int Lifetime, float[] Row)> evicted)
    {
        var synchronised = evicted.Where(e => e.Owner < 0).ToList();
        var (start, end) = SortedKeys.Share(synchronised.Count, _addresses.Rank, _config.Trainers);
        var mine = synchronised.Skip(start).Take(end - start)
            .Concat(evicted.Where(e => e.Owner == _addresses.Rank)).ToList();
        _server.Put([.. mine.Select(e => e.Key)], [.. mine.Select(e => e.Lifetime)],
            [.. mine.SelectMany(e => e.Row)]);
    }

    // ---- sync and LRU: demand fetch, write-through ----

    private async Task FetchMissesAsync(BatchPlan plan, LinkedList<long> lru, Dictionary<long,
        LinkedListNode<long>> nodes)
    {
        var dim = _config.Model.Dim;
        var misses = new List<int>();
        lock (_cache.Sync)
        {
            for (var k = 0; k < plan.Keys.Length; k++)
                if (!_cache.Contains(plan.Keys[k])) misses.Add(k);
        }
        var keys = misses.Select(k => plan.Keys[k]).ToArray();
        var rows = keys.Length == 0 ? [] : await _server.GetAsync(keys, [.. misses.Select(k => plan.Versions[k])]);
        _fetched += keys.Length;
        lock (_cache.Sync)
        {
            var needed = plan.Keys.ToHashSet();
            for (var m = 0; m < keys.Length; m++)
            {
                // Least recently used first; rows of this batch are never the victims.
                for (var node = lru.First; _cache.Count >= _config.Capacity && node is not null;)
                {
                    var victim = node;
                    node = node.Next;
                    if (needed.Contains(victim.Value)) continue;
                    _cache.Drop(victim.Value);
                    nodes.Remove(victim.Value);
                    lru.Remove(victim);
                }
                _cache.Install(keys[m], rows.AsSpan(m * dim, dim), 0, plan.Versions[misses[m]]);
            }
            foreach (var key in plan.Keys)
            {
                if (nodes.Remove(key, out var node)) lru.Remove(node);
                nodes[key] = lru.AddLast(key);
            }
        }
    }

    private void WriteThrough(BatchPlan plan, LinkedList<long> lru, Dictionary<long, LinkedListNode<long>> nodes)
    {
        var dim = _config.Model.Dim;
        var (start, end) = SortedKeys.Share(plan.Keys.Length, _addresses.Rank, _config.Trainers);
        var rows = new float[(end - start) * dim];
        lock (_cache.Sync)
        {
            for (var k = start; k < end; k++) _cache.Row(plan.Keys[k], plan.Index)
                .CopyTo(rows.AsSpan((k - start) * dim));
            if (_config.Mode == RecsysMode.Sync)
            {
                foreach (var key in plan.Keys) _cache.Drop(key);
                lru.Clear();
                nodes.Clear();
            }
        }
        _server.Put(plan.Keys[start..end], plan.Versions[start..end], rows);
    }

    // ---- shared ----

    /// <summary>The shard's unique rows in key order, and per sample and table the index of its row.</summary>
    private static (long[] Keys, long[] Lookup) LocalRows(CtrBatch shard)
    {
        var all = new long[shard.Ids.Length];
        for (var i = 0; i < all.Length; i++) all[i] = RowKey.Of(i % shard.Tables, shard.Ids[i]);
        var keys = (long[])all.Clone();
        Array.Sort(keys);
        keys = SortedKeys.Distinct(keys);
        var lookup = new long[all.Length];
        for (var i = 0; i < all.Length; i++) lookup[i] = Array.BinarySearch(keys, all[i]);
        return (keys, lookup);
    }

    /// <summary>Copies the local gradient rows of <paramref name="keys"/> into <paramref name="buffer"/> from
    /// <paramref name="offset"/>, zero where this trainer's shard does not use the row.</summary>
    private void Gather(long[] keys, long[] localKeys, float[] gradient, float[] buffer, int offset)
    {
        var dim = _config.Model.Dim;
        for (var k = 0; k < keys.Length; k++)
        {
            var r = Array.BinarySearch(localKeys, keys[k]);
            if (r >= 0) gradient.AsSpan(r * dim, dim).CopyTo(buffer.AsSpan(offset + k * dim));
        }
    }

    private void ApplyRows(long[] keys, float[] summed, int offset, int batch)
    {
        var dim = _config.Model.Dim;
        lock (_cache.Sync)
        {
            for (var k = 0; k < keys.Length; k++)
                Sgd.Apply(_cache.Row(keys[k], batch), summed.AsSpan(offset + k * dim, dim),
                    _config.EmbeddingLearningRate);
        }
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
