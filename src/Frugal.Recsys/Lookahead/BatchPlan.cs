using Frugal.Recsys.Data;

namespace Frugal.Recsys.Lookahead;

/// <summary>
/// What the oracle sends every trainer for one batch (§3 step 7): the batch, the rows to prefetch with the
/// lifetime each must be read at, expiry (TTL) updates, and how each row's gradient is synchronised. All key arrays
/// are sorted.
/// </summary>
public sealed class BatchPlan
{
    /// <summary>The batch's index in the run, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The global batch (the oracle's; a trainer's copy holds only its shard).</summary>
    public required CtrBatch Batch { get; init; }

    /// <summary>The unique rows of the global batch, U_b.</summary>
    public required long[] Keys { get; init; }

    /// <summary>The rows to fetch for this batch: Prefetch_b in Bagpipe, all of U_b otherwise.</summary>
    public required long[] Prefetch { get; init; }

    /// <summary>
    /// For each row of <see cref="Prefetch"/>, how many write-backs of it must have reached the server before it may
    /// be read (the server holds the read until then).
    /// </summary>
    public required int[] Versions { get; init; }

    /// <summary>Rows whose cache lifetime is extended, with the last batch that uses them (§3 step 5).</summary>
    public long[] TtlKeys { get; init; } = [];

    /// <summary>The new expiry of each row of <see cref="TtlKeys"/>.</summary>
    public int[] TtlExpiry { get; init; } = [];

    /// <summary>Rows used by one sample only and not again inside the window: updated by their owner alone.</summary>
    public long[] NoSync { get; init; } = [];

    /// <summary>The trainer (rank) owning each row of <see cref="NoSync"/>.</summary>
    public int[] NoSyncOwners { get; init; } = [];

    /// <summary>Rows the next batch reads: all-reduced on the critical path.</summary>
    public required long[] SyncNow { get; init; }

    /// <summary>Rows the next batch does not read: all-reduced in the background, applied one step later.</summary>
    public long[] SyncLater { get; init; } = [];
}
