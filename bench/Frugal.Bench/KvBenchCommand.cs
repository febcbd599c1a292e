using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Frugal.Bench.Targets;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Storage;
using Frugal.Storage.Workloads;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Bench;

/// <summary>One store's result on one workload, as --json writes it.</summary>
public sealed record BenchRow(string Store, string Workload, double LoadOpsPerSec, double OpsPerSec, double P50Micros, double P99Micros,
    double ReadBytesPerOp, double WriteBytesPerOp, long PeakBytes, long Records, int Threads, double Seconds, long BudgetBytes);

/// <summary>
/// <c>kv bench</c>: loads each store with N records, then runs each workload for S seconds on
/// T threads. Every store runs in a process of its own (this executable again, with
/// <c>--in-process</c>), so peak memory and I/O accounting are the store's alone.
/// </summary>
public sealed class KvBenchCommand(IAnsiConsole console) : Command<KvBenchCommand.Settings>
{
    public static readonly string[] StoreNames = ["frugal", "faster", "faster-rc", "rocksdb"];

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stores <NAMES>")]
        [Description("Comma-separated stores: frugal, faster, faster-rc, rocksdb (default all).")]
        public string Stores { get; init; } = string.Join(',', StoreNames);

        [CommandOption("--workload <NAMES>")]
        [Description("YCSB workload(s), comma-separated: A, B, C, D, F (default A).")]
        public string Workload { get; init; } = "A";

        [CommandOption("--records <N>")]
        [Description("Records loaded before the runs (default 1000000).")]
        public long Records { get; init; } = 1_000_000;

        [CommandOption("--seconds <S>")]
        [Description("Seconds per workload (default 30).")]
        public double Seconds { get; init; } = 30;

        [CommandOption("--threads <T>")]
        [Description("Worker threads (default 2).")]
        public int Threads { get; init; } = 2;

        [CommandOption("--memory-fraction <F>")]
        [Description("Memory budget as a fraction of the data (records × (8 + value bytes)); default 0.125.")]
        public double MemoryFraction { get; init; } = 0.125;

        [CommandOption("--value-bytes <N>")]
        [Description("Value length (default 100; the FASTER peer supports 100 only).")]
        public int ValueBytes { get; init; } = 100;

        [CommandOption("--theta <THETA>")]
        [Description("Zipf constant of the key popularity (default 0.99).")]
        public double Theta { get; init; } = 0.99;

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the key streams (default 42).")]
        public ulong Seed { get; init; } = 42;

        [CommandOption("--dir <DIR>")]
        [Description("Scratch folder for the stores' files (default a temporary folder; removed afterwards).")]
        public string? Dir { get; init; }

        [CommandOption("--json <PATH>")]
        [Description("Also write the rows as a JSON array to PATH.")]
        public string? Json { get; init; }

        [CommandOption("--in-process", IsHidden = true)]
        public bool InProcess { get; init; }

        public string[] StoreList => Stores.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public YcsbWorkload[] Workloads => Workload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(YcsbWorkload.Parse).ToArray();

        public override ValidationResult Validate()
        {
            if (StoreList.Length == 0) return ValidationResult.Error("--stores: name at least one store.");
            if (StoreList.FirstOrDefault(s => !StoreNames.Contains(s)) is { } unknown)
                return ValidationResult.Error($"--stores: unknown store '{unknown}'; choose from {string.Join(", ", StoreNames)}.");
            try
            {
                if (Workloads.Length == 0) return ValidationResult.Error("--workload: name at least one of A, B, C, D, F.");
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error($"--workload: {e.Message}");
            }
            if (Records < 1) return ValidationResult.Error($"--records: {Records} must be at least 1.");
            if (Seconds is <= 0 or > 86_400) return ValidationResult.Error($"--seconds: {Seconds} is not in (0, 86400].");
            if (Threads is < 1 or > 64) return ValidationResult.Error($"--threads: {Threads} is not in [1, 64].");
            if (MemoryFraction is <= 0 or > 4) return ValidationResult.Error($"--memory-fraction: {MemoryFraction} is not in (0, 4].");
            if (ValueBytes is < 8 or > 4096) return ValidationResult.Error($"--value-bytes: {ValueBytes} is not in [8, 4096].");
            return Theta is < 0 or >= 1 ? ValidationResult.Error($"--theta: {Theta} is not in [0, 1).") : ValidationResult.Success();
        }

