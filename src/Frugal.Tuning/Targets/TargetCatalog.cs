using Frugal.Core.Randomness;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets.Kv;
using Frugal.Tuning.Targets.Postgres;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Targets;

/// <summary>A target users can pick: how to create it and the knob space it is tuned over unless <c>--space</c> names another.</summary>
/// <param name="Name">What <c>--target</c> takes.</param>
/// <param name="Description">One line for <c>tune targets</c>.</param>
/// <param name="Create">A fresh target for one run; the seed tree is the run's, for targets with randomness of their own.</param>
/// <param name="DefaultSpace">Its knob space, which may depend on the workload (the synthetic functions do).</param>
public sealed record TargetEntry(string Name, string Description, Func<TargetOptions, SeedTree, ITuningTarget> Create, Func<TargetOptions, SearchSpace> DefaultSpace);

/// <summary>Creates targets by the names users give (<c>--target</c>), each with its default knob space.</summary>
public static class TargetCatalog
{
    private static readonly TargetEntry[] Entries =
    [
        new("synthetic", $"seeded test surfaces with few effective knobs, special values and a known optimum (workloads: {SyntheticFunction.Names}; default {SyntheticFunction.DefaultName})",
            (options, seeds) => new SyntheticTarget(options, seeds),
            options => SyntheticFunction.Parse(options.Workload ?? SyntheticFunction.DefaultName).Space),
        new("kv", "Frugal.Storage's key-value store on a short YCSB run under a memory budget of half the data (workloads A, B, C, D, F; default A)",
            (options, seeds) => new KvTarget(options, seeds),
            _ => KvTarget.Space()),
        new("postgres", "PostgreSQL 15 under pgbench in a private throwaway cluster (workloads tpcb, select; default tpcb)",
            (options, _) => new PostgresTarget(options),
            _ => SpaceFile.FromResource(typeof(TargetCatalog).Assembly, "Frugal.Tuning.Spaces.postgres-15.json")),
    ];

    public static IReadOnlyList<TargetEntry> All => Entries;

    public static IReadOnlyList<string> Names => [.. Entries.Select(e => e.Name)];

    /// <exception cref="ArgumentException">No target has that name; the message lists the known ones.</exception>
    public static TargetEntry Get(string name) =>
        Entries.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException($"unknown target '{name}' (known: {string.Join(", ", Names)})");
}
