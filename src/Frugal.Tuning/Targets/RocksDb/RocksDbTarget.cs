using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Tuning.Spaces;
using Frugal.Workloads.Ycsb;
using RocksDbSharp;

namespace Frugal.Tuning.Targets.RocksDb;

/// <summary>
/// RocksDB (the NuGet binding, 11.12) as a tuning target: 62 options with their documented ranges and special
/// values (<c>rocksdb.json</c>), a YCSB load driven inside the process, trials of a few seconds in a temporary folder.
/// Applying a configuration opens a fresh database with it, loads <c>--scale</c> thousand records of 1,000 bytes (the
/// YCSB record: ten fields of 100 bytes), settles it (flushed, compacted, no background job left: see
/// <see cref="RocksDbStore.Settle"/>) and runs a warm-up; each measured run settles the database again and is then a
/// YCSB run of the workload. A
/// configuration RocksDB refuses (its options parser or its open checks) is a failed trial naming RocksDB's message,
/// the knob and the value; the previous database, opened with the last good configuration, stays open and current.
/// </summary>
internal sealed class RocksDbTarget : ITuningTarget
{
    private const string SpaceResource = "Frugal.Tuning.Targets.RocksDb.rocksdb.json";
    private const int ValueBytes = 1000;

    private readonly YcsbWorkload _workload;
    private readonly YcsbSettings _settings;
    private readonly TimeSpan _warmup;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly SeedTree _seeds;
    private readonly IReadOnlyDictionary<string, object> _defaults;
    private int _trial;
    private int _runs;
    private (RocksDbStore Store, string Directory, SeedTree Seeds)? _current;

    /// <param name="options">Workload: a YCSB letter (A, B, C, D, F; default A); Duration 2 s; Warmup 1 s; Clients 2
    /// (1–16 threads); Scale: thousands of records (default 100).</param>
    /// <param name="seeds">Where the workload's key choices come from.</param>
    /// <exception cref="BadInputException">A setting the target cannot honour, named.</exception>
    public RocksDbTarget(TargetOptions options, SeedTree seeds)
    {
        var run = YcsbRunOptions.From(options, "rocksdb", duration: 2, warmup: 1);
        if (options.Clients is < 1 or > 16)
            throw YcsbRunOptions.OutOfRange("rocksdb", TargetOptions.ClientsSetting, options.Clients, "[1, 16]");
        _workload = run.Workload;
        _settings = new YcsbSettings(run.Records, ValueBytes, options.Clients ?? 2, run.Duration);
        _warmup = run.Warmup;
        _ownsDirectory = options.WorkingDirectory is null;
        _directory = options.WorkingDirectory
            ?? Path.Combine(Path.GetTempPath(), $"frugal-rocksdb-tune-{Guid.NewGuid():N}");
        _seeds = seeds;
        _defaults = Space(options.Host).DefaultConfiguration();
    }

    /// <summary>
    /// The RocksDB knob space, embedded in the assembly; its host-bound ranges follow <paramref name="host"/> (default:
    /// this machine).
    /// </summary>
    public static SearchSpace Space(HostResources? host = null) =>
        SpaceFile.FromResource(typeof(RocksDbTarget).Assembly, SpaceResource, host);

    public string Name => "rocksdb";

    public TargetObjective Objective { get; } = new("ops_per_sec", Maximize: true,
        ["ops_per_sec", "p50_us", "p99_us", CpuPerOperation], Throughput: "ops_per_sec",
        Latencies: ["p50_us", "p99_us"]);

    /// <summary>
    /// The process's processor time per operation of a run, in microseconds: every thread's (the clients', RocksDB's
    /// flushes and compactions, the runtime's). Other processes on the machine change it less than they change a run's
    /// throughput (they take the processors away; they share the caches), so its noise shows more of what the target
    /// itself varies (<c>tune noise --metric</c>).
    /// </summary>
    public const string CpuPerOperation = "cpu_us_per_op";

    /// <summary>The folder of the database currently open (null before the first good configuration).</summary>
    public string? CurrentDirectory => _current?.Directory;

