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

    /// <summary>How the store's open files met the page cache at the end of the run, from the kernel's own flags:
    /// "direct", "buffered", or "direct k/n" (<see cref="StoreFiles.Describe"/>).</summary>
    public string Io { get; init; } = "-";

    /// <summary>The memory cgroup's limit on the store's process, page cache included (0: none).</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>The most the store's cgroup held at once, page cache included (0: no cgroup).</summary>
    public long GroupPeakBytes { get; init; }
}

/// <summary>How <c>kv bench</c> bounds a store's process: not at all, or in a memory cgroup (page cache included).
/// </summary>
public enum MemoryLimit
{
    None,
    Cgroup,
}

/// <summary>
/// <c>kv bench</c>: loads each store with N records, then runs each workload for S seconds on
/// T threads, at each memory budget asked for. Every store and budget runs in a process of its
/// own (this executable again, with <c>--in-process</c>), so peak memory and I/O accounting are the store's alone; with
/// <c>--memory-limit cgroup</c> that process runs in a memory cgroup of its budget plus a fixed overhead, page cache
/// included (<see cref="MemoryCgroup"/>). Every run is sampled in 1-second windows (the write-stall check: the worst
/// window against the mean); <c>--plots</c> draws them (compaction rounds marked), and, given several budgets,
/// throughput against the budget.
/// </summary>
public sealed class KvBenchCommand(IAnsiConsole console) : Command<KvBenchCommand.Settings>
{
    public static readonly string[] StoreNames =
        ["frugal", "faster", "faster-rc", "tsavorite", "tsavorite-rc", "rocksdb"];

    /// <summary>
    /// Stores run only when named: our store without record checksums, to measure what they cost beside "frugal".
    /// </summary>
    public static readonly string[] ExtraStoreNames = ["frugal-nocrc"];

    /// <summary>The cgroup's allowance beyond the budget, in MiB: see <see cref="Settings.MemoryOverheadMiB"/>.
    /// </summary>
    private const string DefaultOverheadMiB = "192";

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
        [Description("buffered (default) or direct: each store's own way around the page cache: ours O_DIRECT and " +
                     "io_uring, Tsavorite its O_DIRECT device, RocksDB use_direct_reads and direct flush and " +
                     "compaction; FASTER 2.6.5 has none on Linux and stays buffered (the io column says what each " +
                     "store's files really were). Each run starts with the store's files dropped from the page cache.")]
        public IoMode Io { get; init; } = IoMode.Buffered;

        [CommandOption("--memory-limit <MODE>")]
        [Description("none (default) or cgroup: each store's process in a cgroup v1 memory group limited to its " +
                     "budget plus --memory-overhead, page cache included, so that no store reads its data from " +
                     "memory beyond its budget; each run starts with the store's files dropped from the page cache. " +
                     "Needs a writable memory cgroup (root).")]
        public MemoryLimit MemoryLimit { get; init; } = MemoryLimit.None;

        [CommandOption("--memory-overhead <MIB>")]
        [Description("MiB the cgroup allows beyond the budget: the process's fixed cost (runtime, harness, the " +
                     "store's code), the same for every store (default " + DefaultOverheadMiB + ", measured: see " +
                     "bench/results/storage.md).")]
        public int MemoryOverheadMiB { get; init; } = int.Parse(DefaultOverheadMiB, CultureInfo.InvariantCulture);

