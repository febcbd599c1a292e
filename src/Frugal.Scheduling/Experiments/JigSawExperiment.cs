using System.Globalization;
using Frugal.Core.Experiments;
using Frugal.Core.Results;
using Frugal.Scheduling.Iteration;
using Frugal.Scheduling.Simulation;
using Frugal.Scheduling.Traces;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Experiments;

/// <summary>
/// JigSaw against its base order with SPB off (§4.5): the cluster-efficiency gain on one trace across κ, γ and
/// the base orders, and across cluster load (generated traces of growing arrival rate). Full scale: Shockwave's
/// canonical 120-job trace on 32 V100s (a generated trace of its shape without the reference data) and 120-job
/// load traces; quick: 30-job generated traces on 8 V100s. Also on the main trace: κ as measured by SPB training,
/// the full-sync guard, per-model σ_max, and a cluster of three GPU types.
/// </summary>
public sealed class JigSawExperiment : IExperiment
{
    /// <summary>The κ values swept (κ is unverified against the paper).</summary>
    public static IReadOnlyList<double> Kappas { get; } = [0, 0.1, 0.25, 0.5];

    /// <summary>The interference factors swept (γ is unverified against the paper).</summary>
    public static IReadOnlyList<double> Gammas { get; } = [1, 1.1, 1.25];

    /// <summary>The σ menus swept: the default, a cautious one and a bolder one.</summary>
    public static IReadOnlyList<double[]> Menus { get; } = [[0, 0.125, 0.25, 0.375], [0, 0.125], [0, 0.25, 0.5]];

    /// <summary>
    /// κ measured by SPB training (bench/results/jigsaw.md, `bench/jigsaw/run.sh`): the least-squares slope of
    /// the relative accuracy loss on σ over the σ sweep on the synthetic task, 3 seeds (Cora's slope is negative).
    /// </summary>
    public const double MeasuredKappa = 0.032;

    /// <summary>Full-sync periods K swept: the guard's cost in gain.</summary>
    public static IReadOnlyList<int> FullSyncPeriods { get; } = [10, 50];

    /// <summary>A per-class σ_max: the language models' owners do not opt in, the others accept the default.</summary>
    public static IReadOnlyDictionary<string, double> LanguageOptOut { get; } =
        new Dictionary<string, double> { ["LM"] = 0, ["Transformer"] = 0 };

    /// <summary>Mean gaps between arrivals of the load traces, seconds: short gaps are high load.</summary>
    public static IReadOnlyList<double> ArrivalGaps { get; } = [20, 40, 120, 360, 1200];

    /// <inheritdoc/>
    public string Name => "scheduling.jigsaw";

    /// <inheritdoc/>
    public string Title => "JigSaw: structured partial backpropagation and iteration-level packing";

    /// <inheritdoc/>
    public string Description =>
        "Simulates jobs at iteration level under FIFO, LAS and SRTF with SPB off, and under JigSaw, which lets " +
        "multi-GPU jobs skip part of their backward pass on some workers and packs other jobs into the freed " +
        "compute; reports the cluster-efficiency gain across κ, γ, σ menus and cluster load.";

