using Frugal.Scheduling.Policies;
using static Frugal.Scheduling.Tests.Policies.PolicyTestKit;

namespace Frugal.Scheduling.Tests.Policies;

public class GreedyPolicyTests
{
    [Fact]
    public void FifoGivesWholeGangsInArrivalOrderUntilGpusRunOut()
    {
        var input = V100(2, 10, V100Job(1, 100, arrival: 0), V100Job(2, 10, arrival: 1), V100Job(3, 1, arrival: 2));
        AssertAllocation(input, new FifoPolicy().Allocate(input), (1, "v100", 1), (2, "v100", 1));
    }

    [Fact]
    public void FifoStopsAtTheFirstJobThatFitsNowhere()
    {
        // 4 GPUs: the 2-GPU job runs; the 4-GPU job does not fit in the 2 left, and the 1-GPU
        // job behind it may not jump the queue (the reference's strict FIFO).
        var input = V100(4, 0, V100Job(1, 100, scaleFactor: 2), V100Job(2, 100, scaleFactor: 4), V100Job(3, 100));
        AssertAllocation(input, new FifoPolicy().Allocate(input), (1, "v100", 1));
    }

    [Fact]
    public void FifoPassesOverAJobThatCouldNeverFit()
    {
        // An 8-GPU job on a 4-GPU cluster would otherwise block the queue forever.
        var input = V100(4, 0, V100Job(1, 100, scaleFactor: 8), V100Job(2, 100, scaleFactor: 2));
        AssertAllocation(input, new FifoPolicy().Allocate(input), (2, "v100", 1));
    }

    [Fact]
    public void FifoPicksTheFastestFittingTypeAndSkipsJobsThatCannotRunThere()
    {
        // Job 1 takes the V100 (faster); job 2 runs only on V100s, finds only the K80 free and is
        // passed over; job 3 takes the K80.
        var input = Input(0,
            [
                Job(1, 100, Tputs(("k80", 1), ("v100", 3))),
                Job(2, 100, Tputs(("v100", 2))),
                Job(3, 100, Tputs(("k80", 1), ("v100", 2))),
            ],
            ("k80", 1), ("v100", 1));
        AssertAllocation(input, new FifoPolicy().Allocate(input), (1, "v100", 1), (3, "k80", 1));
    }

    [Fact]
    public void SrtfRunsTheShortestRemainingTimesFirstWithTiesByArrival()
    {
        // Remaining times: job 1 100 s, job 2 30 s (fast), job 3 50 s, job 4 50 s (arrived later than 3).
        var input = V100(2, 0,
            V100Job(1, 100, arrival: 0), V100Job(2, 300, throughput: 10, arrival: 1),
            V100Job(3, 50, arrival: 2), V100Job(4, 50, arrival: 3));
        AssertAllocation(input, new SrtfPolicy().Allocate(input), (2, "v100", 1), (3, "v100", 1));
    }

    [Fact]
    public void SrtfUsesTheBestThroughputAcrossWorkerTypes()
    {
        // Job 1: 600 steps at 6/s on a V100 = 100 s; job 2: 150 steps at 1/s = 150 s. One GPU each
        // type: job 1 goes first and takes the V100, job 2 the K80.
        var input = Input(0,
            [Job(1, 150, Tputs(("k80", 1), ("v100", 1))), Job(2, 600, Tputs(("k80", 2), ("v100", 6)))],
            ("k80", 1), ("v100", 1));
        AssertAllocation(input, new SrtfPolicy().Allocate(input), (2, "v100", 1), (1, "k80", 1));
    }
}
