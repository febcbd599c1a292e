using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Frugal.Bench.Targets;
using Frugal.Core.Errors;
using Frugal.Core.IO;
using Frugal.Core.Randomness;
using Frugal.Core.Results;
using Frugal.Storage;
using Frugal.Workloads.Ycsb;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Bench;

/// <summary>
/// One store's result on one workload at one memory budget, as --json writes it; the timeline when --plots asked for
/// one.
/// </summary>
public sealed record BenchRow(string Store, string Workload, double LoadOpsPerSec, double OpsPerSec, double P50Micros,
    double P99Micros,
    double ReadBytesPerOp, double WriteBytesPerOp, long PeakBytes, long Records, int Threads, double Seconds,
        long BudgetBytes)
{
    public double MemoryFraction { get; init; }

    /// <summary>Throughput in each 1-second window of the run (<see cref="ThroughputWindows"/>).</summary>
    public IReadOnlyList<TimelinePoint>? Timeline { get; init; }

    /// <summary>The worst window's throughput as a fraction of the run's mean (below 0.3: a stall).</summary>
    public double WorstWindowFraction { get; init; } = double.NaN;

    /// <summary>The run's reads, counted by outcome after they completed.</summary>
    public ReadCounts Reads { get; init; }

    /// <summary>Bytes per operation the disk holding the data read, from the block layer (NaN: no block
    /// device).</summary>
    public double DiskReadBytesPerOp { get; init; } = double.NaN;

    /// <summary>Bytes per operation written to that disk, the run's dirty pages flushed at its end.</summary>
    public double DiskWriteBytesPerOp { get; init; } = double.NaN;
}

/// <summary>
/// <c>kv bench</c>: loads each store with N records, then runs each workload for S seconds on
/// T threads, at each memory budget asked for. Every store and budget runs in a process of its
/// own (this executable again, with <c>--in-process</c>), so peak memory and I/O accounting are
/// the store's alone. Every run is sampled in 1-second windows (the write-stall check: the worst
/// window against the mean); <c>--plots</c> draws them (compaction rounds marked), and, given
/// several budgets, throughput against the budget.
/// </summary>
public sealed class KvBenchCommand(IAnsiConsole console) : Command<KvBenchCommand.Settings>
{
    public static readonly string[] StoreNames =
        ["frugal", "faster", "faster-rc", "tsavorite", "tsavorite-rc", "rocksdb"];

    /// <summary>
    /// Stores run only when named: our store without record checksums, to measure what they cost beside "frugal".
    /// </summary>
    public static readonly string[] ExtraStoreNames = ["frugal-nocrc"];

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stores <NAMES>")]
        [Description("Comma-separated stores: frugal, faster, faster-rc, tsavorite, tsavorite-rc, rocksdb (default " +
                     "these six; -rc: with the store's read cache), frugal-nocrc (ours without record checksums).")]
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
        [Description(
            "Memory budget(s) as a fraction of the data (records × (8 + value bytes)), comma-separated (a sweep); " +
            "default 0.125.")]
        public string MemoryFraction { get; init; } = "0.125";

        [CommandOption("--plots <DIR>")]
        [Description(
            "Write PNG plots to DIR: throughput per 1-second window per workload (compaction rounds marked), each " +
            "window against the run's mean with the 30% stall line, and throughput against the budget when there " +
            "are several.")]
        public string? Plots { get; init; }

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
        [Description(
            "Scratch folder for the stores' files (default a temporary folder); each store's folder is removed after " +
            "its run.")]
        public string? Dir { get; init; }

        [CommandOption("--json <PATH>")]
        [Description("Also write the rows as a JSON array to PATH.")]
        public string? Json { get; init; }

        [CommandOption("--io <MODE>")]
        [Description("buffered (default) or direct: our store's logs opened with O_DIRECT, reads through io_uring, " +
                     "so they reach the disk (the peers' own direct modes are not wired here yet).")]
        public IoMode Io { get; init; } = IoMode.Buffered;

        [CommandOption("--in-process", IsHidden = true)]
        public bool InProcess { get; init; }

        public string[] StoreList =>
            Stores.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public double[] Fractions =>
            MemoryFraction.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f =>
                double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
                .ToArray();

        public YcsbWorkload[] Workloads =>
            Workload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(YcsbWorkload.Parse).ToArray();