    /// <inheritdoc/>
    public ExperimentResult Run(ExperimentContext context)
    {
        var throughputs = ScheduleInputs.Throughputs(path: null);
        var profiles = SpbProfiles.Default();
        var quick = context.Quick;
        var cluster = ClusterSpec.Parse(quick ? "v100=8" : "v100=32");
        var jobs = quick ? 30 : 120;
        var main = quick
            ? Generated(throughputs.Value, jobs, 40, context)
            : ScheduleInputs.Trace(path: null, throughputs.Value, context.Seeds.Child("trace"));

        var settings = new List<Setting>();
        var mainLoad = OfferedLoad(main.Value, cluster);
        void Add(string sweep, JigSawOptions options) => settings.Add(new(sweep, main, cluster, mainLoad, options));
        foreach (var order in Enum.GetValues<BaseOrder>())
            foreach (var kappa in Kappas)
                Add("kappa", new JigSawOptions { Order = order, Kappa = kappa });
        foreach (var gamma in Gammas.Skip(1))
            Add("gamma", new JigSawOptions { Gamma = gamma });
        foreach (var menu in Menus.Skip(1))
            Add("menu", new JigSawOptions { SigmaMenu = menu, MaxSigma = menu.Max() });
        foreach (var order in Enum.GetValues<BaseOrder>())
            Add("kappa_measured", new JigSawOptions { Order = order, Kappa = MeasuredKappa });
        foreach (var period in FullSyncPeriods)
            Add("full_sync", new JigSawOptions { FullSyncPeriod = period });
        Add("sigma_max_per_model", new JigSawOptions { MaxSigmaByModel = LanguageOptOut });
        // The same trace on the cluster plus K80s and P100s, half as many of each as V100s (Gavel's three types).
        var mixed = ClusterSpec.Parse(quick ? "k80=4,p100=4,v100=8" : "k80=16,p100=16,v100=32");
        var mixedLoad = OfferedLoad(main.Value, mixed);
        foreach (var order in Enum.GetValues<BaseOrder>())
            settings.Add(new("gpu_types", main, mixed, mixedLoad, new JigSawOptions { Order = order }));
        foreach (var gap in ArrivalGaps)
        {
            var trace = Generated(throughputs.Value, jobs, gap, context);
            var load = OfferedLoad(trace.Value, cluster);
            foreach (var order in Enum.GetValues<BaseOrder>())
                settings.Add(new("load", trace, cluster, load, new JigSawOptions { Order = order }));
        }

        var table = new RecordTable("runs",
        [
            new("sweep", ColumnKind.Text), new("trace", ColumnKind.Text), new("cluster", ColumnKind.Text),
            new("offered_load"), new("base", ColumnKind.Text), new("kappa"), new("gamma"),
            new("sigma_menu", ColumnKind.Text), new("max_sigma", ColumnKind.Text), new("full_sync_period"),
            new("baseline_efficiency"), new("jigsaw_efficiency"), new("gain"), new("baseline_makespan", Unit: "h"),
            new("jigsaw_makespan", Unit: "h"), new("baseline_avg_jct", Unit: "h"), new("jigsaw_avg_jct", Unit: "h"),
            new("mean_sigma"), new("effective_iteration_ratio"), new("shared_gpu_fraction"),
            new("allreduce_ratio"), new("jigsaw_simulation", Unit: "s"),
        ]);
        // The baseline does not depend on κ, γ, the σ menus or the guard: one per trace, cluster and order.
        var baselines = new Dictionary<(string, string, BaseOrder), IterationSimulationResult>();
        var gains = new List<GainPoint>();
        for (var i = 0; i < settings.Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var (sweep, trace, gpus, load, options) = settings[i];
            var simulator = new IterationSimulator(throughputs.Value, gpus, profiles, options);
            var key = (trace.Source, gpus.ToString(), options.Order);
            if (!baselines.TryGetValue(key, out var baseline))
                baselines[key] = baseline = simulator.Run(trace.Value, spb: false, cancellation: context.Cancellation);
            var jigsaw = simulator.Run(trace.Value, spb: true, cancellation: context.Cancellation);
            var comparison = new JigSawComparison(baseline, jigsaw);
            gains.Add(new GainPoint(sweep, options.Order, options.Kappa, load, comparison.Gain));
            var (b, j) = (baseline.Simulation.Metrics, jigsaw.Simulation.Metrics);
            table.Add(sweep, trace.Source, gpus.ToString(), load, JigSawOptions.Orders.Names[(int)options.Order],
                options.Kappa, options.Gamma,
                string.Join("/", options.SigmaMenu.Select(s => s.ToString(CultureInfo.InvariantCulture))),
                MaxSigmaText(options), options.FullSyncPeriod,
                baseline.Efficiency.ClusterEfficiency, jigsaw.Efficiency.ClusterEfficiency, comparison.Gain,
                b.MakespanHours, j.MakespanHours, b.AverageJctHours, j.AverageJctHours, jigsaw.Efficiency.MeanSigma,
                jigsaw.Efficiency.EffectiveIterationRatio, jigsaw.Efficiency.SharedGpuFraction,
                jigsaw.Efficiency.AllReduceBytes / baseline.Efficiency.AllReduceBytes,
                jigsaw.Simulation.WallTime.TotalSeconds);
            context.ReportProgress((i + 1.0) / settings.Count);
        }

        var result = context.NewResult(this).WithParameter("trace", main.Source).WithParameter("jobs", jobs)
            .WithParameter("throughputs", throughputs.Source).WithParameter("cluster", cluster)
            .WithParameter("profiles", profiles.Source).WithParameter("decision_iterations", 50)
            .WithParameter("kappas", string.Join(",", Kappas)).WithParameter("gammas", string.Join(",", Gammas))
            .WithParameter("arrival_gaps_s", string.Join(",", ArrivalGaps));
        foreach (var (sweep, order, kappa, _, gain) in gains.Where(g => g.Sweep == "kappa"))
            result.WithMetric(
                $"{JigSawOptions.Orders.Names[(int)order]}.kappa_{kappa.ToString(CultureInfo.InvariantCulture)}.gain",
                gain);
        result.Records.Add(table);
        var orders = Enum.GetValues<BaseOrder>();
        result.Charts.Add(new Chart("gain_vs_kappa", ChartKind.Line, $"Efficiency gain against κ ({main.Source})",
            "κ", "gain (E_JigSaw / E_baseline − 1)",
            [.. orders.Select(o => Curve(gains.Where(g => g.Sweep == "kappa" && g.Order == o), o, g => g.Kappa))]));
        result.Charts.Add(new Chart("gain_vs_load", ChartKind.Line, "Efficiency gain against cluster load (κ = 0)",
            "offered load (isolated GPU-seconds / (GPUs × arrival span))", "gain",
            [.. orders.Select(o => Curve(gains.Where(g => g.Sweep == "load" && g.Order == o), o, g => g.Load))]));
        var best = gains.MaxBy(g => g.Gain)!;
        var smallest = gains.Where(g => g.Sweep == "load").MinBy(g => Math.Abs(g.Gain))!;
        result.Summary = $"Largest gain {best.Gain:F3} ({JigSawOptions.Orders.Names[(int)best.Order]}, κ = " +
                         $"{best.Kappa.ToString(CultureInfo.InvariantCulture)}, {best.Sweep} sweep); smallest in the " +
                         $"load sweep {smallest.Gain:F3} at offered load {smallest.Load:F2}.";
        return result;
    }

