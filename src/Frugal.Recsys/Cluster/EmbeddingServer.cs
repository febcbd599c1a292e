using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Frugal.Core.Results;
using Frugal.Recsys.Model;

namespace Frugal.Recsys.Cluster;

/// <summary>What the embedding server counted over a run.</summary>
public sealed record ServerStats(long Gets, long RowsRead, long Puts, long RowsWritten, long WriteBacks)
{
    internal static ServerStats Empty { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>
/// The embedding server (§2, §6.3): all tables in an <see cref="IEmbeddingStore"/>, Get (rows by key) and Put
/// (write-back) over one connection per trainer. Every row carries a lifetime number, the count of its write-backs:
/// a Get names the lifetime it reads and is held until the previous lifetime's write-back has arrived (this replaces
/// the reference's "fetchable" broadcast with a per-row check), and a Put must write back exactly the current
/// lifetime: a second write-back of one lifetime, or a read of a lifetime already gone, is a consistency error.
/// All requests go through one loop, so the store needs no locks.
/// </summary>
public sealed class EmbeddingServer
{
    private readonly TcpListener _listener;
    private readonly Func<TableShape, IEmbeddingStore> _openStore;
    private readonly List<FrameConnection> _trainerLinks = [];
    private readonly TimeSpan _timeout;
    private readonly Channel<(FrameConnection Connection, Frame Frame)> _inbox =
        Channel.CreateUnbounded<(FrameConnection, Frame)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, int> _versions = [];
    private readonly List<PendingGet> _pending = [];
    private IEmbeddingStore? _store;
    private TableShape? _shape;
    private NetworkShape? _network;
    private int _trainers;
    private int _done;
    private long _gets, _rowsRead, _puts, _rowsWritten;

    /// <param name="listener">A started listener the oracle and the trainers connect to.</param>
    /// <param name="openStore">Opens the store once the oracle has said the tables' shape.</param>
    /// <param name="timeout">The longest wait for a node's next message.</param>
    /// <remarks>The shaper of its replies to the trainers comes with the run's setup from the oracle.</remarks>
    public EmbeddingServer(TcpListener listener, Func<TableShape, IEmbeddingStore> openStore, TimeSpan timeout)
    {
        _listener = listener;
        _openStore = openStore;
        _timeout = timeout;
    }

    /// <summary>Serves until the oracle has collected the run's summary (or a node fails).</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var connections = new List<FrameConnection>();
        var readers = new List<Task>();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var connection = await FrameConnection.AcceptAsync(_listener, "a node", NetworkShape.None,
                    Timeout.InfiniteTimeSpan, stop.Token);
                lock (connections) connections.Add(connection);
                lock (readers) readers.Add(ReadAsync(connection, stop.Token));
            }
        }, stop.Token);
        try
        {
            await ServeAsync(stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await accepting;
            }
            catch (OperationCanceledException)
            {
                // Stopped accepting.
            }
            foreach (var connection in connections) await connection.DisposeAsync();
            _store?.Dispose();
        }
    }

    private async Task ReadAsync(FrameConnection connection, CancellationToken cancellation)
    {
        try
        {
            while (true)
            {
                var frame = await connection.ReceiveAsync(cancellation);
                await _inbox.Writer.WriteAsync((connection, frame), cancellation);
                if (frame.Op is Op.Done or Op.Summary) return;
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
        catch (RecsysNetworkException e)
        {
            _inbox.Writer.TryComplete(new RecsysNetworkException(
                $"the embedding server lost {connection.Peer} before it finished: {e.Message}", e));
        }
    }

    private async Task ServeAsync(CancellationToken cancellation)
    {
        (FrameConnection Connection, int Request, bool WithRows)? summary = null;
        await foreach (var (connection, frame) in _inbox.Reader.ReadAllAsync(cancellation))
        {
            var payload = new PayloadReader(frame.Payload);
            switch (frame.Op)
            {
                case Op.Hello:
                    var role = payload.Text();
                    connection.Peer = role == "oracle" ? "the oracle" : $"trainer {payload.Int()}";
                    if (role == "oracle") break;
                    // Replies to trainers are shaped like their requests; a trainer may say hello before the setup.
                    _trainerLinks.Add(connection);
                    if (_network is not null) connection.Shape = _network;
                    break;
                case Op.Setup:
                    _shape = JsonSerializer.Deserialize<TableShape>(payload.Text(), ResultJson.Options)!;
                    _trainers = payload.Int();
                    _network = JsonSerializer.Deserialize<NetworkShape>(payload.Text(), ResultJson.Options)!;
                    foreach (var link in _trainerLinks) link.Shape = _network;
                    _store = _openStore(_shape);
                    await ServePendingAsync();
                    break;
                case Op.Get:
                    _pending.Add(new PendingGet(connection, frame.Request, payload.Longs(), payload.Ints()));
                    await ServePendingAsync();
                    break;
                case Op.Put:
                    Put(connection, payload.Longs(), payload.Ints(), payload.Floats());
                    connection.Send(Op.Ack, frame.Request, []);
                    await ServePendingAsync();
                    break;
                case Op.Done:
                    _done++;
                    break;
                case Op.Summary:
                    // The oracle asks once every trainer has reported, but a trainer's Done may still be on its way.
                    summary = (connection, frame.Request, payload.Int() == 1);
                    break;
                default:
                    throw new RecsysNetworkException($"{connection.Peer} sent an unexpected {frame.Op} frame");
            }
            if (summary is var (oracle, request, withRows) && _done == _trainers)
            {
                oracle.Send(Op.Summary, request, await SummaryAsync(withRows ? oracle : null));
                await oracle.DrainAsync();
                return;
            }
        }
    }

    private void Put(FrameConnection from, long[] keys, int[] lifetimes, float[] rows)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var current = _versions.GetValueOrDefault(keys[i]);
            if (lifetimes[i] != current)
                throw new InvalidOperationException(
                    $"consistency error: {from.Peer} wrote back lifetime {lifetimes[i]} of row {Describe(keys[i])}, " +
                    $"whose current lifetime is {current}");
            _versions[keys[i]] = current + 1;
        }
        _store!.Write(keys, rows);
        _puts++;
        _rowsWritten += keys.Length;
    }

    private async Task ServePendingAsync()
    {
        if (_store is null) return;
        for (var p = 0; p < _pending.Count;)
        {
            var get = _pending[p];
            if (!Ready(get))
            {
                p++;
                continue;
            }
            _pending.RemoveAt(p);
            var rows = new float[get.Keys.Length * _shape!.Dim];
            await _store.ReadAsync(get.Keys, rows);
            _gets++;
            _rowsRead += get.Keys.Length;
            get.Connection.Send(Op.Rows, get.Request, new PayloadWriter().Floats(rows).ToArray());
        }
    }

    private bool Ready(PendingGet get)
    {
        var ready = true;
        for (var i = 0; i < get.Keys.Length; i++)
        {
            var current = _versions.GetValueOrDefault(get.Keys[i]);
            if (current > get.Lifetimes[i])
                throw new InvalidOperationException(
                    $"consistency error: {get.Connection.Peer} read lifetime {get.Lifetimes[i]} of row " +
                    $"{Describe(get.Keys[i])}, which is already at lifetime {current}");
            ready &= current == get.Lifetimes[i];
        }
        return ready;
    }

    /// <summary>The tables' hash and the run's counts; with <paramref name="rowsTo"/>, every row is sent there first,
    /// in key order, one Rows frame per read (for the checkpoint).</summary>
    private async Task<byte[]> SummaryAsync(FrameConnection? rowsTo)
    {
        using var hash = new ParameterHash();
        var shape = _shape!;
        for (var t = 0; t < shape.Cardinalities.Length; t++)
        {
            for (var start = 0; start < shape.Cardinalities[t]; start += 4096)
            {
                var keys = Enumerable.Range(start, Math.Min(4096, shape.Cardinalities[t] - start))
                    .Select(id => Data.RowKey.Of(t, id)).ToArray();
                var rows = new float[keys.Length * shape.Dim];
                await _store!.ReadAsync(keys, rows);
                hash.Add(rows);
                rowsTo?.Send(Op.Rows, 0, new PayloadWriter().Floats(rows).ToArray());
            }
        }
        var stats = new ServerStats(_gets, _rowsRead, _puts, _rowsWritten, _versions.Values.Sum(v => (long)v));
        return new PayloadWriter().Text(hash.Finish()).Text(JsonSerializer.Serialize(stats, ResultJson.Options))
            .ToArray();
    }

    private static string Describe(long key) => $"({Data.RowKey.Table(key)}, {Data.RowKey.Id(key)})";

    private sealed record PendingGet(FrameConnection Connection, int Request, long[] Keys, int[] Lifetimes);
}
