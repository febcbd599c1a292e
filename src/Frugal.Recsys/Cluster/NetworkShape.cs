namespace Frugal.Recsys.Cluster;

/// <summary>Which of a trainer's links the network shaper slows down (the oracle's are never shaped).</summary>
public enum ShapedLinks
{
    /// <summary>The links between the trainers and the embedding server, both directions: the paper's setting, with
    /// the trainers' all-reduce on a fast interconnect and only the server behind the slow network.</summary>
    Server,

    /// <summary>The server's links and the trainers' all-reduce ring alike (design §6.3 as written).</summary>
    All,
}

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
