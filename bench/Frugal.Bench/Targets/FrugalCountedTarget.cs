using Frugal.Storage;
using Frugal.Workloads.Ycsb;

namespace Frugal.Bench.Targets;

/// <summary>
/// Our store with its reads counted after completion: its sessions keep reads in flight (as FASTER's do), so a read's
/// outcome is not its return value; <see cref="FrugalTarget.ReadTotals"/> counts them when they complete.
/// </summary>
internal sealed class FrugalCountedTarget(FrugalTarget inner) : ICountedTarget
{
    public ReadCounts Reads
    {
        get
        {
            var (reads, found, missing, pending) = inner.ReadTotals;
            return new ReadCounts(reads, found, missing, pending);
        }
    }

    public (long Read, long Written)? DeviceBytes => inner.DeviceBytes;

    /// <summary>The store's statistics (the cold lookups' device reads, for the bench's log).</summary>
    public StoreStats Stats => inner.Store.Stats();

    public long? CompactionRounds => inner.CompactionRounds;

    public long? ThrottleSleeps => inner.ThrottleSleeps;

    public void AfterLoad() => ((IKvTarget)inner).AfterLoad();

    public IKvSession NewSession() => inner.NewSession();

    public void Dispose() => inner.Dispose();
}
