using Frugal.Core.Statistics;
using Frugal.Provisioning.Traces;

namespace Frugal.Provisioning.Simulation;

/// <summary>Real against simulated waits of one group of jobs: quantiles in hours and the two-sample KS
/// distance.</summary>
public sealed record WaitComparison(string Group, int Jobs, double RealMeanHours, double SimulatedMeanHours,
    double[] RealQuantileHours, double[] SimulatedQuantileHours, double KsDistance)
{
    /// <summary>The quantile levels of <see cref="RealQuantileHours"/> and
    /// <see cref="SimulatedQuantileHours"/>.</summary>
    public static readonly double[] Levels = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

    /// <summary><see cref="Levels"/>, carried by each comparison so its JSON says which quantiles it holds.</summary>
    public IReadOnlyList<double> QuantileLevels => Levels;
}

/// <summary>Compares a replay's per-job waits with the trace's, overall and per node-count bucket.</summary>
internal static class WaitValidation
{
    /// <summary>Node-count buckets: single-node jobs dominate Slurm traces, wide jobs wait differently.</summary>
    public static readonly (string Name, int Min, int Max)[] Buckets =
        [("1 node", 1, 1), ("2-4 nodes", 2, 4), ("5+ nodes", 5, int.MaxValue)];

    public static List<WaitComparison> Compare(IReadOnlyList<SlurmJob> trace, IReadOnlyList<SimJob> simulated)
    {
        if (trace.Count != simulated.Count)
            throw new ArgumentException("the replay must hold one simulated job per traced job.");
        var result = new List<WaitComparison> { Group("all", Enumerable.Range(0, trace.Count), trace, simulated) };
        foreach (var (name, min, max) in Buckets)
        {
            var members =
                Enumerable.Range(0, trace.Count).Where(i => trace[i].Nodes >= min && trace[i].Nodes <= max).ToList();
            if (members.Count > 0) result.Add(Group(name, members, trace, simulated));
        }
        return result;
    }

    private static WaitComparison Group(string name, IEnumerable<int> members, IReadOnlyList<SlurmJob> trace,
        IReadOnlyList<SimJob> simulated)
    {
        var index = members.ToList();
        var real = index.Select(i => trace[i].WaitSeconds / 3600.0).ToArray();
        var sim = index.Select(i => simulated[i].WaitSeconds!.Value / 3600.0).ToArray();
        return new WaitComparison(name, index.Count, Summary.Mean(real), Summary.Mean(sim),
            Summary.Quantiles(real, WaitComparison.Levels), Summary.Quantiles(sim, WaitComparison.Levels),
                KsDistance(real, sim));
    }

    /// <summary>The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs.</summary>
    public static double KsDistance(double[] a, double[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw new ArgumentException("both samples need at least one value.");
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            // Step past every copy of the smaller value in both samples, so ties are compared after both CDFs jump.
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }
}
