using Frugal.Compression.Codecs;
using Frugal.Compression.Data;
using Frugal.Compression.Model;
using Frugal.Compression.Simulation;
using Frugal.Core.Randomness;
using Frugal.Learning.Determinism;
using static TorchSharp.torch;
using HeldScalars = Frugal.Learning.Training.HeldScalars;

namespace Frugal.Compression.Study;

/// <summary>One run's simulated step on one link, averaged over its compressed steps.</summary>
/// <param name="Link">The link, e.g. <c>100us/1Gbps</c>.</param>
/// <param name="StepSeconds">Simulated step time.</param>
/// <param name="ComputeSeconds">Compute on the critical path.</param>
/// <param name="CodecSeconds">Encoding and decoding on the critical path.</param>
/// <param name="CommunicationSeconds">Communication on the critical path.</param>
/// <param name="CommunicationShare">Communication ÷ step time.</param>
public sealed record LinkOutcome(string Link, double StepSeconds, double ComputeSeconds, double CodecSeconds,
    double CommunicationSeconds, double CommunicationShare);

/// <summary>What one run of a study produced (one line of the study's JSONL file).</summary>
/// <param name="Key">The run.</param>
/// <param name="Codec">The codec with its resolved parameter.</param>
/// <param name="Metric">perplexity or accuracy.</param>
/// <param name="MetricCompressed">The validation metric with compression at inference.</param>
/// <param name="MetricUncompressed">The validation metric with compression off at inference.</param>
/// <param name="FinalLoss">The training loss of the last step.</param>
/// <param name="LossCurve">The training loss of every step.</param>
/// <param name="BytesPerStep">Bytes one rank sends per compressed step.</param>
/// <param name="Links">The simulated step on each link.</param>
public sealed record RunRecord(RunKey Key, string Codec, string Metric, double MetricCompressed,
    double MetricUncompressed, double FinalLoss, double[] LossCurve, double BytesPerStep, LinkOutcome[] Links);

/// <summary>
/// Runs one study cell: trains the sharded model with its codec for the study's steps on simulated devices, evaluates
/// it with compression on and off, and replays each measured step on every link of the grid.
/// </summary>
public static class StudyRunner
{
    /// <summary>The data of <paramref name="settings"/> for seed node <paramref name="seeds"/>.</summary>
    public static SequenceData DataOf(StudySettings settings, SeedTree seeds) => settings.Data.ToLowerInvariant() switch
    {
        "markov" => new MarkovSource(16, 2, seeds.Stream("source")),
        "classify" => new CountClassification(16, 4, seeds.Stream("task")),
        _ => new TextBytes(settings.Data, settings.Sequence),
    };

    /// <summary>Runs <paramref name="key"/>; the seed node is the study's, so runs of the same seed index share their
    /// data and initial weights.</summary>
    public static RunRecord Run(StudySettings settings, RunKey key, SeedTree study,
        CancellationToken cancellation = default)
    {
        var seeds = study.Child($"seed{key.Seed}");
        DeterministicTorch.Configure(seeds, settings.Threads);
        var data = DataOf(settings, seeds);
        var config = new TransformerConfig(settings.Layers, settings.Hidden, settings.Heads, settings.Sequence,
            data.Vocabulary, data.Task, data.Classes);
        var layout = Parallelism.Parse(key.Parallelism);
        var plan = new CompressionPlan(CodecSettings.Parse(key.Method, key.Ratio),
            TensorStartLayer: settings.StartLayer, WarmupSteps: settings.Warmup);
        using var weights = new TransformerWeights(config, seeds.SeedOf("weights"));
        using var model = new ShardedTransformer(weights, layout.Tensor, layout.Pipeline, plan, seeds.Child("codecs"));
        using var adam = new HeldScalars.Adam(model.Parameters, settings.LearningRate);
        var train = seeds.Stream("train");
        var validationStream = seeds.Stream("validation");
        var validation = Enumerable.Range(0, settings.ValidationBatches)
            .Select(_ => data.Batch(settings.MicroBatchSize, settings.Sequence, validationStream)).ToArray();
        var losses = new double[settings.Steps];
        var profiles = new List<StepProfile>();
        for (var step = 0; step < settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batches = Enumerable.Range(0, settings.MicroBatches)
                .Select(_ => data.Batch(settings.MicroBatchSize, settings.Sequence, train)).ToArray();
            adam.zero_grad();
            var (loss, profile) = model.TrainStep(batches, step);
            adam.step();
            losses[step] = loss;
            if (step >= settings.Warmup) profiles.Add(profile);
        }
        var language = data.Task == TransformerTask.Language;
        double Metric(bool compressed)
        {
            var (loss, accuracy) = model.Evaluate(validation, compressed);
            return language ? Math.Exp(loss) : accuracy;
        }
        var schedule = StepSimulator.Schedules.Get(settings.Schedule);
        var links = settings.Links.Select(text =>
        {
            var network = Network.Uniform(LinkModel.Parse(text));
            var timelines = profiles.Select(p => StepSimulator.Simulate(p, network, schedule)).ToArray();
            var step = timelines.Average(t => t.Makespan);
            return new LinkOutcome(LinkModel.Parse(text).ToString(), step, timelines.Average(t => t.Compute),
                timelines.Average(t => t.Codec), timelines.Average(t => t.Communication),
                timelines.Average(t => t.CommunicationShare));
        }).ToArray();
        var codecName = CodecName(key, config);
        var (compressedMetric, plainMetric) = (Metric(true), Metric(false));
        foreach (var (tokens, targets) in validation)
        {
            tokens.Dispose();
            targets.Dispose();
        }
        return new RunRecord(key, codecName, language ? "perplexity" : "accuracy", compressedMetric, plainMetric,
            losses[^1], losses, profiles.Average(p => (double)p.BytesPerStep), links);
    }

    private static string CodecName(RunKey key, TransformerConfig config)
    {
        using var codec = CodecCatalog.Create(CodecSettings.Parse(key.Method, key.Ratio),
            new CodecSite(config.Hidden, 0));
        return codec.Name;
    }
}
