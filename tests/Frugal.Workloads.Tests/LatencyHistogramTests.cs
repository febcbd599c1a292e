using System.Diagnostics;
using Frugal.Workloads.Ycsb;

namespace Frugal.Workloads.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void PercentilesAreWithinTheBucketResolution()
    {
        var histogram = new LatencyHistogram();
        // 1..100000 ticks, uniformly: the p-th percentile is p * 100000 ticks.
        for (long t = 1; t <= 100_000; t++) histogram.Add(t);
        foreach (var p in new[] { 0.5, 0.9, 0.99 })
        {
            var expected = p * 100_000 * 1e6 / Stopwatch.Frequency;
            Assert.InRange(histogram.PercentileMicros(p), expected * 0.93, expected * 1.07);
        }
        var merged = new LatencyHistogram();
        merged.Merge(histogram);
        Assert.Equal(100_000, merged.Count);
        Assert.Equal(histogram.PercentileMicros(0.5), merged.PercentileMicros(0.5));
    }
}
