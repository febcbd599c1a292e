using Frugal.Core.Statistics;

namespace Frugal.Scheduling.GpuPlacement;

/// <summary>One trace under one policy.</summary>
/// <param name="Trace">The trace's name.</param>
/// <param name="Placement">The policy.</param>
/// <param name="Run">What the simulation gave.</param>
public sealed record StudyRun(string Trace, string Placement, PlacementRun Run);

/// <summary>A policy's mean-JCT improvement over a baseline across traces.</summary>
/// <param name="Placement">The policy.</param>
/// <param name="Baseline">The baseline policy.</param>
/// <param name="PerTrace">1 − its mean JCT / the baseline's, per trace.</param>
public sealed record Improvement(string Placement, string Baseline, IReadOnlyList<(string Trace, double Gain)> PerTrace)
{
    /// <summary>
    /// 1 − the geometric mean over traces of the JCT ratio (the artifact's plot_sia_sim_baseline.py).
    /// </summary>
    public double Geomean => 1 - Summary.GeometricMean([.. PerTrace.Select(t => 1 - t.Gain)]);

    /// <summary>The smallest per-trace gain.</summary>
    public double Min => PerTrace.Min(t => t.Gain);

    /// <summary>The largest per-trace gain.</summary>
    public double Max => PerTrace.Max(t => t.Gain);
}

/// <summary>The published Sia-Philly comparison: several placement policies on several traces, one cluster.</summary>
public static class PalStudy
{
    /// <summary>Every (trace, policy) pair, traces outer.</summary>
    public static IReadOnlyList<StudyRun> Run(IReadOnlyList<(string Name, IEnumerable<PlacementJob> Jobs)> traces,
        GpuTable table, PlacementOptions options, IReadOnlyList<string> placements, Action<double>? progress = null,
        CancellationToken cancellation = default)
    {
        var runs = new List<StudyRun>();
        foreach (var (name, jobs) in traces)
            foreach (var placement in placements)
            {
                runs.Add(new StudyRun(name, placement,
                    PlacementSimulator.Run(jobs, table, options with { Placement = placement }, cancellation)));
                progress?.Invoke(runs.Count / (double)(traces.Count * placements.Count));
            }
        return runs;
    }

    /// <summary>Each policy's improvement over <paramref name="baseline"/>, trace by trace.</summary>
    public static Improvement Versus(IReadOnlyList<StudyRun> runs, string placement, string baseline) =>
        new(placement, baseline, [.. runs.Where(r => r.Placement == placement).Select(r => (r.Trace,
            1 - r.Run.MeanJctSeconds / runs.Single(b => b.Trace == r.Trace && b.Placement == baseline)
                .Run.MeanJctSeconds))]);
}
