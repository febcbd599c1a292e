namespace Frugal.Tuning.Spaces;

/// <summary>What the machine has, to bound knob ranges by (no buffer pool beyond its memory).</summary>
/// <param name="MemoryBytes">Memory available to processes.</param>
/// <param name="Cores">Logical processors.</param>
public sealed record HostResources(long MemoryBytes, int Cores)
{
    /// <summary>This machine (as the runtime sees it: a container's limits included).</summary>
    public static HostResources Current { get; } =
        new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.ProcessorCount);
}

/// <summary>
/// A knob's maximum as a share of the host: <paramref name="Memory"/> (a fraction of RAM) in units of
/// <paramref name="UnitBytes"/>, or <paramref name="Cores"/> times the logical processors (LlamaTune brief §10:
/// shared_buffers ≤ 25% of RAM, parallel workers ≤ 2 × vCPU, ...).
/// </summary>
public sealed record HostMax(double? Memory, double? UnitBytes, double? Cores)
{
    /// <summary>The limit on <paramref name="host"/>, whole for integer knobs.</summary>
    public double Limit(HostResources host, bool integer)
    {
        var limit = Cores is { } c ? c * host.Cores : Memory!.Value * host.MemoryBytes / UnitBytes!.Value;
        return integer ? Math.Floor(limit) : limit;
    }
}
