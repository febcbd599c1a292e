using Frugal.Core.Errors;
using Frugal.Scheduling.GpuPlacement;

namespace Frugal.Scheduling.Tests.GpuPlacement;

public class PalTests
{
    private const double Low = 1.0 / 1.15, High = 1.3 / 1.15;

    // Two nodes of four GPUs; class A PerfVar node 0: 1.0 1.0 1.3 1.3, node 1: 1.0 1.0 1.0 1.3. No outlier, so
    // K = 2, centroids 1.0 and 1.3, median centroid 1.15.
    private static PlacementCluster TwoNodes(double lambda = 1.7)
    {
        double[] a = [1.0, 1.0, 1.3, 1.3, 1.0, 1.0, 1.0, 1.3];
        var table = GpuTable.Of([0, 0, 0, 0, 1, 1, 1, 1], new Dictionary<string, double[]> { ["A"] = a, ["B"] = a });
        return new PlacementCluster(table, ClusterCountRule.ReferenceFirstK, new ConstantLocality(lambda));
    }

    private static PlacementJob Job(int id, int gpus, string cls = "A", double iterations = 720, double submit = 0) =>
        new(id, gpus, submit, iterations, "resnet50", cls, 1.0, $"t.csv:{id + 2}");

    private static ActiveJob Active(PlacementJob job, int[]? gpus = null) => new(job, 0, 0, gpus);

    [Fact]
    public void Slowdown_factors_are_centroids_over_the_median_centroid()
    {
        var sf = TwoNodes().Slowdowns("A");
        Assert.Equal([Low, Low, High, High, Low, Low, Low, High], sf.Select(v => Math.Round(v, 12)),
            new RoundedComparer());
    }

    [Fact]
    public void An_outlier_gets_a_cluster_of_its_own()
    {
        // Nine 1.0, nine 1.1 and one 3.0: mean 1.1526, std 0.4502, fence 2.503 → 3.0 is an outlier; K = 2 + 1.
        double[] values = [.. Enumerable.Repeat(1.0, 9), .. Enumerable.Repeat(1.1, 9), 3.0];
        Assert.Equal(1, SlowdownFactors.Outliers(values).Count(o => o));
        var sf = SlowdownFactors.Compute(values, ClusterCountRule.ReferenceFirstK);
        Assert.Equal(1 / 1.1, sf[0], 12);
        Assert.Equal(1.0, sf[9], 12);
        Assert.Equal(3.0 / 1.1, sf[18], 12);
    }

    [Fact]
    public void The_reference_rule_always_takes_two_clusters_and_silhouette_finds_three()
    {
        double[] three = [1, 1, 1, 2, 2, 2, 3, 3, 3];
        Assert.Equal(2, SlowdownFactors.ClusterCount(three, ClusterCountRule.ReferenceFirstK));
        Assert.Equal(3, SlowdownFactors.ClusterCount(three, ClusterCountRule.Silhouette));
        Assert.Equal([1.0, 2.5], SlowdownFactors.KMeans1D([1, 1, 1, 2, 2, 2, 3, 3, 3], 2).Take(1).Append(
            SlowdownFactors.KMeans1D([1, 1, 1, 2, 2, 2, 3, 3, 3], 2)[1]));
    }

    [Fact]
    public void The_lv_order_sorts_by_slowdown_times_locality_with_within_first_on_ties()
    {
        var order = LocalityVariabilityOrder.Build([1.0, 1.1, 1.0], 1.2);
        Assert.Equal([(1.0, true), (1.1, true), (1.0, false), (1.1, false)],
            order.Select(c => (c.Slowdown, c.WithinNode)));
        var ties = LocalityVariabilityOrder.Build([1.0, 1.1], 1.0);
        Assert.Equal([(1.0, true), (1.0, false), (1.1, true), (1.1, false)],
            ties.Select(c => (c.Slowdown, c.WithinNode)));
    }

    [Fact]
    public void Pal_within_node_takes_the_node_with_enough_fast_gpus()
    {
        var pal = new VariabilityAwarePlacement(localityAware: true);
        Assert.Equal([4, 5, 6], pal.Pick(Job(0, 3), [0, 1, 2, 3, 4, 5, 6, 7], TwoNodes())!);
    }

    [Fact]
    public void Pal_across_nodes_is_taken_when_the_penalty_is_below_the_next_slowdown()
    {
        // GPU 4 is busy: no node has three fast GPUs. With λ = 1 the across cell of the fast class comes before the
        // within cell of the slow class: PM-First among the fast GPUs 0, 1, 5, 6.
        var pal = new VariabilityAwarePlacement(localityAware: true);
        Assert.Equal([0, 1, 5], pal.Pick(Job(0, 3), [0, 1, 2, 3, 5, 6, 7], TwoNodes(lambda: 1.0))!);
        // With λ = 1.7 the slow within-node cell wins: node 0 has four candidates, node 1 three.
        Assert.Equal([0, 1, 2], pal.Pick(Job(0, 3), [0, 1, 2, 3, 5, 6, 7], TwoNodes(lambda: 1.7))!);
    }

    [Fact]
    public void Pal_uses_pm_first_for_one_gpu_and_for_more_than_a_node()
    {
        var pal = new VariabilityAwarePlacement(localityAware: true);
        var all = Enumerable.Range(0, 8).ToArray();
        // One GPU: fast GPUs; node 0's pair scores |2 − 1| = 1, node 1's three |3 − 1| = 2 → GPU 0.
        Assert.Equal([0], pal.Pick(Job(0, 1), all, TwoNodes())!);
        // Five GPUs: node 1's fast three score |3 − 5| = 2, node 0's fast pair |2 − 5| = 3.
        Assert.Equal([4, 5, 6, 0, 1], pal.Pick(Job(0, 5), all, TwoNodes())!);
        Assert.Null(pal.Pick(Job(0, 5), [0, 1, 2, 3], TwoNodes()));
    }