        public YcsbSettings Ycsb => new(Records, ValueBytes, Threads, TimeSpan.FromSeconds(Seconds), Theta);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var scratch = settings.Dir ?? Path.Combine(Path.GetTempPath(), "frugal-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var rows = settings.InProcess
                ? RunHere(settings, scratch)
                : settings.StoreList.SelectMany(store => RunInChild(settings, store, scratch)).ToList();
            if (settings.Json is not null) AtomicFile.WriteAllText(settings.Json, JsonSerializer.Serialize(rows, JsonOptions));
            if (!settings.InProcess) console.Write(Table(rows));
            return 0;
        }
        finally
        {
            if (settings.Dir is null) Directory.Delete(scratch, recursive: true);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    private static List<BenchRow> RunHere(Settings settings, string scratch)
    {
        var store = settings.StoreList.Single();
        var ycsb = settings.Ycsb;
        var budget = new StoreBudget((long)(ycsb.DataBytes * settings.MemoryFraction));
        var directory = Path.Combine(scratch, store);
        Directory.CreateDirectory(directory);
        using var target = Open(store, directory, budget, settings.ValueBytes);
        var load = YcsbRunner.Load(target, ycsb);
        target.AfterLoad();
        var rows = new List<BenchRow>();
        foreach (var workload in settings.Workloads)
        {
            var run = YcsbRunner.Run(target, workload, ycsb, new SeedTree(settings.Seed).Child(workload.Name));
            rows.Add(new BenchRow(store, workload.Name, load.OpsPerSecond, run.OpsPerSecond, run.P50Micros, run.P99Micros,
                run.ReadBytesPerOp, run.WriteBytesPerOp, Process.GetCurrentProcess().PeakWorkingSet64, settings.Records, settings.Threads, settings.Seconds, budget.Bytes));
        }
        return rows;
    }

    private static IKvTarget Open(string store, string directory, StoreBudget budget, int valueBytes) => store switch
    {
        "frugal" => new FrugalTarget(KvStore.Open(new KvStoreOptions
        {
            Directory = directory,
            MemoryBudget = budget.Bytes,
            IndexBytes = budget.Half,
            ReadCacheBytes = budget.Quarter,
        })),
        "faster" => new FasterTarget(directory, budget, readCache: false, valueBytes),
        "faster-rc" => new FasterTarget(directory, budget, readCache: true, valueBytes),
        _ => new RocksDbTarget(directory, budget),
    };

    private static List<BenchRow> RunInChild(Settings settings, string store, string scratch)
    {
        var json = Path.Combine(scratch, store + ".json");
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(KvBenchCommand).Assembly.Location);
        string[] args =
        [
            "kv", "bench", "--in-process", "--stores", store, "--workload", settings.Workload,
            "--records", Invariant(settings.Records), "--seconds", Invariant(settings.Seconds), "--threads", Invariant(settings.Threads),
            "--memory-fraction", Invariant(settings.MemoryFraction), "--value-bytes", Invariant(settings.ValueBytes), "--theta", Invariant(settings.Theta),
            "--seed", Invariant(settings.Seed), "--dir", scratch, "--json", json,
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"the {store} run failed (exit code {child.ExitCode}).");
        return JsonSerializer.Deserialize<List<BenchRow>>(File.ReadAllText(json), JsonOptions)!;
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static Table Table(IEnumerable<BenchRow> rows)
    {
        var table = new Table().AddColumns("store", "workload", "load Kops/s", "Kops/s", "p50 µs", "p99 µs", "read B/op", "write B/op", "peak MiB");
        foreach (var r in rows)
            table.AddRow(r.Store, r.Workload, $"{r.LoadOpsPerSec / 1e3:N0}", $"{r.OpsPerSec / 1e3:N0}", $"{r.P50Micros:N1}", $"{r.P99Micros:N1}",
                $"{r.ReadBytesPerOp:N1}", $"{r.WriteBytesPerOp:N1}", $"{r.PeakBytes / 1048576.0:N0}");
        return table;
    }
}
