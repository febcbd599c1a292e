using Frugal.Scheduling.GpuPlacement;

namespace Frugal.Scheduling.Tests.GpuPlacement;

/// <summary>The parts of the reference's simulation loop (Blox) other than placement: arrivals, starvation.</summary>
public sealed class ReferenceSimulationTests
{
    private static readonly GpuTable OneGpu = GpuTable.Of([0], new Dictionary<string, double[]> { ["A"] = [1.0] });

    private static PlacementJob Job(int id, double iterations, double submit = 0) =>
        new(id, 1, submit, iterations, "resnet50", "A", 1.0, $"t.csv:{id + 2}");

    [Theory]
    [InlineData("packed-sticky")]
    [InlineData("pm-first")]
    public void A_job_starved_past_the_limit_goes_first(string placement)
    {
        // Job 0 needs five rounds, job 1 one. Without the rule job 1 waits for job 0: JCTs 1800 and 2160 s.
        PlacementJob[] jobs = [Job(0, 5 * 360), Job(1, 360)];
        var plain = PlacementSimulator.Run(jobs, OneGpu,
            new PlacementOptions { Placement = placement, PromoteAfterSeconds = null });
        Assert.Equal([1800.0, 2160], plain.Jobs.Select(j => j.JctSeconds));
        // With a 720 s limit job 1 has starved two rounds by t = 720, takes the GPU (preempting job 0) and finishes
        // at 1080; job 0 needs three more rounds after that.
        var promoted = PlacementSimulator.Run(jobs, OneGpu,
            new PlacementOptions { Placement = placement, PromoteAfterSeconds = 720 });
        Assert.Equal([2160.0, 1080], promoted.Jobs.Select(j => j.JctSeconds));
        // The reference's limit is 1000 hours.
        Assert.Equal(3_600_000, new PlacementOptions().PromoteAfterSeconds);
    }

    [Fact]
    public void A_job_joins_only_after_every_job_listed_before_it()
    {
        // The reference hands jobs out in trace order: job 1 (submitted at 0) waits for job 0 (at 1000), so both
        // join at the round starting 1080 and finish at 1440.
        var run = PlacementSimulator.Run([Job(0, 360, submit: 1000), Job(1, 360)],
            GpuTable.Of([0, 0], new Dictionary<string, double[]> { ["A"] = [1.0, 1.0] }), new PlacementOptions());
        Assert.Equal([440.0, 1440], run.Jobs.Select(j => j.JctSeconds));
    }

    [Fact]
    public void Endless_replay_arrivals_stop_once_the_tracked_jobs_finish()
    {
        var run = PlacementSimulator.Run(SiaArrivals.Replay([Job(0, 360, 10), Job(1, 3 * 360, 20)], 2), OneGpu,
            new PlacementOptions { TrackedJobs = 2 });
        Assert.Equal([0, 1], run.Jobs.Select(j => j.Id));
        // Job 0 runs in the round from 360, job 1 in the three after it.
        Assert.Equal([720.0 - 10, 1800 - 20], run.Jobs.Select(j => j.JctSeconds));
    }
}
