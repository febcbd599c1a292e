using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Storage;

namespace Frugal.Workloads.Ycsb;

/// <summary>
/// YCSB A, B and C on our store with a memory budget below the data size: throughput, how many
/// reads the read cache served, and device bytes per operation. The peers (FASTER, RocksDB) run
/// in bench/Frugal.Bench, not here, so <c>frugal reproduce</c> needs no native packages.
/// </summary>
public sealed class YcsbExperiment : IExperiment
{
    /// <inheritdoc/>
    public string Name => "storage.ycsb";
    /// <inheritdoc/>
    public string Title => "YCSB on the hybrid-log store with memory below the data size";
    /// <inheritdoc/>
    public string Description =>
        "Loads a store whose memory budget is a fraction of the data, then runs YCSB A, B and C (Zipf 0.99): " +
        "throughput, read-cache hit rate and device bytes per operation.";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var quick = context.Quick;
        var settings = new YcsbSettings(
            Records: quick ? 100_000 : 2_000_000, ValueBytes: 100, Threads: 2,
            Duration: TimeSpan.FromSeconds(quick ? 1 : 10));
        const double memoryFraction = 1.0 / 8;
        var budget = (long)(settings.DataBytes * memoryFraction);
        var directory = Path.Combine(Path.GetTempPath(), "frugal-storage-ycsb-" + Guid.NewGuid().ToString("N"));
        var result = context.NewResult(this)
            .WithParameter("records", settings.Records)
            .WithParameter("value_bytes", settings.ValueBytes)
            .WithParameter("threads", settings.Threads)
            .WithParameter("seconds_per_workload", settings.Duration.TotalSeconds)
            .WithParameter("zipf_theta", settings.Theta)
            .WithParameter("memory_budget_bytes", budget)
            .WithParameter("memory_fraction_of_data", memoryFraction);
        var table = new RecordTable("workloads", [
            new Column("workload", ColumnKind.Text), new Column("ops_per_sec", Unit: "ops/s"),
            new Column("p50", Unit: "µs"), new Column("p99", Unit: "µs"),
            new Column("read_cache_hit_rate"), new Column("pending_per_op"),
            new Column("read_bytes_per_op", Unit: "B"), new Column("write_bytes_per_op", Unit: "B"),
        ]);
        try
        {
            var options = new KvStoreOptions { Directory = directory, MemoryBudget = budget };
            using var target = new FrugalTarget(KvStore.Open(options));
            var load = YcsbRunner.Load(target, settings, context.Cancellation);
            result.WithMetric("load_ops_per_sec", load.OpsPerSecond, "ops/s");
            context.ReportProgress(0.25);
            YcsbWorkload[] workloads = [YcsbWorkload.A, YcsbWorkload.B, YcsbWorkload.C];
            for (var i = 0; i < workloads.Length; i++)
            {
                var workload = workloads[i];
                var before = target.Store.Stats();
                var run = YcsbRunner.Run(
                    target, workload, settings, context.Seeds.Child(workload.Name), cancellation: context.Cancellation);
                var after = target.Store.Stats();
                var hits = after.ReadCacheHits - before.ReadCacheHits;
                var pending = after.PendingOperations - before.PendingOperations;
                var hitRate = hits + pending == 0 ? 0 : (double)hits / (hits + pending);
                table.Add(workload.Name, run.OpsPerSecond, run.P50Micros, run.P99Micros, hitRate,
                    (double)pending / Math.Max(1, run.Operations), run.ReadBytesPerOp, run.WriteBytesPerOp);
                result.WithMetric($"ycsb_{workload.Name.ToLowerInvariant()}_ops_per_sec", run.OpsPerSecond, "ops/s");
                context.ReportProgress(0.25 + 0.75 * (i + 1) / workloads.Length);
            }
            var stats = target.Store.Stats();
            var onDisk = (double)stats.OnDiskBytes / Math.Max(1, stats.TailAddress - stats.BeginAddress);
            result.WithMetric("log_on_disk_fraction", onDisk);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        result.Records.Add(table);
        var names = table.Rows.Select(r => (string)r[0]!).ToArray();
        var throughput = table.Numbers("ops_per_sec");
        result.Charts.Add(new Chart(
            "throughput", ChartKind.Bar, "YCSB throughput, memory budget 1/8 of the data", "workload",
            "operations per second",
            [Series.Of("frugal", throughput)])
        { Categories = names });
        result.Summary = $"With {budget >> 20} MiB of memory for {settings.DataBytes >> 20} MiB of data, " +
                         "the store ran " +
                         string.Join(", ", names.Select((n, i) => $"YCSB-{n} at {throughput[i]:N0} ops/s")) + ".";
        return result;
    }
}
