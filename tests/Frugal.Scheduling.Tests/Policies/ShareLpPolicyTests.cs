using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

/// <summary>Gandiva-Fair, Gavel's max-min fairness and MST on instances solved by hand.</summary>
public class ShareLpPolicyTests
{
    [Fact]
    public void GandivaFairSplitsEquallyAndCapsEachRowAtOne()
    {
        // n_w/m = 2/2 per job.
        var input = V100(2, 0, V100Job(1, 100), V100Job(2, 100));
        AssertAllocation(input, new GandivaFairPolicy().Allocate(input), (1, "v100", 1), (2, "v100", 1));
    }

    [Fact]
    public void GandivaFairDoesNotDivideBySfButScalesOverCommittedTypesDown()
    {
        // Both rows get 1 (no division by sf); 1·1 + 2·1 = 3 GPUs > 2, so the column is scaled by 2/3.
        var input = V100(2, 0, V100Job(1, 100), V100Job(2, 100, scaleFactor: 2));
        AssertAllocation(input, new GandivaFairPolicy().Allocate(input), (1, "v100", 2.0 / 3), (2, "v100", 2.0 / 3));
    }

    [Fact]
    public void GandivaFairGivesNoTimeWhereAJobCannotRun()
    {
        // Shares (1/3, 2/3) of (k80: 1, v100: 2); job 3 cannot use V100s and keeps only its K80 share.
        var input = Input(0,
            [Job(1, 100, Tputs(("k80", 1), ("v100", 2))), Job(2, 100, Tputs(("k80", 1), ("v100", 2))),
                Job(3, 100, Tputs(("k80", 1)))],
            ("k80", 1), ("v100", 2));
        AssertAllocation(input, new GandivaFairPolicy().Allocate(input),
            (1, "k80", 1.0 / 3), (1, "v100", 2.0 / 3), (2, "k80", 1.0 / 3), (2, "v100", 2.0 / 3), (3, "k80", 1.0 / 3));
    }

    [Fact]
    public void MaxMinFairnessGivesEqualGpuTimeAcrossScaleFactors()
    {
        // max t: t ≤ 1·X1, t ≤ 2·X2, X1 + 2·X2 ≤ 2 → X1 = 1, X2 = 1/2 (one GPU's worth each).
        var input = V100(2, 0, V100Job(1, 100), V100Job(2, 100, scaleFactor: 2));
        AssertAllocation(input, new MaxMinFairnessPolicy().Allocate(input), (1, "v100", 1), (2, "v100", 0.5));
    }

    [Fact]
    public void MaxMinFairnessSplitsByPriorityWeight()
    {
        // t ≤ X1/1, t ≤ X2/2, X1 + X2 ≤ 1 → X1 = 1/3, X2 = 2/3.
        var input = V100(1, 0, V100Job(1, 100), V100Job(2, 100, weight: 2));
        AssertAllocation(input, new MaxMinFairnessPolicy().Allocate(input), (1, "v100", 1.0 / 3), (2, "v100", 2.0 / 3));
    }

    [Fact]
    public void MaxMinFairnessIgnoresThroughputMagnitudes()
    {
        // Same instance as the weight test without weights: a 10× faster job still gets half.
        var input = V100(1, 0, V100Job(1, 100, throughput: 10), V100Job(2, 100, throughput: 1));
        AssertAllocation(input, new MaxMinFairnessPolicy().Allocate(input), (1, "v100", 0.5), (2, "v100", 0.5));
    }

    [Fact]
    public void MaxMinFairnessNormalisesByTheShareOfGpusAJobCanUse()
    {
        // Job 1 runs only on the K80 (prop = 1/2, coefficient 2); job 2 anywhere (prop = 1).
        // The optimum t = 1 needs X2 = 1 and X1 ≥ 1/2; the GPU-time tie-break then puts job 2 on
        // the V100 and gives job 1 the whole K80.
        var input =
            Input(0, [Job(1, 100, Tputs(("k80", 1))), Job(2, 100, Tputs(("k80", 5), ("v100", 1)))], ("k80", 1),
            ("v100", 1));
        AssertAllocation(input, new MaxMinFairnessPolicy().Allocate(input), (1, "k80", 1), (2, "v100", 1));
    }

    [Fact]
    public void MaxMinFairnessHandsOutGpusBeyondTheFairLevel()
    {
        // 10 GPUs: job 1 (sf 1) is capped at X = 1, so t = 1 and job 2 (sf 8) needs only X ≥ 1/8;
        // the second stage still gives it all 8 GPUs rather than leaving 7 idle.
        var input = V100(10, 0, V100Job(1, 100), V100Job(2, 100, scaleFactor: 8));
        AssertAllocation(input, new MaxMinFairnessPolicy().Allocate(input), (1, "v100", 1), (2, "v100", 1));
    }

    [Fact]
    public void MaxSumThroughputPutsEachJobWhereItIsRelativelyFastest()
    {
        // Job 1 on a (4) and job 2 on b (1.5) gives 5.5; the reverse gives 3.
        var input =
            Input(0, [Job(1, 100, Tputs(("a", 4), ("b", 1))), Job(2, 100, Tputs(("a", 2), ("b", 1.5)))], ("a", 1),
            ("b", 1));
        AssertAllocation(input, new MaxSumThroughputPolicy().Allocate(input), (1, "a", 1), (2, "b", 1));
    }

    [Fact]
    public void MaxSumThroughputCountsGpusPerScaleFactor()
    {
        // Per GPU: job 1 gives 10/2 = 5, job 2 4, job 3 3; the 2-GPU job fills the cluster.
        var input =
            V100(2, 0, V100Job(1, 100, throughput: 10, scaleFactor: 2), V100Job(2, 100, throughput: 4),
            V100Job(3, 100, throughput: 3));
        AssertAllocation(input, new MaxSumThroughputPolicy().Allocate(input), (1, "v100", 1));
    }
}