    public string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        var trial = _trial++;
        var directory = Path.Combine(_directory, $"trial-{trial}");
        var (store, refused) = Open(configuration, directory);
        if (store is null) return Refusal(configuration, refused!);
        var seeds = _seeds.Child($"trial-{trial}");
        try
        {
            store.Loading = true;
            YcsbRunner.Load(store, _settings, cancellation);
            store.Loading = false;
            store.Settle(cancellation);
            if (_warmup > TimeSpan.Zero)
                YcsbRunner.Run(store, _workload, _settings with { Duration = _warmup }, seeds.Child("warmup"),
                    cancellation: cancellation);
        }
        catch (RocksDbException e)
        {
            Close(store, directory);
            return $"RocksDB failed under the configuration: {OneLine(e.Message)}";
        }
        catch
        {
            Close(store, directory);
            throw;
        }
        if (_current is { } previous) Close(previous.Store, previous.Directory);
        _current = (store, directory, seeds);
        _runs = 0;
        return null;
    }

    public TrialMeasurement Measure(CancellationToken cancellation)
    {
        var (store, _, seeds) = _current ?? throw new InvalidOperationException("no configuration applied yet");
        try
        {
            // Every run starts from the same settled tree, so the runs of a trial are replicates rather than steps of
            // a drift towards the compaction steady state (docs/tuning.md, "A trial is settled").
            store.Settle(cancellation);
            var cpu = ProcessorTime();
            var run = YcsbRunner.Run(store, _workload, _settings, seeds.Child($"run-{_runs++}"),
                cancellation: cancellation);
            return TrialMeasurement.Succeeded(new Dictionary<string, double>
            {
                ["ops_per_sec"] = run.OpsPerSecond,
                ["p50_us"] = run.P50Micros,
                ["p99_us"] = run.P99Micros,
                [CpuPerOperation] = (ProcessorTime() - cpu).TotalMicroseconds / Math.Max(1, run.Operations),
            });
        }
        catch (RocksDbException e)
        {
            return TrialMeasurement.FailedWith($"RocksDB failed during the run: {OneLine(e.Message)}");
        }
    }

    /// <summary>
    /// Opens a database with <paramref name="configuration"/>, or gives RocksDB's message refusing it.
    /// </summary>
    private static (RocksDbStore? Store, string? Error) Open(IReadOnlyDictionary<string, object> configuration,
        string directory)
    {
        var (options, error) = RocksDbOptions.Parse(configuration);
        if (options is null) return (null, error);
        Directory.CreateDirectory(directory);
        try
        {
            return (RocksDbStore.Open(options, directory), null);
        }
        catch (RocksDbException e)
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return (null, e.Message);
        }
    }

    /// <summary>
    /// The failure of a refused configuration: RocksDB's message, and the knob and value at fault — the first changed
    /// knob that RocksDB refuses on its own (on top of the defaults), or all changed knobs together when none does.
    /// </summary>
    private string Refusal(IReadOnlyDictionary<string, object> configuration, string message)
    {
        var changed = configuration.Keys
            .Where(k => !_defaults.TryGetValue(k, out var d) || !Equals(d, configuration[k])).ToArray();
        var culprit = changed.FirstOrDefault(knob =>
        {
            var alone = _defaults.Where(d => configuration.ContainsKey(d.Key))
                .ToDictionary(d => d.Key, d => d.Value);
            alone[knob] = configuration[knob];
            var probe = Path.Combine(_directory, $"probe-{Guid.NewGuid():N}");
            var (store, _) = Open(alone, probe);
            if (store is null) return true;
            Close(store, probe);
            return false;
        });
        var at = culprit is null ? "a combination of the changed knobs"
            : $"knob {culprit} = {RocksDbOptions.Format(configuration[culprit])}";
        return $"RocksDB refused the configuration ({at}): {OneLine(message)}; the last good configuration stays";
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static void Close(RocksDbStore store, string directory)
    {
        store.Dispose();
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    public void Dispose()
    {
        if (_current is { } current) Close(current.Store, current.Directory);
        _current = null;
        if (_ownsDirectory && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
