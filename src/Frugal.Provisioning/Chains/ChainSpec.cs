namespace Frugal.Provisioning.Chains;

/// <summary>
/// A predecessor/successor pair: identical jobs of <see cref="Nodes"/> nodes and limit
/// <see cref="LimitSeconds"/>; the predecessor runs its whole limit (a long run that checkpoints
/// and hands over). The paper uses 48 h and 1 or 8 nodes.
/// </summary>
public sealed record ChainSpec(int Nodes = 1, long LimitSeconds = 48 * 3600)
{
    /// <summary>The chain's priority where the simulator replays logged priorities (Mirage gives both jobs 6000).</summary>
    public double Priority { get; init; } = 6000;

    public void Validate()
    {
        if (Nodes < 1) throw new ArgumentException($"the chain needs at least one node, not {Nodes}.");
        if (LimitSeconds < 120) throw new ArgumentException($"the chain's limit must be at least 120 s, not {LimitSeconds}.");
    }
}

/// <summary>
/// The signed gap d = start(successor) − end(predecessor), in seconds: positive is an
/// interruption (the service is down for d), negative an overlap in which both jobs hold nodes.
/// </summary>
public readonly record struct ChainGap(double Seconds, int Nodes)
{
    public double Hours => Seconds / 3600;

    public double InterruptionHours => Math.Max(0, Seconds) / 3600;

    /// <summary>Node-hours the successor holds while its predecessor still runs: its nodes times the overlap.</summary>
    public double OverlapNodeHours => Math.Max(0, -Seconds) * Nodes / 3600;

    /// <summary>No interruption at all: the successor was running by the time its predecessor ended.</summary>
    public bool IsZeroInterruption => Seconds <= 0;

    public static ChainGap Between(long predecessorEnd, long successorStart, int nodes) => new(successorStart - predecessorEnd, nodes);
}
