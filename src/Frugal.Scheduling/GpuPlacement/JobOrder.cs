using Frugal.Core.Catalogs;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>A job as the scheduler sees it each round.</summary>
/// <param name="Job">The job.</param>
/// <param name="DoneIterations">Iterations done so far.</param>
/// <param name="AttainedSeconds">Seconds it has run (rounds it held GPUs × round length).</param>
/// <param name="Gpus">The GPUs it runs on now, or null when it waits.</param>
public sealed record ActiveJob(PlacementJob Job, double DoneIterations, double AttainedSeconds, int[]? Gpus)
{
    /// <summary>Seconds it has waited since it last ran or arrived (Blox's <c>time_since_scheduled</c>).</summary>
    public double WaitedSeconds { get; init; }

    /// <summary>Whether it has starved long enough to go ahead of every other job (Blox's job_priority 1).</summary>
    public bool Promoted { get; init; }

    /// <summary>Seconds left on median GPUs on one node.</summary>
    public double RemainingSeconds => Math.Max(0, Job.Iterations - DoneIterations) * Job.IterationSeconds;
}

/// <summary>
/// The scheduler's order, which a placement policy walks: promoted (starved) jobs first, as Blox's first sort key
/// job_priority puts them, then FIFO (submit time), LAS (least attained service) or SRTF (shortest remaining time);
/// ties by submit time, then job id.
/// </summary>
public static class JobOrder
{
    /// <summary>Every order by name.</summary>
    public static Catalog<Func<ActiveJob, double>> Catalog { get; } = new Catalog<Func<ActiveJob, double>>("scheduler")
        .Add("fifo", j => j.Job.SubmitSeconds, "first in, first out")
        .Add("las", j => j.AttainedSeconds, "least attained service first")
        .Add("srtf", j => j.RemainingSeconds, "shortest remaining time first");

    /// <summary>The jobs in the order named <paramref name="name"/>.</summary>
    public static IReadOnlyList<ActiveJob> Sort(IEnumerable<ActiveJob> jobs, string name)
    {
        var key = Catalog.Get(name);
        return [.. jobs.OrderBy(j => !j.Promoted).ThenBy(key).ThenBy(j => j.Job.SubmitSeconds)
            .ThenBy(j => j.Job.Id)];
    }
}
