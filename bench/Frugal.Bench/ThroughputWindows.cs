using Frugal.Workloads.Ycsb;

namespace Frugal.Bench;

/// <summary>
/// The write-stall check (issue 13): a run's throughput in 1-second windows, and its worst window against the run's
/// mean. A store stalls when some window falls below <see cref="StallFraction"/> of the mean, as a store whose
/// writers wait for compaction does.
/// </summary>
public static class ThroughputWindows
{
    /// <summary>Every run is sampled in windows of this length.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(1);

    /// <summary>A window below this fraction of the run's mean throughput is a stall.</summary>
    public const double StallFraction = 0.3;

    /// <summary>
    /// The lowest window's throughput as a fraction of <paramref name="meanOpsPerSecond"/>; NaN when there is no window
    /// or no throughput.
    /// </summary>
    public static double WorstFraction(IReadOnlyList<TimelinePoint>? windows, double meanOpsPerSecond) =>
        windows is { Count: > 0 } && meanOpsPerSecond > 0
            ? windows.Min(w => w.OpsPerSecond) / meanOpsPerSecond
            : double.NaN;

    /// <summary>Whether a run whose worst window is <paramref name="worstFraction"/> of its mean stalled.</summary>
    public static bool Stalled(double worstFraction) => worstFraction < StallFraction;
}
