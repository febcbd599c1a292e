using Frugal.Core.Results;

namespace Frugal.Gpu.Analysis;

/// <summary>The analysis plots as data: the per-GPU distribution of r and r against the SM clock.</summary>
public static class VariationCharts
{
    /// <summary>Empirical CDF of r, one series per app and cluster.</summary>
    public static Chart Distribution(IReadOnlyList<VariationSummary> summaries) =>
        new("gpu-ratio-cdf", ChartKind.Cdf, "Per-GPU performance relative to the median run", "r = perf / median",
            "share of GPUs", [.. summaries.Select(s => Series.Of(Label(s), [.. s.Gpus.Select(g => g.Ratio)]))]);

    /// <summary>r against the median SM clock, for the apps and clusters that recorded clocks.</summary>
    public static Chart RatioVersusClock(IReadOnlyList<VariationSummary> summaries) =>
        new("gpu-ratio-vs-clock", ChartKind.Scatter, "Per-GPU performance against SM clock", "median SM clock (MHz)",
            "r = perf / median", [.. summaries
                .Select(s => (s, gpus: s.Gpus.Where(g => g.SmClockMHz.HasValue).ToArray()))
                .Where(p => p.gpus.Length > 0)
                .Select(p => new Series(Label(p.s), [.. p.gpus.Select(g => g.SmClockMHz!.Value)],
                    [.. p.gpus.Select(g => g.Ratio)]))]);

    private static string Label(VariationSummary s) => $"{s.App} / {s.Cluster}";
}