    /// <summary>One JigSaw run to make: its sweep, trace, cluster, offered load and options.</summary>
    private sealed record Setting(string Sweep, Sourced<IReadOnlyList<JobSpec>> Trace, ClusterSpec Cluster,
        double Load, JigSawOptions Options);

    /// <summary>σ_max as a cell: <c>0.375</c>, or <c>0.375; LM=0; Transformer=0</c> with per-model values.</summary>
    private static string MaxSigmaText(JigSawOptions options) => string.Join("; ",
        options.MaxSigmaByModel.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}")
            .Prepend(options.MaxSigma.ToString(CultureInfo.InvariantCulture)));

    /// <summary>One JigSaw run's gain and the setting it ran in.</summary>
    private sealed record GainPoint(string Sweep, BaseOrder Order, double Kappa, double Load, double Gain);

    private static Series Curve(IEnumerable<GainPoint> points, BaseOrder order, Func<GainPoint, double> x)
    {
        var sorted = points.OrderBy(x).ToArray();
        return new Series(JigSawOptions.Orders.Names[(int)order], [.. sorted.Select(x)],
            [.. sorted.Select(p => p.Gain)]);
    }

    private static Sourced<IReadOnlyList<JobSpec>> Generated(ThroughputTable throughputs, int jobs, double gap,
        ExperimentContext context)
    {
        var options = new TraceGeneratorOptions
        {
            Jobs = jobs, MeanArrivalGapSeconds = gap, MaxDurationHours = context.Quick ? 1 : 5,
        };
        var seeds = context.Seeds.Child($"trace-{gap.ToString(CultureInfo.InvariantCulture)}");
        return new(new TraceGenerator(throughputs, options).Generate(seeds),
            $"generated ({options.FileName(seeds.MasterSeed)})");
    }

    /// <summary>Σ_j W_j·isolated time_j over GPUs × the span of arrivals plus the mean isolated time.</summary>
    private static double OfferedLoad(IReadOnlyList<JobSpec> trace, ClusterSpec cluster)
    {
        var work = trace.Sum(j => j.ScaleFactor * j.DurationSeconds);
        var span = trace.Max(j => j.ArrivalSeconds) - trace.Min(j => j.ArrivalSeconds)
                   + trace.Average(j => j.DurationSeconds);
        return work / (cluster.TotalGpus * span);
    }
}
