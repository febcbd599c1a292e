namespace Frugal.Scheduling.Policies;

/// <summary>
/// Maximum total throughput (reference: <c>max_sum_throughput_perf</c>; legend "MST"):
/// maximise Σ_j Σ_w tput_jw·X[j,w] under the shared constraints.
/// </summary>
internal sealed class MaxSumThroughputPolicy : IAllocationPolicy
{
    public string Name => "max_sum_throughput";

    public Allocation Allocate(PolicyInput input)
    {
        using var lp = new AllocationLp(Name, input);
        lp.MaximiseThroughput();
        lp.SolveOptimal();
        return lp.ToAllocation();
    }
}
