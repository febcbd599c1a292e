namespace Frugal.Scheduling.Simulation;

/// <summary>Settings of one simulation; the defaults are those of the Shockwave experiments.</summary>
public sealed record SimulationOptions
{
    /// <summary>Length of a scheduling round (Gavel: 360 s; Shockwave: 120 s).</summary>
    public double RoundSeconds { get; init; } = 120;

    /// <summary>
    /// Time a job loses when it starts or resumes after not running in the previous round
    /// (checkpoint restore, warm-up); 0 turns it off. The reference charges 20 s to jobs that run
    /// nearly the whole round.
    /// </summary>
    public double RestartOverheadSeconds { get; init; } = 20;

    /// <summary>An allocation policy's answer is recomputed at most this often (Gavel's minimum time between allocation resets).</summary>
    public double MinimumReallocationSeconds { get; init; } = 1000;

    /// <summary>The GPU type isolated (reference) job times are profiled on; default: v100 if the cluster has it, else its first type.</summary>
    public string? ReferenceWorkerType { get; init; }

    /// <summary>Rounds in a row with active jobs but nothing scheduled before the run is declared stuck.</summary>
    public int MaxIdleRounds { get; init; } = 10_000;

    public void Validate()
    {
        if (!(RoundSeconds > 0) || double.IsInfinity(RoundSeconds)) throw new ArgumentOutOfRangeException(nameof(RoundSeconds), RoundSeconds, "the round length must be a positive number of seconds.");
        if (!(RestartOverheadSeconds >= 0) || RestartOverheadSeconds >= RoundSeconds)
            throw new ArgumentOutOfRangeException(nameof(RestartOverheadSeconds), RestartOverheadSeconds, "the restart overhead must be at least 0 and shorter than a round.");
        if (!(MinimumReallocationSeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(MinimumReallocationSeconds), MinimumReallocationSeconds, "must be at least 0.");
    }
}
