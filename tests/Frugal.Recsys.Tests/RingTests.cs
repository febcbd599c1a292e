using System.Net;
using System.Net.Sockets;
using Frugal.Recsys.Cluster;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Tests;

/// <summary>The pipelined all-reduce: the same bits as the plain rank-order sum, whatever the chunk size.</summary>
public class RingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task PipelinedSumsAreBitwiseTheRankOrderSum(int trainers)
    {
        // Values of very different magnitudes: a different summation order would change low bits.
        var random = new Random(trainers);
        float[][] Vectors(int length) => Enumerable.Range(0, trainers).Select(_ => Enumerable.Range(0, length)
            .Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7)))).ToArray()).ToArray();
        var first = Vectors(1000);
        var second = Vectors(37);
        foreach (var chunk in new[] { 0, 1, 7, 64, 999, 1000, 5000 })
        {
            // Two all-reduces back to back on the same links, as a trainer's deferred and critical ones are.
            var results = await RunRingAsync(trainers, chunk, async (ring, k) =>
            {
                var a = await ring.AllReduceAsync((float[])first[k].Clone(), CancellationToken.None);
                var b = await ring.AllReduceAsync((float[])second[k].Clone(), CancellationToken.None);
                return (a, b);
            });
            foreach (var (a, b) in results)
            {
                Assert.Equal(bits(RankOrderSum(first)), bits(a));
                Assert.Equal(bits(RankOrderSum(second)), bits(b));
            }
        }

        static int[] bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
    }

    [Fact]
    public async Task EachLinkCarriesTheSameCopiesAsTheUnpipelinedChain()
    {
        const int values = 4096;
        var bytes = new long[2][];
        foreach (var (chunk, row) in new[] { (0, 0), (256, 1) })
        {
            var sent = await RunRingAsync(4, chunk, async (ring, k) =>
            {
                await ring.AllReduceAsync(new float[values], CancellationToken.None);
                return ring.BytesSent;
            });
            bytes[row] = sent;
        }
        // Both carry the same values: partial sums on links 0→1→2→3, totals on 3→0→1→2; only headers differ.
        var copy = values * 4L;
        long[] copies = [2, 2, 1, 1];
        for (var k = 0; k < 4; k++)
        {
            Assert.InRange(bytes[0][k], copies[k] * copy, copies[k] * copy + 100);
            Assert.InRange(bytes[1][k], copies[k] * copy, copies[k] * (copy + 16 * 13));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ModesStillMatchWithASmallChunk(int trainers)
    {
        var reference = await RecsysCluster.RunAsync(
            EquivalenceTests.Small(RecsysMode.Sync, trainers) with { AllReduceChunk = 0 });
        foreach (var mode in new[] { RecsysMode.Lru, RecsysMode.Bagpipe })
        {
            var report = await RecsysCluster.RunAsync(
                EquivalenceTests.Small(mode, trainers) with { AllReduceChunk = 5 });
            Assert.Equal(reference.Losses, report.Losses);
            Assert.Equal(reference.ParameterHash, report.ParameterHash);
        }
    }

    private static float[] RankOrderSum(float[][] vectors)
    {
        var sum = (float[])vectors[0].Clone();
        for (var k = 1; k < vectors.Length; k++)
            for (var i = 0; i < sum.Length; i++) sum[i] += vectors[k][i];
        return sum;
    }

    /// <summary>Connects <paramref name="size"/> ranks in a loopback ring and runs <paramref name="body"/> on each
    /// at once.</summary>
    private static async Task<T[]> RunRingAsync<T>(int size, int chunk, Func<Ring, int, Task<T>> body)
    {
        if (size == 1) return [await body(new Ring(0, 1, null, null, chunk), 0)];
        var listeners = Enumerable.Range(0, size).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners) l.Start();
        var timeout = TimeSpan.FromSeconds(10);
        try
        {
            var accepting = listeners.Select((l, k) => FrameConnection.AcceptAsync(l, $"trainer {k}", NetworkShape.None,
                timeout, CancellationToken.None)).ToArray();
            var next = await Task.WhenAll(Enumerable.Range(0, size).Select(k => FrameConnection.ConnectAsync(
                listeners[(k + 1) % size].LocalEndpoint.ToString()!, $"trainer {(k + 1) % size}", NetworkShape.None,
                timeout, CancellationToken.None)));
            var previous = await Task.WhenAll(accepting);
            // Rank k's listener accepted rank k−1's connection: its link from the predecessor.
            var rings = Enumerable.Range(0, size)
                .Select(k => new Ring(k, size, next[k], previous[k], chunk)).ToArray();
            var results = await Task.WhenAll(rings.Select((ring, k) => Task.Run(() => body(ring, k))));
            foreach (var connection in next.Concat(previous)) await connection.DisposeAsync();
            return results;
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
