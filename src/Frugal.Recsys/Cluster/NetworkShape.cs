namespace Frugal.Recsys.Cluster;

/// <summary>
/// The network shaper (§6.3): each frame sent on a connection arrives α after the link has carried its bytes at
/// β (a token bucket per direction). Zero bandwidth means unlimited.
/// </summary>
/// <param name="LatencyMs">α, one-way latency in milliseconds.</param>
/// <param name="BandwidthMBps">β, bytes per second in millions; 0 = unlimited.</param>
public sealed record NetworkShape(double LatencyMs = 0, double BandwidthMBps = 0)
{
    /// <summary>No shaping: loopback as it is.</summary>
    public static NetworkShape None { get; } = new();

    /// <summary>What <see cref="Frugal.Core.Errors.BadInputException.Setting"/> names for the latency.</summary>
    public const string LatencySetting = "network latency";

    /// <summary>What <see cref="Frugal.Core.Errors.BadInputException.Setting"/> names for the bandwidth.</summary>
    public const string BandwidthSetting = "network bandwidth";

    internal double TransferSeconds(int bytes) => BandwidthMBps > 0 ? bytes / (BandwidthMBps * 1e6) : 0;
}
