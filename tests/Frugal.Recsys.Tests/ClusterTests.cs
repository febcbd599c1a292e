using System.Net;
using System.Net.Sockets;
using Frugal.Recsys.Cluster;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Tests;

public sealed class ClusterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recsys-f2-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TheF2BackedServerGivesTheSameParametersAsTheInMemoryOne()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 2);
        var memory = await RecsysCluster.RunAsync(config);
        var f2 = await RecsysCluster.RunAsync(config, shape => new KvEmbeddingStore(shape, _folder, 4L << 20));
        Assert.Equal(memory.ParameterHash, f2.ParameterHash);
        Assert.Equal(memory.Losses, f2.Losses);
    }

    [Fact]
    public async Task WhichLinksAreShapedChangesNoParameter()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 2) with { Network = new NetworkShape(0.2, 500) };
        var server = await RecsysCluster.RunAsync(config with { ShapedLinks = ShapedLinks.Server });
        var all = await RecsysCluster.RunAsync(config with { ShapedLinks = ShapedLinks.All });
        Assert.Equal(server.ParameterHash, all.ParameterHash);
        Assert.Equal(server.Losses, all.Losses);
    }

    [Fact]
    public async Task AnUnreachableOracleIsNamedAfterABoundedRetry()
    {
        var port = FreePort();
        var node = new TrainerNode(new TrainerAddresses(0, $"127.0.0.1:{port}", $"127.0.0.1:{port}", []), null,
            TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<RecsysNetworkException>(() => node.RunAsync(CancellationToken.None));
        Assert.Contains($"the oracle at 127.0.0.1:{port} is unreachable", e.Message);
    }

    [Fact]
    public async Task ALostTrainerStopsTheOthersWithItsName()
    {
        var config = EquivalenceTests.Small(RecsysMode.Bagpipe, 3) with
        {
            Iterations = 400,
            Network = new NetworkShape(5, 0),
            TimeoutSeconds = 10,
        };
        var listeners = Enumerable.Range(0, 5).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        string Address(int i) => listeners[i].LocalEndpoint.ToString()!;
        try
        {
            var server = new EmbeddingServer(listeners[0], shape => new MemoryEmbeddingStore(shape), config.Timeout);
            var serving = Task.Run(() => server.RunAsync(CancellationToken.None));
            var oracle =
                Task.Run(() => new OracleNode(config, listeners[1], Address(0)).RunAsync(CancellationToken.None));
            string[] peers = [Address(2), Address(3), Address(4)];
            using var kill = new CancellationTokenSource();
            var trainers = Enumerable.Range(0, 3).Select(k => Task.Run(() =>
                new TrainerNode(new TrainerAddresses(k, Address(1), Address(0), peers), listeners[2 + k],
                    config.Timeout)
                    .RunAsync(k == 1 ? kill.Token : CancellationToken.None))).ToArray();
            await Task.Delay(1500);
            await kill.CancelAsync(); // trainer 1 disappears mid-run: its connections close
            var error = await Assert.ThrowsAsync<RecsysNetworkException>(() => oracle);
            Assert.Contains("trainer 1", error.Message);
            foreach (var k in new[] { 0, 2 })
            {
                var e = await Assert.ThrowsAsync<RecsysNetworkException>(() => trainers[k]);
                Assert.Contains("trainer 1", e.Message);
            }
            await Assert.ThrowsAnyAsync<Exception>(() => serving);
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
