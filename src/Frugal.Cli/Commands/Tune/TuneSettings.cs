using System.ComponentModel;
using Frugal.Tuning.Adapters;
using Frugal.Tuning.Loop;
using Frugal.Tuning.Optimizers;
using Frugal.Tuning.Spaces;
using Frugal.Tuning.Targets;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Frugal.Cli.Commands.Tune;

/// <summary>What every tuning command takes: the target, its knob space and its workload settings.</summary>
internal class TargetSettings : GlobalSettings
{
    // The tuning library names the setting at fault in its errors; these are the options that set them.
    private static readonly Dictionary<string, string> OptionsBySetting = new()
    {
        [TargetCatalog.Targets.Kind] = "--target",
        [SearchSpace.Setting] = "--space",
        [TargetOptions.WorkloadSetting] = "--workload",
        [TargetOptions.DurationSetting] = "--duration",
        [TargetOptions.WarmupSetting] = "--warmup",
        [MeasurementProtocol.RepeatsSetting] = "--repeats",
        [MeasurementProtocol.RemeasureSetting] = "--remeasure-every",
        [MeasurementProtocol.VerifySetting] = "--verify-rounds",
        [TargetObjective.Setting] = "--objective",
        [TargetOptions.ClientsSetting] = "--clients",
        [TargetOptions.ScaleSetting] = "--scale",
    };

    [CommandOption("--target <NAME>")]
    [Description("The system tuned (see 'tune targets'; default synthetic).")]
    [DefaultValue("synthetic")]
    public string Target { get; init; } = "synthetic";

    [CommandOption("--space <FILE>")]
    [Description("Knob space as JSON (docs/tuning.md); default: the target's own space.")]
    public string? Space { get; init; }

    [CommandOption("--workload <NAME>")]
    [Description(
        "postgres: tpcb, select, ycsb-a or ycsb-b; kv, rocksdb: a YCSB letter (A, B, C, D, F); synthetic: a " +
        "function (sparse-D, noisy-D).")]
    public string? Workload { get; init; }

