using Frugal.Core.Catalogs;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets.Kv;
using Frugal.Tuning.Targets.Postgres;
using Frugal.Tuning.Targets.RocksDb;
using Frugal.Tuning.Targets.Synthetic;

namespace Frugal.Tuning.Targets;

/// <summary>
/// A target users can pick: how to create it and the knob space it is tuned over unless another is named.
/// </summary>
/// <param name="Name">The name it is picked by.</param>
/// <param name="Description">One line for <c>tune targets</c>.</param>
/// <param name="Create">A fresh target for one run; the seed tree is the run's, for targets with randomness of their
/// own. A workload setting the target cannot honour is a <see cref="BadInputException"/> naming the setting.</param>
/// <param name="DefaultSpace">Its knob space, which may depend on the workload (the synthetic functions do).</param>
/// <param name="Protocol">How it is measured unless told otherwise: one run for instant or quiet targets; for real
/// systems several runs, the incumbent re-measured and the best verified (design §10).</param>
public sealed record TargetEntry(string Name, string Description, Func<TargetOptions, SeedTree, ITuningTarget> Create,
    Func<TargetOptions, SearchSpace> DefaultSpace, Loop.MeasurementProtocol Protocol);

/// <summary>One line of <c>tune targets</c>: a target and its default space.</summary>
/// <param name="Name">The target's name.</param>
/// <param name="Space">Its default space's name.</param>
/// <param name="Knobs">How many knobs that space has.</param>
/// <param name="Description">What the target is.</param>
public sealed record TargetListing(string Name, string Space, int Knobs, string Description);

/// <summary>Creates targets by the names users give, each with its default knob space.</summary>
public static class TargetCatalog
{
    /// <summary>Every target, by name.</summary>
    public static Catalog<TargetEntry> Targets { get; } = new Catalog<TargetEntry>("target")
        .Register(new TargetEntry("synthetic",
            "seeded test surfaces with few effective knobs, special values and a known optimum " +
            $"(workloads: {SyntheticFunction.Names}; default {SyntheticFunction.DefaultName})",
            (options, seeds) => new SyntheticTarget(options, seeds),
            options => SyntheticFunction.Parse(options.Workload ?? SyntheticFunction.DefaultName).Space,
            Loop.MeasurementProtocol.Single))
        .Register(new TargetEntry("kv",
            "Frugal.Storage's key-value store on a short YCSB run under a memory budget of half the data " +
            "(workloads A, B, C, D, F; default A)",
            (options, seeds) => new KvTarget(options, seeds),
            _ => KvTarget.Space(), Loop.MeasurementProtocol.Single))
        .Register(new TargetEntry("postgres",
            "PostgreSQL 15 under pgbench in a private throwaway cluster " +
            "(workloads tpcb, select, ycsb-a, ycsb-b; default tpcb)",
            (options, _) => new PostgresTarget(options),
            options => SpaceFile.FromResource(typeof(TargetCatalog).Assembly, "Frugal.Tuning.Spaces.postgres-15.json",
                options.Host),
            new Loop.MeasurementProtocol(Repeats: 3, RemeasureEvery: 10, VerifyRounds: 5)))
        .Register(new TargetEntry("rocksdb",
            "RocksDB 11 (62 options) under an in-process YCSB load in a temporary folder " +
            "(workloads A, B, C, D, F; default A)",
            (options, seeds) => new RocksDbTarget(options, seeds),
            options => RocksDbTarget.Space(options.Host),
            new Loop.MeasurementProtocol(Repeats: 3, RemeasureEvery: 10, VerifyRounds: 5)));

    /// <summary>Every target, in the order <c>tune targets</c> lists them.</summary>
    public static IReadOnlyList<TargetEntry> All => [.. Targets.Entries.Select(e => e.Entry)];

    /// <summary>The target named <paramref name="name"/>.</summary>
    /// <exception cref="UnknownNameException">No target has that name; the message lists the known ones.</exception>
    public static TargetEntry Get(string name) => Targets.Get(name);

    /// <summary>Every target with its default space (the workload left at its default).</summary>
    public static IReadOnlyList<TargetListing> Listing() =>
    [
        .. All.Select(e =>
        {
            var space = e.DefaultSpace(new TargetOptions());
            return new TargetListing(e.Name, space.Name, space.Knobs.Count, e.Description);
        }),
    ];

    private static Catalog<TargetEntry> Register(this Catalog<TargetEntry> catalog, TargetEntry entry) =>
        catalog.Add(entry.Name, entry, entry.Description);
}
