namespace Frugal.Scheduling.Policies;

/// <summary>Creates allocation policies by their command-line name or an alias (case-insensitive).</summary>
public static class PolicyCatalog
{
    // Reference names in the order the Shockwave paper's baselines are usually listed.
    private static readonly (string Name, Func<IAllocationPolicy> Create)[] Policies =
    [
        ("fifo", () => new FifoPolicy()),
        ("srtf", () => new SrtfPolicy()),
        ("gandiva_fair", () => new GandivaFairPolicy()),
        ("max_min_fairness", () => new MaxMinFairnessPolicy()),
        ("finish_time_fairness", () => new FinishTimeFairnessPolicy()),
        ("max_sum_throughput", () => new MaxSumThroughputPolicy()),
        ("min_total_duration", () => new MinTotalDurationPolicy()),
        ("allox", () => new AlloxPolicy()),
    ];

    // The paper's legends, plus the reference code's name for MST.
    private static readonly (string Alias, string Name)[] Aliases =
    [
        ("gavel", "max_min_fairness"),
        ("themis", "finish_time_fairness"),
        ("mst", "max_sum_throughput"),
        ("max_sum_throughput_perf", "max_sum_throughput"),
        ("ossp", "min_total_duration"),
    ];

    private static readonly Dictionary<string, Func<IAllocationPolicy>> Factories = BuildFactories();

    /// <summary>The reference names, in catalog order (aliases excluded).</summary>
    public static IReadOnlyList<string> Names { get; } = Policies.Select(p => p.Name).ToArray();

    /// <summary>The accepted aliases, in catalog order.</summary>
    public static IReadOnlyList<string> AliasNames { get; } = Aliases.Select(a => a.Alias).ToArray();

    /// <summary>A new policy instance (policies keep per-simulation state, so never share one).</summary>
    /// <exception cref="UnknownPolicyException">No policy or alias has that name.</exception>
    public static IAllocationPolicy Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Factories.TryGetValue(name, out var create)
            ? create()
            : throw new UnknownPolicyException(name, [.. Names, .. AliasNames]);
    }

    private static Dictionary<string, Func<IAllocationPolicy>> BuildFactories()
    {
        var factories = Policies.ToDictionary(p => p.Name, p => p.Create, StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, name) in Aliases) factories.Add(alias, factories[name]);
        return factories;
    }
}
