namespace Frugal.Recsys.Cluster;

/// <summary>
/// The trainers' all-reduce over a ring of TCP connections, deterministic: the sum travels 0 → 1 → … → N−1, each rank
/// adding its own values, so every element is ((g0 + g1) + g2) + … in rank order whatever the timing; rank N−1 then
/// sends the total on round the ring. An Abort frame from the predecessor ends it with the reason it carries.
/// </summary>
internal sealed class Ring(int rank, int size, FrameConnection? next, FrameConnection? previous)
{
    public long BytesSent => next?.BytesSent ?? 0;

    /// <summary>The element-wise sum over all ranks of <paramref name="local"/> (which it may overwrite).</summary>
    public async Task<float[]> AllReduceAsync(float[] local, CancellationToken cancellation)
    {
        if (size == 1) return local;
        var sum = local;
        if (rank > 0)
        {
            sum = await ReceiveAsync(cancellation);
            if (sum.Length != local.Length)
                throw new InvalidOperationException($"all-reduce of {local.Length} values met {sum.Length}");
            for (var i = 0; i < sum.Length; i++) sum[i] += local[i];
        }
        if (rank == size - 1)
        {
            Send(sum);
            return sum;
        }
        Send(sum);
        var total = await ReceiveAsync(cancellation);
        if (rank + 1 < size - 1) Send(total);
        return total;
    }

    /// <summary>Passes a failure on to the next rank, best effort.</summary>
    public void Abort(string reason)
    {
        try
        {
            next?.Send(Op.Abort, 0, new PayloadWriter().Text(reason).ToArray());
        }
        catch (RecsysNetworkException)
        {
            // The next rank is gone too.
        }
    }

    private void Send(float[] values) => next!.Send(Op.Chunk, 0, new PayloadWriter().Floats(values).ToArray());

    private async Task<float[]> ReceiveAsync(CancellationToken cancellation)
    {
        var frame = await previous!.ReceiveAsync(cancellation);
        var reader = new PayloadReader(frame.Payload);
        return frame.Op switch
        {
            Op.Chunk => reader.Floats(),
            Op.Abort => throw new RecsysNetworkException(reader.Text()),
            _ => throw new RecsysNetworkException($"{previous.Peer} sent an unexpected {frame.Op} frame"),
        };
    }
}
