using System.Globalization;
using Frugal.Core.Catalogs;
using Frugal.Core.Errors;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Iteration;

/// <summary>The order in which an iteration-level scheduler considers jobs at each decision.</summary>
public enum BaseOrder
{
    /// <summary>First in, first out: arrival order.</summary>
    Fifo,
    /// <summary>Least attained service: fewest GPU-seconds received so far first.</summary>
    Las,
    /// <summary>Shortest remaining time first: least remaining isolated time first.</summary>
    Srtf,
}

/// <summary>
/// The settings of the iteration-level simulator and of JigSaw. κ, γ and the σ menu are unverified against the
/// paper: they are named options, swept by the <c>scheduling.jigsaw</c> experiment.
/// </summary>
public sealed record JigSawOptions
{
    /// <summary>The base orders by name.</summary>
    public static Catalog<BaseOrder> Orders { get; } = new Catalog<BaseOrder>("base order")
        .Add("fifo", BaseOrder.Fifo, "arrival order")
        .Add("las", BaseOrder.Las, "least attained GPU service first")
        .Add("srtf", BaseOrder.Srtf, "shortest remaining isolated time first");

    /// <summary>The base policy's order (the baseline runs the same order with SPB off).</summary>
    public BaseOrder Order { get; init; } = BaseOrder.Fifo;

    /// <summary>σ_max for every job whose model has no entry in <see cref="MaxSigmaByModel"/>: the largest
    /// skipped-backward fraction its owner accepts.</summary>
    public double MaxSigma { get; init; } = 0.375;

    /// <summary>
    /// σ_max per model family (e.g. <c>LM</c> → 0): the brief's per-job accuracy risk, drawn per job class, since
    /// a trace names no σ_max of its own. Models without an entry take <see cref="MaxSigma"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double> MaxSigmaByModel { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// K: the full-sync guard. A job running at σ &gt; 0 runs every K-th iteration at σ = 0 (K = 1: always; 0:
    /// never, the default), so its lower blocks see every worker's data at least every K iterations.
    /// </summary>
    public int FullSyncPeriod { get; init; }

    /// <summary>The σ values the scheduler chooses from (σ_max cuts it).</summary>
    public IReadOnlyList<double> SigmaMenu { get; init; } = [0, 0.125, 0.25, 0.375];

    /// <summary>κ: an SPB iteration counts as 1 − κ·σ of a full one toward the job's target.</summary>
    public double Kappa { get; init; }

    /// <summary>γ ≥ 1: the interference factor on the compute share of jobs that share a GPU.</summary>
    public double Gamma { get; init; } = 1;

    /// <summary>c_min: the fewest workers that must compute each block's gradient.</summary>
    public int MinContributors { get; init; } = 1;

    /// <summary>Q: re-decide every Q iterations of the slowest running job (and on arrivals and completions).</summary>
    public int DecisionIterations { get; init; } = 50;

    /// <summary>GPU memory, bytes (V100: 16 GiB, as Shockwave's gpu_ram = 16).</summary>
    public double GpuMemoryBytes { get; init; } = 16.0 * (1L << 30);

    /// <summary>GPUs per node; a node's NIC is shared by its GPUs.</summary>
    public int GpusPerNode { get; init; } = 4;

    /// <summary>A node's NIC bandwidth, bytes/s (10 Gb/s): only its ratio to α shapes the ring model.</summary>
    public double NodeBandwidthBytesPerSecond { get; init; } = 1.25e9;

    /// <summary>α: latency of one ring all-reduce step, seconds.</summary>
    public double RingLatencySeconds { get; init; } = 50e-6;

    /// <summary>ω: fraction of the all-reduce hidden behind compute, from 0 (none) to below 1.</summary>
    public double Overlap { get; init; }

    /// <summary>A co-located job runs at no less than 1/this of its isolated speed.</summary>
    public double MaxStretch { get; init; } = 4;

    /// <summary>LAS compares attained service in quanta of this many GPU-seconds (ties: arrival order).</summary>
    public double LasQuantumGpuSeconds { get; init; } = 3600;

    /// <summary>Seconds a job loses each time it starts or resumes (checkpoint restore, warm-up).</summary>
    public double RestartOverheadSeconds { get; init; } = 20;

