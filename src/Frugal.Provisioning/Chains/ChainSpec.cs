using Frugal.Core.Errors;

namespace Frugal.Provisioning.Chains;

/// <summary>
/// A predecessor/successor pair: identical jobs of <see cref="Nodes"/> nodes and limit
/// <see cref="LimitSeconds"/>; the predecessor runs its whole limit (a long run that checkpoints
/// and hands over). The paper uses 48 h and 1 or 8 nodes.
/// </summary>
public sealed record ChainSpec(int Nodes = 1, long LimitSeconds = 48 * 3600)
{
    /// <summary>The chain's priority where the simulator replays logged priorities (Mirage gives both jobs
    /// 6000).</summary>
    public double Priority { get; init; } = 6000;

    /// <summary>The name messages give <see cref="Nodes"/>.</summary>
    public const string NodesSetting = "chain nodes";

    /// <summary>The name messages give <see cref="LimitSeconds"/>.</summary>
    public const string LimitSetting = "chain time limit";

    /// <summary>The shortest chain limit: two minutes, so the predecessor runs past the submission a minute before its
    /// end.</summary>
    public const long MinLimitSeconds = 120;

    /// <summary>The longest chain limit: a year (Slurm sites allow days; the simulation grows with the
    /// limit).</summary>
    public const long MaxLimitSeconds = 365 * 86400;

    /// <exception cref="BadInputException">No node, or a limit outside [<see cref="MinLimitSeconds"/>,
    /// <see cref="MaxLimitSeconds"/>].</exception>
    public void Validate()
    {
        if (Nodes < 1)
            throw new BadInputException($"{NodesSetting}: the chain needs at least one node, not {Nodes}",
                NodesSetting);
        if (LimitSeconds is < MinLimitSeconds or > MaxLimitSeconds)
            throw new BadInputException(
                $"{LimitSetting}: {LimitSeconds:N0} s is not between {MinLimitSeconds} s " +
                $"and a year ({MaxLimitSeconds:N0} s)",
                LimitSetting);
    }
}

/// <summary>
/// The signed gap d = start(successor) − end(predecessor), in seconds: positive is an
/// interruption (the service is down for d), negative an overlap in which both jobs hold nodes.
/// </summary>
public readonly record struct ChainGap(double Seconds, int Nodes)
{
    /// <summary>The gap in hours, signed as <see cref="Seconds"/>.</summary>
    public double Hours => Seconds / 3600;

    /// <summary>Hours the service was down: the gap when positive, else 0.</summary>
    public double InterruptionHours => Math.Max(0, Seconds) / 3600;

    /// <summary>Node-hours the successor holds while its predecessor still runs: its nodes times the overlap.</summary>
    public double OverlapNodeHours => Math.Max(0, -Seconds) * Nodes / 3600;

    /// <summary>No interruption at all: the successor was running by the time its predecessor ended.</summary>
    public bool IsZeroInterruption => Seconds <= 0;

    /// <summary>The gap of a successor that started at <paramref name="successorStart"/> (seconds) on
    /// <paramref name="nodes"/> nodes after its predecessor ended at <paramref name="predecessorEnd"/>.</summary>
    public static ChainGap Between(long predecessorEnd, long successorStart, int nodes) =>
        new(successorStart - predecessorEnd, nodes);
}
