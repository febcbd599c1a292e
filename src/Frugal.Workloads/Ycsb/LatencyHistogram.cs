using System.Diagnostics;
using System.Numerics;

namespace Frugal.Workloads.Ycsb;

/// <summary>
/// Latencies in log-linear buckets (16 per power of two, so a percentile is within about 6 %),
/// in constant memory however long a run lasts. One per worker thread; merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 4;
    private const int Sub = 1 << SubBits;
    private readonly long[] _counts = new long[64 * Sub];

    public long Count { get; private set; }

    public void Add(long ticks)
    {
        _counts[Bucket(Math.Max(0, ticks))]++;
        Count++;
    }

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>
    /// The latency, in microseconds, below which a fraction <paramref name="p"/> of the samples fall.
    /// </summary>
    public double PercentileMicros(double p)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(p * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Midpoint(i) * 1e6 / Stopwatch.Frequency;
        }
        return Midpoint(_counts.Length - 1) * 1e6 / Stopwatch.Frequency;
    }

    private static int Bucket(long ticks)
    {
        if (ticks < Sub) return (int)ticks;
        // The leading bit picks the octave, the next SubBits bits the bucket within it.
        var shift = BitOperations.Log2((ulong)ticks) - SubBits;
        return (shift + 1) * Sub + (int)((ticks >> shift) & (Sub - 1));
    }

    private static double Midpoint(int bucket)
    {
        if (bucket < Sub) return bucket;
        var octave = bucket / Sub;
        var low = (long)(Sub + bucket % Sub) << (octave - 1);
        return low + (1L << (octave - 1)) / 2.0;
    }
}
