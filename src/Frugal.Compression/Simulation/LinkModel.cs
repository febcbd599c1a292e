using System.Globalization;
using System.Text.RegularExpressions;
using Frugal.Core.Errors;

namespace Frugal.Compression.Simulation;

/// <summary>
/// A link class of the communication cost model (design §6.3): a message of n bytes takes t = α + n/β; a ring
/// all-reduce over T ranks 2(T−1)·α + 2(T−1)/T·n/β; a ring all-gather of m bytes per rank (T−1)·α + (T−1)·m/β.
/// </summary>
/// <param name="LatencySeconds">α, in seconds.</param>
/// <param name="BytesPerSecond">β, in bytes per second.</param>
public sealed partial record LinkModel(double LatencySeconds, double BytesPerSecond)
{
    /// <summary>The setting name of a link in errors.</summary>
    public const string Setting = "link";

    /// <summary>A link of <paramref name="microseconds"/> µs latency and <paramref name="gigabits"/> Gb/s.</summary>
    public static LinkModel Of(double microseconds, double gigabits) => new(microseconds * 1e-6, gigabits * 1e9 / 8);

    /// <summary>α + n/β.</summary>
    public double PointToPoint(long bytes) => LatencySeconds + bytes / BytesPerSecond;

    /// <summary>
    /// Ring all-reduce of <paramref name="bytes"/> over <paramref name="ranks"/> ranks (0 for one rank).
    /// </summary>
    public double AllReduce(long bytes, int ranks) => ranks <= 1 ? 0
        : 2.0 * (ranks - 1) * LatencySeconds + 2.0 * (ranks - 1) / ranks * bytes / BytesPerSecond;

    /// <summary>
    /// Ring all-gather of <paramref name="bytesPerRank"/> from each of <paramref name="ranks"/> ranks.
    /// </summary>
    public double AllGather(long bytesPerRank, int ranks) => ranks <= 1 ? 0
        : (ranks - 1) * LatencySeconds + (double)(ranks - 1) * bytesPerRank / BytesPerSecond;

    /// <summary>The time of <paramref name="message"/> over <paramref name="ranks"/> ranks.</summary>
    public double Time(CollectiveMessage message, int ranks) => message.Kind == CollectiveKind.AllReduce
        ? AllReduce(message.Bytes, ranks) : AllGather(message.Bytes, ranks);

    /// <summary>As written and parsed: <c>50us/10Gbps</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{LatencySeconds * 1e6:0.###}us/{BytesPerSecond * 8 / 1e9:0.###}Gbps");

    /// <summary>
    /// Parses <c>LATENCYus/BANDWIDTHGbps</c>, e.g. <c>100us/1Gbps</c> (latency ≥ 0, bandwidth &gt; 0).
    /// </summary>
    /// <exception cref="BadInputException">Another form or a value out of range.</exception>
    public static LinkModel Parse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success
            || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var us)
            || !double.TryParse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var gb)
            || !double.IsFinite(us) || !double.IsFinite(gb) || us < 0 || gb <= 0)
            throw new BadInputException(
                $"'{text}' is not a link: write latency and bandwidth as e.g. 50us/10Gbps", Setting);
        return Of(us, gb);
    }

    [GeneratedRegex(@"^([0-9.eE+-]+)\s*us\s*/\s*([0-9.eE+-]+)\s*Gbps$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}

/// <summary>The link classes of a run: between tensor-parallel ranks of a stage, and between pipeline stages.</summary>
/// <param name="TensorParallel">The link the collectives use.</param>
/// <param name="Pipeline">The link between consecutive stages.</param>
public sealed record Network(LinkModel TensorParallel, LinkModel Pipeline)
{
    /// <summary>The same link everywhere.</summary>
    public static Network Uniform(LinkModel link) => new(link, link);
}