    [Fact]
    public void Pm_first_ignores_locality_for_a_job_that_fits_on_a_node()
    {
        var pm = new VariabilityAwarePlacement(localityAware: false);
        // Three fast GPUs by (sf, score): node 0's pair scores 1, node 1's three score 0 → 4, 5, 6.
        Assert.Equal([4, 5, 6], pm.Pick(Job(0, 3), Enumerable.Range(0, 8).ToArray(), TwoNodes())!);
        Assert.Equal([0, 1, 5], pm.Pick(Job(0, 3), [0, 1, 2, 3, 5, 6, 7], TwoNodes())!);
    }

    [Fact]
    public void A_job_that_does_not_fit_blocks_the_jobs_behind_it()
    {
        var placed = new VariabilityAwarePlacement(localityAware: true).Place(
            [Active(Job(0, 6)), Active(Job(1, 4)), Active(Job(2, 1))], TwoNodes());
        Assert.Equal([0], placed.Keys);
    }

    [Fact]
    public void The_prefix_that_fits_is_sorted_by_class_and_the_rest_keeps_its_order()
    {
        var order = VariabilityAwarePlacement.ClassSorted(
            [Active(Job(0, 2, "B")), Active(Job(1, 2, "A")), Active(Job(2, 4, "B")), Active(Job(3, 1, "A"))], 8);
        Assert.Equal([1, 0, 2, 3], order.Select(j => j.Id));
    }

    [Fact]
    public void Packed_placement_prefers_an_exact_node_then_the_tightest_then_the_fullest()
    {
        var free = new FreeGpus(TwoNodes().Table);
        free.Take([0, 1]);
        Assert.Equal([2, 3], PackedPlacement.Consolidated(2, free)!);
        Assert.Equal([4, 5, 6], PackedPlacement.Consolidated(3, free)!);
        Assert.Equal([4, 5, 6, 7, 2], PackedPlacement.Consolidated(5, free)!);
        Assert.Null(PackedPlacement.Consolidated(7, free));
    }

    [Fact]
    public void Sticky_packing_keeps_running_jobs_and_non_sticky_packs_anew()
    {
        var order = new[] { Active(Job(0, 2)), Active(Job(1, 2), [2, 7]) };
        var sticky = new PackedPlacement(sticky: true).Place(order, TwoNodes());
        Assert.Equal([2, 7], sticky[1]);
        // Both nodes have three free GPUs: the first of the tightest nodes.
        Assert.Equal([0, 1], sticky[0]);
        var fresh = new PackedPlacement(sticky: false).Place(order, TwoNodes());
        Assert.Equal([0, 1], fresh[0]);
        // Node 0 now has exactly two free GPUs.
        Assert.Equal([2, 3], fresh[1]);
    }

    [Fact]
    public void The_simulator_slows_a_job_by_its_slowest_gpu_and_by_the_locality_penalty()
    {
        var table = GpuTable.Of([0, 0], new Dictionary<string, double[]> { ["A"] = [1.0, 2.0] });
        // Job 0 on GPU 0: 360 iterations a round → done after 2 rounds. Job 1 on GPU 1 (PerfVar 2) does 180 a round,
        // then, re-placed on the freed GPU 0, its last 360 in round 3.
        var run = PlacementSimulator.Run(
            [Job(0, 1), Job(1, 1)], table, new PlacementOptions { Placement = "pm-first" });
        Assert.Equal([720.0, 1080.0], run.Jobs.Select(j => j.JctSeconds));
        Assert.Equal(1, run.Preemptions);
        // Two one-GPU nodes, λ = 1.5: a 2-GPU job does 240 iterations a round → 3 rounds; it arrives at 100, so it
        // starts at 360.
        var spread = GpuTable.Of([0, 1], new Dictionary<string, double[]> { ["A"] = [1.0, 1.0] });
        var one = PlacementSimulator.Run([Job(0, 2, submit: 100)], spread,
            new PlacementOptions { Locality = new ConstantLocality(1.5) });
        Assert.Equal(1440 - 100, one.Jobs[0].JctSeconds);
        Assert.Equal(3, one.CrossNodeRounds);
    }

    [Fact]
    public void A_job_whose_class_the_table_lacks_is_named_by_its_line()
    {
        var table = GpuTable.Of([0, 0], new Dictionary<string, double[]> { ["A"] = [1.0, 1.0] });
        var error = Assert.Throws<BadInputException>(() =>
            PlacementSimulator.Run([Job(0, 1, "D")], table, new PlacementOptions()));
        Assert.Equal("t.csv:2: class D (resnet50) has no PerfVar_classD column in GPU table given", error.Message);
    }

    [Fact]
    public void Tracked_jobs_stop_the_run_and_are_the_only_ones_reported()
    {
        var table = GpuTable.Of([0], new Dictionary<string, double[]> { ["A"] = [1.0] });
        var run = PlacementSimulator.Run([Job(0, 1), Job(1, 1, iterations: 1e9)], table,
            new PlacementOptions { TrackedJobs = 1 });
        Assert.Equal([0], run.Jobs.Select(j => j.Id));
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;
        public int GetHashCode(double obj) => 0;
    }
}
