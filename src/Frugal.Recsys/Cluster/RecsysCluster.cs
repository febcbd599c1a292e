using System.Net;
using System.Net.Sockets;

namespace Frugal.Recsys.Cluster;

/// <summary>
/// Runs a whole training in this process: the embedding server, the oracle and N trainers as tasks, talking over
/// loopback TCP exactly as separate processes do (the same nodes, the same frames, the same shaper). Tests and the
/// <c>recsys.bagpipe</c> experiment use it; <c>frugal recsys train</c> runs the nodes as processes instead.
/// </summary>
public static class RecsysCluster
{
    /// <summary>Trains as <paramref name="config"/> says and returns the oracle's report.</summary>
    /// <param name="config">The run.</param>
    /// <param name="openStore">The server's store; null = in memory.</param>
    /// <param name="checkpoint">Where to write the trained model (<see cref="RecsysCheckpoint"/>); null =
    /// nowhere.</param>
    /// <param name="cancellation">Stops every node.</param>
    public static async Task<RunReport> RunAsync(RunConfig config, Func<TableShape, IEmbeddingStore>? openStore = null,
        string? checkpoint = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var listeners = new List<TcpListener>();
        TcpListener Listen()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            listeners.Add(listener);
            return listener;
        }
        static string Address(TcpListener listener) => listener.LocalEndpoint.ToString()!;
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var serverListener = Listen();
            var oracleListener = Listen();
            var ring = Enumerable.Range(0, config.Trainers).Select(_ => Listen()).ToArray();
            var server = new EmbeddingServer(serverListener, openStore ?? (shape => new MemoryEmbeddingStore(shape)),
                config.Timeout);
            var oracle = new OracleNode(config, oracleListener, Address(serverListener), checkpoint);
            var peers = ring.Select(Address).ToArray();
            var serving = Task.Run(() => server.RunAsync(stop.Token), stop.Token);
            var trainers = Enumerable.Range(0, config.Trainers).Select(k => Task.Run(() =>
                new TrainerNode(new TrainerAddresses(k, Address(oracleListener), Address(serverListener), peers),
                    config.Trainers > 1 ? ring[k] : null, config.Timeout).RunAsync(stop.Token), stop.Token)).ToArray();
            try
            {
                var report = await oracle.RunAsync(stop.Token);
                await Task.WhenAll(trainers);
                await serving;
                return report;
            }
            catch (Exception e)
            {
                // Every node stops before the call returns (cancelled, or one failed): none outlives the run.
                await stop.CancelAsync();
                await Task.WhenAll(trainers.Append(serving)).ContinueWith(_ => { }, TaskScheduler.Default);
                if (e is not RecsysNetworkException) throw;
                // A node that failed on its own (a consistency error) says more than the lost connections it caused.
                var cause = trainers.Append(serving).Select(t => t.Exception?.InnerException)
                    .FirstOrDefault(inner =>
                        inner is not null and not RecsysNetworkException and not OperationCanceledException);
                if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
                throw;
            }
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
