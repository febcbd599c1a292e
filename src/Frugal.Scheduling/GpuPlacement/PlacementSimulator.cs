using Frugal.Core.Errors;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>The settings of a placement simulation; the defaults are the reference's published setting.</summary>
public sealed record PlacementOptions
{
    /// <summary>Round length in seconds (360 in the reference).</summary>
    public double RoundSeconds { get; init; } = 360;

    /// <summary>The scheduler's order: fifo, las or srtf.</summary>
    public string Scheduler { get; init; } = "fifo";

    /// <summary>The placement policy: pal, pm-first, packed-sticky or packed-non-sticky.</summary>
    public string Placement { get; init; } = "pal";

    /// <summary>The cross-node penalty (constant λ = 1.7 as published, or the main branch's tables).</summary>
    public LocalityModel Locality { get; init; } = new ConstantLocality(1.7);

    /// <summary>
    /// Stop once the jobs with ids below this have finished, and report only them (the reference tracks jobs
    /// 0–159 while later ones keep arriving); null: run every job to the end.
    /// </summary>
    public int? TrackedJobs { get; init; }

    /// <summary>
    /// Blox's starvation rule (blox_manager.py, <c>priority_thresh</c>): a job that has waited this long without
    /// running since it last ran (or arrived) moves ahead of every other job for good (its <c>job_priority</c> drops
    /// from 999 to 1, the first key of FIFO, LAS and SRTF). 3,600,000 s (1000 h) in the reference; null: never.
    /// </summary>
    public double? PromoteAfterSeconds { get; init; } = 3_600_000;

    /// <summary>How PAL picks K1 (the reference's quirk by default).</summary>
    public ClusterCountRule ClusterCount { get; init; } = ClusterCountRule.ReferenceFirstK;

    /// <summary>Checks every setting; an error names the setting.</summary>
    public void Validate()
    {
        if (!(RoundSeconds > 0 && RoundSeconds <= 86_400))
            throw new BadInputException($"the round length must be in (0, 86400] seconds, not {RoundSeconds}",
                "round length");
        if (Locality is ConstantLocality { Lambda: var l } && !(l >= 1 && l <= 100))
            throw new BadInputException($"the locality penalty must be in [1, 100], not {l}", "locality penalty");
        if (TrackedJobs is < 1) throw new BadInputException("at least one job must be tracked", "tracked jobs");
        if (PromoteAfterSeconds is { } p && !(p > 0))
            throw new BadInputException($"the starvation limit must be positive, not {p}", "starvation limit");
        JobOrder.Catalog.Get(Scheduler);
        PlacementPolicies.Catalog.Get(Placement);
    }
}

/// <summary>What happened to one job.</summary>
/// <param name="Id">The job.</param>
/// <param name="Model">Its model.</param>
/// <param name="Class">Its class.</param>
/// <param name="Gpus">Its GPU count.</param>
/// <param name="SubmitSeconds">Arrival.</param>
/// <param name="FinishSeconds">The end of the round in which it finished.</param>
public sealed record JobOutcome(int Id, string Model, string Class, int Gpus, double SubmitSeconds,
    double FinishSeconds)
{
    /// <summary>Job completion time: finish − submit.</summary>
    public double JctSeconds => FinishSeconds - SubmitSeconds;
}

/// <summary>The outcome of one placement simulation.</summary>
/// <param name="Jobs">Every job, by id.</param>
/// <param name="Rounds">Rounds simulated (idle stretches skipped).</param>
/// <param name="Preemptions">Times a running job lost or changed its GPUs.</param>
/// <param name="CrossNodeRounds">Job-rounds spent spread over several nodes.</param>
/// <param name="JobRounds">Job-rounds run in all.</param>
public sealed record PlacementRun(IReadOnlyList<JobOutcome> Jobs, int Rounds, int Preemptions, int CrossNodeRounds,
    int JobRounds)
{
    /// <summary>Mean JCT over all jobs (the artifact's metric over jobs 0–159 of a 160-job trace).</summary>
    public double MeanJctSeconds => Jobs.Average(j => j.JctSeconds);

    /// <summary>The last finish.</summary>
    public double MakespanSeconds => Jobs.Max(j => j.FinishSeconds);
}

