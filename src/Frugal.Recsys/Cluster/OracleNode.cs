using System.Net.Sockets;
using System.Text.Json;
using Frugal.Core.Results;
using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Cluster;

/// <summary>
/// The oracle cacher (§2): runs the cache dry run, tells the server the tables' shape and every trainer the run's
/// configuration, then reads the data ahead and sends each trainer every batch's plan with its shard. It watches the
/// trainers: a trainer that fails or disappears stops the run, and every other trainer is told which one it was. At
/// the end it collects the reports and the server's summary.
/// </summary>
public sealed class OracleNode
{
    private readonly RunConfig _config;
    private readonly TcpListener _listener;
    private readonly string _server;
    private readonly string? _checkpoint;

    /// <param name="config">The run.</param>
    /// <param name="listener">A started listener the trainers connect to.</param>
    /// <param name="server">The embedding server's host:port.</param>
    /// <param name="checkpoint">Where to write the trained model (<see cref="RecsysCheckpoint"/>); null =
    /// nowhere.</param>
    public OracleNode(RunConfig config, TcpListener listener, string server, string? checkpoint = null)
    {
        _config = config.Validate();
        _listener = listener;
        _server = server;
        _checkpoint = checkpoint;
    }

    /// <summary>The dry run: the cache capacity the run needs, and the one it will use.</summary>
    /// <param name="config">The run.</param>
    /// <param name="cancellation">Stops the pass over the data.</param>
    public static (int Bound, int Capacity) DryRun(RunConfig config, CancellationToken cancellation = default)
    {
        var keys = RunData.Batches(config, cancellation).Select(b => Usage.Of(b, config.Trainers).Keys).ToList();
        var largest = CacheBound.Compute(keys, 0, 0);
        var lookahead = CacheBound.ForBagpipe(keys, config.Lookahead, config.EffectiveInterval);
        switch (config.Mode)
        {
            case RecsysMode.Bagpipe:
                CacheBound.Check(config.Capacity == 0 ? lookahead : config.Capacity, lookahead);
                return (lookahead, config.Capacity == 0 ? lookahead : config.Capacity);
            case RecsysMode.Lru:
                // By default the LRU cache gets the room Bagpipe's lookahead needs, so they compare at equal memory.
                CacheBound.Check(config.Capacity == 0 ? lookahead : config.Capacity, largest);
                return (largest, config.Capacity == 0 ? lookahead : config.Capacity);
            default:
                return (largest, largest);
        }
    }

    /// <summary>Runs the whole training and returns its report.</summary>
    public async Task<RunReport> RunAsync(CancellationToken cancellation)
    {
        var (bound, capacity) = DryRun(_config, cancellation);
        var config = _config with { Capacity = capacity };
        var n = config.Trainers;
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = failure.Token;
        await using var server = await FrameConnection.ConnectAsync(_server, "the embedding server",
            NetworkShape.None, config.Timeout, token);
        server.Send(Op.Hello, 0, new PayloadWriter().Text("oracle").ToArray());
        server.Send(Op.Setup, 0, new PayloadWriter().Text(JsonSerializer.Serialize(config.Tables, ResultJson.Options))
            .Int(n).Text(JsonSerializer.Serialize(config.Network, ResultJson.Options)).ToArray());
        var trainers = new FrameConnection[n];
        try
        {
            await AcceptTrainersAsync(trainers, config, token);
            var reports = new TaskCompletionSource<(TrainerReport Report, float[] Dense)>[n];
            var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var watchers = new Task[n];
            for (var k = 0; k < n; k++)
            {
                reports[k] = new(TaskCreationOptions.RunContinuationsAsynchronously);
                watchers[k] = WatchAsync(trainers[k], k, reports[k], failed, token);
            }
            var oracle = new LookaheadOracle(config.Cardinalities, n, config.Mode, config.Lookahead, config.NoSync);
            var expectedWriteBacks = 0L;
            var sending = Task.Run(() =>
            {
                foreach (var plan in oracle.Plan(RunData.Batches(config, token)))
                {
                    token.ThrowIfCancellationRequested();
                    expectedWriteBacks += plan.Prefetch.Length;
                    for (var k = 0; k < n; k++)
                    {
                        var (start, end) = SortedKeys.Share(plan.Batch.Size, k, n);
                        trainers[k].Send(Op.Plan, plan.Index, PlanMessages.Encode(plan, plan.Batch.Slice(start, end)));
                    }
                }
                foreach (var trainer in trainers) trainer.Send(Op.End, 0, []);
            }, token);
            var finished = Task.WhenAll(reports.Select(r => r.Task));
            // The watchers end quietly when the run is cancelled, so the wait itself must observe the token.
            var first = await Task.WhenAny(finished, failed.Task).WaitAsync(token);
            if (first == failed.Task)
            {
                var reason = await failed.Task;
                foreach (var trainer in trainers)
                {
                    try
                    {
                        trainer.Send(Op.Abort, 0, new PayloadWriter().Text(reason).ToArray());
                    }
                    catch (RecsysNetworkException)
                    {
                        // That trainer is gone already.
                    }
                }
                await Task.WhenAll(trainers.Select(t => t.DrainAsync().WaitAsync(TimeSpan.FromSeconds(2))))
                    .ContinueWith(_ => { }, TaskScheduler.Default);
                throw new RecsysNetworkException(reason);
            }
            await sending;
            var results = await finished;
            var all = results.Select(r => r.Report).ToArray();
            if (all.Select(r => r.DenseHash).Distinct().Count() != 1)
                throw new InvalidOperationException("consistency error: the trainers' dense parameters differ");
            server.Send(Op.Summary, 0, new PayloadWriter().Int(_checkpoint is null ? 0 : 1).ToArray());
            var (tablesHash, stats) = _checkpoint is null
                ? Summary(await server.ReceiveAsync(token), expectedWriteBacks)
                : await Task.Run(() => WriteCheckpoint(_checkpoint, config, results[0].Dense, all[0].DenseHash, server,
                    expectedWriteBacks, token), token);
            return new RunReport
            {
                Config = config, CacheBound = bound, Losses = all[0].Losses, DenseHash = all[0].DenseHash,
                TablesHash = tablesHash, Server = stats, Trainers = all,
            };
        }
        finally
        {
            await failure.CancelAsync();
            foreach (var trainer in trainers)
                if (trainer is not null) await trainer.DisposeAsync();
        }
    }

