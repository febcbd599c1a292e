using System.Globalization;
using Frugal.Core.Errors;

namespace Frugal.Provisioning.Simulation;

/// <summary>
/// Slurm's multifactor priority and backfill settings. Defaults are Mirage's: age weight 7000,
/// job-size weight 100, maximum age 7 days, and a backfill window of 2880 minutes as at TACC.
/// </summary>
public sealed record SchedulerOptions
{
    /// <summary>Weight of the age factor in a job's priority (PriorityWeightAge).</summary>
    public double AgeWeight { get; init; } = 7000;
    /// <summary>Weight of the job-size factor in a job's priority (PriorityWeightJobSize).</summary>
    public double JobSizeWeight { get; init; } = 100;
    /// <summary>The wait at which the age factor reaches 1 (PriorityMaxAge).</summary>
    public long MaxAgeSeconds { get; init; } = 7 * 86400;

    /// <summary>Slurm caps the age factor at 1 (PriorityMaxAge); Mirage's simulator lets it grow.</summary>
    public bool CapAge { get; init; } = true;

    /// <summary>How far ahead backfill plans; a job whose reservation would lie further out gets none
    /// (bf_window).</summary>
    public long BackfillWindowSeconds { get; init; } = 2880 * 60;

    /// <summary>How many pending jobs one backfill pass tests (bf_max_job_test).</summary>
    public int BackfillMaxJobTest { get; init; } = 3000;

    /// <summary>Replay each job's logged priority where it has one, instead of the multifactor formula.</summary>
    public bool ReplayLoggedPriority { get; init; }

    /// <summary>Mirage's settings.</summary>
    public static SchedulerOptions Default { get; } = new();

    /// <exception cref="BadInputException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(AgeWeight >= 0) || !(JobSizeWeight >= 0) || !double.IsFinite(AgeWeight)
            || !double.IsFinite(JobSizeWeight))
            throw new BadInputException("priority weights must be finite numbers of at least 0");
        if (MaxAgeSeconds <= 0) throw new BadInputException($"the maximum age must be positive, not {MaxAgeSeconds} s");
        if (BackfillWindowSeconds <= 0)
            throw new BadInputException($"the backfill window must be positive, not {BackfillWindowSeconds} s");
        if (BackfillMaxJobTest < 0)
            throw new BadInputException($"bf_max_job_test must be at least 0, not {BackfillMaxJobTest}");
    }
}

/// <summary>Node pools: one queue and one set of nodes per partition.</summary>
public sealed class NodePools
{
    /// <summary>The name messages give the node pools a run simulates.</summary>
    public const string Setting = "node pools";

    private readonly Dictionary<string, int> _nodes;

    /// <exception cref="BadInputException">No pool, or a pool without nodes.</exception>
    public NodePools(IReadOnlyDictionary<string, int> nodes)
    {
        if (nodes.Count == 0) throw new BadInputException("at least one node pool is needed", Setting);
        foreach (var (name, count) in nodes)
            if (count < 1) throw new BadInputException($"pool '{name}' needs at least one node, not {count}", Setting);
        _nodes = new Dictionary<string, int>(nodes, StringComparer.Ordinal);
    }

    /// <summary>One pool of <paramref name="nodes"/> nodes under the default partition name (Mirage's single 88-node
    /// pool).</summary>
    public static NodePools Single(int nodes) =>
        new(new Dictionary<string, int> { [Traces.SlurmJob.DefaultPartition] = nodes });

    /// <summary>Parses <c>88</c> (one default pool) or <c>gpu=84,debug=4</c>.</summary>
    /// <exception cref="BadInputException">The text is neither; the message quotes the part at fault.</exception>
    public static NodePools Parse(string spec)
    {
        if (int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out var single)) return Single(single);
        var pools = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new BadInputException(
                    $"{Setting}: '{part}' is not NAME=NODES (e.g. gpu=84) or a node count", Setting);
            if (!pools.TryAdd(part[..eq], n))
                throw new BadInputException($"{Setting}: pool '{part[..eq]}' is named twice", Setting);
        }
        return new NodePools(pools);
    }

    /// <summary>The partitions, one pool each.</summary>
    public IEnumerable<string> Names => _nodes.Keys;

    /// <exception cref="KeyNotFoundException">No pool has that name.</exception>
    internal int NodesOf(string partition) =>
        _nodes.TryGetValue(partition, out var n) ? n
            : throw new KeyNotFoundException($"no node pool for partition '{partition}' (pools: {this}).");

    /// <summary>Checks that a job of <paramref name="nodes"/> nodes in <paramref name="partition"/> has a pool it
    /// fits.</summary>
    /// <param name="what">The job, for the message ("trace job 17", "the chain").</param>
    /// <param name="partition">The job's partition.</param>
    /// <param name="nodes">The nodes the job asks for.</param>
    /// <exception cref="BadInputException">No pool serves the partition, or the job is wider than its pool.</exception>
    public void CheckFits(string what, string partition, int nodes)
    {
        if (!_nodes.TryGetValue(partition, out var total))
            throw new BadInputException(
                $"{what} runs in partition '{partition}', which has no node pool (pools: {this})", Setting);
        if (nodes > total)
            throw new BadInputException($"{what} asks for {nodes} nodes; its pool '{partition}' has {total}", Setting);
    }

    /// <summary>Checks that every job of <paramref name="trace"/> has a pool it fits, before a simulation would stop at
    /// one that does not.</summary>
    /// <exception cref="BadInputException">A job's partition has no pool, or the job is wider than its
    /// pool.</exception>
    public void CheckFits(IEnumerable<Traces.SlurmJob> trace)
    {
        foreach (var job in trace) CheckFits($"trace job {job.Id}", job.Partition, job.Nodes);
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", _nodes.Select(p => $"{p.Key}={p.Value}"));
}