        public override ValidationResult Validate()
        {
            if (StoreList.Length == 0) return ValidationResult.Error("--stores: name at least one store.");
            if (StoreList.FirstOrDefault(s => !StoreNames.Contains(s) && !ExtraStoreNames.Contains(s)) is { } unknown)
                return ValidationResult.Error(
                    $"--stores: unknown store '{unknown}'; " +
                    $"choose from {string.Join(", ", StoreNames.Concat(ExtraStoreNames))}.");
            try
            {
                if (Workloads.Length == 0)
                    return ValidationResult.Error("--workload: name at least one of A, B, C, D, F.");
            }
            catch (UnknownNameException e)
            {
                return ValidationResult.Error($"--workload: {e.Message}.");
            }
            if (Records < 1) return ValidationResult.Error($"--records: {Records} must be at least 1.");
            if (Seconds is <= 0 or > 86_400)
                return ValidationResult.Error($"--seconds: {Seconds} is not in (0, 86400].");
            if (Threads is < 1 or > 64) return ValidationResult.Error($"--threads: {Threads} is not in [1, 64].");
            if (Fractions.Length == 0 || Fractions.Any(f => f is not (> 0 and <= 4)))
                return ValidationResult.Error(
                    $"--memory-fraction: '{MemoryFraction}': each fraction must be a number in (0, 4].");
            if (InProcess && Fractions.Length != 1)
                return ValidationResult.Error("--memory-fraction: one fraction per process.");
            if (ValueBytes is < 8 or > 4096)
                return ValidationResult.Error($"--value-bytes: {ValueBytes} is not in [8, 4096].");
            return Theta is < 0 or >= 1 ? ValidationResult.Error($"--theta: {Theta} is not in [0, 1).")
                : ValidationResult.Success();
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
                : settings.Fractions.SelectMany(fraction =>
                    settings.StoreList.SelectMany(store => RunInChild(settings, store, fraction, scratch))).ToList();
            if (settings.Json is not null) AtomicFile.WriteAllText(settings.Json,
                JsonSerializer.Serialize(rows, ResultJson.Options));
            if (settings.InProcess) return 0;
            console.Write(Table(rows, settings.Fractions.Length > 1));
            if (settings.Plots is not null)
                foreach (var path in BenchPlots.Write(settings.Plots, rows)) console.MarkupLine(
                    $"wrote {Markup.Escape(path)}");
            return 0;
        }
        finally
        {
            if (settings.Dir is null) Directory.Delete(scratch, recursive: true);
        }
    }

    private static List<BenchRow> RunHere(Settings settings, string scratch)
    {
        var store = settings.StoreList.Single();
        var ycsb = settings.Ycsb;
        var fraction = settings.Fractions.Single();
        var budget = new StoreBudget((long)(ycsb.DataBytes * fraction));
        var directory = Path.Combine(scratch, $"{store}-{Invariant(fraction)}");
        Directory.CreateDirectory(directory);
        using var target = Open(store, directory, budget, settings.ValueBytes, settings.Io);
        var load = YcsbRunner.Load(target, ycsb);
        target.AfterLoad();
        var disk = BlockDeviceIo.For(directory);
        var rows = new List<BenchRow>();
        foreach (var workload in settings.Workloads)
        {
            var readsBefore = target.Reads;
            BlockDeviceIo.Flush();
            var diskBefore = disk?.Bytes();
            var run = YcsbRunner.Run(target, workload, ycsb, new SeedTree(settings.Seed).Child(workload.Name),
                ThroughputWindows.Length);
            BlockDeviceIo.Flush();
            var diskAfter = disk?.Bytes();
            rows.Add(new BenchRow(store, workload.Name, load.OpsPerSecond, run.OpsPerSecond, run.P50Micros,
                run.P99Micros,
                run.ReadBytesPerOp, run.WriteBytesPerOp, Process.GetCurrentProcess().PeakWorkingSet64,
                    settings.Records, settings.Threads, settings.Seconds, budget.Bytes)
            {
                MemoryFraction = fraction,
                Timeline = run.Timeline,
                WorstWindowFraction = ThroughputWindows.WorstFraction(run.Timeline, run.OpsPerSecond),
                Reads = target.Reads - readsBefore,
                DiskReadBytesPerOp = PerOperation(diskAfter?.Read - diskBefore?.Read, run.Operations),
                DiskWriteBytesPerOp = PerOperation(diskAfter?.Written - diskBefore?.Written, run.Operations),
            });
        }
        return rows;
    }

    private static double PerOperation(long? bytes, long operations) =>
        bytes is { } b && operations > 0 ? (double)b / operations : double.NaN;

    /// <summary>The store named <paramref name="store"/> (one of the store names), its reads counted.</summary>
    internal static ICountedTarget Open(
        string store, string directory, StoreBudget budget, int valueBytes, IoMode io = IoMode.Buffered) =>
        store switch
        {
            // F2 splits its one budget itself (hot index and log, read cache, cold tier): see docs/storage.md.
            "frugal" => new FrugalCountedTarget(new FrugalTarget(
                KvStore.Open(new KvStoreOptions { Directory = directory, MemoryBudget = budget.Bytes, Io = io }))),
            "frugal-nocrc" => new FrugalCountedTarget(new FrugalTarget(KvStore.Open(new KvStoreOptions
            { Directory = directory, MemoryBudget = budget.Bytes, Checksums = false, Io = io }))),
            "faster" => new FasterTarget(directory, budget, readCache: false, valueBytes),
            "faster-rc" => new FasterTarget(directory, budget, readCache: true, valueBytes),
            "tsavorite" => new TsavoriteTarget(directory, budget, readCache: false, valueBytes),
            "tsavorite-rc" => new TsavoriteTarget(directory, budget, readCache: true, valueBytes),
            _ => new CountingTarget(new RocksDbTarget(directory, budget)),
        };

    private static List<BenchRow> RunInChild(Settings settings, string store, double fraction, string scratch)
    {
        var json = Path.Combine(scratch, $"{store}-{Invariant(fraction)}.json");
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(KvBenchCommand).Assembly.Location);
        string[] args =
        [
            "kv", "bench", "--in-process", "--stores", store, "--workload", settings.Workload,
            "--records", Invariant(settings.Records), "--seconds", Invariant(settings.Seconds), "--threads",
                Invariant(settings.Threads),
            "--memory-fraction", Invariant(fraction), "--value-bytes", Invariant(settings.ValueBytes), "--theta",
                Invariant(settings.Theta),
            "--seed", Invariant(settings.Seed), "--dir", scratch, "--json", json, "--io", $"{settings.Io}",
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the {store} run failed (exit code {child.ExitCode}).");
        // A sweep loads every store at every budget: free each one's disk before the next.
        var directory = Path.Combine(scratch, $"{store}-{Invariant(fraction)}");
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        return JsonSerializer.Deserialize<List<BenchRow>>(File.ReadAllText(json), ResultJson.Options)!;
    }

    /// <summary>The worst window as a percentage of the mean, marked when it is a stall.</summary>
    private static string Worst(double fraction) =>
        double.IsNaN(fraction) ? "-" : $"{fraction:P0}{(ThroughputWindows.Stalled(fraction) ? " stall" : "")}";

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static Table Table(IEnumerable<BenchRow> rows, bool sweep)
    {
        var table = new Table().AddColumns("store", "workload");
        if (sweep) table.AddColumn("budget");
        table.AddColumns(
            "load Kops/s", "Kops/s", "p50 µs", "p99 µs", "read B/op", "write B/op", "disk read B/op",
            "disk write B/op", "peak MiB", "reads found",
            "missing", "lost", "worst 1-s window");
        foreach (var r in rows)
        {
            var cells = new List<string> { r.Store, r.Workload };
            if (sweep) cells.Add($"1/{1 / r.MemoryFraction:0.##}");
            cells.AddRange(
                [$"{r.LoadOpsPerSec / 1e3:N0}", $"{r.OpsPerSec / 1e3:N0}", $"{r.P50Micros:N1}", $"{r.P99Micros:N1}",
                $"{r.ReadBytesPerOp:N1}", $"{r.WriteBytesPerOp:N1}", $"{r.DiskReadBytesPerOp:N1}",
                $"{r.DiskWriteBytesPerOp:N1}", $"{r.PeakBytes / 1048576.0:N0}",
                $"{r.Reads.Found:N0}", $"{r.Reads.Missing:N0}", $"{r.Reads.Lost:N0}", Worst(r.WorstWindowFraction)]);
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
