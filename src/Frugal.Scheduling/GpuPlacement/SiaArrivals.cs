using Frugal.Core.Errors;
using Frugal.Core.Randomness;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>
/// How the reference's Sia simulation replays a trace (hal-uw/blox-pal@artifact simulator_sia.py with
/// <c>--sim-type trace-synthetic --jobs-per-hour 2</c>, workload/workload.py generate_next_job): the trace's submit
/// times are ignored; job i is trace row i mod n, arriving a Poisson gap after job i − 1 (gap = ⌈−ln(1 − u) / rate⌉
/// seconds, the first after time 0). Jobs keep arriving past the trace, so the tracked first n jobs share the cluster
/// with later ones until they finish.
/// </summary>
public static class SiaArrivals
{
    /// <summary><paramref name="count"/> jobs cycling through <paramref name="trace"/> at
    /// <paramref name="jobsPerHour"/>.</summary>
    public static IReadOnlyList<PlacementJob> Poisson(IReadOnlyList<PlacementJob> trace, double jobsPerHour, int count,
        RandomStream random)
    {
        if (!(jobsPerHour > 0 && jobsPerHour <= 1e6))
            throw new BadInputException($"the arrival rate must be in (0, 1e6] jobs per hour, not {jobsPerHour}",
                "arrival rate");
        var rows = trace.OrderBy(j => j.Id).ToArray();
        var jobs = new PlacementJob[count];
        double time = 0;
        for (var i = 0; i < count; i++)
        {
            time += Math.Ceiling(-Math.Log(1.0 - random.NextDouble()) / jobsPerHour * 3600);
            jobs[i] = rows[i % rows.Length] with { Id = i, SubmitSeconds = time };
        }
        return jobs;
    }
}
