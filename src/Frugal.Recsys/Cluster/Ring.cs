namespace Frugal.Recsys.Cluster;

/// <summary>
/// The trainers' all-reduce over a ring of TCP connections, deterministic and pipelined. The values are cut into
/// chunks; each chunk's partial sum travels 0 → 1 → … → N−1, each rank adding its own values, so every element is
/// ((g0 + g1) + g2) + … in rank order whatever the timing or the chunk size; rank N−1 then sends each chunk's total
/// on round the ring (N−1 → 0 → … → N−2). A rank passes a chunk on as soon as it has it, so while chunk c travels
/// one link, chunk c+1 travels the one before: a link carries about one copy of the data at a time instead of the
/// whole vector waiting at every hop. Partial sums and totals on one link may interleave, so frames carry their kind
/// (op) and chunk (request id). An Abort frame from the predecessor ends it with the reason it carries.
/// </summary>
/// <param name="rank">This trainer's rank.</param>
/// <param name="size">Trainers N.</param>
/// <param name="next">The link to rank + 1 (mod N); null for one trainer.</param>
/// <param name="previous">The link from rank − 1 (mod N); null for one trainer.</param>
/// <param name="chunkValues">Values per chunk; 0 = the whole vector in one chunk (no pipelining).</param>
internal sealed class Ring(int rank, int size, FrameConnection? next, FrameConnection? previous, int chunkValues)
{
    public long BytesSent => next?.BytesSent ?? 0;

    /// <summary>All-reduces started so far (each one a pass round the ring).</summary>
    public int Passes { get; private set; }

    /// <summary>The element-wise sum over all ranks of <paramref name="local"/> (which it may overwrite).</summary>
    public async Task<float[]> AllReduceAsync(float[] local, CancellationToken cancellation)
    {
        Passes++;
        if (size == 1) return local;
        var chunk = chunkValues > 0 ? chunkValues : Math.Max(1, local.Length);
        var chunks = Math.Max(1, (local.Length + chunk - 1) / chunk);
        var last = rank == size - 1;
        var partialsDue = rank > 0 ? chunks : 0;
        // Rank N−1 makes the totals itself; the others receive them.
        var totalsDue = last ? 0 : chunks;
        if (rank == 0)
            for (var c = 0; c < chunks; c++) Send(Op.Chunk, c, Slice(local, c, chunk));
        while (partialsDue + totalsDue > 0)
        {
            var (op, c, received) = await ReceiveAsync(cancellation);
            // A view of the received bytes: summed in place and sent on without another copy.
            var values = received.FloatsInPlace();
            var (start, count) = Range(local.Length, c, chunk);
            if (c < 0 || c >= chunks || values.Length != count)
                throw new InvalidOperationException(
                    $"all-reduce of {local.Length} values in chunks of {chunk} met chunk {c} of {values.Length}");
            if (op == Op.Chunk && partialsDue > 0)
            {
                partialsDue--;
                var own = local.AsSpan(start, count);
                for (var i = 0; i < count; i++) values[i] += own[i];
                // Rank N−1's sum is the total: it goes on round to rank 0; the others pass the partial sum on.
                Send(last ? Op.Total : Op.Chunk, c, values);
                if (last) values.CopyTo(local.AsSpan(start));
            }
            else if (op == Op.Total && totalsDue > 0)
            {
                totalsDue--;
                values.CopyTo(local.AsSpan(start));
                if (rank + 1 < size - 1) Send(Op.Total, c, values);
            }
            else
            {
                throw new RecsysNetworkException($"{previous!.Peer} sent an unexpected {op} frame");
            }
        }
        return local;
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

    private static (int Start, int Count) Range(int length, int c, int chunk)
    {
        var start = (int)Math.Min((long)c * chunk, length);
        return (start, Math.Min(chunk, length - start));
    }

    private static ReadOnlySpan<float> Slice(float[] values, int c, int chunk)
    {
        var (start, count) = Range(values.Length, c, chunk);
        return values.AsSpan(start, count);
    }

    private void Send(Op op, int chunk, ReadOnlySpan<float> values) => next!.SendFloats(op, chunk, values);

    /// <summary>The next chunk frame; its values are read in place by the caller.</summary>
    private async Task<(Op Op, int Chunk, PayloadReader Values)> ReceiveAsync(CancellationToken cancellation)
    {
        var frame = await previous!.ReceiveAsync(cancellation);
        var reader = new PayloadReader(frame.Payload);
        return frame.Op switch
        {
            Op.Chunk or Op.Total => (frame.Op, frame.Request, reader),
            Op.Abort => throw new RecsysNetworkException(reader.Text()),
            _ => throw new RecsysNetworkException($"{previous.Peer} sent an unexpected {frame.Op} frame"),
        };
    }
}
