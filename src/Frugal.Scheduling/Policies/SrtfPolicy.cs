namespace Frugal.Scheduling.Policies;

/// <summary>
/// Shortest remaining time first: FIFO's packing with jobs ordered by remaining steps over
/// their best throughput. Re-run at every re-allocation, so a shorter arrival preempts.
/// </summary>
internal sealed class SrtfPolicy : IAllocationPolicy
{
    public string Name => "srtf";

    public Allocation Allocate(PolicyInput input)
    {
        // OrderBy is stable, so equal remaining times keep arrival order; a job that can run
        // nowhere has an infinite remaining time and sorts last.
        var order = input.Jobs.OrderBy(job =>
        {
            var best = PolicyMath.BestThroughput(job, input);
            return best > 0 ? job.RemainingSteps / best : double.PositiveInfinity;
        });
        return GreedyPacking.Pack(input, order);
    }
}
