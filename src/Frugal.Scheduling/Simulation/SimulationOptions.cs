using Frugal.Core.Errors;

namespace Frugal.Scheduling.Simulation;

/// <summary>What decides when a job's batch size changes during a simulation.</summary>
public enum BatchSizeDynamics
{
    /// <summary>
    /// The artifact's simulator rules: at the end of each round a job asks for a change by its mode's rule
    /// (Accordion's critical regimes, gradient-noise-scale doubling one step at a time, looking one epoch ahead);
    /// the change applies after the next round the job runs, crediting the epoch it had begun.
    /// </summary>
    Rules,

    /// <summary>The job's profiled schedule: each epoch trains at the profile's batch size for it.</summary>
    Profile,
}

/// <summary>Settings of one simulation; the defaults are those of the Shockwave experiments.</summary>
public sealed record SimulationOptions
{
    /// <summary>What decides batch-size changes; by default the artifact's simulator rules.</summary>
    public BatchSizeDynamics BatchSizeDynamics { get; init; } = BatchSizeDynamics.Rules;

    /// <summary>Length of a scheduling round (Gavel: 360 s; Shockwave: 120 s).</summary>
    public double RoundSeconds { get; init; } = 120;

    /// <summary>
    /// Time a job loses when it starts or resumes after not running in the previous round
    /// (checkpoint restore, warm-up); 0 turns it off. The reference charges 20 s to jobs that run
    /// nearly the whole round.
    /// </summary>
    public double RestartOverheadSeconds { get; init; } = 20;

    /// <summary>
    /// An allocation policy's answer is recomputed at most this often (Gavel's minimum time between allocation resets).
    /// </summary>
    public double MinimumReallocationSeconds { get; init; } = 1000;

    /// <summary>
    /// Whether Gavel's packer also recomputes an allocation when a job's batch size changes; the artifact's does not
    /// (only job-set changes trigger it), so the default is false.
    /// </summary>
    public bool ReallocateOnBatchSizeChange { get; init; }

    /// <summary>
    /// The GPU type isolated (reference) job times are profiled on; default: v100 if the cluster has it, else its first
    /// type.
    /// </summary>
    public string? ReferenceWorkerType { get; init; }

    /// <summary>Rounds in a row with active jobs but nothing scheduled before the run is declared stuck.</summary>
    public int MaxIdleRounds { get; init; } = 10_000;

    /// <summary>The longest round, in seconds (a day).</summary>
    public const double MaxRoundSeconds = 86_400;

    /// <summary>The shortest round, in seconds: shorter ones only multiply the rounds to simulate.</summary>
    public const double MinRoundSeconds = 1;

    /// <summary>Checks every setting against its range.</summary>
    /// <exception cref="BadInputException">
    /// A setting is out of range; <see cref="BadInputException.Setting"/> names it.
    /// </exception>
    public void Validate()
    {
        if (!(RoundSeconds is >= MinRoundSeconds and <= MaxRoundSeconds))
            throw new BadInputException(
                $"the round length must be from {MinRoundSeconds:G} to {MaxRoundSeconds:N0} s; "
                + $"got {Invariant.Text(RoundSeconds)} s", "round length");
        if (!(RestartOverheadSeconds >= 0) || RestartOverheadSeconds >= RoundSeconds)
            throw new BadInputException(
                $"the restart overhead must be at least 0 and shorter than a round ({Invariant.Text(RoundSeconds)} s); "
                + $"got {Invariant.Text(RestartOverheadSeconds)} s", "restart overhead");
        if (!(MinimumReallocationSeconds >= 0) || double.IsInfinity(MinimumReallocationSeconds))
            throw new BadInputException(
                "the minimum time between re-allocations must be a finite number of seconds, at least 0; "
                + $"got {Invariant.Text(MinimumReallocationSeconds)}", "minimum re-allocation interval");
        if (MaxIdleRounds < 1)
            throw new BadInputException(
                $"the idle rounds allowed before a run is stuck must be at least 1; got {MaxIdleRounds}",
                "idle rounds");
    }
}
