using Frugal.Core.Errors;
using Frugal.Core.Randomness;

namespace Frugal.Provisioning.Traces;

/// <summary>
/// Shape of a generated Slurm trace, loosely after Lonestar6's A100 partition: mostly single-node
/// jobs, a mode at the 48 h limit, runtimes often well under the limit, and arrivals sized to keep
/// the pool near <see cref="TargetUtilisation"/> so jobs queue.
/// </summary>
public sealed record SyntheticTraceOptions
{
    /// <summary>Days of submissions to generate.</summary>
    public int Days { get; init; } = 30;
    /// <summary>Nodes in the one pool the jobs share (at least 16, the widest job).</summary>
    public int PoolNodes { get; init; } = 88;

    /// <summary>Node-seconds requested per node-second available; above 1 the queue grows.</summary>
    public double TargetUtilisation { get; init; } = 1.0;

    /// <summary>When the first day begins.</summary>
    public DateTimeOffset From { get; init; } = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>Generates a trace so the provisioning experiment runs where no real trace is at hand.</summary>
public static class SyntheticTrace
{
    private static readonly (int Nodes, double Weight)[] NodeCounts =
        [(1, 0.8), (2, 0.08), (4, 0.06), (8, 0.04), (16, 0.02)];
    private static readonly (long Minutes, double Weight)[] Limits =
        [(60, 0.15), (240, 0.15), (720, 0.15), (1440, 0.15), (2880, 0.4)];

    /// <summary>Generates the jobs of <paramref name="options"/>, sorted by submit time; the same seeds give the same
    /// trace.</summary>
    /// <exception cref="Frugal.Core.Errors.BadInputException">An option is out of range.</exception>
    public static List<SlurmJob> Generate(SyntheticTraceOptions options, SeedTree seeds)
    {
        if (options.Days < 1 || options.PoolNodes < 16 || !(options.TargetUtilisation > 0))
            throw new BadInputException("a synthetic trace needs at least 1 day, 16 nodes and a positive utilisation");
        var arrivals = seeds.Stream("arrivals");
        var shapes = seeds.Stream("shapes");
        // Mean node-seconds a job uses: E[nodes]·E[limit]·E[runtime fraction], the fraction being 1 w.p. 0.3 and
        // U(0.05, 1) otherwise.
        var meanNodes = NodeCounts.Sum(n => n.Nodes * n.Weight);
        var meanLimit = Limits.Sum(l => l.Minutes * 60.0 * l.Weight);
        var meanFraction = 0.3 + 0.7 * 0.525;
        var ratePerSecond = options.TargetUtilisation * options.PoolNodes / (meanNodes * meanLimit * meanFraction);

        var jobs = new List<SlurmJob>();
        var start = options.From.ToUnixTimeSeconds();
        var end = start + options.Days * 86400L;
        var t = (double)start;
        while (true)
        {
            t += -Math.Log(arrivals.NextDoubleNonZero()) / ratePerSecond;
            if (t >= end) break;
            var nodes = Pick(NodeCounts, shapes);
            var limit = Pick(Limits, shapes) * 60;
            var runtime = shapes.NextDouble() < 0.3 ? limit : (long)(limit * (0.05 + 0.95 * shapes.NextDouble()));
            var submit = (long)t;
            // Start and End are the runtime only: a generated trace has no real waits to validate against.
            jobs.Add(new SlurmJob($"g{jobs.Count + 1}", submit, submit, submit, submit + runtime, limit, nodes));
        }
        return jobs;
    }

    private static T Pick<T>((T Value, double Weight)[] choices, RandomStream random)
    {
        var u = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            if (u < weight) return value;
            u -= weight;
        }
        return choices[^1].Value;
    }
}
