using Frugal.Scheduling.Workloads;

namespace Frugal.Scheduling.Traces;

/// <summary>
/// A throughput model for machines without the measured throughput files: steps/s of a model
/// at batch size b on g GPUs = g^efficiency / (step overhead + b · per-sample time), on a V100;
/// P100 and K80 run at fixed fractions of it. The constants are chosen so that one V100 epoch
/// takes about as long as the measured TACC throughputs give (fitted to them; within ~30% on one GPU), which is
/// what the schedulers' decisions depend on; it is a stand-in, not a measurement.
/// </summary>
internal static class SyntheticThroughputs
{
    private static readonly Dictionary<string,
        (double StepOverhead, double PerSample, double ScalingExponent)> Models = new()
        {
            ["ResNet-18"] = (0.006, 0.00061, 0.85),
            ["ResNet-50"] = (0.018, 0.0048, 0.95),
            ["Transformer"] = (0.007, 0.00674, 0.80),
            ["LM"] = (0.0049, 0.000514, 0.60),
            ["Recommendation"] = (0.00057, 0.0000104, 1.0),
        };

    private static readonly Dictionary<string, double> RelativeSpeed = new()
    {
        ["v100"] = 1.0,
        ["p100"] = 0.6,
        ["k80"] = 0.25,
    };

    /// <summary>What the model's tables name as their source.</summary>
    public const string Source = "synthetic throughput model";

    /// <summary>
    /// Isolated throughputs for every model at all its (adapted) batch sizes on 1, 2, 4 and 8 GPUs of each GPU type.
    /// </summary>
    public static ThroughputTable Create()
    {
        var entries = new List<(string, string, int, double)>();
        foreach (var family in ModelFamily.All)
        {
            var (overhead, perSample, exponent) = Models[family.Name];
            var batchSizes = family.BatchSizes.Concat(PowersOfTwoUpTo(family)).Distinct();
            foreach (var bs in batchSizes)
                foreach (var gpus in new[] { 1, 2, 4, 8 })
                {
                    if (gpus > 1 && !family.Distributed) continue;
                    var v100 = Math.Pow(gpus, exponent) / (overhead + bs * perSample);
                    foreach (var (worker, speed) in RelativeSpeed)
                        entries.Add((worker, family.JobType(bs), gpus, v100 * speed));
                }
        }
        return ThroughputTable.FromIsolated(entries, Source);
    }

    /// <summary>Batch sizes an adaptive job can reach: its initial ones doubled up to the model's cap.</summary>
    private static IEnumerable<int> PowersOfTwoUpTo(ModelFamily family)
    {
        foreach (var bs in family.BatchSizes)
            for (var b = bs; b <= family.MaxBatchSize; b *= 2)
                yield return b;
        yield return family.MaxBatchSize;
    }
}
