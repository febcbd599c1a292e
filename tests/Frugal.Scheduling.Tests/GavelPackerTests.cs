using Frugal.Scheduling.Policies;
using Frugal.Scheduling.Simulation;

namespace Frugal.Scheduling.Tests;

public class GavelPackerTests
{
    private sealed class EqualShares : IAllocationPolicy
    {
        public string Name => "equal";

        public Allocation Allocate(PolicyInput input)
        {
            var allocation = new Allocation();
            foreach (var job in input.Jobs) allocation[job.Id, "v100"] = 1.0 / input.Jobs.Count;
            return allocation;
        }
    }

    private static RoundState Round(int round, double now, bool batchSizeChanged)
    {
        var spec = Fixtures.Job(0, "ResNet-18 (batch size 32)", 1e6, 0);
        var view = new JobView(0, "ResNet-18 (batch size 32)", 1, 1, new Dictionary<string, double> { ["v100"] = 10 },
            1e6, 0);
        var job = new ActiveJob(view, spec, 0, [32], batchSizeChanged, null);
        return new RoundState(round, now, 120, [job], ClusterSpec.Parse("v100=1"), JobSetChanged: round == 0);
    }

    [Theory]
    [InlineData(false, 1)] // the artifact: only job-set changes recompute the allocation
    [InlineData(true, 2)]
    public void ABatchSizeChangeRecomputesTheAllocationOnlyWhenAsked(bool onBatchSizeChange, int reallocations)
    {
        var packer = new GavelPacker(new EqualShares(), minimumReallocationSeconds: 0, onBatchSizeChange);
        packer.Plan(Round(0, 0, batchSizeChanged: false));
        packer.Plan(Round(1, 120, batchSizeChanged: true));
        Assert.Equal(reallocations, packer.Reallocations);
    }
}
