using System.Text.Json;
using Frugal.Core.Randomness;
using Frugal.Core.Results;

namespace Frugal.JigSaw;

/// <summary>SPB at σ against σ = 0 (plain data-parallel training), seed by seed, same data and init.</summary>
/// <param name="Options">The SPB run's settings (the baseline has σ = 0).</param>
/// <param name="Seeds">The master seed of each pair.</param>
/// <param name="Baseline">σ = 0, one per seed.</param>
/// <param name="Spb">σ, one per seed.</param>
public sealed record SpbComparison(SpbTrainingOptions Options, IReadOnlyList<ulong> Seeds,
    IReadOnlyList<SpbTrainingResult> Baseline, IReadOnlyList<SpbTrainingResult> Spb)
{
    /// <summary>Mean test accuracy at σ = 0.</summary>
    public double BaselineAccuracy => Baseline.Average(r => r.TestAccuracy);

    /// <summary>Mean test accuracy at σ.</summary>
    public double SpbAccuracy => Spb.Average(r => r.TestAccuracy);

    /// <summary>Backward FLOPs at σ over σ = 0 (all workers, all seeds).</summary>
    public double BackwardFlopsRatio => Spb.Sum(r => r.BackwardFlops.Sum()) / Baseline.Sum(r => r.BackwardFlops.Sum());

    /// <summary>Kept activation bytes at σ over σ = 0.</summary>
    public double SavedActivationRatio =>
        Spb.Sum(r => r.SavedActivationBytes.Sum()) / Baseline.Sum(r => r.SavedActivationBytes.Sum());

    /// <summary>All-reduced bytes at σ over σ = 0 (1 with one worker).</summary>
    public double AllReducedBytesRatio => Baseline.Sum(r => r.AllReducedBytes) is var b and > 0
        ? Spb.Sum(r => r.AllReducedBytes) / b : 1;

    /// <summary>κ such that an SPB iteration is worth 1 − κσ: the relative accuracy loss over σ.</summary>
    public double MeasuredKappa => Spb[0].RealisedSigma > 0
        ? Math.Max(0, (BaselineAccuracy - SpbAccuracy) / BaselineAccuracy / Spb[0].RealisedSigma) : 0;

    /// <summary>Trains σ = 0 and σ for <paramref name="repeats"/> seeds from <paramref name="seed"/> on.</summary>
    /// <exception cref="Core.Errors.BadInputException">A setting out of range, or the task's data missing.</exception>
    public static SpbComparison Run(SpbTrainingOptions options, ulong seed, int repeats,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var seeds = Enumerable.Range(0, repeats).Select(i => seed + (ulong)i).ToArray();
        var baseline = new List<SpbTrainingResult>();
        var spb = new List<SpbTrainingResult>();
        for (var i = 0; i < repeats; i++)
        {
            var done = i;
            IProgress<double> Part(int half) => new Core.Experiments.SynchronousProgress<double>(f =>
                progress?.Report((2 * done + half + f) / (2.0 * repeats)));
            baseline.Add(SpbTrainer.Train(options with { Sigma = 0 }, new SeedTree(seeds[i]), Part(0), cancellation));
            spb.Add(SpbTrainer.Train(options, new SeedTree(seeds[i]), Part(1), cancellation));
        }
        return new SpbComparison(options, seeds, baseline, spb);
    }

    /// <summary>The comparison's JSON form.</summary>
    /// <param name="Options">The SPB run's settings.</param>
    /// <param name="Depths">The canonical depths at σ.</param>
    /// <param name="RealisedSigma">Their σ.</param>
    /// <param name="BaselineAccuracy">Mean test accuracy at σ = 0.</param>
    /// <param name="SpbAccuracy">Mean test accuracy at σ.</param>
    /// <param name="BackwardFlopsRatio">Backward FLOPs at σ over σ = 0.</param>
    /// <param name="SavedActivationRatio">Kept activation bytes at σ over σ = 0.</param>
    /// <param name="AllReducedBytesRatio">All-reduced bytes at σ over σ = 0.</param>
    /// <param name="MeasuredKappa">The relative accuracy loss over σ.</param>
    /// <param name="Runs">Per seed: (seed, accuracy at σ = 0, accuracy at σ).</param>
    public sealed record Summary(SpbTrainingOptions Options, IReadOnlyList<int> Depths, double RealisedSigma,
        double BaselineAccuracy, double SpbAccuracy, double BackwardFlopsRatio, double SavedActivationRatio,
        double AllReducedBytesRatio, double MeasuredKappa, IReadOnlyList<SeedRun> Runs);

    /// <summary>One seed's accuracies.</summary>
    /// <param name="Seed">The master seed.</param>
    /// <param name="BaselineAccuracy">Test accuracy at σ = 0.</param>
    /// <param name="SpbAccuracy">Test accuracy at σ.</param>
    public sealed record SeedRun(ulong Seed, double BaselineAccuracy, double SpbAccuracy);

    /// <summary>The summary as JSON in the house convention (<see cref="ResultJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Summary(Options, Spb[0].Depths, Spb[0].RealisedSigma,
        BaselineAccuracy, SpbAccuracy, BackwardFlopsRatio, SavedActivationRatio, AllReducedBytesRatio, MeasuredKappa,
        [.. Seeds.Select((s, i) => new SeedRun(s, Baseline[i].TestAccuracy, Spb[i].TestAccuracy))]),
        ResultJson.Options);
}
