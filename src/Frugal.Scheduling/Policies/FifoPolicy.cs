namespace Frugal.Scheduling.Policies;

/// <summary>First in, first out: jobs in arrival order take whole gangs on their fastest free worker type.</summary>
internal sealed class FifoPolicy : IAllocationPolicy
{
    public string Name => "fifo";

    // PolicyInput.Jobs is already in arrival order (then id).
    public Allocation Allocate(PolicyInput input) => GreedyPacking.Pack(input, input.Jobs);
}
