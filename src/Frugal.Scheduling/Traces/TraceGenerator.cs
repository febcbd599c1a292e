using System.Globalization;
using Frugal.Core.Distributions;
using Frugal.Core.Errors;
using Frugal.Core.Randomness;
using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>The distributions a generated trace follows; the defaults are those of the Shockwave traces.</summary>
public sealed record TraceGeneratorOptions
{
    /// <summary>How many jobs the trace holds.</summary>
    public int Jobs { get; init; } = 120;

    /// <summary>Mean gap between arrivals (s): arrivals are a Poisson process; the first job arrives at 0.</summary>
    public double MeanArrivalGapSeconds { get; init; } = 40;

    /// <summary>The shortest job duration of the grid, alone on its GPUs.</summary>
    public double MinDurationHours { get; init; } = 0.2;
    /// <summary>The longest job duration of the grid.</summary>
    public double MaxDurationHours { get; init; } = 5;

    /// <summary>Points of the duration grid between min and max.</summary>
    public int DurationPoints { get; init; } = 100;

    /// <summary>Space the grid points geometrically (base 1.5) instead of linearly.</summary>
    public bool LogSpacedDurations { get; init; }

    /// <summary>Probabilities of the 1-, 2-, 4- and 8-GPU jobs.</summary>
    public IReadOnlyList<double> ScaleFactorMix { get; init; } = [0.6, 0.3, 0.09, 0.01];

    /// <summary>Probabilities of the static, Accordion and gradient-noise-scale modes.</summary>
    public IReadOnlyList<double> ModeMix { get; init; } = [0, 0.5, 0.5];

    /// <summary>The GPU type the steps are computed on (duration × its isolated throughput).</summary>
    public string ReferenceWorkerType { get; init; } = "v100";

    /// <summary>
    /// The Shockwave artifact's file name for a trace with these options and <paramref name="seed"/>.
    /// </summary>
    public string FileName(ulong seed) => string.Create(CultureInfo.InvariantCulture,
        $"{Jobs}_{MinDurationHours}_{MaxDurationHours}_{DurationPoints}_{MeanArrivalGapSeconds}_{seed}_" +
        $"{string.Join(",", ModeMix)}_{string.Join(",", ScaleFactorMix)}_multigpu_dynamic.trace");

    /// <summary>The most jobs a generated trace may have.</summary>
    public const int MaxJobs = 100_000;

    /// <summary>The longest mean gap between arrivals, in seconds (a day).</summary>
    public const double MaxMeanArrivalGapSeconds = 86_400;

    /// <summary>The longest job duration, in hours.</summary>
    public const double MaxDurationLimitHours = 100;

    /// <summary>The most points the duration grid may have.</summary>
    public const int MaxDurationPoints = 100_000;

    /// <summary>Checks every setting against its range.</summary>
    /// <exception cref="BadInputException">
    /// A setting is out of range; <see cref="BadInputException.Setting"/> names it.
    /// </exception>
    public void Validate()
    {
        if (Jobs is < 1 or > MaxJobs)
            throw new BadInputException(
                $"the number of jobs must be from 1 to {MaxJobs:N0}; got {Jobs:N0}", "number of jobs");
        if (!(MeanArrivalGapSeconds is > 0 and <= MaxMeanArrivalGapSeconds))
            throw new BadInputException(
                $"the mean gap between arrivals must be more than 0 and at most {MaxMeanArrivalGapSeconds:N0} s; " +
                $"got {Invariant.Text(MeanArrivalGapSeconds)} s", "mean arrival gap");
        if (!(MinDurationHours is > 0 and <= MaxDurationLimitHours))
            throw new BadInputException(
                $"the shortest duration must be more than 0 and at most {MaxDurationLimitHours:G} h; "
                + $"got {Invariant.Text(MinDurationHours)} h", "shortest duration");
        if (!(MaxDurationHours >= MinDurationHours && MaxDurationHours <= MaxDurationLimitHours))
            throw new BadInputException(
                $"the longest duration must be from the shortest ({Invariant.Text(MinDurationHours)} h) "
                + $"to {MaxDurationLimitHours:G} h; got {Invariant.Text(MaxDurationHours)} h", "longest duration");
        if (DurationPoints is < 2 or > MaxDurationPoints)
            throw new BadInputException(
                $"the duration grid must have from 2 to {MaxDurationPoints:N0} points; got {DurationPoints:N0}",
                "duration grid");
        CheckMix(ScaleFactorMix, "GPU mix", 4, "1, 2, 4 and 8 GPUs");
        CheckMix(ModeMix, "mode mix", 3, "static, accordion and gns");
        if (string.IsNullOrEmpty(ReferenceWorkerType))
            throw new BadInputException("the reference GPU type must be named", "reference GPU type");
    }