    [CommandOption("--duration <SECONDS>")]
    [Description("Length of one measured run.")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    public double? Duration { get; init; }

    [CommandOption("--warmup <SECONDS>")]
    [Description("Discarded warm-up before the measured runs.")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    public double? Warmup { get; init; }

    [CommandOption("--repeats <N>")]
    [Description("Measured runs per trial after one warm-up; the trial's value is their median, its noise their " +
        "spread (default: the target's; postgres 3).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? Repeats { get; init; }

    [CommandOption("--clients <N>")]
    [Description("Concurrent clients driving the workload (targets whose thread count is not a knob).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? Clients { get; init; }

    [CommandOption("--scale <N>")]
    [Description("Data-set size (postgres: pgbench scale factor; kv, rocksdb: thousands of records).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? Scale { get; init; }

    [CommandOption("--host-memory <BYTES>")]
    [Description("Bound the knob ranges that follow the host's memory by this many bytes (default: the host the " +
        "history resumed or read records, else this machine; older histories record none).")]
    [TypeConverter(typeof(StrictNumberConverter<long>))]
    public long? HostMemory { get; init; }

    [CommandOption("--host-cores <N>")]
    [Description("Bound the knob ranges that follow the host's cores by this many (default as --host-memory).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? HostCores { get; init; }

    public TargetOptions Options() => new(Workload, Duration, Warmup, Clients, Scale, Host: Host());

    /// <summary>
    /// The host that bounds the knob ranges: what the options name, the rest from the host recorded in the first
    /// history the command resumes or reads that records one, else from this machine; null (this machine) when
    /// neither options nor histories name one.
    /// </summary>
    private HostResources? Host()
    {
        var recorded = HistoriesRead().Select(TuningHistory.RecordedHost).FirstOrDefault(host => host is not null);
        if (HostMemory is null && HostCores is null) return recorded;
        var rest = recorded ?? HostResources.Current;
        return new HostResources(HostMemory ?? rest.MemoryBytes, HostCores ?? rest.Cores);
    }

    /// <summary>The existing histories the command continues or reads, whose recorded host bounds the ranges.</summary>
    protected virtual IEnumerable<string> HistoriesRead() => [];

    public override ValidationResult Validate()
    {
        var global = base.Validate();
        if (!global.Successful) return global;
        if (HostMemory is <= 0)
            return ValidationResult.Error($"--host-memory: {HostMemory} must be a positive number of bytes.");
        return HostCores is <= 0
            ? ValidationResult.Error($"--host-cores: {HostCores} must be a positive number of cores.")
            : ValidationResult.Success();
    }

    /// <summary>The measurement protocol: the target's own, with what the options change.</summary>
    public virtual MeasurementProtocol Protocol(TargetEntry entry) =>
        entry.Protocol with { Repeats = Repeats ?? entry.Protocol.Repeats };

    /// <summary>
    /// The target's catalogue entry and the space to search (the target's own, or the <c>--space</c> file).
    /// </summary>
    public (TargetEntry Entry, SearchSpace Space) LoadTarget()
    {
        var entry = TargetCatalog.Get(Target);
        return (entry, Space is null ? entry.DefaultSpace(Options()) : SpaceFile.Load(Space, Host()));
    }

    /// <inheritdoc/>
    public override string? OptionFor(string setting) => OptionsBySetting.GetValueOrDefault(setting);
}

/// <summary>What the commands that search take besides the target: the trial budget and LlamaTune's settings.</summary>
internal class TuneSettings : TargetSettings
{
    private static readonly Dictionary<string, string> OptionsBySetting = new()
    {
        [AdapterSettings.DimensionsSetting] = "--dims",
        [AdapterSettings.BiasSetting] = "--bias",
        [AdapterSettings.BucketsSetting] = "--buckets",
    };

    [CommandOption("--iterations <N>")]
    [Description("Trials after the default configuration (default 50).")]
    [DefaultValue(50)]
    public int Iterations { get; init; } = 50;

    [CommandOption("--remeasure-every <K>")]
    [Description("Measure the incumbent again after every K trials; 0 never (default: the target's; postgres 10).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? RemeasureEvery { get; init; }

    [CommandOption("--verify-rounds <N>")]
    [Description("At the end, measure default and best alternately N times; 0 skips it (default: the target's; " +
        "postgres 5).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? VerifyRounds { get; init; }

    [CommandOption("--objective <METRIC>")]
    [Description("Optimise this latency metric instead of throughput (latency mode: a trial below the default's " +
        "throughput counts as failed).")]
    public string? Objective { get; init; }

    [CommandOption("--dims <D>")]
    [Description("Low dimension of HeSBO/REMBO projections (default 16).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? Dims { get; init; }

    [CommandOption("--bias <P>")]
    [Description("Probability mass of a knob's special values when its space gives none (default 0.2).")]
    [TypeConverter(typeof(StrictNumberConverter<double>))]
    public double? Bias { get; init; }

    [CommandOption("--buckets <K>")]
    [Description("Values per bucketised dimension (default 10000).")]
    [TypeConverter(typeof(StrictNumberConverter<int>))]
    public int? Buckets { get; init; }

    protected override bool WritesOutputFolder => true;

    public override ValidationResult Validate()
    {
        var global = base.Validate();
        if (!global.Successful) return global;
        if (Iterations is < 1 or > 100_000)
            return ValidationResult.Error($"--iterations: {Iterations} must lie in [1, 100000].");
        return ValidationResult.Success();
    }

    public override string? OptionFor(string setting) =>
        base.OptionFor(setting) ?? OptionsBySetting.GetValueOrDefault(setting);

    /// <inheritdoc/>
    public override MeasurementProtocol Protocol(TargetEntry entry)
    {
        var protocol = base.Protocol(entry);
        return (protocol with
        {
            RemeasureEvery = RemeasureEvery ?? protocol.RemeasureEvery,
            VerifyRounds = VerifyRounds ?? protocol.VerifyRounds,
        }).Checked();
    }

    /// <summary>
    /// The method <paramref name="name"/> with LlamaTune's settings from <c>--dims</c>, <c>--bias</c> and
    /// <c>--buckets</c>.
    /// </summary>
    public TuningMethod Method(string name) => TuningMethod.Parse(name, Dims, Bias, Buckets);

    /// <summary>The option that names the method (or methods) to run.</summary>
    protected string? MethodOption(string setting, string option) =>
        setting == TuningMethod.Setting || setting == OptimizerCatalog.Optimizers.Kind || setting == AdapterCatalog.Kind
            ? option
            : null;
}