    /// <summary>The server's summary (the tables' hash and its counts), checked against the write-backs the plans
    /// asked for.</summary>
    private static (string TablesHash, ServerStats Stats) Summary(Frame frame, long expectedWriteBacks)
    {
        if (frame.Op != Op.Summary)
            throw new RecsysNetworkException($"the embedding server sent {frame.Op} instead of its summary");
        var reader = new PayloadReader(frame.Payload);
        var tablesHash = reader.Text();
        var stats = JsonSerializer.Deserialize<ServerStats>(reader.Text(), ResultJson.Options)!;
        if (stats.WriteBacks != expectedWriteBacks)
            throw new InvalidOperationException(
                $"consistency error: the server received {stats.WriteBacks} write-backs for {expectedWriteBacks} row " +
                    $"lifetimes");
        return (tablesHash, stats);
    }

    /// <summary>Streams the checkpoint into a temporary file as the server's rows arrive, and puts it in place only
    /// once the summary has checked out: any failure on the way leaves the previous checkpoint.</summary>
    private static (string TablesHash, ServerStats Stats) WriteCheckpoint(string path, RunConfig config,
        float[] dense, string denseHash, FrameConnection server, long expectedWriteBacks, CancellationToken token)
    {
        (string, ServerStats) summary = default;
        Core.IO.AtomicFile.WriteBinary(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            RecsysCheckpoint.WriteHead(writer, config.Iterations, config, dense);
            var expected = config.Tables.Rows * config.Model.Dim;
            var written = 0L;
            Frame frame;
            while ((frame = server.ReceiveAsync(token).GetAwaiter().GetResult()).Op == Op.Rows)
            {
                var rows = new PayloadReader(frame.Payload).Floats();
                RecsysCheckpoint.WriteRows(writer, rows);
                written += rows.Length;
            }
            if (written != expected)
                throw new RecsysNetworkException($"the embedding server sent {written} of {expected} table values");
            summary = Summary(frame, expectedWriteBacks);
            RecsysCheckpoint.WriteTail(writer, summary.Item1, denseHash);
        });
        return summary;
    }

    private async Task AcceptTrainersAsync(FrameConnection[] trainers, RunConfig config, CancellationToken token)
    {
        var hello = new PayloadWriter().Text(JsonSerializer.Serialize(config, ResultJson.Options)).ToArray();
        for (var accepted = 0; accepted < trainers.Length; accepted++)
        {
            var connection = await FrameConnection.AcceptAsync(_listener,
                $"trainer {accepted + 1} of {trainers.Length}", NetworkShape.None, config.Timeout, token,
                Timeout.InfiniteTimeSpan);
            var frame = await connection.ReceiveAsync(token);
            var reader = new PayloadReader(frame.Payload);
            var rank = frame.Op == Op.Hello && reader.Text() == "trainer" ? reader.Int() : -1;
            if (rank < 0 || rank >= trainers.Length || trainers[rank] is not null)
            {
                connection.Send(Op.Abort, 0, new PayloadWriter()
                    .Text($"the oracle refused a trainer of rank {rank}: ranks are 0 to {trainers.Length - 1}, each " +
                        $"once")
                    .ToArray());
                await connection.DisposeAsync();
                accepted--;
                continue;
            }
            connection.Peer = $"trainer {rank}";
            trainers[rank] = connection;
            connection.Send(Op.Hello, 0, hello);
        }
    }

    private static async Task WatchAsync(FrameConnection trainer, int rank,
        TaskCompletionSource<(TrainerReport Report, float[] Dense)> report,
        TaskCompletionSource<string> failed, CancellationToken token)
    {
        try
        {
            // A trainer is silent until it reports (its connection waits without a limit): a run may take long.
            var frame = await trainer.ReceiveAsync(token);
            var reader = new PayloadReader(frame.Payload);
            if (frame.Op == Op.Report)
                report.TrySetResult((JsonSerializer.Deserialize<TrainerReport>(reader.Text(), ResultJson.Options)!,
                    reader.Floats()));
            else if (frame.Op == Op.Abort)
                failed.TrySetResult(reader.Text());
        }
        catch (RecsysNetworkException e)
        {
            failed.TrySetResult(e.Message.Contains("closed the connection", StringComparison.Ordinal)
                ? $"trainer {rank} stopped (its connection closed before it finished)"
                : e.Message);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