        /// <summary>Whether each run starts with the store's files dropped from the page cache.</summary>
        public bool Cold => Io == IoMode.Direct || MemoryLimit == MemoryLimit.Cgroup;

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
            if (MemoryOverheadMiB is < 16 or > 65_536)
                return ValidationResult.Error($"--memory-overhead: {MemoryOverheadMiB} is not in [16, 65536] MiB.");
            if (ValueBytes is < 8 or > 4096)
                return ValidationResult.Error($"--value-bytes: {ValueBytes} is not in [8, 4096].");
            return Theta is < 0 or >= 1 ? ValidationResult.Error($"--theta: {Theta} is not in [0, 1).")
                : ValidationResult.Success();
        }

        public YcsbSettings Ycsb => new(Records, ValueBytes, Threads, TimeSpan.FromSeconds(Seconds), Theta);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        string? groups = null;
        if (settings.MemoryLimit == MemoryLimit.Cgroup && !settings.InProcess)
        {
            (groups, var refusal) = MemoryCgroup.Parent();
            if (refusal is not null) throw new BadInputException($"--memory-limit cgroup: {refusal}.");
        }
        var scratch = settings.Dir ?? Path.Combine(Path.GetTempPath(), "frugal-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var rows = settings.InProcess
                ? RunHere(settings, scratch)
                : settings.Fractions.SelectMany(fraction =>
                    settings.StoreList.SelectMany(store => RunInChild(settings, store, fraction, scratch, groups)))
                    .ToList();
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
        Console.Error.WriteLine($"{store} at 1/{1 / fraction:0.##}: loading {settings.Records:N0} records");
        var load = YcsbRunner.Load(target, ycsb);
        target.AfterLoad();
        var disk = BlockDeviceIo.For(directory);
        var rows = new List<BenchRow>();
        foreach (var workload in settings.Workloads)
        {
            var readsBefore = target.Reads;
            BlockDeviceIo.Flush();
            if (settings.Cold) StoreFiles.DropCache(directory);
            Console.Error.WriteLine($"{store} at 1/{1 / fraction:0.##}: YCSB-{workload.Name}, {settings.Seconds} s");
            var diskBefore = disk?.Bytes();
            var coldBefore = (target as FrugalCountedTarget)?.Stats;
            var run = YcsbRunner.Run(target, workload, ycsb, new SeedTree(settings.Seed).Child(workload.Name),
                ThroughputWindows.Length);
            var io = StoreFiles.Describe(StoreFiles.DirectDescriptors(directory));
            BlockDeviceIo.Flush();
            var diskAfter = disk?.Bytes();
            if (target is FrugalCountedTarget frugal && coldBefore is not null)
                Console.Error.WriteLine(ColdLookupLine(coldBefore, frugal.Stats));
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
                Io = io,
            });
        }
        return rows;
    }

    /// <summary>Our store's cold lookups in a phase and the device reads they made (chunks, records).</summary>
    private static string ColdLookupLine(StoreStats before, StoreStats after)
    {
        var lookups = after.ColdLookups - before.ColdLookups;
        long chunks = after.ColdIndexReads - before.ColdIndexReads, records = after.ColdLogReads - before.ColdLogReads;
        double Each(long reads) => (double)reads / Math.Max(1, lookups);
        return $"  cold lookups {lookups:N0}: {Each(chunks + records):0.000} device reads each " +
               $"({Each(chunks):0.000} chunk, {Each(records):0.000} record)";
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
            "tsavorite" => new TsavoriteTarget(directory, budget, readCache: false, valueBytes, io),
            "tsavorite-rc" => new TsavoriteTarget(directory, budget, readCache: true, valueBytes, io),
            _ => new CountingTarget(new RocksDbTarget(directory, budget, io)),
        };

    /// <summary>
    /// Runs one store at one budget in a process of its own (inside a memory cgroup of budget plus overhead when
    /// asked), then frees its disk. In a cgroup, a store that fails (killed by the kernel over its limit, or out of
    /// managed memory) gives no rows, only a line that says so, and the other stores still run.
    /// </summary>
    private List<BenchRow> RunInChild(
        Settings settings, string store, double fraction, string scratch, string? groups)
    {
        var json = Path.Combine(scratch, $"{store}-{Invariant(fraction)}.json");
        var limit = (long)(settings.Ycsb.DataBytes * fraction) + ((long)settings.MemoryOverheadMiB << 20);
        using var group = groups is null ? null
            : MemoryCgroup.Create(groups, $"frugal-bench-{Environment.ProcessId}-{store}-{Invariant(fraction)}", limit);
        using var child = Process.Start(ChildStart(settings, store, fraction, scratch, json, group))!;
        var hung = !WaitWhileBusy(child, StuckAfter);
        var killed = group?.OomKills ?? 0;
        var peak = group?.PeakBytes ?? 0;
        // A sweep loads every store at every budget: free each one's disk before the next.
        var directory = Path.Combine(scratch, $"{store}-{Invariant(fraction)}");
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        if (child.ExitCode != 0 && group is not null)
        {
            var how = hung ? $"stopped after {StuckAfter.TotalSeconds:0} s without CPU time"
                : killed > 0 ? "killed by the kernel" : $"failed (exit code {child.ExitCode})";
            console.MarkupLine(Markup.Escape(
                $"{store} at 1/{1 / fraction:0.##}: {how} under its memory limit of {limit / 1048576.0:N0} MiB " +
                $"(budget plus {settings.MemoryOverheadMiB} MiB; peak {peak / 1048576.0:N0} MiB); no rows."));
            return [];
        }
        if (hung)
            throw new InvalidOperationException(
                $"the {store} run used no CPU time for {StuckAfter.TotalSeconds:0} s; stopped.");
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the {store} run failed (exit code {child.ExitCode}).");
        return JsonSerializer.Deserialize<List<BenchRow>>(File.ReadAllText(json), ResultJson.Options)!
            .Select(row => row with { MemoryLimitBytes = group is null ? 0 : limit, GroupPeakBytes = peak })
            .ToList();
    }

    /// <summary>
    /// How long a store's process may go without any CPU time before it counts as stuck: a store that is waiting for
    /// an I/O that never completes (FASTER under a tight cgroup did) would otherwise hold the whole bench.
    /// </summary>
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(120);

    /// <summary>Waits for <paramref name="child"/> to exit; false (and the child killed) when it stayed
    /// <paramref name="stuckAfter"/> without CPU time. Even on a machine at load 100 a live process gets some.
    /// </summary>
    internal static bool WaitWhileBusy(Process child, TimeSpan stuckAfter)
    {
        var cpu = TimeSpan.Zero;
        var lastProgress = Stopwatch.StartNew();
        var poll = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, stuckAfter.Ticks / 4));
        while (!child.WaitForExit(poll))
        {
            child.Refresh();
            TimeSpan now;
            try
            {
                now = child.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                continue; // exited between the wait and the look
            }
            if (now != cpu)
            {
                cpu = now;
                lastProgress.Restart();
            }
            else if (lastProgress.Elapsed > stuckAfter)
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// This executable again with <c>--in-process</c>; in a cgroup, started by a shell that joins the group and then
    /// becomes the bench, so every byte of the child, from its first, is counted there.
    /// </summary>
    internal static ProcessStartInfo ChildStart(
        Settings settings, string store, double fraction, string scratch, string json, MemoryCgroup? group)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(group is null ? self : "/bin/sh") { UseShellExecute = false };
        if (group is not null)
        {
            // .NET caps its heap at 75% of a cgroup's limit by default, and the store refuses a budget above that cap;
            // the whole limit is the store's to use. Set in bytes: the runtime ignores a GCHeapHardLimitPercent of 100.
            start.Environment["DOTNET_GCHeapHardLimit"] = group.LimitBytes.ToString("x", CultureInfo.InvariantCulture);
            foreach (var arg in (string[])["-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", group.Path, self])
                start.ArgumentList.Add(arg);
        }
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
            "--memory-limit", $"{settings.MemoryLimit}",
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>The worst window as a percentage of the mean, marked when it is a stall.</summary>
    private static string Worst(double fraction) =>
        double.IsNaN(fraction) ? "-" : $"{fraction:P0}{(ThroughputWindows.Stalled(fraction) ? " stall" : "")}";

    private static string Group(BenchRow r) => r.MemoryLimitBytes == 0 ? "-"
        : $"{r.GroupPeakBytes / 1048576.0:N0}/{r.MemoryLimitBytes / 1048576.0:N0}";

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static Table Table(IEnumerable<BenchRow> rows, bool sweep)
    {
        var table = new Table().AddColumns("store", "workload");
        if (sweep) table.AddColumn("budget");
        table.AddColumns(
            "load Kops/s", "Kops/s", "p50 µs", "p99 µs", "read B/op", "write B/op", "disk read B/op",
            "disk write B/op", "io", "peak MiB", "cgroup peak/limit MiB", "reads found",
            "missing", "lost", "worst 1-s window");
        foreach (var r in rows)
        {
            var cells = new List<string> { r.Store, r.Workload };
            if (sweep) cells.Add($"1/{1 / r.MemoryFraction:0.##}");
            cells.AddRange(
                [$"{r.LoadOpsPerSec / 1e3:N0}", $"{r.OpsPerSec / 1e3:N0}", $"{r.P50Micros:N1}", $"{r.P99Micros:N1}",
                $"{r.ReadBytesPerOp:N1}", $"{r.WriteBytesPerOp:N1}", $"{r.DiskReadBytesPerOp:N1}",
                $"{r.DiskWriteBytesPerOp:N1}", r.Io, $"{r.PeakBytes / 1048576.0:N0}", Group(r),
                $"{r.Reads.Found:N0}", $"{r.Reads.Missing:N0}", $"{r.Reads.Lost:N0}", Worst(r.WorstWindowFraction)]);
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
