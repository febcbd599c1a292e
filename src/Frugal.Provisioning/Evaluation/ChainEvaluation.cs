using Frugal.Core.Errors;
using Frugal.Core.Statistics;
using Frugal.Provisioning.Chains;
using Frugal.Provisioning.Methods;

namespace Frugal.Provisioning.Evaluation;

/// <summary>One method's chains at one load: every gap, and the paper's measures.</summary>
public sealed record MethodOutcome(string Method, double Load, IReadOnlyList<ChainGap> Gaps)
{
    /// <summary>How many chains were simulated.</summary>
    public int Chains => Gaps.Count;

    /// <summary>Mean hours of interruption per chain (overlaps count as 0).</summary>
    public double MeanInterruptionHours => Summary.Mean(Gaps.Select(g => g.InterruptionHours).ToArray());

    /// <summary>Median hours of interruption per chain (overlaps count as 0).</summary>
    public double MedianInterruptionHours => Summary.Median(Gaps.Select(g => g.InterruptionHours).ToArray());

    /// <summary>The fraction of chains whose successor was running when the predecessor ended.</summary>
    public double ZeroInterruptionFraction => (double)Gaps.Count(g => g.IsZeroInterruption) / Gaps.Count;

    /// <summary>Mean wasted node-hours per chain (both jobs holding nodes).</summary>
    public double OverlapNodeHours => Summary.Mean(Gaps.Select(g => g.OverlapNodeHours).ToArray());

    /// <summary>Every chain's signed gap in hours, for the gap distribution's plot.</summary>
    public double[] GapHours => Gaps.Select(g => g.Hours).ToArray();

    /// <summary>The relative cut in mean interruption against <paramref name="baseline"/> (0.17 = 17% less).</summary>
    public double InterruptionCutAgainst(MethodOutcome baseline) =>
        baseline.MeanInterruptionHours == 0 ? 0 : 1 - MeanInterruptionHours / baseline.MeanInterruptionHours;
}

/// <summary>Runs methods on the same sample starts, so their gaps are paired chain by chain.</summary>
internal static class ChainEvaluation
{
    public static MethodOutcome Run(ChainEpisode episode, IProvisioningMethod method, IReadOnlyList<long> starts,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        if (starts.Count == 0) throw new BadInputException("no sample start lies in the evaluation period");
        var gaps = new ChainGap[starts.Count];
        var done = 0;
        Parallel.For(0, starts.Count, new ParallelOptions
        {
            CancellationToken = cancellation,
            MaxDegreeOfParallelism = Environment.ProcessorCount,
        }, i =>
        {
            gaps[i] = episode.Run(starts[i], method);
            progress?.Report((double)Interlocked.Increment(ref done) / starts.Count);
        });
        return new MethodOutcome(method.Name, episode.Settings.Load, gaps);
    }
}
