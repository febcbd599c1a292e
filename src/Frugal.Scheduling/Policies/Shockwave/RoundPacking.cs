namespace Frugal.Scheduling.Policies.Shockwave;

/// <summary>
/// Turns rounds-per-job (n_j) into which rounds each job runs in, under the per-round gang constraint.
/// </summary>
internal static class RoundPacking
{
    /// <summary>
    /// Round by round, the jobs with the most planned rounds still to place go first (then the
    /// wider, then the higher <paramref name="priority"/>), each only while its gang fits. This
    /// is the largest-remaining-demand rule, which never strands a job for unit gangs; for wider
    /// gangs it can fail, and then returns null.
    /// </summary>
    public static int[][]? TryPack(IReadOnlyList<int> roundsPerJob, IReadOnlyList<int> gpus, int capacity, int rounds,
        IReadOnlyList<double> priority)
    {
        var n = roundsPerJob.Count;
        var left = roundsPerJob.ToArray();
        var placed = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            var free = capacity;
            var order = Enumerable.Range(0, n).Where(j => left[j] > 0)
                .OrderByDescending(j => left[j]).ThenByDescending(j => gpus[j]).ThenByDescending(j => priority[j])
                    .ThenBy(j => j);
            foreach (var j in order)
            {
                if (gpus[j] > free) continue;
                free -= gpus[j];
                left[j]--;
                placed[j].Add(r);
            }
            if (Enumerable.Range(0, n).Any(j => left[j] > rounds - r - 1)) return null;
        }
        return placed.Select(p => p.ToArray()).ToArray();
    }
}
