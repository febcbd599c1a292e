namespace Frugal.Provisioning.Simulation;

/// <summary>
/// Slurm's multifactor priority and backfill settings. Defaults are Mirage's: age weight 7000,
/// job-size weight 100, maximum age 7 days, and a backfill window of 2880 minutes as at TACC.
/// </summary>
public sealed record SchedulerOptions
{
    public double AgeWeight { get; init; } = 7000;
    public double JobSizeWeight { get; init; } = 100;
    public long MaxAgeSeconds { get; init; } = 7 * 86400;

    /// <summary>Slurm caps the age factor at 1 (PriorityMaxAge); Mirage's simulator lets it grow.</summary>
    public bool CapAge { get; init; } = true;

    /// <summary>How far ahead backfill plans; a job whose reservation would lie further out gets none (bf_window).</summary>
    public long BackfillWindowSeconds { get; init; } = 2880 * 60;

    /// <summary>How many pending jobs one backfill pass tests (bf_max_job_test).</summary>
    public int BackfillMaxJobTest { get; init; } = 3000;

    /// <summary>Replay each job's logged priority where it has one, instead of the multifactor formula.</summary>
    public bool ReplayLoggedPriority { get; init; }

    public static SchedulerOptions Default { get; } = new();

    public void Validate()
    {
        if (!(AgeWeight >= 0) || !(JobSizeWeight >= 0)) throw new ArgumentException("priority weights must be at least 0.");
        if (MaxAgeSeconds <= 0) throw new ArgumentException($"the maximum age must be positive, not {MaxAgeSeconds} s.");
        if (BackfillWindowSeconds <= 0) throw new ArgumentException($"the backfill window must be positive, not {BackfillWindowSeconds} s.");
        if (BackfillMaxJobTest < 0) throw new ArgumentException($"bf_max_job_test must be at least 0, not {BackfillMaxJobTest}.");
    }
}

/// <summary>Node pools: one queue and one set of nodes per partition.</summary>
public sealed class NodePools
{
    private readonly Dictionary<string, int> _nodes;

    public NodePools(IReadOnlyDictionary<string, int> nodes)
    {
        if (nodes.Count == 0) throw new ArgumentException("at least one node pool is needed.");
        foreach (var (name, count) in nodes)
            if (count < 1) throw new ArgumentException($"pool '{name}' needs at least one node, not {count}.");
        _nodes = new Dictionary<string, int>(nodes, StringComparer.Ordinal);
    }

    /// <summary>One pool of <paramref name="nodes"/> nodes under the default partition name (Mirage's single 88-node pool).</summary>
    public static NodePools Single(int nodes) => new(new Dictionary<string, int> { [Traces.SlurmJob.DefaultPartition] = nodes });

    /// <summary>Parses <c>88</c> (one default pool) or <c>gpu=84,debug=4</c>.</summary>
    public static NodePools Parse(string spec)
    {
        if (int.TryParse(spec, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var single)) return Single(single);
        var pools = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                throw new FormatException($"pools: '{part}' is not NAME=NODES (e.g. gpu=84).");
            pools[part[..eq]] = n;
        }
        return new NodePools(pools);
    }

    public IEnumerable<string> Names => _nodes.Keys;

    /// <exception cref="KeyNotFoundException">No pool has that name.</exception>
    public int NodesOf(string partition) =>
        _nodes.TryGetValue(partition, out var n) ? n : throw new KeyNotFoundException($"no node pool for partition '{partition}' (pools: {this}).");

    public override string ToString() => string.Join(",", _nodes.Select(p => $"{p.Key}={p.Value}"));
}