/// <summary>
/// The round-based simulation of hal-uw/blox-pal's simulator (blox_manager.py, grpc_client_rm.py): at the start of
/// each round the jobs that have arrived join, in arrival order (a job joins once its submit time has come and every
/// job before it has joined, as the reference's <c>GetJobs</c> hands them out), the scheduler orders the active jobs
/// and the placement policy gives each its GPUs; each running job then does round / (base iteration time × max
/// PerfVar of its class over its GPUs × locality penalty when its GPUs span nodes) iterations; one that reaches its
/// count finishes at the round's end. Preemption costs nothing, as in the reference's simulation.
/// </summary>
public static class PlacementSimulator
{
    /// <summary>
    /// Runs <paramref name="arrivals"/> (in arrival order; endless when <see cref="PlacementOptions.TrackedJobs"/>
    /// is set, as <see cref="SiaArrivals.Replay"/> is) on <paramref name="table"/>.
    /// </summary>
    /// <exception cref="BadInputException">A job needs a class the table lacks or more GPUs than it has.</exception>
    public static PlacementRun Run(IEnumerable<PlacementJob> arrivals, GpuTable table, PlacementOptions options,
        CancellationToken cancellation = default)
    {
        options.Validate();
        var cluster = new PlacementCluster(table, options.ClusterCount, options.Locality);
        var policy = PlacementPolicies.Catalog.Get(options.Placement)();
        using var pending = arrivals.GetEnumerator();
        var next = pending.MoveNext() ? pending.Current : null;
        var active = new List<ActiveJob>();
        var outcomes = new List<JobOutcome>();
        var round = options.RoundSeconds;
        double time = 0;
        int rounds = 0, preemptions = 0, crossNode = 0, jobRounds = 0;
        while (next is not null || active.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            if (active.Count == 0) time = Math.Max(time, Math.Ceiling(next!.SubmitSeconds / round) * round);
            while (next is not null && next.SubmitSeconds <= time)
            {
                Check(next, table);
                active.Add(new ActiveJob(next, 0, 0, null));
                next = pending.MoveNext() ? pending.Current : null;
            }
            var placed = policy.Place(JobOrder.Sort(active, options.Scheduler), cluster);
            time += round;
            rounds++;
            var stillActive = new List<ActiveJob>();
            foreach (var job in active)
            {
                var gpus = placed.GetValueOrDefault(job.Job.Id);
                if (job.Gpus is not null && (gpus is null || !gpus.Order().SequenceEqual(job.Gpus.Order())))
                    preemptions++;
                if (gpus is null)
                {
                    stillActive.Add(Waited(job, round, options.PromoteAfterSeconds));
                    continue;
                }
                var spread = gpus.Select(g => table.Gpus[g].Node).Distinct().Count() > 1;
                var perfVar = table.PerfVar(job.Job.Class);
                var iteration = job.Job.IterationSeconds * gpus.Max(g => perfVar[g]) *
                                (spread ? options.Locality.IterationPenalty(job.Job.Model, gpus.Length) : 1.0);
                var done = job.DoneIterations + round / iteration;
                jobRounds++;
                if (spread) crossNode++;
                if (done >= job.Job.Iterations)
                {
                    if (options.TrackedJobs is { } tracked && job.Job.Id >= tracked) continue;
                    outcomes.Add(new JobOutcome(job.Job.Id, job.Job.Model, job.Job.Class, job.Job.Gpus,
                        job.Job.SubmitSeconds, time));
                    if (outcomes.Count == options.TrackedJobs) return Finish();
                }
                else stillActive.Add(job with
                {
                    DoneIterations = done,
                    AttainedSeconds = job.AttainedSeconds + round,
                    Gpus = gpus,
                    WaitedSeconds = 0
                });
            }
            active = stillActive;
        }
        return Finish();

        PlacementRun Finish() => new([.. outcomes.OrderBy(o => o.Id)], rounds, preemptions, crossNode, jobRounds);
    }

    // Blox's exec_jobs: a job that ran last round restarts the count (it was terminated this round); one that waits
    // again adds the round, and past the limit is promoted for good.
    private static ActiveJob Waited(ActiveJob job, double round, double? limit)
    {
        var waited = job.Gpus is null ? job.WaitedSeconds + round : 0;
        return job with { Gpus = null, WaitedSeconds = waited, Promoted = job.Promoted || waited >= limit };
    }

    private static void Check(PlacementJob job, GpuTable table)
    {
        if (!table.Has(job.Class))
            throw new BadInputException($"{job.Where}: class {job.Class} ({job.Model}) has no " +
                                        $"PerfVar_class{job.Class} column in GPU table {table.Source}");
        if (job.Gpus > table.Gpus.Count)
            throw new BadInputException(
                $"{job.Where}: the job needs {job.Gpus} GPUs; the cluster has {table.Gpus.Count}");
    }
}
