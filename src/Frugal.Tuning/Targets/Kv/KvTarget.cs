using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Storage;
using Frugal.Tuning.Spaces;
using Frugal.Workloads.Ycsb;

namespace Frugal.Tuning.Targets.Kv;

/// <summary>
/// Our own key-value store (Frugal.Storage) as a tuning target, needing nothing installed: each trial opens a fresh
/// store
/// in a temporary folder with the configuration's memory split, loads <c>--scale</c> thousand records, runs a short
/// YCSB workload after a warm-up, and reports throughput (<c>ops_per_sec</c>, maximised) and p50/p99 latency. The total
/// memory budget is fixed at half the data size, so how it is split between index, log and read cache decides how much
/// I/O the run does. A split the store refuses (a log of fewer than four pages) is a failed trial.
/// </summary>
internal sealed class KvTarget : ITuningTarget
{
    private const string SpaceResource = "Frugal.Tuning.Targets.Kv.kv.json";
    private const int ValueBytes = 100;

    private readonly YcsbWorkload _workload;
    private readonly long _records;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _warmup;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly SeedTree _seeds;
    private int _trial;
    private int _runs;
    private (FrugalTarget Store, string Directory, YcsbSettings Settings, SeedTree Seeds)? _open;

    /// <param name="options">Workload: a YCSB letter (A, B, C, D, F; default A); Duration 1 s; Warmup 0.3 s;
    /// Scale: thousands of records (default 100).</param>
    /// <param name="seeds">Where the workload's key choices come from.</param>
    /// <exception cref="BadInputException">A setting the kv target cannot honour; its
    /// <see cref="BadInputException.Setting"/> is the <see cref="TargetOptions"/> setting's name.</exception>
    public KvTarget(TargetOptions options, SeedTree seeds)
    {
        if (options.Clients is not null)
            throw new BadInputException(
                "the kv target has no clients setting: its thread count is a knob (threads) in its space",
                TargetOptions.ClientsSetting);
        var run = YcsbRunOptions.From(options, "kv", duration: 1, warmup: 0.3);
        (_workload, _records, _duration, _warmup) = (run.Workload, run.Records, run.Duration, run.Warmup);
        _ownsDirectory = options.WorkingDirectory is null;
        _directory = options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), $"frugal-kv-tune-{Guid.NewGuid():N}");
        _seeds = seeds;
    }

    /// <summary>The kv target's knobs, embedded in the assembly.</summary>
    public static SearchSpace Space() => SpaceFile.FromResource(typeof(KvTarget).Assembly, SpaceResource);

    public string Name => "kv";

    public TargetObjective Objective { get; } = new("ops_per_sec", Maximize: true, ["ops_per_sec", "p50_us", "p99_us"],
        Throughput: "ops_per_sec", Latencies: ["p50_us", "p99_us"]);

    /// <summary>The fixed memory budget every configuration splits: half the data.</summary>
    public long MemoryBudget => new YcsbSettings(_records, ValueBytes, 1, _duration).DataBytes / 2;

    public string? Apply(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
        CloseTrial();
        var trial = _trial++;
        var directory = Path.Combine(_directory, $"trial-{trial}");
        var threads = (int)(long)configuration["threads"];
        var budget = MemoryBudget;
        var options = new KvStoreOptions
        {
            Directory = directory,
            MemoryBudget = budget,
            IndexBytes = (long)(budget * (double)configuration["index_fraction"]),
            ReadCacheBytes = (long)(budget * (double)configuration["read_cache_fraction"]),
            PageSizeBits = (int)(long)configuration["page_size_bits"],
            MutableFraction = (double)configuration["mutable_fraction"],
            SecondChanceFraction = (double)configuration["second_chance_fraction"],
        };
        FrugalTarget store;
        try
        {
            store = new FrugalTarget(KvStore.Open(options));
        }
        catch (Exception e) when (e is BadInputException or StorageException)
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return $"the store did not start: {e.Message.ReplaceLineEndings(" ")}";
        }
        _open = (store, directory, new YcsbSettings(_records, ValueBytes, threads, _duration),
            _seeds.Child($"trial-{trial}"));
        YcsbRunner.Load(store, _open.Value.Settings, cancellation);
        if (_warmup > TimeSpan.Zero)
            YcsbRunner.Run(store, _workload, _open.Value.Settings with { Duration = _warmup },
                _open.Value.Seeds.Child("warmup"), cancellation: cancellation);
        return null;
    }

    public TrialMeasurement Measure(CancellationToken cancellation)
    {
        var (store, _, settings, seeds) = _open ?? throw new InvalidOperationException("no configuration applied");
        var run = YcsbRunner.Run(store, _workload, settings, seeds.Child($"run-{_runs++}"),
            cancellation: cancellation);
        return TrialMeasurement.Succeeded(new Dictionary<string, double>
        {
            ["ops_per_sec"] = run.OpsPerSecond,
            ["p50_us"] = run.P50Micros,
            ["p99_us"] = run.P99Micros,
        });
    }

    /// <summary>Closes the store of the previous trial and deletes its folder (each trial starts empty).</summary>
    private void CloseTrial()
    {
        if (_open is not { } open) return;
        open.Store.Dispose();
        if (Directory.Exists(open.Directory)) Directory.Delete(open.Directory, recursive: true);
        _open = null;
        _runs = 0;
    }

    public void Dispose()
    {
        CloseTrial();
        if (_ownsDirectory && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
