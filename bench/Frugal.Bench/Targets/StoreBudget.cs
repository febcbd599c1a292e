using System.Numerics;

namespace Frugal.Bench.Targets;

/// <summary>
/// One memory budget, split the same way for every store (as the design brief's anchor run):
/// half for the hash index (or RocksDB's block cache), the rest for log memory, shared with a
/// read cache (or memtables) where the store has one.
/// </summary>
public sealed record StoreBudget(long Bytes)
{
    public long Half => Bytes / 2;
    public long Quarter => Bytes / 4;

    /// <summary>Log2 of the largest power of two not above <paramref name="bytes"/>.</summary>
    public static int FloorLog2(long bytes) => BitOperations.Log2((ulong)Math.Max(1, bytes));
}