    /// <summary>Parses <c>LM=0,ResNet-50=0.25</c> (model names in any case) into <see cref="MaxSigmaByModel"/>.
    /// </summary>
    /// <exception cref="BadInputException">A part that is not MODEL=SIGMA, an unknown model, a model named twice
    /// or a σ outside [0, 1].</exception>
    public static IReadOnlyDictionary<string, double> ParseMaxSigmaByModel(string text)
    {
        const string setting = "SPB max sigma per model";
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('=', StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture,
                    out var sigma))
                throw new BadInputException($"'{part}' is not MODEL=SIGMA, e.g. LM=0", setting);
            var family = ModelFamily.All.FirstOrDefault(f =>
                string.Equals(f.Name, pieces[0], StringComparison.OrdinalIgnoreCase))
                ?? throw new BadInputException($"σ_max names unknown model '{pieces[0]}'; known: " +
                    string.Join(", ", ModelFamily.All.Select(f => f.Name)), setting);
            SpbConfig.CheckSigma(sigma, setting);
            if (!result.TryAdd(family.Name, sigma))
                throw new BadInputException($"model '{family.Name}' is named twice", setting);
        }
        return result;
    }

    /// <summary>σ_max of a job of <paramref name="model"/>.</summary>
    internal double MaxSigmaFor(string model) => MaxSigmaByModel.GetValueOrDefault(model, MaxSigma);

    /// <summary>The σ values a job may run at: the menu cut at its model's σ_max, ascending; one worker: 0 only.
    /// </summary>
    internal IReadOnlyList<double> SigmasFor(string model, int workers) => workers == 1 ? [0]
        : [.. SigmaMenu.Where(s => s <= MaxSigmaFor(model) + 1e-12).Append(0).Distinct().Order()];

    /// <summary>Checks every setting against its range.</summary>
    /// <exception cref="BadInputException">A setting is out of range; the setting is named.</exception>
    public void Validate()
    {
        SpbConfig.CheckSigma(MaxSigma, "SPB max sigma");
        foreach (var (model, sigma) in MaxSigmaByModel)
        {
            if (ModelFamily.All.All(f => f.Name != model))
                throw new BadInputException($"σ_max names unknown model '{model}'; known: " +
                    string.Join(", ", ModelFamily.All.Select(f => f.Name)), "SPB max sigma per model");
            SpbConfig.CheckSigma(sigma, "SPB max sigma per model");
        }
        Check(FullSyncPeriod is >= 0 and <= 1_000_000,
            $"the full-sync period must be from 0 (never) to 1,000,000 iterations; got {FullSyncPeriod}",
            "full-sync period");
        if (SigmaMenu.Count == 0) throw new BadInputException("the σ menu is empty", "sigma menu");
        foreach (var s in SigmaMenu) SpbConfig.CheckSigma(s, "sigma menu");
        Check(Kappa is >= 0 and <= 1, $"κ must be from 0 to 1; got {Invariant.Text(Kappa)}", "kappa");
        Check(Gamma is >= 1 and <= 10, $"γ must be from 1 to 10; got {Invariant.Text(Gamma)}", "gamma");
        Check(MinContributors >= 1, $"c_min must be at least 1; got {MinContributors}", "minimum contributors");
        Check(DecisionIterations is >= 1 and <= 1_000_000,
            $"the decision interval must be from 1 to 1,000,000 iterations; got {DecisionIterations}",
            "decision interval");
        Check(GpuMemoryBytes is > 0 and < 1e15, "GPU memory must be positive", "GPU memory");
        Check(GpusPerNode is >= 1 and <= 1024, $"GPUs per node must be from 1 to 1024; got {GpusPerNode}",
            "GPUs per node");
        Check(NodeBandwidthBytesPerSecond is > 0 and < 1e15, "NIC bandwidth must be positive", "NIC bandwidth");
        Check(RingLatencySeconds is >= 0 and < 1, "ring latency must be from 0 to 1 s", "ring latency");
        Check(Overlap is >= 0 and < 1, $"ω must be at least 0 and below 1; got {Invariant.Text(Overlap)}",
            "overlap");
        Check(MaxStretch is >= 1 and <= 1000, $"the largest stretch must be from 1 to 1000; got " +
            Invariant.Text(MaxStretch), "max stretch");
        Check(LasQuantumGpuSeconds is > 0 and < 1e9, "the LAS quantum must be positive", "LAS quantum");
        Check(RestartOverheadSeconds is >= 0 and <= 3600,
            $"the restart overhead must be from 0 to 3600 s; got {Invariant.Text(RestartOverheadSeconds)}",
            "restart overhead");
    }

    private static void Check(bool ok, string message, string setting)
    {
        if (!ok) throw new BadInputException(message, setting);
    }
}
