using Frugal.Core.Errors;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// How the reference's Sia simulation replays a trace (hal-uw/blox-pal@artifact simulator_sia.py with
/// <c>--jobs-per-hour 2</c> and <c>--trace</c>; workload/workload.py, <c>generate_next_job</c> for the "replay"
/// workload): job i &lt; n is trace row i at the row's own submit time; after the trace, the rows repeat (job i is
/// row i mod n) and each arrives a Poisson gap after the job before it, gap = ⌈−ln(1 − u) / rate · 3600⌉ seconds
/// with u from CPython's <c>random.random()</c>, which the reference seeds with 1
/// (<c>random.seed(self.random_seed)</c> before every run). The first n jobs are the ones measured; the repeats keep
/// the cluster loaded until they finish.
/// </summary>
public static class SiaArrivals
{
    /// <summary>The reference's arrival rate after the trace (<c>--jobs-per-hour 2</c>).</summary>
    public const double ReferenceJobsPerHour = 2;

    /// <summary>The reference's seed for the arrivals after the trace (<c>SimulatorRunner.random_seed</c>).</summary>
    public const ulong ReferenceSeed = 1;

    /// <summary>
    /// The endless arrival sequence: <paramref name="trace"/>'s rows (by id) at their submit times, renumbered
    /// 0..n−1, then the rows again and again at <paramref name="jobsPerHour"/>, ids n, n+1, ....
    /// </summary>
    /// <exception cref="BadInputException">An empty trace or a rate outside (0, 1e6].</exception>
    public static IEnumerable<PlacementJob> Replay(IReadOnlyList<PlacementJob> trace, double jobsPerHour,
        ulong seed = ReferenceSeed)
    {
        if (!(jobsPerHour > 0 && jobsPerHour <= 1e6))
            throw new BadInputException($"the arrival rate must be in (0, 1e6] jobs per hour, not {jobsPerHour}",
                "arrival rate");
        if (trace.Count == 0) throw new BadInputException("the trace has no job", "trace");
        return Endless([.. trace.OrderBy(j => j.Id)], jobsPerHour, seed);
    }

    private static IEnumerable<PlacementJob> Endless(PlacementJob[] rows, double jobsPerHour, ulong seed)
    {
        var random = new PythonRandom(seed);
        double time = 0;
        for (var i = 0; ; i++)
        {
            var row = rows[i % rows.Length];
            // The reference's poisson_next_arrival_time, operation for operation (hours, then · 60 · 60, ceiling).
            time = i < rows.Length ? row.SubmitSeconds
                : time + Math.Ceiling(-Math.Log(1.0 - random.NextDouble()) / jobsPerHour * 60 * 60);
            yield return row with { Id = i, SubmitSeconds = time };
        }
    }
}
