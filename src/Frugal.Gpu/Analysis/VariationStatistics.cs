using Frugal.Core.Statistics;
using Frugal.Gpu.Measurements;

namespace Frugal.Gpu.Analysis;

/// <summary>
/// One GPU's place in its cluster for one app: r = median of its runs' perf / median perf of all runs.
/// </summary>
/// <param name="Uuid">The GPU.</param>
/// <param name="Node">Its node.</param>
/// <param name="Device">Its index within the node (-1 when unknown).</param>
/// <param name="Runs">How many runs it has.</param>
/// <param name="Ratio">r: above 1 is slower than the median run.</param>
/// <param name="SmClockMHz">Median over its runs of the run's median SM clock.</param>
/// <param name="PowerW">Median over its runs of the run's median power.</param>
/// <param name="TemperatureC">Median over its runs of the run's median temperature.</param>
public sealed record GpuRatio(string Uuid, string Node, int Device, int Runs, double Ratio,
    double? SmClockMHz, double? PowerW, double? TemperatureC);

/// <summary>
/// The §1.3 statistics of one app on one cluster. r_g = median over GPU g's runs of perf / median perf of all runs
/// (the formula of PAL's <c>PerfVar</c>). The spread is reported as IQR, max − min and the largest r; an outlier is
/// a GPU with r &gt; Q3 + 1.5·IQR (quantiles by linear interpolation, type 7). The paper's own variation statistic
/// is not restated in its artifact, so compare with its headline as a different statistic.
/// </summary>
/// <param name="App">The application.</param>
/// <param name="Cluster">The cluster.</param>
/// <param name="Gpus">The per-GPU ratios, sorted by ratio.</param>
/// <param name="RunCount">How many runs the GPUs have together.</param>
public sealed record VariationSummary(string App, string Cluster, IReadOnlyList<GpuRatio> Gpus, int RunCount)
{
    private double[] Sorted => [.. Gpus.Select(g => g.Ratio)];

    /// <summary>Median of r.</summary>
    public double Median => Summary.QuantileOfSorted(Sorted, 0.5);

    /// <summary>First quartile of r.</summary>
    public double Q1 => Summary.QuantileOfSorted(Sorted, 0.25);

    /// <summary>Third quartile of r.</summary>
    public double Q3 => Summary.QuantileOfSorted(Sorted, 0.75);

    /// <summary>Interquartile range of r.</summary>
    public double Iqr => Q3 - Q1;

    /// <summary>Smallest r (the fastest GPU).</summary>
    public double Min => Gpus[0].Ratio;

    /// <summary>Largest r (the slowest GPU).</summary>
    public double Max => Gpus[^1].Ratio;

    /// <summary>
    /// max r − min r: the spread between the slowest and the fastest GPU, as a share of the median run.
    /// </summary>
    public double Range => Max - Min;

    /// <summary>Share of GPUs with r &gt; Q3 + 1.5·IQR.</summary>
    public double OutlierShare
    {
        get
        {
            var fence = Q3 + 1.5 * Iqr;
            return Gpus.Count(g => g.Ratio > fence) / (double)Gpus.Count;
        }
    }

    /// <summary>Spearman ρ of r with the median SM clock (null without clock readings).</summary>
    public double? SpearmanClock => Correlate(g => g.SmClockMHz);

    /// <summary>Spearman ρ of r with the median power.</summary>
    public double? SpearmanPower => Correlate(g => g.PowerW);

    /// <summary>Spearman ρ of r with the median temperature.</summary>
    public double? SpearmanTemperature => Correlate(g => g.TemperatureC);

    private double? Correlate(Func<GpuRatio, double?> reading)
    {
        var pairs = Gpus.Where(g => reading(g).HasValue).ToArray();
        return Spearman.Correlation([.. pairs.Select(g => g.Ratio)], [.. pairs.Select(g => reading(g)!.Value)]);
    }
}

/// <summary>Computes <see cref="VariationSummary"/> per app and cluster.</summary>
public static class VariationStatistics
{
    /// <summary>One summary per (app, cluster) in the runs, ordered by app then cluster.</summary>
    public static IReadOnlyList<VariationSummary> ByAppAndCluster(IEnumerable<GpuRun> runs) =>
        [.. runs.GroupBy(r => (r.App, r.Cluster))
            .OrderBy(g => g.Key.App, StringComparer.Ordinal).ThenBy(g => g.Key.Cluster, StringComparer.Ordinal)
            .Select(g => Compute(g.Key.App, g.Key.Cluster, [.. g]))];

    /// <summary>The statistics of one app on one cluster.</summary>
    public static VariationSummary Compute(string app, string cluster, IReadOnlyList<GpuRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("the statistics need at least one run.");
        var median = Summary.Median([.. runs.Select(r => r.Perf)]);
        var gpus = runs.GroupBy(r => r.Uuid, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                return new GpuRatio(g.Key, first.Node, first.Device, g.Count(),
                    Summary.Median([.. g.Select(r => r.Perf)]) / median,
                    MedianOf(g, r => r.SmClockMHz), MedianOf(g, r => r.PowerW), MedianOf(g, r => r.TemperatureC));
            })
            .OrderBy(g => g.Ratio).ThenBy(g => g.Uuid, StringComparer.Ordinal)
            .ToArray();
        return new VariationSummary(app, cluster, gpus, runs.Count);
    }

    private static double? MedianOf(IEnumerable<GpuRun> runs, Func<GpuRun, double?> reading)
    {
        var values = runs.Select(reading).OfType<double>().ToArray();
        return values.Length == 0 ? null : Summary.Median(values);
    }
}