    private static void CheckMix(IReadOnlyList<double> mix, string setting, int count, string categories)
    {
        if (mix.Count != count)
            throw new BadInputException(
                $"the {setting} needs {count} probabilities ({categories}); got {mix.Count}", setting);
        if (mix.Any(p => !(p is >= 0 and <= 1)) || Math.Abs(mix.Sum() - 1) > 1e-6)
            throw new BadInputException(
                $"the {setting} must be {count} probabilities from 0 to 1 that sum to 1; "
                + $"got {string.Join(", ", mix.Select(Invariant.Text))}", setting);
    }
}

/// <summary>
/// Generates traces as the Shockwave artifact does (scripts/utils/generate_trace.py): Poisson
/// arrivals, durations from a grid sampled by buckets (72% from the shortest 20% of the grid,
/// 20% from the next 30%, 5% from the next 40%, 3% from the longest 10%), the 1/2/4/8-GPU mix,
/// a uniform pick among the 21 job templates (re-drawn while a multi-GPU job draws a 1-GPU-only
/// model), and the adaptation-mode mix (Accordion jobs shorter than 1000 s run static).
/// Each property draws from its own named stream, so changing one mix leaves the others' draws alone.
/// </summary>
/// <param name="throughputs">Turn each job's drawn duration into steps, on the reference GPU type.</param>
/// <param name="options">The distributions; checked when generating.</param>
public sealed class TraceGenerator(ThroughputTable throughputs, TraceGeneratorOptions options)
{
    private static readonly int[] ScaleFactors = [1, 2, 4, 8];
    private static readonly AdaptationMode[] Modes =
        [AdaptationMode.Static, AdaptationMode.Accordion, AdaptationMode.Gns];

    // (probability, first grid fraction, last grid fraction) of the duration buckets.
    private static readonly (double Weight, double From, double To)[] DurationBuckets =
        [(0.72, 0, 0.2), (0.20, 0.2, 0.5), (0.05, 0.5, 0.9), (0.03, 0.9, 1.0)];

    /// <summary>A new trace, in arrival order; the same seeds and options give the same trace.</summary>
    /// <exception cref="BadInputException">
    /// An option is out of range, or the throughputs lack a drawn job type on the reference GPU type.
    /// </exception>
    public List<JobSpec> Generate(SeedTree seeds)
    {
        options.Validate();
        var typeStream = seeds.Stream("job-type");
        var arrivalStream = seeds.Stream("arrival");
        var durationStream = seeds.Stream("duration");
        var scaleStream = seeds.Stream("scale-factor");
        var modeStream = seeds.Stream("mode");
        var gap = Exponential.WithMean(options.MeanArrivalGapSeconds);
        var scaleFactors = new Categorical(options.ScaleFactorMix);
        var modes = new Categorical(options.ModeMix);
        var buckets = new Categorical(DurationBuckets.Select(b => b.Weight).ToArray());
        var grid = DurationGrid();

        var jobs = new List<JobSpec>(options.Jobs);
        var epochs = new EpochBudget("the generated trace");
        double arrival = 0;
        for (var id = 0; id < options.Jobs; id++)
        {
            if (id > 0) arrival += gap.Sample(arrivalStream);
            var scaleFactor = ScaleFactors[scaleFactors.SampleIndex(scaleStream)];
            var duration = Math.Round(3600 * PickDuration(grid, buckets, durationStream));
            var mode = Modes[modes.SampleIndex(modeStream)];
            if (mode == AdaptationMode.Accordion && duration < 1000) mode = AdaptationMode.Static;
            JobType type;
            do type = ModelFamily.Templates[typeStream.Next(ModelFamily.Templates.Count)];
            while (scaleFactor > 1 && !type.Family.Distributed);

            var steps =
                Math.Round(duration * throughputs.Require(options.ReferenceWorkerType, type.ToString(), scaleFactor));
            var job = new JobSpec(id, type, type.Family.Command(type.BatchSize), type.Family.WorkingDirectory,
                type.Family.StepsArgument, NeedsDataDirectory: true, steps, scaleFactor, mode, PriorityWeight: 1,
                Slo: -1, duration, Math.Round(arrival));
            // A trace that reading would refuse is refused here, before it is written.
            epochs.Add(job, $"generated job {id} ({Invariant.Text(duration)} s at {throughputs.Source}'s throughput)");
            jobs.Add(job);
        }
        return jobs;
    }

    private double[] DurationGrid()
    {
        var n = options.DurationPoints;
        if (!options.LogSpacedDurations)
            return Enumerable.Range(0, n)
                .Select(i =>
                options.MinDurationHours + (options.MaxDurationHours - options.MinDurationHours) * i / (n - 1))
                .ToArray();
        var lo = Math.Log(options.MinDurationHours, 1.5);
        var hi = Math.Log(options.MaxDurationHours, 1.5);
        return Enumerable.Range(0, n).Select(i => Math.Pow(1.5, lo + (hi - lo) * i / (n - 1))).ToArray();
    }

    private static double PickDuration(double[] grid, Categorical buckets, RandomStream random)
    {
        var (_, from, to) = DurationBuckets[buckets.SampleIndex(random)];
        var first = (int)(from * grid.Length);
        var end = Math.Max(first + 1, (int)(to * grid.Length));
        return grid[first + random.Next(end - first)];
    }
}
