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
    private readonly int _repeats;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly SeedTree _seeds;
    private int _trial;

    /// <param name="options">Workload: a YCSB letter (A, B, C, D, F; default A); Duration 1 s; Warmup 0.3 s; Repeats 1;
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
        try
        {
            _workload = YcsbWorkload.Parse(options.Workload ?? "A");
        }
        catch (UnknownNameException e)
        {
            // The catalogue's message lists the workloads; the setting it names is the target's own.
            throw new BadInputException(e.Message, TargetOptions.WorkloadSetting, e);
        }
        // Written as !(inside) so that NaN, which fails every comparison, is refused too.
        if (options.DurationSeconds is { } duration && !(duration > 0 && duration <= 3600))
            throw OutOfRange(TargetOptions.DurationSetting, duration, "(0, 3600] seconds");
        if (options.WarmupSeconds is { } warmup && !(warmup >= 0 && warmup <= 3600))
            throw OutOfRange(TargetOptions.WarmupSetting, warmup, "[0, 3600] seconds");
        if (options.Repeats is < 1 or > 100)
            throw OutOfRange(TargetOptions.RepeatsSetting, options.Repeats, "[1, 100]");
        if (options.Scale is < 1 or > 100_000)
            throw OutOfRange(TargetOptions.ScaleSetting, options.Scale, "[1, 100000] thousand records");
        _records = (options.Scale ?? 100) * 1000L;
        _duration = TimeSpan.FromSeconds(options.DurationSeconds ?? 1);
        _warmup = TimeSpan.FromSeconds(options.WarmupSeconds ?? 0.3);
        _repeats = options.Repeats ?? 1;
        _ownsDirectory = options.WorkingDirectory is null;
        _directory = options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), $"frugal-kv-tune-{Guid.NewGuid():N}");
        _seeds = seeds;
    }

    private static BadInputException OutOfRange(string setting, object? value, string range) =>
        new(FormattableString.Invariant($"{setting} {value} is not in {range} for the kv target"), setting);

    /// <summary>The kv target's knobs, embedded in the assembly.</summary>
    public static SearchSpace Space() => SpaceFile.FromResource(typeof(KvTarget).Assembly, SpaceResource);

    public string Name => "kv";

    public TargetObjective Objective { get; } = new("ops_per_sec", Maximize: true, ["ops_per_sec", "p50_us", "p99_us"]);

    /// <summary>The fixed memory budget every configuration splits: half the data.</summary>
    public long MemoryBudget => new YcsbSettings(_records, ValueBytes, 1, _duration).DataBytes / 2;

    public TrialMeasurement Evaluate(IReadOnlyDictionary<string, object> configuration, CancellationToken cancellation)
    {
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
        try
        {
            FrugalTarget store;
            try
            {
                store = new FrugalTarget(KvStore.Open(options));
            }
            catch (Exception e) when (e is BadInputException or StorageException)
            {
                return TrialMeasurement.FailedWith($"the store did not start: {e.Message.ReplaceLineEndings(" ")}");
            }
            using (store)
            {
                var settings = new YcsbSettings(_records, ValueBytes, threads, _duration);
                YcsbRunner.Load(store, settings, cancellation);
                var seeds = _seeds.Child($"trial-{trial}");
                if (_warmup > TimeSpan.Zero)
                    YcsbRunner.Run(store, _workload, settings with { Duration = _warmup }, seeds.Child("warmup"),
                        cancellation: cancellation);
                var runs = Enumerable.Range(0, _repeats)
                    .Select(r =>
                        YcsbRunner.Run(store, _workload, settings, seeds.Child($"run-{r}"), cancellation: cancellation))
                    .OrderBy(r => r.OpsPerSecond).ToArray();
                var median = runs[runs.Length / 2];
                return TrialMeasurement.Succeeded(new Dictionary<string, double>
                {
                    ["ops_per_sec"] = median.OpsPerSecond,
                    ["p50_us"] = median.P50Micros,
                    ["p99_us"] = median.P99Micros,
                });
            }
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    public void Dispose()
    {
        if (_ownsDirectory && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
