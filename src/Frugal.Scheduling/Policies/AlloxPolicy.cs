using Google.OrTools.Graph;

namespace Frugal.Scheduling.Policies;

/// <summary>
/// AlloX as the Gavel/Shockwave baseline codes it. Jobs holding a full allocation (Σ_w X = 1
/// last call) keep it. The others, longest-waiting first, are cut to max(⌊α·m⌋, free GPUs)
/// candidates and matched to (free GPU, slot) pairs by a min-cost assignment, where being
/// k-th from last on a GPU costs k·rem_j/tput_j + wait_j (k·p_j is the job's contribution to
/// the total completion time of that GPU's queue). Each GPU's first job, the one with the
/// largest k, gets X = 1/sf_j on that GPU's type: one GPU's worth of time. Later slots get 0.
/// </summary>
/// <remarks>
/// Interpretations, where the reference (scheduler/policies/allox.py) is loose:
/// <list type="bullet">
/// <item>The reference copies every job's previous allocation into the new one, including
/// non-holders that lost their GPU; that can over-commit GPUs, so only holders carry over.</item>
/// <item>A holder is dropped back to the candidates if its worker type no longer has room or
/// throughput for it (cannot happen with a fixed cluster and oracle).</item>
/// <item>Zero throughput is "no arc" rather than the reference's 1e-10 steps/s, and candidates
/// that cannot run on any free GPU are left out before the cut to ⌊α·m⌋.</item>
/// <item>wait_j is constant per job, so it shifts the total cost but never changes the matching;
/// it is kept to mirror AlloX's cost.</item>
/// </list>
/// </remarks>
internal sealed class AlloxPolicy : IAllocationPolicy
{
    private const double Alpha = 0.2;

    // The largest scaled arc cost when the graph is small enough not to need a coarser one.
    private const double CostResolution = 1e12;

    // Last call's allocation of the jobs that held a full one, by job id.
    private Dictionary<int, Dictionary<string, double>> _holders = [];

    public string Name => "allox";

    public Allocation Allocate(PolicyInput input)
    {
        var allocation = PolicyMath.Zero(input);
        var free = input.WorkerTypes.ToDictionary(w => w, w => input.Cluster[w]);
        var holders = new Dictionary<int, Dictionary<string, double>>();
        var others = new List<JobView>();
        foreach (var job in input.Jobs)
        {
            if (_holders.TryGetValue(job.Id, out var held) && Fits(job, held, free))
            {
                foreach (var (w, x) in held)
                {
                    allocation[job.Id, w] = x;
                    free[w] -= (int)Math.Round(job.ScaleFactor * x);
                }
                holders[job.Id] = held;
            }
            else
            {
                others.Add(job);
            }
        }

        // One entry per free GPU, in ordinal worker-type order.
        var gpus = input.WorkerTypes.SelectMany(w => Enumerable.Repeat(w, Math.Max(free[w], 0))).ToList();
        var cut = Math.Max((int)Math.Floor(Alpha * others.Count), gpus.Count);
        // OrderBy is stable: equal arrival times keep the input order (arrival, then id).
        var candidates = others
            .Where(job => gpus.Any(w => job.ThroughputOn(w) > 0))
            .OrderBy(job => job.ArrivalTime)
            .Take(cut)
            .ToList();

        foreach (var (job, gpu) in Match(input, candidates, gpus))
        {
            var type = gpus[gpu];
            allocation[job.Id, type] = 1.0 / job.ScaleFactor;
            if (job.ScaleFactor == 1) holders[job.Id] = new() { [type] = 1.0 };
        }
        _holders = holders;
        return allocation;
    }

    /// <summary>Whether a held allocation still has throughput and free GPUs behind it.</summary>
    private static bool Fits(JobView job, Dictionary<string, double> held, Dictionary<string, int> free) =>
        held.All(e => job.ThroughputOn(e.Key) > 0 && free.GetValueOrDefault(e.Key) >= job.ScaleFactor * e.Value);

    /// <summary>
    /// Solves the slot assignment and returns each GPU's first job. Slots are (GPU, k) pairs with
    /// k = 1..⌈m/G_w⌉ on a GPU of type w with G_w free GPUs: in an optimal matching the job counts
    /// of same-type GPUs differ by at most one (else moving the busier GPU's first job to the
    /// idler one lowers the cost), so deeper slots, which the reference also offers (k = 1..m),
    /// are never needed. LinearSumAssignment wants a perfect matching on a square graph, so the
    /// S − m surplus slots are taken by zero-cost dummy left nodes; dummy d reaches slots d..d+m
    /// only, which still covers any set of slots the jobs leave (the i-th of them in slot order
    /// lies in [i, i+m]).
    /// </summary>
    private IEnumerable<(JobView Job, int Gpu)> Match(PolicyInput input, List<JobView> candidates, List<string> gpus)
    {
        var m = candidates.Count;
        if (m == 0 || gpus.Count == 0) yield break;

        var depth =
            gpus.Distinct().ToDictionary(w => w, w => (m + gpus.Count(x => x == w) - 1) / gpus.Count(x => x == w));
        var slots = gpus.SelectMany((w, gpu) => Enumerable.Range(1, depth[w]).Select(k => (Gpu: gpu, K: k))).ToList();
        double Cost(int i, (int Gpu, int K) slot) =>
            slot.K * candidates[i].RemainingSteps / candidates[i].ThroughputOn(gpus[slot.Gpu])
                + (input.Now - candidates[i].ArrivalTime);
        bool CanUse(int i, (int Gpu, int K) slot) => candidates[i].ThroughputOn(gpus[slot.Gpu]) > 0;

        // Integer costs: the largest maps to the finest resolution that LinearSumAssignment's
        // cost scaling (costs × (nodes + 1), prices up to about 2·nodes times that) cannot overflow.
        var maxCost =
            Enumerable.Range(0, m).SelectMany(i => slots.Where(slot => CanUse(i, slot)).Select(slot => Cost(i, slot)))
            .Max();
        var resolution = Math.Min(CostResolution, long.MaxValue / (16.0 * (slots.Count + 1) * (slots.Count + 1)));
        var scale = maxCost > 0 ? resolution / maxCost : 0;

        using var assignment = new LinearSumAssignment();
        for (var i = 0; i < m; i++)
            for (var s = 0; s < slots.Count; s++)
                if (CanUse(i, slots[s]))
                    assignment.AddArcWithCost(i, s, (long)Math.Round(Math.Max(Cost(i, slots[s]), 0) * scale));
        for (var d = 0; d < slots.Count - m; d++)
            for (var s = d; s <= d + m; s++)
                assignment.AddArcWithCost(m + d, s, 0);

        var status = assignment.Solve();
        if (status != LinearSumAssignment.Status.OPTIMAL)
            throw new InvalidOperationException($"{Name}: the assignment solver failed with status {status}.");

        // The first job on a GPU is the one with the largest k (the most jobs behind it).
        var first = new (int Job, int K)?[gpus.Count];
        for (var i = 0; i < m; i++)
        {
            var (gpu, k) = slots[assignment.RightMate(i)];
            if (first[gpu] is not { } current || k > current.K) first[gpu] = (i, k);
        }
        for (var gpu = 0; gpu < gpus.Count; gpu++)
            if (first[gpu] is { } f) yield return (candidates[f.Job], gpu);
    }
}
