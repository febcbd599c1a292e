using Frugal.Gpu.Analysis;
using Frugal.Gpu.Measurements;

namespace Frugal.Gpu.Tests;

public class StatisticsTests
{
    private static GpuRun Run(string uuid, double perf, double? clock = null) =>
        new("sgemm", "test", uuid, "n0", 0, perf, clock);

    // Five GPUs, one run each: perf 10, 10, 11, 12, 20; the median run is 11.
    private static VariationSummary Five() => VariationStatistics.Compute("sgemm", "test",
        [Run("a", 10, 1500), Run("b", 10, 1500), Run("c", 11, 1450), Run("d", 12, 1400), Run("e", 20, 1300)]);

    [Fact]
    public void Ratios_quartiles_and_outliers_match_the_hand_computation()
    {
        var s = Five();
        // r = 10/11, 10/11, 1, 12/11, 20/11; type-7 quartiles of five sorted values are the 2nd and 4th.
        Assert.Equal(1.0, s.Median, 12);
        Assert.Equal(10.0 / 11, s.Q1, 12);
        Assert.Equal(12.0 / 11, s.Q3, 12);
        Assert.Equal(2.0 / 11, s.Iqr, 12);
        Assert.Equal(20.0 / 11, s.Max, 12);
        Assert.Equal(10.0 / 11, s.Range, 12);
        // Fence = 12/11 + 1.5·2/11 = 15/11: only e (20/11) lies above it.
        Assert.Equal(0.2, s.OutlierShare, 12);
    }

    [Fact]
    public void A_gpu_with_several_runs_takes_the_median_of_its_runs()
    {
        // All runs: 8, 10, 12, 30 → median 11; GPU a: median(8, 12, 30) = 12 → r = 12/11.
        var s = VariationStatistics.Compute("x", "y", [Run("a", 8), Run("a", 12), Run("a", 30), Run("b", 10)]);
        Assert.Equal(12.0 / 11, s.Gpus.Single(g => g.Uuid == "a").Ratio, 12);
        Assert.Equal(3, s.Gpus.Single(g => g.Uuid == "a").Runs);
        Assert.Equal(4, s.RunCount);
    }

    [Fact]
    public void Spearman_with_ties_matches_the_hand_computation()
    {
        // y ranks 1, 2, 3.5, 5, 3.5: covariance of ranks 8, variances 10 and 9.5 → ρ = 8 / √95.
        Assert.Equal(8 / Math.Sqrt(95), Spearman.Correlation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])!.Value, 12);
        Assert.Equal([1.5, 1.5, 3], Spearman.Ranks([4, 4, 9]));
    }

    [Fact]
    public void Spearman_is_undefined_for_constant_or_tiny_samples()
    {
        Assert.Null(Spearman.Correlation([1, 2, 3], [7, 7, 7]));
        Assert.Null(Spearman.Correlation([1, 2], [3, 4]));
    }

    [Fact]
    public void Slower_gpus_with_lower_clocks_correlate_negatively()
    {
        // Clock falls strictly as r rises (ties in r at a and b share a clock) → ρ = −1.
        Assert.Equal(-1.0, Five().SpearmanClock!.Value, 12);
        Assert.Null(Five().SpearmanPower);
    }

    [Fact]
    public void The_pal_table_has_the_reference_layout_and_only_fully_measured_gpus()
    {
        var a = VariationStatistics.Compute("resnet", "c", [
            new GpuRun("resnet", "c", "u1", "nodeB", 1, 2), new GpuRun("resnet", "c", "u0", "nodeB", 0, 4),
            new GpuRun("resnet", "c", "u2", "nodeA", 0, 3), new GpuRun("resnet", "c", "u3", "nodeA", 1, 3)]);
        var b = VariationStatistics.Compute("bert", "c", [
            new GpuRun("bert", "c", "u0", "nodeB", 0, 1), new GpuRun("bert", "c", "u1", "nodeB", 1, 1),
            new GpuRun("bert", "c", "u2", "nodeA", 0, 1)]);
        var (csv, leftOut) = PalTableExport.Format([("A", a), ("B", b)]);
        Assert.Equal(1, leftOut);
        Assert.Equal(
            ",GPU_ID,GPU_UUID,Local_GPU_ID,Node_ID,IP_addr,IN_USE,JOB_IDS,PerfVar_classA,PerfVar_classB\n" +
            "0,0,u2,0,0,,False,,1,1\n" +
            "1,1,u0,0,1,,False,,1.3333333333333333,1\n" +
            "2,2,u1,1,1,,False,,0.6666666666666666,1\n", csv);
    }
}
