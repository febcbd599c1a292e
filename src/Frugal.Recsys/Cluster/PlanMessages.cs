using Frugal.Recsys.Data;
using Frugal.Recsys.Lookahead;

namespace Frugal.Recsys.Cluster;

/// <summary>Encodes a <see cref="BatchPlan"/> with one trainer's shard, and decodes it on the trainer.</summary>
internal static class PlanMessages
{
    public static byte[] Encode(BatchPlan plan, CtrBatch shard) => new PayloadWriter()
        .Int(plan.Index).Longs(plan.Keys).Longs(plan.Prefetch).Ints(plan.Versions)
        .Longs(plan.TtlKeys).Ints(plan.TtlExpiry).Longs(plan.NoSync).Ints(plan.NoSyncOwners)
        .Longs(plan.SyncNow).Longs(plan.SyncLater)
        .Int(shard.Size).Int(shard.Tables).Bytes(shard.Labels).Floats(shard.Dense).Ints(shard.Ids)
        .ToArray();

    public static BatchPlan Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var index = reader.Int();
        var keys = reader.Longs();
        var prefetch = reader.Longs();
        var versions = reader.Ints();
        var ttlKeys = reader.Longs();
        var ttlExpiry = reader.Ints();
        var noSync = reader.Longs();
        var owners = reader.Ints();
        var syncNow = reader.Longs();
        var syncLater = reader.Longs();
        var shard = new CtrBatch(reader.Int(), reader.Int());
        reader.Bytes().CopyTo(shard.Labels, 0);
        reader.Floats().CopyTo(shard.Dense, 0);
        reader.Ints().CopyTo(shard.Ids, 0);
        return new BatchPlan
        {
            Index = index, Batch = shard, Keys = keys, Prefetch = prefetch, Versions = versions, TtlKeys = ttlKeys,
            TtlExpiry = ttlExpiry, NoSync = noSync, NoSyncOwners = owners, SyncNow = syncNow, SyncLater = syncLater,
        };
    }
}
