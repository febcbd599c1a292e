namespace Frugal.Recsys.Cluster;

/// <summary>What a trainer measured and ended with; sent to the oracle at the end of a run.</summary>
public sealed record TrainerReport
{
    /// <summary>The trainer's rank.</summary>
    public required int Rank { get; init; }

    /// <summary>The global mean loss of every iteration (all-reduced, so the same on every trainer).</summary>
    public required float[] Losses { get; init; }

    /// <summary>SHA-256 of the final dense parameters.</summary>
    public required string DenseHash { get; init; }

    /// <summary>Seconds per iteration in forward and backward.</summary>
    public required double[] Compute { get; init; }

    /// <summary>Seconds per iteration waiting for embedding rows (prefetch token or synchronous fetch).</summary>
    public required double[] FetchStall { get; init; }

    /// <summary>Seconds per iteration waiting for all-reduces (critical and joined background ones).</summary>
    public required double[] AllReduce { get; init; }

    /// <summary>Seconds per iteration in all.</summary>
    public required double[] Total { get; init; }

    /// <summary>The most rows the trainer's cache held at once.</summary>
    public int MaxOccupancy { get; init; }

    /// <summary>Rows all-reduced on the critical path (SyncNow in Bagpipe, every row otherwise).</summary>
    public long CriticalRows { get; init; }

    /// <summary>Rows whose synchronisation was deferred to the next iteration (SyncLater).</summary>
    public long DeferredRows { get; init; }

    /// <summary>All-reduce passes round the ring (one per iteration unless deferred rows have their own pass).
    /// </summary>
    public int RingPasses { get; init; }

    /// <summary>Rows updated by their owner alone (NoSync).</summary>
    public long UnsynchronisedRows { get; init; }

    /// <summary>Rows fetched from the server.</summary>
    public long RowsFetched { get; init; }

    /// <summary>Rows looked up by the trainer's samples that were already cached (LRU hits; Bagpipe: all).</summary>
    public long RowsUsed { get; init; }

    /// <summary>Bytes the trainer sent to the server and its ring successor.</summary>
    public long BytesSent { get; init; }
}
